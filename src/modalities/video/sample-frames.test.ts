import { describe, expect, it } from "vitest";
import { codeOf } from "../../../tests/support/errors.js";
import { FRAME_SAMPLING_VARIANTS, frameRange, qwen3VlTimestamps, qwen3VlTimestampText, sampleFrames, smartNframes } from "./sample-frames.js";


describe("smartNframes", () => {
  it("rounds an odd nframes to even with ties to even", () => {
    expect([5, 7, 9, 11].map((n) => smartNframes({ videoFps: 30, nframes: n }, 300))).toEqual([4, 8, 8, 12]);
  });
  it("takes fps seconds of video, clamped to [4, 768] and even", () => {
    expect(smartNframes({ videoFps: 30 }, 300)).toBe(20);
    expect(smartNframes({ videoFps: 30 }, 30)).toBe(4);
    expect(smartNframes({ videoFps: 30 }, 3)).toBe(2);
    expect(smartNframes({ videoFps: 30 }, 108000)).toBe(768);
    expect(smartNframes({ videoFps: 30, fps: 2, maxFrames: 17 }, 900)).toBe(16);
  });
  it("refuses counts outside [2, frames]", () => {
    expect(codeOf(() => smartNframes({ videoFps: 30 }, 1))).toBe("media/frame-count");
    expect(codeOf(() => smartNframes({ videoFps: 30, nframes: 400 }, 300))).toBe("media/frame-count");
  });
});

describe("sampleFrames", () => {
  it("every variant spans the clip, in order, with timestamps index / fps", () => {
    for (const variant of FRAME_SAMPLING_VARIANTS) {
      const s = sampleFrames({ totalFrames: 1798, videoFps: 29.97, variant });
      expect(s.indices[0]).toBe(0);
      expect(s.indices.every((v, i) => i === 0 || v > s.indices[i - 1])).toBe(true);
      expect(s.indices[s.indices.length - 1]).toBeLessThanOrEqual(1797);
      expect(s.timestamps).toEqual(s.indices.map((i) => i / 29.97));
      expect(s.nframes).toBe(s.indices.length);
    }
  });

  it("qwen-vl-utils uses linspace rounding, transformers qwen2-vl arange truncation", () => {
    const qvu = sampleFrames({ totalFrames: 300, videoFps: 30 });
    const hf = sampleFrames({ totalFrames: 300, videoFps: 30, variant: "transformers-qwen2-vl" });
    expect(qvu.indices.slice(0, 3)).toEqual([0, 16, 31]);
    expect(qvu.indices[19]).toBe(299);
    expect(hf.indices).toEqual(Array.from({ length: 20 }, (_, i) => i * 15));
  });

  it("transformers qwen3-vl truncates the count and does not make it even", () => {
    const s = sampleFrames({ totalFrames: 1798, videoFps: 29.97, variant: "transformers-qwen3-vl" });
    expect(s.nframes).toBe(Math.trunc((1798 / 29.97) * 2));
    expect(s.nframes % 2).toBe(1);
    expect(sampleFrames({ totalFrames: 300, videoFps: 30, nframes: 9, variant: "transformers-qwen3-vl" }).nframes).toBe(9);
  });

  it("start/end confine the frames and the sample rate", () => {
    const s = sampleFrames({ totalFrames: 300, videoFps: 30, start: 2, end: 6.5, variant: "qwen-vl-utils-0.0.14" });
    expect([s.firstFrame, s.lastFrame]).toEqual([60, 195]);
    expect(s.indices[0]).toBe(60);
    expect(s.indices[s.nframes - 1]).toBe(195);
    expect(s.sampleFps).toBe((s.nframes / 136) * 30);
    expect(s.timestamps[0]).toBe(2);
  });

  it("exact linspace is available as a policy", () => {
    const torch = sampleFrames({ totalFrames: 36000, videoFps: 30, nframes: 230 });
    const exact = sampleFrames({ totalFrames: 36000, videoFps: 30, nframes: 230, linspace: "exact" });
    expect(torch.indices.filter((v, i) => v !== exact.indices[i]).length).toBeGreaterThan(0);
  });

  it("reports conflicting or impossible options with codes", () => {
    expect(codeOf(() => sampleFrames({ totalFrames: 300, videoFps: 30, fps: 2, nframes: 8 }))).toBe("input/invalid");
    expect(codeOf(() => sampleFrames({ totalFrames: 0, videoFps: 30 }))).toBe("input/invalid");
    expect(codeOf(() => sampleFrames({ totalFrames: 300, videoFps: 0 }))).toBe("input/invalid");
    expect(codeOf(() => sampleFrames({ totalFrames: 1, videoFps: 30, variant: "transformers-qwen2-vl" }))).toBe("media/frame-count");
    expect(codeOf(() => sampleFrames({ totalFrames: 300, videoFps: 30, start: 6, end: 6 }))).toBe("input/invalid");
  });
});

describe("frameRange", () => {
  it("clamps to the video and rounds start up, end down", () => {
    expect(frameRange({ totalFrames: 300, videoFps: 30 })).toEqual({ first: 0, last: 299, frames: 300 });
    expect(frameRange({ totalFrames: 300, videoFps: 30, start: 9.5 })).toEqual({ first: 285, last: 299, frames: 15 });
    expect(frameRange({ totalFrames: 300, videoFps: 30, start: -3, end: 99 })).toEqual({ first: 0, last: 299, frames: 300 });
    expect(frameRange({ totalFrames: 300, videoFps: 30, start: 0.01, end: 1.01 })).toEqual({ first: 1, last: 30, frames: 30 });
  });
});

describe("Qwen3-VL timestamps", () => {
  it("averages each pair of frames, padding an odd count with the last frame", () => {
    expect(qwen3VlTimestamps([0, 3, 6, 9], 30)).toEqual([(0 / 30 + 3 / 30) / 2, (6 / 30 + 9 / 30) / 2]);
    expect(qwen3VlTimestamps([0, 2, 5], 30)).toEqual([(0 + 2 / 30) / 2, 5 / 30]);
  });
  it("prints with python .1f rounding", () => {
    expect(qwen3VlTimestampText(0.25)).toBe("<0.2 seconds>");
    expect(qwen3VlTimestampText(1.25)).toBe("<1.2 seconds>");
    expect(qwen3VlTimestampText(9.966666666666667)).toBe("<10.0 seconds>");
  });
});
