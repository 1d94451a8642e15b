import { describe, expect, it } from "vitest";
import { OmnispecError } from "../../errors.js";
import { kaldiFbank } from "./fbank.js";
import { audioTokens } from "./tokens.js";

const tone = (n: number, f: number, amp = 0.5): Float32Array => Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / 16000));

// the torchaudio steps written out plainly: direct DFT, dense Kaldi mel matrix
function naive(x: Float32Array, t: number, nMels: number): number[] {
  let peak = 0;
  for (const v of x) peak = Math.max(peak, Math.abs(v));
  const frame = Array.from({ length: 400 }, (_, i) => (x[t * 160 + i] / peak) * 32768);
  const mean = frame.reduce((a, b) => a + b, 0) / 400;
  const dc = frame.map((v) => v - mean);
  const pre = dc.map((v, i) => v - 0.97 * (i > 0 ? dc[i - 1] : dc[0]));
  const w = pre.map((v, i) => v * Math.pow(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 399), 0.85));
  const padded = [...w, ...new Array<number>(112).fill(0)];
  const power = Array.from({ length: 256 }, (_, k) => {
    let re = 0, im = 0;
    for (let n = 0; n < 512; n++) {
      re += padded[n] * Math.cos((2 * Math.PI * k * n) / 512);
      im -= padded[n] * Math.sin((2 * Math.PI * k * n) / 512);
    }
    return re * re + im * im;
  });
  const mel = (f: number): number => 1127 * Math.log(1 + f / 700);
  const d = (mel(8000) - mel(20)) / (nMels + 1);
  return Array.from({ length: nMels }, (_, m) => {
    let e = 0;
    for (let k = 0; k < 256; k++) {
      const v = mel(31.25 * k);
      const l = mel(20) + m * d, c = l + d, r = c + d;
      e += Math.max(0, Math.min((v - l) / (c - l), (r - v) / (r - c))) * power[k];
    }
    return Math.log(Math.max(e, 1.1920928955078125e-7));
  });
}

describe("kaldiFbank", () => {
  it("counts frames with snip_edges, as the OFA token arithmetic does", () => {
    for (const n of [0, 399, 400, 559, 560, 16000, 176000]) {
      const f = kaldiFbank(new Float32Array(n).fill(0.1));
      expect(f.frames).toBe(audioTokens({ samples: n, preset: "ofa" }).stftFrames);
      expect(f.features.length).toBe(f.frames * 80);
    }
  });
  it("equals a plain direct-DFT transcription of the torchaudio steps", () => {
    let s = 5;
    const x = Float32Array.from({ length: 2000 }, (_, i) => 0.3 * Math.sin(i * 0.05) + 0.05 * (((s = (s * 16807) % 2147483647) / 2147483647) - 0.5));
    const f = kaldiFbank(x);
    expect(f.frames).toBe(11);
    for (const t of [0, 3, 10]) {
      const ref = naive(x, t, 80);
      for (let m = 0; m < 80; m++) expect(Math.abs(f.features[t * 80 + m] - ref[m])).toBeLessThan(1e-4);
    }
  });
  it("puts a 1 kHz tone's energy in the bank centred nearest 1 kHz", () => {
    const f = kaldiFbank(tone(16000, 1000));
    const row = Array.from(f.features.subarray(40 * 80, 41 * 80));
    const best = row.indexOf(Math.max(...row));
    const mel = (hz: number): number => 1127 * Math.log(1 + hz / 700);
    const centre = (m: number): number => 700 * (Math.exp((mel(20) + ((m + 1) * (mel(8000) - mel(20))) / 81) / 1127) - 1);
    expect(Math.abs(centre(best) - 1000)).toBeLessThan(Math.abs(centre(best + 1) - centre(best)));
  });
  it("is loudness-invariant with OFA's volume normalisation, and floors silence at log(eps)", () => {
    const a = kaldiFbank(tone(4000, 440, 0.5));
    const b = kaldiFbank(tone(4000, 440, 0.05));
    // bins within e^10 of the loudest; far below, float32 rounding of the input sets the floor
    const top = Math.max(...a.features);
    for (let i = 0; i < a.features.length; i++) if (a.features[i] > top - 10) expect(Math.abs(a.features[i] - b.features[i])).toBeLessThan(1e-3);
    const silent = kaldiFbank(new Float32Array(1000));
    expect(new Set(silent.features)).toEqual(new Set([Math.fround(Math.log(1.1920928955078125e-7))]));
  });
  it("refuses non-finite samples naming the slot", () => {
    const x = new Float32Array(500);
    x[3] = Number.POSITIVE_INFINITY;
    expect(() => kaldiFbank(x, { slot: "wav" })).toThrow(OmnispecError);
    expect(() => kaldiFbank(x, { slot: "wav" })).toThrow(/slot "wav"/);
  });
});
