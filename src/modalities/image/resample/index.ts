// one entry point for the three resamplers.
import { OmnispecError } from "../../../errors.js";
import { resizePillowParallel } from "./parallel.js";
import { resizeSharp, resizeTransformersJs } from "./sharp.js";
import type { ResampleMethod, RgbImage } from "./types.js";

export { resizePillow, pillowCoefficients, bicubicKernel, PRECISION_BITS, type Coefficients } from "./pil.js";
export { growPillow, resizeSharp, resizeTransformersJs } from "./sharp.js";
export { resizePillowAway, resizePillowParallel } from "./parallel.js";
export type { ResampleMethod, RgbImage } from "./types.js";

export const RESAMPLE_METHODS: readonly ResampleMethod[] = ["pil", "sharp", "transformersjs"];

export interface ResizeOptions {
  /** default `pil` (exact Pillow bicubic) */
  method?: ResampleMethod;
  /** named in errors */
  slot?: string;
}

/**
 * Throws `media/degenerate` unless both sides are positive integers.
 *
 * @example
 * import { assertResizable } from "omnispec/modalities";
 * assertResizable(448, 308); // fine; 0 x 10 throws
 */
export function assertResizable(width: number, height: number, slot?: string, file?: string): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new OmnispecError("media/degenerate", `cannot resize to ${width}x${height}`, { slot, file, value: { width, height }, hint: "both sides must be positive integers" });
  }
}

/**
 * Resizes 8-bit RGB pixels to `width` x `height` with the chosen resampler.
 *
 * @example
 * import { resize } from "omnispec/modalities";
 * const img = { data: new Uint8Array(640 * 480 * 3), width: 640, height: 480 };
 * const out = await resize(img, 224, 168, { method: "pil" }); // out.data.length === 224 * 168 * 3
 */
export async function resize(image: RgbImage, width: number, height: number, opts: ResizeOptions = {}): Promise<RgbImage> {
  const method = opts.method ?? "pil";
  assertResizable(width, height, opts.slot);
  if (image.data.length !== image.width * image.height * 3) {
    throw new OmnispecError("input/invalid", `pixel buffer holds ${image.data.length} bytes, not ${image.width}x${image.height}x3`, { slot: opts.slot });
  }
  switch (method) {
    case "pil":
      return resizePillowParallel(image, width, height);
    case "sharp":
      return resizeSharp(image, width, height);
    case "transformersjs":
      return resizeTransformersJs(image, width, height);
    default:
      throw new OmnispecError("input/invalid", `unknown resample method "${String(method)}"`, {
        slot: opts.slot,
        value: method,
        hint: `use one of ${RESAMPLE_METHODS.join(", ")}`,
      });
  }
}
