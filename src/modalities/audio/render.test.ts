import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { OmnispecError } from "../../errors.js";
import { logMel } from "./log-mel.js";
import { renderAudio } from "./render.js";

describe("renderAudio", () => {
  it("draws a PNG: waveform above a coloured spectrogram of the clip's frames", async () => {
    // 1 s of silence then 1 s of a loud 1 kHz tone
    const x = Float32Array.from({ length: 32000 }, (_, i) => (i < 16000 ? 0 : 0.8 * Math.sin((2 * Math.PI * 1000 * i) / 16000)));
    const mel = logMel(x, { nMels: 80 });
    const png = await renderAudio({ samples: x, sampleRate: 16000, features: mel.features, nMels: 80, width: 400, title: "tone" });
    const img = sharp(png);
    const meta = await img.metadata();
    expect([meta.format, meta.width]).toEqual(["png", 400]);
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    const at = (x0: number, y0: number): number[] => Array.from(data.subarray((y0 * info.width + x0) * info.channels, (y0 * info.width + x0) * info.channels + 3));
    // waveform band (rows 22..162): the silent half has only the centre line, the tone half is filled blue
    const mid = 22 + 70;
    expect(at(300, mid - 30)).toEqual([41, 98, 255]);
    expect(at(100, mid - 30)).toEqual([255, 255, 255]);
    // spectrogram band starts at row 162 and is 160 rows high: the tone half is brighter than the silent half
    const brightness = (x0: number): number => {
      let s = 0;
      for (let y = 162; y < 322; y++) s += at(x0, y).reduce((a, b) => a + b, 0);
      return s;
    };
    expect(brightness(300)).toBeGreaterThan(brightness(100));
    expect(info.height).toBe(22 + 140 + 160 + 28);
  });
  it("draws a waveform alone when no features are given, and refuses a silly width", async () => {
    const png = await renderAudio({ samples: new Float32Array(1600), sampleRate: 16000, width: 200 });
    expect((await sharp(png).metadata()).height).toBe(22 + 140 + 28);
    await expect(renderAudio({ samples: new Float32Array(10), sampleRate: 16000, width: 2 })).rejects.toThrow(OmnispecError);
  });
});
