import { describe, expect, it } from "vitest";
import { codeOf } from "../../../tests/support/errors.js";
import { OmnispecError } from "../../errors.js";
import { assertNotDegenerate, defaultPixelBounds, SMART_RESIZE_VARIANTS, smartResize, VISION_CONSTANTS } from "./smart-resize.js";


describe("smartResize", () => {
  it("rounds ties to even (70x70 -> 56x56, not 84x84)", () => {
    for (const variant of SMART_RESIZE_VARIANTS) {
      const r = smartResize({ height: 70, width: 70, variant });
      expect([r.height, r.width]).toEqual([56, 56]);
    }
  });

  it("keeps sides multiples of the factor and inside the budget for ordinary photos", () => {
    for (const [h, w] of [[480, 640], [1080, 1920], [3024, 4032], [333, 777], [100, 7000]]) {
      for (const family of ["qwen2.5-vl", "qwen3-vl"] as const) {
        const { factor, minPixels, maxPixels } = VISION_CONSTANTS[family];
        const r = smartResize({ height: h, width: w, family });
        expect(r.height % factor).toBe(0);
        expect(r.width % factor).toBe(0);
        expect(r.height * r.width).toBeLessThanOrEqual(maxPixels);
        expect(r.height * r.width).toBeGreaterThanOrEqual(minPixels);
        expect(Math.abs(r.width / r.height - w / h) / (w / h)).toBeLessThan(0.35);
      }
    }
  });

  it("downscales from the original size when the budget is exceeded", () => {
    const r = smartResize({ height: 1080, width: 1920, maxTokens: 1280 });
    expect(r.height * r.width).toBeLessThanOrEqual(1280 * 28 * 28);
    expect(r).toEqual(smartResize({ height: 1080, width: 1920, maxPixels: 1280 * 28 * 28 }));
  });

  it("upscales tiny images to min pixels, except transformers 4.52 which refuses them", () => {
    const r = smartResize({ height: 1, width: 1 });
    expect(r.height * r.width).toBeGreaterThanOrEqual(3136);
    expect(codeOf(() => smartResize({ height: 20, width: 100, variant: "transformers-4.52" }))).toBe("media/too-small");
  });

  it("minTokens scales by factor squared", () => {
    const r = smartResize({ height: 100, width: 100, factor: 32, minTokens: 64, maxTokens: 16384 });
    expect(r.height * r.width).toBeGreaterThanOrEqual(64 * 32 * 32);
  });

  it("refuses aspect ratios above 200, allows exactly 200", () => {
    expect(codeOf(() => smartResize({ height: 1, width: 201 }))).toBe("media/aspect-ratio");
    expect(codeOf(() => smartResize({ height: 1, width: 200 }))).toBeUndefined();
  });

  it("names the slot and file in errors", () => {
    try {
      smartResize({ height: 10, width: 2001, slot: "img", file: "a.png" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OmnispecError);
      const err = e as OmnispecError;
      expect([err.slot, err.file]).toEqual(["img", "a.png"]);
      expect(err.message).toContain("200.1");
    }
  });

  it("reports a 0-pixel side and can refuse it", () => {
    const opts = { height: 31, width: 639, maxPixels: 20 * 28 * 28 } as const;
    const old = smartResize({ ...opts, variant: "qwen-vl-utils-0.0.10" });
    expect(old.degenerate).toBe(true);
    expect(old.height).toBe(0);
    const fixed = smartResize({ ...opts, variant: "qwen-vl-utils-0.0.11" });
    expect([fixed.height, fixed.degenerate]).toEqual([28, false]);
    expect(codeOf(() => smartResize({ ...opts, variant: "qwen-vl-utils-0.0.14", rejectDegenerate: true }))).toBe("media/degenerate");
    expect(codeOf(() => assertNotDegenerate(old, { height: 31, width: 639 }))).toBe("media/degenerate");
    expect(codeOf(() => assertNotDegenerate(fixed, { height: 31, width: 639 }))).toBeUndefined();
  });

  it("reports bad bounds and sizes as input errors", () => {
    expect(codeOf(() => smartResize({ height: 100, width: 100, factor: 32, minPixels: 10, maxPixels: 5, variant: "qwen-vl-utils-0.0.14" }))).toBe("input/invalid");
    expect(codeOf(() => smartResize({ height: 0, width: 100 }))).toBe("input/invalid");
    expect(codeOf(() => smartResize({ height: Number.NaN, width: 100 }))).toBe("input/invalid");
  });

  it("default bounds follow the variant and the family", () => {
    expect(defaultPixelBounds("qwen-vl-utils-0.0.14", 32)).toEqual({ minPixels: 4 * 32 * 32, maxPixels: 16384 * 32 * 32 });
    expect(defaultPixelBounds("qwen-vl-utils-0.0.10", 32)).toEqual({ minPixels: 3136, maxPixels: 12845056 });
    expect(defaultPixelBounds("current", 32)).toEqual({ minPixels: 65536, maxPixels: 16777216 });
    const q3 = smartResize({ height: 224, width: 224, family: "qwen3-vl" });
    expect(q3.height * q3.width).toBeGreaterThanOrEqual(VISION_CONSTANTS["qwen3-vl"].minPixels);
    const qvu = smartResize({ height: 224, width: 224, family: "qwen3-vl", variant: "qwen-vl-utils-0.0.14" });
    expect([qvu.height, qvu.width]).toEqual([224, 224]);
  });

  it("family constants are consistent", () => {
    for (const c of Object.values(VISION_CONSTANTS)) {
      expect(c.factor).toBe(c.patchSize * c.mergeSize);
      expect(c.minPixels).toBeLessThan(c.maxPixels);
      expect(c.videoFrameMinPixels).toBe(128 * c.factor * c.factor);
    }
  });
});
