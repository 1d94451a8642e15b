import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Qwen2VLImageProcessor, RawImage } from "@huggingface/transformers";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { orientPoint } from "../../../tests/fixtures/images.js";
import { OmnispecError } from "../../errors.js";
import { decodeImage } from "./decode.js";
import { CLIP_MEAN, CLIP_STD, HALF_MEAN, HALF_STD, normalizeTable, patchify, patchShape } from "./patchify.js";
import { resize } from "./resample/index.js";
import type { RgbImage } from "./resample/types.js";
import { smartResize } from "./smart-resize.js";

const TMP = join(import.meta.dirname, "../../../tests/tmp/images");

function image(width: number, height: number, at: (x: number, y: number, c: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = at(x, y, c);
  return { data, width, height };
}

/** The reference layout written as numpy does it: a (T, C, H, W) array viewed as 9 axes, permuted (0,3,6,4,7,2,1,5,8), flattened. */
function referencePatches(frames: RgbImage[], p: number, m: number, tps: number, table: Float32Array): Float32Array {
  const { width: W, height: H } = frames[0];
  const T = frames.length;
  const shape = [T / tps, tps, 3, H / p / m, m, p, W / p / m, m, p];
  const perm = [0, 3, 6, 4, 7, 2, 1, 5, 8];
  const outShape = perm.map((a) => shape[a]);
  const total = outShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(total);
  const idx = new Array(9).fill(0);
  for (let flat = 0; flat < total; flat++) {
    let r = flat;
    for (let d = 8; d >= 0; d--) {
      idx[perm[d]] = r % outShape[d];
      r = Math.floor(r / outShape[d]);
    }
    const [gt, tt, c, bh, mh, py, bw, mw, px] = idx;
    const t = gt * tps + tt;
    const y = (bh * m + mh) * p + py;
    const x = (bw * m + mw) * p + px;
    out[flat] = table[c * 256 + frames[t].data[(y * W + x) * 3 + c]];
  }
  return out;
}

describe("patchify", () => {
  const coded = image(112, 56, (x, y, c) => (x * 7 + y * 3 + c * 85) & 255);

  it("lays a still image out as the reference reshape/transpose, repeated to the temporal patch", () => {
    const opts = { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD };
    const p = patchify(coded, opts);
    expect(p.gridThw).toEqual([1, 4, 8]);
    expect(p.dims).toEqual([32, 3 * 2 * 14 * 14]);
    const ref = referencePatches([coded, coded], 14, 2, 2, normalizeTable(CLIP_MEAN, CLIP_STD));
    expect(p.pixelValues).toEqual(ref);
  });

  it("groups video frames in temporal pairs (grid_t = T / 2) and pads an odd count with the last frame", () => {
    const frames = [0, 1, 2, 3].map((k) => image(64, 32, (x, y, c) => (x * 5 + y * 9 + c * 40 + k * 60) & 255));
    const opts = { patchSize: 16, mergeSize: 2, temporalPatchSize: 2, mean: HALF_MEAN, std: HALF_STD };
    const p = patchify(frames, opts);
    expect(p.gridThw).toEqual([2, 2, 4]);
    expect(p.pixelValues).toEqual(referencePatches(frames, 16, 2, 2, normalizeTable(HALF_MEAN, HALF_STD)));
    const odd = patchify(frames.slice(0, 3), opts);
    expect(odd.gridThw).toEqual([2, 2, 4]);
    expect(odd.pixelValues).toEqual(referencePatches([...frames.slice(0, 3), frames[2]], 16, 2, 2, normalizeTable(HALF_MEAN, HALF_STD)));
  });

  it("equals the reference layout on random pixels for several geometries (patch, merge, temporal patch, frames)", () => {
    let seed = 12345;
    const noise = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24);
    for (const [p, m, tps, w, h, frames] of [[14, 2, 2, 224, 168, 1], [16, 2, 2, 96, 160, 3], [14, 1, 1, 42, 28, 2], [8, 3, 3, 48, 24, 4]]) {
      const list = Array.from({ length: frames }, () => image(w, h, () => noise()));
      const opts = { patchSize: p, mergeSize: m, temporalPatchSize: tps, mean: CLIP_MEAN, std: CLIP_STD };
      const padded = Array.from({ length: Math.ceil(frames / tps) * tps }, (_, i) => list[Math.min(i, frames - 1)]);
      const ref = referencePatches(frames === 1 ? Array.from({ length: tps }, () => list[0]) : padded, p, m, tps, normalizeTable(CLIP_MEAN, CLIP_STD));
      const ours = patchify(frames === 1 ? list[0] : list, opts);
      expect(ours.dims).toEqual(patchShape(w, h, frames, opts).dims);
      expect(ours.pixelValues).toEqual(ref);
    }
  });

  it("writes into a given buffer of the right length and refuses one of the wrong length", () => {
    const opts = { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD, slot: "img" };
    const { dims } = patchShape(coded.width, coded.height, 1, opts);
    const out = new Float32Array(dims[0] * dims[1]).fill(Number.NaN);
    const p = patchify(coded, { ...opts, out });
    expect(p.pixelValues).toBe(out);
    expect(out).toEqual(patchify(coded, opts).pixelValues);
    expect(() => patchify(coded, { ...opts, out: new Float32Array(dims[0] * dims[1] - 1) })).toThrow(/holds .* values/);
  });

  it("reads stored pixels through each EXIF orientation: the same patches as the upright picture", () => {
    const upright = image(84, 56, (x, y, c) => (x * 37 + y * 101 + c * 59 + ((x * y) >> 3)) & 255);
    const opts = { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD };
    const want = patchify(upright, opts).pixelValues;
    for (let o = 1; o <= 8; o++) {
      const [w, h] = o >= 5 ? [56, 84] : [84, 56];
      const stored = image(w, h, (x, y, c) => {
        const [ux, uy] = orientPoint(o, x, y, w, h);
        return upright.data[(uy * 84 + ux) * 3 + c];
      });
      const got = patchify(stored, { ...opts, orientation: o });
      expect(got.gridThw, `orientation ${o}`).toEqual([1, 4, 6]);
      expect(got.pixelValues, `orientation ${o}`).toEqual(want);
    }
    expect(() => patchify(upright, { ...opts, orientation: 9 })).toThrow(/orientation 9/);
  });

  it("normalises with rescale 1/255 then (x - mean) / std per channel", () => {
    const table = normalizeTable(HALF_MEAN, HALF_STD);
    expect(table[0]).toBe(-1);
    expect(table[255]).toBe(1);
    const clip = normalizeTable(CLIP_MEAN, CLIP_STD);
    expect(clip[2 * 256 + 128]).toBeCloseTo((128 / 255 - CLIP_MEAN[2]) / CLIP_STD[2], 6);
  });

  it("refuses sizes that are not multiples of patch x merge and frames of different sizes", () => {
    const opts = { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD, slot: "img" };
    expect(() => patchify(image(30, 28, () => 0), opts)).toThrow(OmnispecError);
    expect(() => patchify([coded, image(56, 56, () => 0)], opts)).toThrow(/differ in size/);
  });

  it("equals transformers.js 4.3 Qwen2VLImageProcessor on a generated image (resample=transformersjs)", async () => {
    mkdirSync(TMP, { recursive: true });
    const W = 301;
    const H = 207;
    const src = image(W, H, (x, y, c) => (Math.round(127 + 120 * Math.sin(x / 9 + c) * Math.cos(y / 13)) + ((x * y) % 17)) & 255);
    const file = join(TMP, "parity-301x207.png");
    await sharp(src.data, { raw: { width: W, height: H, channels: 3 } }).png().toFile(file);
    const proc = new Qwen2VLImageProcessor({
      do_resize: true,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [...CLIP_MEAN],
      image_std: [...CLIP_STD],
      min_pixels: 3136,
      max_pixels: 12845056,
      patch_size: 14,
      merge_size: 2,
      temporal_patch_size: 2,
      resample: 3,
      do_convert_rgb: true,
    } as ConstructorParameters<typeof Qwen2VLImageProcessor>[0]);
    const theirs = (await proc(await RawImage.read(file))) as { pixel_values: { data: Float32Array; dims: number[] }; image_grid_thw: { data: BigInt64Array } };

    const size = smartResize({ width: W, height: H, factor: 28, minPixels: 3136, maxPixels: 12845056 });
    const resized = await resize(await decodeImage(file), size.width, size.height, { method: "transformersjs" });
    const ours = patchify(resized, { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD });

    expect(ours.dims).toEqual(theirs.pixel_values.dims);
    expect(ours.gridThw).toEqual(Array.from(theirs.image_grid_thw.data, Number));
    let max = 0;
    for (let i = 0; i < ours.pixelValues.length; i++) max = Math.max(max, Math.abs(ours.pixelValues[i] - theirs.pixel_values.data[i]));
    expect(max).toBeLessThanOrEqual(1e-5);

    // and the exact Pillow path differs from it (transformers.js does not antialias)
    const pil = patchify(await resize(await decodeImage(file), size.width, size.height, { method: "pil" }), {
      patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD,
    });
    let pilMax = 0;
    for (let i = 0; i < pil.pixelValues.length; i++) pilMax = Math.max(pilMax, Math.abs(pil.pixelValues[i] - theirs.pixel_values.data[i]));
    expect(pilMax).toBeGreaterThan(1e-3);
  });
});
