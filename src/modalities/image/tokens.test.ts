import { describe, expect, it } from "vitest";
import { OmnispecError } from "../../errors.js";
import { smartResize } from "./smart-resize.js";
import { imageGrid, imageTokensFromSize } from "./tokens.js";

const qwen25 = { patchSize: 14, mergeSize: 2, temporalPatchSize: 2 };

describe("imageGrid", () => {
  it("counts patches and merged tokens", () => {
    const g = imageGrid({ height: 56, width: 112 }, qwen25);
    expect(g.gridThw).toEqual([1, 4, 8]);
    expect(g.patches).toBe(32);
    expect(g.tokens).toBe(8);
  });
  it("refuses sizes that are not multiples of patch x merge", () => {
    expect(() => imageGrid({ height: 42, width: 56 }, qwen25)).toThrow(OmnispecError);
  });
});

describe("imageTokensFromSize", () => {
  it("combines smartResize and imageGrid with the family's patch size", () => {
    for (const family of ["qwen2.5-vl", "qwen3-vl"] as const) {
      const t = imageTokensFromSize({ height: 1080, width: 1920, family });
      const r = smartResize({ height: 1080, width: 1920, family });
      const p = family === "qwen3-vl" ? 16 : 14;
      expect(t.resized).toEqual(r);
      expect(t.gridThw).toEqual([1, r.height / p, r.width / p]);
      expect(t.tokens).toBe((r.height / p) * (r.width / p) / 4);
    }
  });
  it("honours maxTokens", () => {
    expect(imageTokensFromSize({ height: 3000, width: 4000, maxTokens: 256 }).tokens).toBeLessThanOrEqual(256);
  });
  it("never hands on a degenerate size", () => {
    expect(() => imageTokensFromSize({ height: 31, width: 639, maxPixels: 15680, variant: "qwen-vl-utils-0.0.10" })).toThrow(/resizes to 0x560/);
  });
});
