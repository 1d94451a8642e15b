import { describe, expect, it } from "vitest";
import { OmnispecError } from "../../../errors.js";
import { resize } from "./index.js";
import type { RgbImage } from "./types.js";

function photoLike(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const smooth = 128 + 90 * Math.sin(x / 23 + c) * Math.cos(y / 31);
        const edge = (x > width / 3 && x < width / 2) || (y % 97 < 4) ? 60 : 0;
        data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(smooth + edge)));
      }
    }
  }
  return { data, width, height };
}

function error(a: RgbImage, b: RgbImage): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / a.data.length };
}

describe("resize", () => {
  const src = photoLike(600, 400);

  it("reports how far sharp and transformers.js' affine bicubic are from Pillow", async () => {
    const rows: string[] = [];
    for (const [w, h] of [[588, 392], [448, 308], [224, 140], [588, 404], [896, 588]]) {
      const pil = await resize(src, w, h, { method: "pil" });
      for (const method of ["sharp", "transformersjs"] as const) {
        const other = await resize(src, w, h, { method });
        expect([other.width, other.height]).toEqual([w, h]);
        const e = error(pil, other);
        rows.push(`${method} 600x400->${w}x${h}: max ${e.max}, mean ${e.mean.toFixed(3)}`);
        // close in mean on smooth content; sharp equals Pillow only when no axis shrinks (libvips does no work then)
        expect(e.mean).toBeLessThan(8);
        if (method === "transformersjs" || w < 600 || h < 400) expect(e.max).toBeGreaterThan(0);
        else expect(e.max).toBe(0);
      }
    }
    console.log(`resample error against Pillow bicubic (uint8):\n  ${rows.join("\n  ")}`);
  });

  it("sharp: libvips shrinks, Pillow's pass grows (an enlarged axis no longer strays by a libvips affine)", async () => {
    const grown = await resize(src, 600, 404, { method: "sharp" });
    expect(error(grown, await resize(src, 600, 404, { method: "pil" })).max).toBe(0);
    const mixed = await resize(src, 588, 404, { method: "sharp" });
    const shrunk = await resize(src, 588, 400, { method: "sharp" });
    // the same as shrinking with libvips first, then Pillow's vertical pass
    expect(error(mixed, await resize(shrunk, 588, 404, { method: "pil" })).max).toBe(0);
    expect(error(mixed, await resize(src, 588, 404, { method: "pil" })).mean).toBeLessThan(0.5);
  });

  it("returns the input size unchanged for every method", async () => {
    for (const method of ["pil", "sharp", "transformersjs"] as const) {
      const out = await resize(src, 600, 400, { method });
      expect(Array.from(out.data.subarray(0, 300))).toEqual(Array.from(src.data.subarray(0, 300)));
    }
  });

  it("refuses a 0-pixel side, a short buffer and an unknown method, naming the slot", async () => {
    await expect(resize(src, 0, 10, { slot: "img" })).rejects.toMatchObject({ code: "media/degenerate", slot: "img" });
    await expect(resize({ data: new Uint8Array(5), width: 2, height: 2 }, 1, 1)).rejects.toBeInstanceOf(OmnispecError);
    // @ts-expect-error an unknown method is refused at run time too
    await expect(resize(src, 10, 10, { method: "lanczos" })).rejects.toMatchObject({ code: "input/invalid" });
  });
});
