import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { imageFixtures, uprightColour, UPRIGHT, type ImageFixtures } from "../../../tests/fixtures/images.js";
import { OmnispecError } from "../../errors.js";
import { decodeImage, openImage, readImageSize } from "./decode.js";
import { resize } from "./resample/index.js";
import type { RgbImage } from "./resample/types.js";

let f: ImageFixtures;
beforeAll(async () => {
  f = await imageFixtures();
});

const at = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
const near = (a: number[], b: readonly number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

/** sample points well inside each region of the upright picture (away from JPEG edge ringing) */
const probes: [number, number][] = [[6, 6], [18, 18], [89, 57], [76, 44], [48, 3], [50, 30], [6, 57], [89, 6]];

async function expectError(p: Promise<unknown>, code: string, file?: string): Promise<OmnispecError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(OmnispecError);
  const err = e as OmnispecError;
  expect(err.code).toBe(code);
  expect(err.slot).toBe("img");
  if (file !== undefined) expect(err.file).toBe(file);
  expect(err.message).toContain('slot "img"');
  return err;
}

describe("decodeImage orientation", () => {
  it("stores the 8 fixtures sideways or mirrored (the test would be vacuous otherwise)", async () => {
    const stored = new Set<string>();
    for (let o = 1; o <= 8; o++) {
      const raw = await decodeImage(f.oriented[o], { orient: false });
      expect(raw.original.orientation).toBe(o);
      stored.add(at(raw, 2, 2).map((v) => Math.round(v / 64)).join(","));
    }
    expect(stored.size).toBeGreaterThan(1);
  });

  for (let o = 1; o <= 8; o++) {
    it(`turns EXIF orientation ${o} upright`, async () => {
      const img = await decodeImage(f.oriented[o], { slot: "img" });
      expect([img.width, img.height]).toEqual([UPRIGHT.width, UPRIGHT.height]);
      for (const [x, y] of probes) expect(near(at(img, x, y), uprightColour(x, y), 12), `(${x}, ${y})`).toBe(true);
      expect(img.steps.some((s) => s.startsWith("orient"))).toBe(o !== 1);
    });
  }

  it("keeps the stored pixels with orient: false and readImageSize follows both", async () => {
    const raw = await decodeImage(f.oriented[6], { orient: false });
    expect([raw.width, raw.height]).toEqual([UPRIGHT.height, UPRIGHT.width]);
    expect(raw.steps).toContain("orient off (exif 6 ignored)");
    expect(await readImageSize(f.oriented[6])).toMatchObject({ width: 96, height: 64, storedWidth: 64, storedHeight: 96, orientation: 6 });
    expect(await readImageSize(f.oriented[6], { orient: false })).toMatchObject({ width: 64, height: 96 });
    expect(await readImageSize(readFileSync(f.oriented[3]))).toMatchObject({ width: 96, height: 64, orientation: 3, format: "jpeg" });
  });
});

describe("decodeImage formats", () => {
  const exact = ["png", "png16", "palette", "rgba", "webp", "gif", "avif"] as const;
  for (const k of exact) {
    it(`decodes ${k} to the picture's RGB`, async () => {
      const img = await decodeImage(f.formats[k], { background: "none" });
      expect([img.width, img.height, img.data.length]).toEqual([96, 64, 96 * 64 * 3]);
      for (const [x, y] of probes) expect(near(at(img, x, y), uprightColour(x, y), 1), `${k} (${x}, ${y})`).toBe(true);
    });
  }

  it("decodes TIFF and the first GIF frame", async () => {
    const tiff = await decodeImage(f.formats.tiff);
    for (const [x, y] of probes) expect(near(at(tiff, x, y), uprightColour(x, y), 12)).toBe(true);
    const gif = await decodeImage(f.formats.gif);
    expect(gif.steps[0]).toContain("frame 1 of 2");
  });

  it("composites alpha on white by default (qwen-vl-utils to_rgb), on another colour, or drops it (bare Pillow convert)", async () => {
    const dropped = await decodeImage(f.formats.rgba, { background: "none" });
    expect(dropped.steps).toContain("alpha dropped");
    expect(at(dropped, 89, 57)).toEqual([30, 30, 220]);
    const white = await decodeImage(f.formats.rgba);
    expect(white.steps).toContain("alpha composited on #ffffff");
    expect(at(white, 89, 57)).toEqual([255, 255, 255]);
    expect(at(white, 6, 6)).toEqual([220, 30, 30]);
    const black = await decodeImage(f.formats.rgba, { background: "black" });
    expect(at(black, 89, 57)).toEqual([0, 0, 0]);
    expect(dropped.original.hasAlpha).toBe(true);
  });

  it("turns grayscale (with or without alpha) into three equal channels", async () => {
    for (const k of ["gray", "gray-alpha"] as const) {
      const img = await decodeImage(f.formats[k], { background: "none" });
      expect(img.data.length).toBe(96 * 64 * 3);
      expect(img.steps).toContain("gray to rgb");
      const [r, g, b] = at(img, 6, 6);
      expect(r === g && g === b).toBe(true);
      expect(at(img, 50, 30)).toEqual([128, 128, 128]);
    }
  });

  it("turns CMYK into RGB with red still red and blue still blue", async () => {
    const img = await decodeImage(f.formats.cmyk);
    expect(img.original.space).toBe("cmyk");
    expect(img.steps).toContain("cmyk to rgb");
    const [r, g, b] = at(img, 6, 6);
    expect(r).toBeGreaterThan(150);
    expect(g + b).toBeLessThan(150);
    const [r2, , b2] = at(img, 89, 57);
    expect(b2).toBeGreaterThan(r2 + 60);
  });
});

describe("decodeImage hostile input", () => {
  it("refuses a missing file", async () => {
    await expectError(decodeImage(f.hostile.missing, { slot: "img" }), "media/not-found", f.hostile.missing);
  });
  it("refuses a zero-byte file and empty bytes", async () => {
    await expectError(decodeImage(f.hostile.empty, { slot: "img" }), "media/unreadable", f.hostile.empty);
    await expectError(decodeImage(new Uint8Array(0), { slot: "img" }), "media/unreadable");
  });
  it("refuses a truncated JPEG", async () => {
    const e = await expectError(decodeImage(f.hostile.truncated, { slot: "img" }), "media/unreadable", f.hostile.truncated);
    expect(e.hint).toMatch(/truncated/);
    // the header is whole: the size is readable, the pixels are not
    expect(await readImageSize(f.hostile.truncated)).toMatchObject({ width: 256, height: 192 });
    expect(e.message).toMatch(/could not be decoded/);
  });
  it("refuses a text file named .jpg as an unsupported format", async () => {
    await expectError(decodeImage(f.hostile.text, { slot: "img" }), "media/unsupported", f.hostile.text);
  });
  it("refuses a 100000 x 100000 PNG from its header, before decoding, and names the size", async () => {
    const e = await expectError(decodeImage(f.hostile.bomb, { slot: "img" }), "media/too-large", f.hostile.bomb);
    expect(e.value).toEqual({ width: 100_000, height: 100_000 });
    await expectError(readImageSize(f.hostile.bomb, { slot: "img" }), "media/too-large");
    // a lower limit refuses ordinary images too
    await expectError(decodeImage(f.formats.png, { slot: "img", maxPixels: 1000 }), "media/too-large");
  });
  it("decodes 1 x 1 and 1 x 10000 images", async () => {
    const tiny = await decodeImage(f.hostile.tiny);
    expect([tiny.width, tiny.height, ...tiny.data]).toEqual([1, 1, 10, 200, 30]);
    const tall = await decodeImage(f.hostile.tall);
    expect([tall.width, tall.height, tall.data.length, tall.data[29_999]]).toEqual([1, 10000, 30000, 77]);
  });
});

describe("openImage", () => {
  it("reads the upright size from the header, then decodes and resizes as decodeImage + resize would", async () => {
    const img = await openImage(f.oriented[6], { slot: "img" });
    expect([img.width, img.height, img.original.orientation]).toEqual([UPRIGHT.width, UPRIGHT.height, 6]);
    const plain = await decodeImage(f.oriented[6]);
    expect(Buffer.from((await img.decode()).data).equals(Buffer.from(plain.data))).toBe(true);
    // shrink both, shrink one and grow the other, grow both
    for (const [w, h] of [[56, 28], [56, 84], [140, 112]]) {
      for (const method of ["pil", "sharp", "transformersjs"] as const) {
        const out = await img.decode({ width: w, height: h, method });
        expect([out.width, out.height]).toEqual([w, h]);
        expect(out.steps.at(-1)).toBe(`resize 96x64 -> ${w}x${h} (${method})`);
        const ref = await resize(plain, w, h, { method });
        let max = 0;
        for (let i = 0; i < ref.data.length; i++) max = Math.max(max, Math.abs(out.data[i] - ref.data[i]));
        // sharp's one libvips call may shrink the stored pixels before it turns them upright (passes in the other order)
        expect(max, `${method} ${w}x${h}`).toBeLessThanOrEqual(method === "sharp" ? 1 : 0);
      }
    }
  });

  it("refuses a bomb from the header and names the slot and file when the pixels are broken", async () => {
    await expectError(openImage(f.hostile.bomb, { slot: "img" }), "media/too-large", f.hostile.bomb);
    const truncated = await openImage(f.hostile.truncated, { slot: "img" });
    await expectError(truncated.decode({ width: 128, height: 96, method: "sharp" }), "media/unreadable", f.hostile.truncated);
  });
});
