import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeImage } from "./decode.js";
import { resize } from "./resample/index.js";

const MEDIA = resolve(process.env.OMNISPEC_MEDIA_DIR ?? "../shared/media");
const PIXELS = join(MEDIA, "../golden/pixels");

interface PixelCase {
  source: string;
  width: number;
  height: number;
  expected: string;
  note?: string;
}

const { cases } = JSON.parse(readFileSync(join(PIXELS, "cases.json"), "utf8")) as { cases: PixelCase[] };

// sources are relative to the pixels folder, except real photos written "../media/images/...": those live in the media folder
function sourcePath(source: string): string {
  return source.startsWith("../media/") ? join(MEDIA, source.slice("../media/".length)) : join(PIXELS, source);
}

describe("resample=pil against Pillow 9.4 Image.resize(BICUBIC)", () => {
  let matched = 0;
  for (const c of cases) {
    it(`${c.source} -> ${c.width}x${c.height}: 0 differing values`, async () => {
      // PIL does not transpose EXIF orientation in Image.open: the reference saw the stored pixels
      const src = await decodeImage(sourcePath(c.source), { orient: false });
      const out = await resize(src, c.width, c.height, { method: "pil" });
      const { data, info } = await sharp(join(PIXELS, c.expected)).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
      expect([out.width, out.height]).toEqual([info.width, info.height]);
      let differing = 0;
      for (let i = 0; i < data.length; i++) if (data[i] !== out.data[i]) differing++;
      expect(differing).toBe(0);
      matched++;
    });
  }
  it("matched every case", () => {
    console.log(`golden pixel cases matched: ${matched} of ${cases.length}`);
    expect(matched).toBe(cases.length);
  });
});

describe("resample=sharp and resample=transformersjs against the same Pillow references (reported, not required equal)", () => {
  it("reports max / mean uint8 error per case", async () => {
    const rows: string[] = [];
    for (const c of cases) {
      const src = await decodeImage(sourcePath(c.source), { orient: false });
      const { data } = await sharp(join(PIXELS, c.expected)).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
      const cells: string[] = [];
      for (const method of ["sharp", "transformersjs"] as const) {
        const out = await resize(src, c.width, c.height, { method });
        expect(out.data.length).toBe(data.length);
        let max = 0;
        let sum = 0;
        for (let i = 0; i < data.length; i++) {
          const d = Math.abs(data[i] - out.data[i]);
          sum += d;
          if (d > max) max = d;
        }
        cells.push(`${method} max ${max} mean ${(sum / data.length).toFixed(2)}`);
      }
      rows.push(`${c.source} -> ${c.width}x${c.height}: ${cells.join(", ")}`);
    }
    console.log(`error against Pillow bicubic:\n  ${rows.join("\n  ")}`);
    expect(rows).toHaveLength(cases.length);
  });
});
