import { describe, expect, it } from "vitest";
import {
  bicubicKernel,
  clip8,
  createPillowSimd,
  horizontalPass,
  pillowCoefficients,
  pillowSimd,
  PRECISION_BITS,
  resizePillow,
  verticalPass,
  type Coefficients,
} from "./pil.js";
import { PIL_WASM_BASE64 } from "./pil-wasm.js";
import type { RgbImage } from "./types.js";

function image(width: number, height: number, at: (x: number, y: number, c: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = at(x, y, c);
  return { data, width, height };
}

const px = (img: RgbImage, x: number, y: number, c = 0) => img.data[(y * img.width + x) * 3 + c];

/** `length` pseudo-random bytes from a fixed generator, so that a failure reproduces */
function noiseBytes(length: number, seed: number): Uint8Array {
  return new Uint8Array(length).map(() => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24);
}

/** output `j` by definition: half a unit plus each tap's sample times its fixed-point weight, shifted and clipped */
function byDefinition(c: Coefficients, j: number, sample: (index: number) => number): number {
  let sum = 1 << (PRECISION_BITS - 1);
  for (let t = 0; t < c.bounds[j * 2 + 1]; t++) sum += sample(c.bounds[j * 2] + t) * c.weights[j * c.ksize + t];
  return clip8(sum);
}

describe("Pillow bicubic port", () => {
  it("has the a = -0.5 kernel: 1 at 0, 0 at the integers, symmetric, zero beyond 2", () => {
    expect(bicubicKernel(0)).toBe(1);
    expect(Math.abs(bicubicKernel(1))).toBe(0);
    expect(Math.abs(bicubicKernel(-1))).toBe(0);
    expect(bicubicKernel(0.25)).toBe(bicubicKernel(-0.25));
    expect(bicubicKernel(1.5)).toBeLessThan(0);
    expect(bicubicKernel(2)).toBe(0);
    expect(bicubicKernel(3)).toBe(0);
  });

  it("derives a 4 -> 2 downscale by hand: taps 111, 111, 29, -9 over 242 (fixed point, rounding offset, clip)", () => {
    // scale 2: support 4, centres 1 and 3, kernel at (x - centre + 0.5) / 2 gives 0.8671875, 0.8671875, 0.2265625, -0.0703125 (sum 121/64)
    const fixed = (num: number) => (num < 0 ? Math.trunc(-0.5 + (num / 242) * 2 ** 22) : Math.trunc(0.5 + (num / 242) * 2 ** 22));
    const taps = [[111, 111, 29, -9], [-9, 29, 111, 111]];
    const row = [[10, 50, 200, 250], [0, 255, 255, 0], [255, 0, 0, 255]];
    const src = image(4, 1, (x, _y, c) => row[c][x]);
    const out = resizePillow(src, 2, 1);
    for (let c = 0; c < 3; c++) {
      for (let xx = 0; xx < 2; xx++) {
        const sum = taps[xx].reduce((s, t, i) => s + row[c][i] * fixed(t), 2 ** 21);
        const expected = Math.min(255, Math.max(0, sum >> 22));
        expect(px(out, xx, 0, c)).toBe(expected);
      }
    }
    // the same taps vertically
    const col = resizePillow(image(1, 4, (_x, y, c) => row[c][y]), 1, 2);
    expect(Array.from(col.data)).toEqual(Array.from(out.data));
  });

  it("normalises coefficients so each output's weights sum to 2^22 (within rounding)", () => {
    for (const [a, b] of [[97, 56], [640, 644], [1800, 448], [3, 100]]) {
      const c = pillowCoefficients(a, b);
      for (let i = 0; i < b; i++) {
        let s = 0;
        for (let k = 0; k < c.bounds[i * 2 + 1]; k++) s += c.weights[i * c.ksize + k];
        expect(Math.abs(s - 2 ** PRECISION_BITS)).toBeLessThanOrEqual(c.ksize);
        expect(c.bounds[i * 2] + c.bounds[i * 2 + 1]).toBeLessThanOrEqual(a);
      }
    }
  });

  it("returns an equal copy for an identity resize", () => {
    const src = image(13, 7, (x, y, c) => (x * 31 + y * 17 + c * 5) & 255);
    const out = resizePillow(src, 13, 7);
    expect(out.data).not.toBe(src.data);
    expect(Array.from(out.data)).toEqual(Array.from(src.data));
  });

  it("keeps a constant image constant, up and down", () => {
    const src = image(37, 23, (_x, _y, c) => [12, 128, 250][c]);
    for (const [w, h] of [[10, 6], [80, 51], [37, 60], [5, 23]]) {
      const out = resizePillow(src, w, h);
      for (let i = 0; i < out.data.length; i++) expect(out.data[i]).toBe([12, 128, 250][i % 3]);
    }
  });

  it("averages a fine checkerboard to mid grey when downscaling (antialiasing)", () => {
    const src = image(64, 64, (x, y) => ((x + y) % 2 ? 255 : 0));
    const out = resizePillow(src, 8, 8);
    // interior pixels see whole periods; borders are renormalised and may lean either way
    for (let y = 2; y < 6; y++) for (let x = 2; x < 6; x++) expect(Math.abs(px(out, x, y) - 127.5)).toBeLessThan(3);
  });

  it("commutes with mirroring", () => {
    const src = image(41, 29, (x, y, c) => (x * x + 3 * y + 40 * c) & 255);
    const mirrored = image(41, 29, (x, y, c) => px(src, 40 - x, y, c));
    for (const [w, h] of [[20, 15], [77, 40]]) {
      const a = resizePillow(src, w, h);
      const b = resizePillow(mirrored, w, h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) expect(px(b, w - 1 - x, y, c)).toBe(px(a, x, y, c));
    }
  });

  it("vertical pass equals the per-value definition (HALF plus the taps, shifted, clipped) enlarging and shrinking", () => {
    for (const [inH, outH] of [[120, 124], [61, 112], [10, 37], [300, 97], [64, 63]]) {
      const width = 9;
      const src = noiseBytes(width * inH * 3, 7);
      const c = pillowCoefficients(inH, outH);
      const got = new Uint8Array(width * outH * 3);
      verticalPass(src, 0, c, got, width, 0, outH, new Int32Array(width * 3));
      for (let yy = 0; yy < outH; yy++) {
        for (let i = 0; i < width * 3; i++) expect(got[yy * width * 3 + i], `${inH}->${outH} row ${yy}`).toBe(byDefinition(c, yy, (row) => src[row * width * 3 + i]));
      }
    }
  });

  it("horizontal pass equals the per-value definition for 4, 5 and more taps", () => {
    for (const [inW, outW] of [[120, 124], [100, 96], [61, 112], [300, 97], [1800, 1792]]) {
      const rows = 3;
      const src = noiseBytes(inW * rows * 3, 11);
      const c = pillowCoefficients(inW, outW);
      const got = new Uint8Array(outW * rows * 3);
      horizontalPass(src, inW, 0, rows, c, got, outW);
      for (let y = 0; y < rows; y++) {
        for (let xx = 0; xx < outW; xx++) {
          for (let ch = 0; ch < 3; ch++) expect(got[(y * outW + xx) * 3 + ch], `${inW}->${outW} (${xx}, ${y})`).toBe(byDefinition(c, xx, (x) => src[(y * inW + x) * 3 + ch]));
        }
      }
      const taps = new Set(Array.from({ length: outW }, (_, xx) => c.bounds[xx * 2 + 1]));
      if (inW === 100) expect(taps.has(5)).toBe(true);
      if (inW === 120) expect(taps.has(4)).toBe(true);
    }
  });

  it("resizes 1 x N and N x 1 strips", () => {
    const strip = resizePillow(image(1, 1000, (_x, y) => y % 256), 28, 28);
    expect(strip.data.length).toBe(28 * 28 * 3);
    const dot = resizePillow(image(1, 1, () => 200), 3, 2);
    expect(Array.from(dot.data)).toEqual(new Array(18).fill(200));
  });
});

/** the whole resize by definition: each output value from the horizontal results it reads, each of those from the source */
function resizeByDefinition(img: RgbImage, width: number, height: number): RgbImage {
  const hc = pillowCoefficients(img.width, width);
  const vc = pillowCoefficients(img.height, height);
  const across = (y: number, x: number, ch: number) =>
    width === img.width ? px(img, x, y, ch) : byDefinition(hc, x, (sx) => px(img, sx, y, ch));
  return image(width, height, (x, y, ch) => (height === img.height ? across(y, x, ch) : byDefinition(vc, y, (sy) => across(sy, x, ch))));
}

describe("Pillow bicubic in WebAssembly SIMD", () => {
  it("is available in this Node, and OMNISPEC_PILLOW_SIMD=0 turns it off", () => {
    expect(pillowSimd()).not.toBeNull();
    const before = process.env.OMNISPEC_PILLOW_SIMD;
    process.env.OMNISPEC_PILLOW_SIMD = "0";
    try {
      expect(pillowSimd()).toBeNull();
    } finally {
      if (before === undefined) delete process.env.OMNISPEC_PILLOW_SIMD;
      else process.env.OMNISPEC_PILLOW_SIMD = before;
    }
  });

  it("gives the bytes of the JS passes and of the per-value definition over seeded random sizes", () => {
    let seed = 20261123;
    const rand = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const cases: number[][] = [[1, 1, 5, 3], [7, 1, 1, 9], [1, 13, 6, 1], [33, 17, 33, 40], [33, 17, 50, 17], [16, 16, 15, 17], [854, 12, 840, 11]];
    for (let i = 0; i < 60; i++) {
      const [iw, ih] = [1 + rand(120), 1 + rand(120)];
      // shrink, enlarge, or each side its own way; sometimes one side kept
      const side = (n: number) => [1 + rand(n), n + rand(3 * n + 2), n, 1 + rand(4 * n + 4)][rand(4)];
      cases.push([iw, ih, side(iw), side(ih)]);
    }
    let shrink = 0;
    let enlarge = 0;
    for (const [iw, ih, w, h] of cases) {
      const img = { data: noiseBytes(iw * ih * 3, iw * 1000 + ih), width: iw, height: ih };
      const js = resizePillow(img, w, h, { simd: false });
      const simd = resizePillow(img, w, h, { simd: true });
      const label = `${iw}x${ih} -> ${w}x${h}`;
      expect([simd.width, simd.height], label).toEqual([w, h]);
      expect(Buffer.from(simd.data).equals(Buffer.from(js.data)), label).toBe(true);
      expect(Buffer.from(simd.data).equals(Buffer.from(resizeByDefinition(img, w, h).data)), label).toBe(true);
      if (w < iw || h < ih) shrink++;
      if (w > iw || h > ih) enlarge++;
    }
    expect(shrink).toBeGreaterThan(20);
    expect(enlarge).toBeGreaterThan(20);
  });

  it("works in row chunks when its memory is small, and declines (writing nothing) when one row does not fit", () => {
    const wasm = Buffer.from(PIL_WASM_BASE64, "base64");
    const img = { data: noiseBytes(301 * 200 * 3, 5), width: 301, height: 200 };
    const small = createPillowSimd(wasm, 64 * 1024);
    for (const [w, h] of [[150, 90], [410, 333], [301, 37]]) {
      const want = resizePillow(img, w, h, { simd: false });
      const hc = pillowCoefficients(301, w);
      const vc = pillowCoefficients(200, h);
      const across = new Uint8Array(w * 200 * 3);
      expect(small.horizontal(img.data, 301, 0, 200, hc, across, w)).toBe(true);
      const out = new Uint8Array(w * h * 3);
      expect(small.vertical(across, 0, vc, out, w, 0, h)).toBe(true);
      expect(Buffer.from(out).equals(Buffer.from(want.data)), `${w}x${h}`).toBe(true);
    }
    const tiny = createPillowSimd(wasm, 4096);
    const dst = new Uint8Array(1000 * 3);
    expect(tiny.horizontal(noiseBytes(2000 * 3, 9), 2000, 0, 1, pillowCoefficients(2000, 1000), dst, 1000)).toBe(false);
    expect(dst.every((v) => v === 0)).toBe(true);
  });
});

describe("Pillow bicubic on worker threads", () => {
  it("gives the same bytes as the single-thread port, with the SIMD passes and with the JS ones", async () => {
    const { resizePillowParallel } = await import("./parallel.js");
    const src = image(900, 700, (x, y, c) => (x * 13 + y * 7 + ((x * y) >> 5) + c * 50) & 255);
    for (const [w, h] of [[896, 700], [900, 704], [600, 420], [1204, 812], [853, 1001]]) {
      const a = resizePillow(src, w, h, { simd: false });
      for (const simd of [true, false]) {
        const b = await resizePillowParallel(src, w, h, { simd });
        expect([b.width, b.height]).toEqual([w, h]);
        expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), `${w}x${h} simd ${simd}`).toBe(0);
      }
    }
  });
});
