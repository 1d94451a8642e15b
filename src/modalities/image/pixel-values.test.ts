import { beforeAll, describe, expect, it } from "vitest";
import { imageFixtures, UPRIGHT, type ImageFixtures } from "../../../tests/fixtures/images.js";
import { OmnispecError } from "../../errors.js";
import { decodeImage } from "./decode.js";
import { CLIP_MEAN, CLIP_STD, patchify } from "./patchify.js";
import { imagePixelValues, imagePixelValuesBatch, type PixelValuesOptions } from "./pixel-values.js";
import { resize } from "./resample/index.js";
import type { ResampleMethod } from "./resample/types.js";

let f: ImageFixtures;
beforeAll(async () => {
  f = await imageFixtures();
});

const geometry = { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD };
const options = (method: ResampleMethod, size: PixelValuesOptions["size"]): PixelValuesOptions => ({ ...geometry, method, size });
const roundTo28 = ({ width, height }: { width: number; height: number }) => ({ width: Math.max(28, Math.round(width / 28) * 28), height: Math.max(28, Math.round(height / 28) * 28) });

/** the same image through the separate steps: decode upright, resize, patchify */
async function stepByStep(file: string, width: number, height: number, method: ResampleMethod): Promise<Float32Array> {
  return patchify(await resize(await decodeImage(file), width, height, { method }), geometry).pixelValues;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe("imagePixelValues", () => {
  it("resample=pil gives exactly the step-by-step patches, sized from the upright header", async () => {
    const seen: { width: number; height: number }[] = [];
    const timings: Record<string, number> = {};
    const size = (upright: { width: number; height: number }) => (seen.push(upright), { width: 112, height: 84 });
    for (const o of [1, 6]) {
      const p = await imagePixelValues(f.oriented[o], { ...options("pil", size), timings });
      expect([p.width, p.height, p.gridThw, p.dims]).toEqual([112, 84, [1, 6, 8], [48, 1176]]);
      expect(maxDiff(p.pixelValues, await stepByStep(f.oriented[o], 112, 84, "pil"))).toBe(0);
      expect(p.steps.at(-1)).toBe("normalise + patchify 112x84 -> grid 1x6x8");
    }
    expect(seen).toEqual([{ width: UPRIGHT.width, height: UPRIGHT.height }, { width: UPRIGHT.width, height: UPRIGHT.height }]);
    expect(Object.keys(timings)).toEqual(expect.arrayContaining(["header", "decode (libvips)", "resize pil", "normalise + patchify"]));
  });

  it("resample=sharp reads stored pixels turned upright: within one level of turning first, for all 8 orientations", async () => {
    // one level of 255, normalised by the smallest std
    const level = 1 / 255 / Math.min(...CLIP_STD) + 1e-6;
    for (let o = 1; o <= 8; o++) {
      for (const [w, h] of [[56, 28], [112, 84], [84, 56]]) {
        const p = await imagePixelValues(f.oriented[o], options("sharp", { width: w, height: h }));
        expect([p.width, p.height], `orientation ${o}`).toEqual([w, h]);
        expect(maxDiff(p.pixelValues, await stepByStep(f.oriented[o], w, h, "sharp")), `orientation ${o} ${w}x${h}`).toBeLessThanOrEqual(level);
        expect(p.steps.some((s) => s.includes("read turned while patchifying"))).toBe(o !== 1);
      }
    }
    // orient: false keeps the stored pixels
    const stored = await imagePixelValues(f.oriented[6], { ...options("sharp", { width: 56, height: 112 }), orient: false });
    const want = patchify(await resize(await decodeImage(f.oriented[6], { orient: false }), 56, 112, { method: "sharp" }), geometry).pixelValues;
    expect(maxDiff(stored.pixelValues, want)).toBe(0);
  });

  it("writes into a given output buffer (a view of its start) and refuses one too short", async () => {
    const out = new Float32Array(48 * 1176 + 10).fill(Number.NaN);
    const p = await imagePixelValues(f.oriented[3], { ...options("sharp", { width: 112, height: 84 }), out });
    expect(p.pixelValues.buffer).toBe(out.buffer);
    expect(p.pixelValues.length).toBe(48 * 1176);
    expect(maxDiff(p.pixelValues, (await imagePixelValues(f.oriented[3], options("sharp", { width: 112, height: 84 }))).pixelValues)).toBe(0);
    expect(Number.isNaN(out[48 * 1176])).toBe(true);
    await expect(imagePixelValues(f.oriented[3], { ...options("pil", { width: 112, height: 84 }), out: new Float32Array(100), slot: "img" })).rejects.toMatchObject({ code: "input/invalid", slot: "img" });
  });

  it("refuses a size that is not whole merge windows before decoding, and names the slot", async () => {
    const e = await imagePixelValues(f.hostile.truncated, { ...options("pil", { width: 50, height: 28 }), slot: "img" }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(OmnispecError);
    expect((e as OmnispecError).code).toBe("plan/mismatch");
    expect((e as OmnispecError).slot).toBe("img");
  });
});

describe("imagePixelValuesBatch", () => {
  it("keeps input order and reports each failure in its place, the good images still complete", async () => {
    const inputs = [f.oriented[1], f.hostile.missing, f.formats.png, f.hostile.truncated, f.oriented[6], f.hostile.text];
    for (const concurrency of [1, 3]) {
      const results = await imagePixelValuesBatch(inputs, { ...options("sharp", roundTo28), concurrency, slot: "img" });
      const codes = results.map((r) => (r.ok ? "ok" : (r.error as OmnispecError).code));
      expect(codes).toEqual(["ok", "media/not-found", "ok", "media/unreadable", "ok", "media/unsupported"]);
      for (const i of [0, 2, 4]) {
        const r = results[i];
        if (!r.ok) throw r.error;
        expect(maxDiff(r.value.pixelValues, (await imagePixelValues(inputs[i], options("sharp", roundTo28))).pixelValues)).toBe(0);
      }
      const failed = results[1];
      expect(!failed.ok && (failed.error as OmnispecError).file).toBe(f.hostile.missing);
    }
  });

  it("gives different images their own sizes, in order", async () => {
    const results = await imagePixelValuesBatch([f.formats.png, f.hostile.tall, f.hostile.tiny], { ...options("pil", roundTo28), concurrency: 2 });
    expect(results.map((r) => (r.ok ? r.value.gridThw : r.error.message))).toEqual([[1, 4, 6], [1, 714, 2], [1, 2, 2]]);
  });
});
