import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CLIP_MEAN, CLIP_STD } from "./patchify.js";
import { imagePixelValues, type PixelValuesOptions } from "./pixel-values.js";
import type { ResampleMethod } from "./resample/types.js";
import { smartResize } from "./smart-resize.js";

const IMAGES = join(resolve(process.env.OMNISPEC_MEDIA_DIR ?? "../shared/media"), "images");
const photos = readdirSync(IMAGES).filter((f) => f.endsWith(".jpg"));

const options = (method: ResampleMethod, maxPixels: number): PixelValuesOptions => ({
  size: ({ width, height }) => smartResize({ width, height, factor: 28, minPixels: 3136, maxPixels }),
  method,
  patchSize: 14,
  mergeSize: 2,
  temporalPatchSize: 2,
  mean: CLIP_MEAN,
  std: CLIP_STD,
});

/** max and mean difference in uint8 levels between two pixel_values of the same layout */
function levels(a: Float32Array, b: Float32Array): { max: number; mean: number } {
  const block = 2 * 14 * 14;
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) * CLIP_STD[Math.floor(i / block) % 3] * 255;
    sum += d;
    if (d > max) max = d;
  }
  return { max: Math.round(max), mean: sum / a.length };
}

describe("resample=sharp pixel values against the exact Pillow path on the real photos", () => {
  // 12845056: the photos keep their size (1800 -> 1792 shrinks in libvips, 1200 -> 1204 grows in Pillow's pass);
  // 313600: a 3.5x downscale, where libvips decodes the JPEG shrunk on load
  for (const maxPixels of [12845056, 313600]) {
    it(`max_pixels ${maxPixels}: upright, same grid, within a few levels`, async () => {
      const rows: string[] = [];
      for (const file of photos) {
        const path = join(IMAGES, file);
        const exact = await imagePixelValues(path, options("pil", maxPixels));
        const fast = await imagePixelValues(path, options("sharp", maxPixels));
        expect(fast.gridThw).toEqual(exact.gridThw);
        const e = levels(exact.pixelValues, fast.pixelValues);
        rows.push(`${file} ${exact.width}x${exact.height}: max ${e.max}, mean ${e.mean.toFixed(2)}`);
        // a photo read turned the wrong way would be off by tens of levels on average
        expect(e.mean).toBeLessThan(1);
      }
      console.log(`resample=sharp vs pil, max_pixels ${maxPixels} (uint8 levels):\n  ${rows.join("\n  ")}`);
    });
  }
});
