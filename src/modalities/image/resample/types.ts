// the pixel buffer every image step passes on.

/** 8-bit RGB pixels, interleaved row by row (`data.length === width * height * 3`). */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * How to resample: `pil` is exact Pillow bicubic, `sharp` is libvips' cubic reduce for shrinking axes (Pillow's pass for
 * growing ones), `transformersjs` is what transformers.js 4.3 does.
 */
export type ResampleMethod = "pil" | "sharp" | "transformersjs";
