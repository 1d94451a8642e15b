import { describe, expect, it } from "vitest";
import { codeOf } from "../../../tests/support/errors.js";
import { OmnispecError } from "../../errors.js";
import { smartResize } from "../image/smart-resize.js";
import { planVideoFrames, secondPerGridT, smartResizeVideo, videoGrid, videoPixelBudget } from "./resize.js";


const hd = { totalFrames: 300, fps: 30, width: 1920, height: 1080 };

describe("videoPixelBudget", () => {
  it("splits the total budget over frames, within the per-frame bounds", () => {
    expect(videoPixelBudget({ nframes: 20 })).toEqual({ minPixels: 100352, maxPixels: 602112 });
    expect(videoPixelBudget({ nframes: 768 }).maxPixels).toBe(Math.max(Math.min(602112, (90316800 / 768) * 2), Math.trunc(100352 * 1.05)));
    expect(videoPixelBudget({ nframes: 100000 }).maxPixels).toBe(Math.trunc(100352 * 1.05));
  });
  it("a user max_pixels can only lower it", () => {
    expect(videoPixelBudget({ nframes: 20, maxPixels: 151200 }).maxPixels).toBe(151200);
    expect(videoPixelBudget({ nframes: 20, maxPixels: 10 ** 9 }).maxPixels).toBe(602112);
  });
  it("0.0.14 scales the constants by the factor", () => {
    expect(videoPixelBudget({ nframes: 20, variant: "qwen-vl-utils-0.0.14", factor: 32 })).toEqual({ minPixels: 128 * 1024, maxPixels: 768 * 1024 });
  });
});

describe("smartResizeVideo (Qwen3-VL total budget)", () => {
  it("fits t*h*w to the budget", () => {
    const r = smartResizeVideo({ nframes: 768, height: 1080, width: 1920 });
    expect(768 * r.height * r.width).toBeLessThanOrEqual(25165824);
    expect(r.height % 32 + (r.width % 32)).toBe(0);
  });
  it("refuses too few frames, tiny frames and extreme aspect ratios", () => {
    expect(codeOf(() => smartResizeVideo({ nframes: 1, height: 100, width: 100 }))).toBe("media/frame-count");
    expect(codeOf(() => smartResizeVideo({ nframes: 4, height: 20, width: 20 }))).toBe("media/too-small");
    expect(codeOf(() => smartResizeVideo({ nframes: 4, height: 32, width: 6500 }))).toBe("media/aspect-ratio");
  });
});

describe("videoGrid", () => {
  it("pads odd frame counts to the temporal patch", () => {
    const g = videoGrid({ nframes: 9, height: 64, width: 64 }, { patchSize: 16, mergeSize: 2, temporalPatchSize: 2 });
    expect(g.gridThw).toEqual([5, 4, 4]);
    expect(g.paddedFrames).toBe(10);
    expect(g.tokens).toBe(5 * g.tokensPerGridT);
  });
  it("refuses sizes that are not multiples of patch x merge", () => {
    expect(() => videoGrid({ nframes: 2, height: 50, width: 64 }, { patchSize: 16, mergeSize: 2, temporalPatchSize: 2 })).toThrow(OmnispecError);
  });
  it("second per grid is the temporal patch over the fps", () => {
    expect(secondPerGridT(0.4)).toBe(5);
    expect(secondPerGridT(2)).toBe(1);
  });
});

describe("planVideoFrames", () => {
  it("Qwen2.5-VL: qwen-vl-utils 0.0.10 sampling, per-frame budget, 2 / sample fps", () => {
    const p = planVideoFrames({ ...hd, totalFrames: 30 }, {}, "qwen2.5-vl");
    expect(p.variant).toBe("qwen-vl-utils-0.0.10");
    expect(p.nframes).toBe(4);
    expect(p.secondPerGridT).toBe(2 / p.sampleFps);
    expect(p.resizes).toHaveLength(1);
    const frame = smartResize({ height: 1080, width: 1920, minPixels: 100352, maxPixels: 602112, variant: "qwen-vl-utils-0.0.10" });
    expect([p.height, p.width]).toEqual([frame.height, frame.width]);
    expect(p.gridTimestamps).toBeUndefined();
  });

  it("Omni: second per grid from the processor fps, not the sample fps", () => {
    const p = planVideoFrames({ ...hd, totalFrames: 30 }, {}, "qwen2.5-omni");
    expect(p.secondPerGridT).toBe(1);
    expect(planVideoFrames({ ...hd, totalFrames: 30 }, { processorFps: 4 }, "qwen2.5-omni").secondPerGridT).toBe(0.5);
  });

  it("Qwen3-VL: resized twice, one timestamp text per temporal patch", () => {
    const p = planVideoFrames({ ...hd, totalFrames: 108000 }, {}, "qwen3-vl");
    expect(p.variant).toBe("qwen-vl-utils-0.0.14");
    expect(p.resizes).toHaveLength(2);
    expect(p.height * p.width).toBeLessThan(p.resizes[0].height * p.resizes[0].width);
    expect(p.timestampTexts).toHaveLength(p.gridThw[0]);
    expect(p.timestampTexts?.every((t) => /^<\d+\.\d seconds>$/.test(t))).toBe(true);
    expect(p.tokens).toBe(p.gridThw[0] * p.tokensPerGridT);
  });

  it("transformers-native samplers are selectable", () => {
    const q2 = planVideoFrames(hd, { variant: "transformers-qwen2-vl" }, "qwen2-vl");
    expect(q2.indices[1]).toBe(15);
    const q3 = planVideoFrames(hd, { variant: "transformers-qwen3-vl" }, "qwen3-vl");
    expect(q3.resizes[0].by).toContain("Qwen3VL");
    expect(q3.nframes * q3.height * q3.width).toBeLessThanOrEqual(25165824);
  });

  it("never plans a 0-pixel frame", () => {
    expect(codeOf(() => planVideoFrames({ totalFrames: 300, fps: 30, width: 639, height: 31 }, { maxPixels: 15680, minPixels: 3136 }, "qwen2.5-vl"))).toBe(
      "media/degenerate",
    );
  });
});
