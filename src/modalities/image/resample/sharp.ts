// resizes through libvips: its cubic reduce for shrinking axes, or the affine bicubic transformers.js 4.3 uses in node.
import sharp from "sharp";
import { resizePillowParallel } from "./parallel.js";
import type { RgbImage } from "./types.js";

type Pipeline = ReturnType<typeof sharp>;

function fromRaw(image: RgbImage): Pipeline {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

async function toRgb(pipeline: Pipeline): Promise<RgbImage> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * Resizes the axes that grow with Pillow's exact bicubic pass; returns `image` itself when none does. libvips enlarges
 * through a 2-D affine that is slow (about 70 ms for 1800x1200 -> 1800x1204) and far from Pillow (up to 185 levels).
 *
 * @example
 * import { growPillow } from "omnispec/modalities";
 * const out = await growPillow({ data: new Uint8Array(8 * 4 * 3), width: 8, height: 4 }, 8, 6); // 8x6
 */
export function growPillow(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (image.width === width && image.height === height) return Promise.resolve(image);
  return resizePillowParallel(image, width, height);
}

/**
 * The fast approximate resampler: libvips' antialiased Catmull-Rom reduce (`kernel: "cubic"`) on the axes that shrink,
 * Pillow's exact bicubic pass ({@link growPillow}) on the axes that grow. Close to Pillow but not equal (the media suite
 * reports the error per case).
 *
 * @example
 * import { resizeSharp } from "omnispec/modalities";
 * const out = await resizeSharp({ data: new Uint8Array(8 * 8 * 3), width: 8, height: 8 }, 4, 4);
 */
export async function resizeSharp(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (width === image.width && height === image.height) return { data: image.data.slice(), width, height };
  const w = Math.min(width, image.width);
  const h = Math.min(height, image.height);
  const shrunk = w === image.width && h === image.height ? image : await toRgb(fromRaw(image).resize({ width: w, height: h, fit: "fill", kernel: "cubic" }));
  return growPillow(shrunk, width, height);
}

/**
 * What transformers.js 4.3 `RawImage.resize(w, h, { resample: 3 })` does in node: a sharp affine scale with the
 * bicubic interpolator (no antialiasing when downscaling).
 *
 * @example
 * import { resizeTransformersJs } from "omnispec/modalities";
 * const out = await resizeTransformersJs({ data: new Uint8Array(8 * 8 * 3), width: 8, height: 8 }, 4, 4);
 */
export async function resizeTransformersJs(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (width === image.width && height === image.height) return image;
  return toRgb(fromRaw(image).affine([width / image.width, 0, 0, height / image.height], { interpolator: "bicubic" }));
}
