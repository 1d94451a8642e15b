// image: decode + smart resize + normalise + patchify of the 7 real photos, against transformers.js RawImage.read +
// Qwen2VLImageProcessor with the same config, and against the floor (sharp decode + resize alone).
import { readdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Qwen2VLImageProcessor, RawImage } from "@huggingface/transformers";
import sharp from "sharp";
import { CLIP_MEAN, CLIP_STD } from "../src/modalities/image/patchify.js";
import { imagePixelValues, imagePixelValuesBatch, type PixelValuesOptions, type Size } from "../src/modalities/image/pixel-values.js";
import type { ResampleMethod } from "../src/modalities/image/resample/types.js";
import { smartResize } from "../src/modalities/image/smart-resize.js";
import { median, printResults, type BenchResult } from "./types.js";

const MEDIA = process.env.OMNISPEC_MEDIA_DIR ?? fileURLToPath(new URL("../../shared/media/", import.meta.url));
const CONFIG = { minPixels: 3136, maxPixels: 12845056, patchSize: 14, mergeSize: 2, temporalPatchSize: 2 } as const;
const ROUNDS = 7;

const targetSize = ({ width, height }: Size): Size =>
  smartResize({ width, height, factor: CONFIG.patchSize * CONFIG.mergeSize, minPixels: CONFIG.minPixels, maxPixels: CONFIG.maxPixels });

/** per stage, summed over the measured sequential runs of our pipelines */
const timings: Record<ResampleMethod, Record<string, number>> = { pil: {}, sharp: {}, transformersjs: {} };
const runs: Record<ResampleMethod, number> = { pil: 0, sharp: 0, transformersjs: 0 };

const options = (method: ResampleMethod, timed: boolean): PixelValuesOptions => ({
  size: targetSize,
  method,
  ...CONFIG,
  mean: CLIP_MEAN,
  std: CLIP_STD,
  timings: timed ? timings[method] : undefined,
});

async function floor(file: string): Promise<number> {
  const meta = await sharp(file).metadata();
  const swap = (meta.orientation ?? 1) >= 5;
  const size = targetSize({ width: swap ? meta.height! : meta.width!, height: swap ? meta.width! : meta.height! });
  const { info } = await sharp(file).autoOrient().resize({ width: size.width, height: size.height, fit: "fill", kernel: "cubic" }).raw().toBuffer({ resolveWithObject: true });
  return info.width;
}

/** a pipeline: everything it does to all photos, once */
type Pass = (photos: string[], measured: boolean) => Promise<unknown>;

const oneByOne = (f: (file: string, measured: boolean) => Promise<unknown>): Pass => async (photos, measured) => {
  for (const p of photos) await f(p, measured);
};

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

/** ms per photo of each pass: the median over rounds, each round every pass in turn (interleaved, so that load from
 * elsewhere on the machine falls on all of them alike), after a warm-up round; each pass starts after a full garbage
 * collection, so that no pass pays for the garbage of the one before */
async function perPhoto(photos: string[], passes: Pass[], rounds: number): Promise<number[]> {
  const ms: number[][] = passes.map(() => []);
  for (let r = 0; r <= rounds; r++) {
    for (const [i, pass] of passes.entries()) {
      collect();
      const t0 = performance.now();
      await pass(photos, r > 0);
      if (r > 0) ms[i].push((performance.now() - t0) / photos.length);
    }
  }
  return ms.map(median);
}

export async function run(): Promise<BenchResult[]> {
  const dir = join(MEDIA, "images");
  const photos = readdirSync(dir).filter((f) => f.endsWith(".jpg")).map((f) => join(dir, f)).filter((f) => /exif_/.test(f));
  const processor = new Qwen2VLImageProcessor({
    do_resize: true,
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [...CLIP_MEAN],
    image_std: [...CLIP_STD],
    min_pixels: CONFIG.minPixels,
    max_pixels: CONFIG.maxPixels,
    patch_size: CONFIG.patchSize,
    merge_size: CONFIG.mergeSize,
    temporal_patch_size: CONFIG.temporalPatchSize,
    resample: 3,
    do_convert_rgb: true,
  } as ConstructorParameters<typeof Qwen2VLImageProcessor>[0]);
  const sequential = (method: ResampleMethod): Pass =>
    oneByOne(async (f, measured) => {
      if (measured) runs[method]++;
      return imagePixelValues(f, options(method, measured));
    });
  // one buffer for every photo: what a caller that is done with the last photo's values can pass as `out`
  const reused = new Float32Array(1792 * 1204 * 6);
  const intoReused = (method: ResampleMethod): Pass => oneByOne((f) => imagePixelValues(f, { ...options(method, false), out: reused }));
  const batch = (method: ResampleMethod): Pass => async (photos) => {
    const results = await imagePixelValuesBatch(photos, { ...options(method, false), concurrency: 2 });
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) throw failed.error;
  };
  const loadBefore = loadavg()[0];
  const [peer, base, pil, fast, pilBatch, fastBatch, pilReused, fastReused] = await perPhoto(
    photos,
    [oneByOne(async (f) => processor(await RawImage.read(f))), oneByOne(floor), sequential("pil"), sequential("sharp"), batch("pil"), batch("sharp"), intoReused("pil"), intoReused("sharp")],
    ROUNDS,
  );
  const load = `load average ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)} on 2 cores`;
  const peerName = "transformers.js RawImage.read + Qwen2VLImageProcessor";
  const note = `${photos.length} photos 1800x1200 -> 1792x1204 (min 3136, max 12845056, patch 14, merge 2); medians of ${ROUNDS} interleaved rounds; ${load}`;
  const vsPeer = (name: string, value: number, target?: string, extra?: string): BenchResult => ({ name, value, unit: "ms/photo", peer: peerName, peerValue: peer, ratio: peer / value, target, note: extra });
  const vsFloor = (name: string, value: number): BenchResult => ({ name, value, unit: "ms/photo", peer: "sharp decode + cubic resize alone", peerValue: base, ratio: base / value });
  const stages = (method: ResampleMethod): BenchResult[] =>
    Object.entries(timings[method]).map(([name, ms]) => ({ name: `  stage (${method}, one by one): ${name}`, value: ms / runs[method], unit: "ms/photo", note: "mean over the measured runs; overlapping stages" }));
  return [
    { name: "transformers.js peer", value: peer, unit: "ms/photo", note },
    vsPeer("the floor: sharp decode + cubic resize alone", base, undefined, "one libvips call per photo, no normalise or patchify"),
    vsPeer("resample=pil (exact), one photo at a time", pil, ">= 5x (aim 10x)"),
    vsPeer("resample=pil (exact), batch of 7, 2 at a time", pilBatch, undefined, "imagePixelValuesBatch, concurrency 2"),
    vsPeer("resample=sharp, one photo at a time", fast, ">= 10x"),
    vsPeer("resample=sharp, batch of 7, 2 at a time", fastBatch, undefined, "imagePixelValuesBatch, concurrency 2"),
    vsPeer("resample=pil, one at a time, into a reused output", pilReused, undefined, "out: one 52 MB buffer for all photos (no fresh pages to map)"),
    vsPeer("resample=sharp, one at a time, into a reused output", fastReused, undefined, "out: one 52 MB buffer for all photos (no fresh pages to map)"),
    vsFloor("resample=pil, one at a time, against the floor", pil),
    vsFloor("resample=sharp, one at a time, against the floor", fast),
    ...stages("pil"),
    ...stages("sharp"),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printResults("image", await run());
