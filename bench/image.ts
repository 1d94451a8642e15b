// image: decode + smart resize + normalise + patchify of the 7 real photos, against transformers.js RawImage.read +
// Qwen2VLImageProcessor with the same config, and against the floor (sharp decode + resize alone).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Qwen2VLImageProcessor, RawImage } from "@huggingface/transformers";
import sharp from "sharp";
import { decodeImage } from "../src/modalities/image/decode.js";
import { CLIP_MEAN, CLIP_STD, patchify } from "../src/modalities/image/patchify.js";
import { resize } from "../src/modalities/image/resample/index.js";
import type { ResampleMethod } from "../src/modalities/image/resample/types.js";
import { smartResize } from "../src/modalities/image/smart-resize.js";
import { printResults, type BenchResult } from "./types.js";

const MEDIA = process.env.OMNISPEC_MEDIA_DIR ?? fileURLToPath(new URL("../../shared/media/", import.meta.url));
const CONFIG = { minPixels: 3136, maxPixels: 12845056, patchSize: 14, mergeSize: 2, temporalPatchSize: 2 } as const;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** ms per photo of each pipeline: the median over rounds, each round one pass over all photos per pipeline in turn
 * (interleaved, so that load from elsewhere on the machine falls on all of them alike), after a warm-up round */
async function perPhoto(photos: string[], pipelines: ((file: string) => Promise<unknown>)[], rounds: number): Promise<number[]> {
  const ms: number[][] = pipelines.map(() => []);
  for (let r = 0; r <= rounds; r++) {
    for (const [i, f] of pipelines.entries()) {
      const t0 = performance.now();
      for (const p of photos) await f(p);
      if (r > 0) ms[i].push((performance.now() - t0) / photos.length);
    }
  }
  return ms.map(median);
}

function targetSize(width: number, height: number): { width: number; height: number } {
  return smartResize({ width, height, factor: CONFIG.patchSize * CONFIG.mergeSize, minPixels: CONFIG.minPixels, maxPixels: CONFIG.maxPixels });
}

/** time spent per stage, summed over the measured runs of our pipelines */
const stages: Record<string, { ms: number; n: number }> = {};
function stage(name: string, t0: number): number {
  const now = performance.now();
  const s = (stages[name] ??= { ms: 0, n: 0 });
  s.ms += now - t0;
  s.n++;
  return now;
}

async function ours(file: string, method: ResampleMethod): Promise<number> {
  let t = performance.now();
  const img = await decodeImage(file);
  t = stage("decode (sharp, upright, 8-bit RGB)", t);
  const size = targetSize(img.width, img.height);
  const resized = await resize(img, size.width, size.height, { method });
  t = stage(`resize ${method}`, t);
  const n = patchify(resized, { ...CONFIG, mean: CLIP_MEAN, std: CLIP_STD }).dims[0];
  stage("normalise + patchify", t);
  return n;
}

async function floor(file: string): Promise<number> {
  const meta = await sharp(file).metadata();
  const swap = (meta.orientation ?? 1) >= 5;
  const size = targetSize(swap ? meta.height! : meta.width!, swap ? meta.width! : meta.height!);
  const { info } = await sharp(file).autoOrient().resize({ width: size.width, height: size.height, fit: "fill", kernel: "cubic" }).raw().toBuffer({ resolveWithObject: true });
  return info.width;
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
  const [peer, pil, fast, base] = await perPhoto(photos, [async (f) => processor(await RawImage.read(f)), (f) => ours(f, "pil"), (f) => ours(f, "sharp"), floor], 5);
  const peerName = "transformers.js RawImage.read + Qwen2VLImageProcessor";
  const note = `${photos.length} photos 1800x1200 -> 1792x1204 (min 3136, max 12845056, patch 14, merge 2); medians of rounds`;
  const breakdown: BenchResult[] = Object.entries(stages).map(([name, s]) => ({ name: `  stage: ${name}`, value: s.ms / s.n, unit: "ms/photo", note: "mean over all runs" }));
  return [
    { name: "decode + smart resize + normalise + patchify, resample=pil (exact)", value: pil, unit: "ms/photo", peer: peerName, peerValue: peer, ratio: peer / pil, target: ">= 5x (aim 10x)", note },
    { name: "decode + smart resize + normalise + patchify, resample=sharp", value: fast, unit: "ms/photo", peer: peerName, peerValue: peer, ratio: peer / fast, target: ">= 10x" },
    { name: "resample=pil against the floor", value: pil, unit: "ms/photo", peer: "sharp decode + cubic resize alone", peerValue: base, ratio: base / pil },
    { name: "resample=sharp against the floor", value: fast, unit: "ms/photo", peer: "sharp decode + cubic resize alone", peerValue: base, ratio: base / fast },
    { name: "the floor against transformers.js", value: base, unit: "ms/photo", peer: peerName, peerValue: peer, ratio: peer / base, note: "the most any sharp-based pipeline could reach" },
    ...breakdown,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printResults("image", await run());
