import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeImage, readImageSize } from "./decode.js";
import type { RgbImage } from "./resample/types.js";

const IMAGES = join(resolve(process.env.OMNISPEC_MEDIA_DIR ?? "../shared/media"), "images");
const photos = readdirSync(IMAGES).filter((f) => /^exif_.*\.jpg$/.test(f));

function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

describe("the real photos come out upright", () => {
  it("finds the 7 photos", () => {
    expect(photos).toHaveLength(7);
  });

  const refs = new Map<string, RgbImage>();
  async function reference(kind: string): Promise<RgbImage> {
    if (!refs.has(kind)) refs.set(kind, await decodeImage(join(IMAGES, `exif_${kind}_1.jpg`)));
    return refs.get(kind)!;
  }

  for (const file of photos) {
    it(`${file} is ${file.includes("Landscape") ? "landscape" : "portrait"} and equals orientation 1 within JPEG noise`, async () => {
      const kind = file.includes("Landscape") ? "Landscape" : "Portrait";
      const img = await decodeImage(join(IMAGES, file), { slot: "img" });
      if (kind === "Landscape") expect(img.width).toBeGreaterThan(img.height);
      else expect(img.height).toBeGreaterThan(img.width);
      const size = await readImageSize(join(IMAGES, file));
      expect([size.width, size.height]).toEqual([img.width, img.height]);
      const ref = await reference(kind);
      expect([img.width, img.height]).toEqual([ref.width, ref.height]);
      const upright = meanAbsDiff(img, ref);
      expect(upright).toBeLessThan(4);
      // the stored pixels of a rotated photo are far from the reference: the check above can fail
      const stored = await decodeImage(join(IMAGES, file), { orient: false });
      if (img.original.orientation !== 1 && stored.width === ref.width) expect(meanAbsDiff(stored, ref)).toBeGreaterThan(4 * upright + 10);
    });
  }
});
