// resizes through libvips: its own cubic resize, or the affine bicubic transformers.js 4.3 uses in node.
import sharp from "sharp";
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
 * libvips' resize with the Catmull-Rom cubic kernel (`kernel: "cubic"`): fast, close to Pillow but not equal.
 *
 * @example
 * import { resizeSharp } from "omnispec/modalities";
 * const out = await resizeSharp({ data: new Uint8Array(8 * 8 * 3), width: 8, height: 8 }, 4, 4);
 */
export async function resizeSharp(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (width === image.width && height === image.height) return { data: image.data.slice(), width, height };
  return toRgb(fromRaw(image).resize({ width, height, fit: "fill", kernel: "cubic" }));
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
