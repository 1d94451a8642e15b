import { WhisperFeatureExtractor } from "@huggingface/transformers";
import { describe, expect, it } from "vitest";
import { OmnispecError } from "../../errors.js";
import { complexFft } from "./fft.js";
import { logMel, melFilterBank } from "./log-mel.js";

// a speech-like clip: a gliding voiced tone with harmonics, a pause, and seeded noise bursts
function clip(seconds: number, seed = 7): Float32Array {
  const n = Math.round(seconds * 16000);
  const x = new Float32Array(n);
  let s = seed;
  const rand = (): number => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    const f0 = 120 + 60 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / 16000;
    const voiced = t % 1.5 < 1 ? 0.3 * (Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.25 * Math.sin(3 * phase)) : 0;
    const burst = t % 0.9 < 0.08 ? 0.05 * rand() : 0;
    x[i] = voiced + burst;
  }
  return x;
}

async function transformersJs(x: Float32Array, nMels: number, chunk: number): Promise<Float32Array> {
  const fe = new WhisperFeatureExtractor({
    feature_size: nMels, sampling_rate: 16000, hop_length: 160, chunk_length: chunk, n_fft: 400,
    n_samples: chunk * 16000, nb_max_frames: chunk * 100, padding_value: 0, return_attention_mask: true,
  });
  const out = (await fe(x)) as { input_features: { data: Float32Array } };
  return out.input_features.data;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("logMel vs transformers.js WhisperFeatureExtractor", () => {
  const x = clip(4.3);
  for (const [nMels, chunk] of [[80, 30], [128, 30]] as const) {
    it(`${nMels} bins, ${chunk} s window: within 1e-4 everywhere`, async () => {
      const ref = await transformersJs(x, nMels, chunk);
      const ours = logMel(x, { nMels, chunkLength: chunk });
      expect([ours.nMels, ours.frames]).toEqual([nMels, chunk * 100]);
      expect(ours.features.length).toBe(ref.length);
      expect(maxDiff(ours.features, ref)).toBeLessThanOrEqual(1e-4);
    });
  }
  it("128 bins, 300 s window (Omni): within 1e-4, constant tail", async () => {
    const short = clip(1.2, 3);
    const ref = await transformersJs(short, 128, 300);
    const ours = logMel(short, { nMels: 128, chunkLength: 300 });
    expect(ours.frames).toBe(30000);
    expect(maxDiff(ours.features, ref)).toBeLessThanOrEqual(1e-4);
    const row = ours.features.subarray(5 * 30000, 6 * 30000);
    expect(new Set(row.subarray(200)).size).toBe(1);
  });
  it("truncates past the window like the reference", async () => {
    const long = clip(31, 11);
    const ref = await transformersJs(long, 80, 30);
    const ours = logMel(long, { nMels: 80, chunkLength: 30 });
    expect(ours.truncated).toBe(true);
    expect(ours.validFrames).toBe(3000);
    expect(maxDiff(ours.features, ref)).toBeLessThanOrEqual(1e-4);
  });
});

describe("logMel details", () => {
  it("gives -1.5 everywhere for silence and a mask of ceil(N / 160)", async () => {
    const m = logMel(new Float32Array(32001), { nMels: 80 });
    expect(new Set(m.features)).toEqual(new Set([-1.5]));
    expect(m.validFrames).toBe(201);
    expect(m.attentionMask.reduce((a, b) => a + b, 0)).toBe(201);
    expect([m.attentionMask[200], m.attentionMask[201]]).toEqual([1, 0]);
  });
  it("keeps only the clip's frames with padding none", async () => {
    const m = logMel(clip(1), { nMels: 80, padding: "none" });
    expect([m.frames, m.validFrames, m.features.length]).toEqual([100, 100, 8000]);
  });
  it("handles clips shorter than the FFT (reflection of one sample, empty input)", async () => {
    const one = logMel(Float32Array.of(0.5), { nMels: 80 });
    expect([one.frames, one.validFrames]).toEqual([3000, 1]);
    expect(one.features.every(Number.isFinite)).toBe(true);
    const none = logMel(new Float32Array(0), { nMels: 80, padding: "none" });
    expect([none.frames, none.features.length]).toEqual([0, 0]);
  });
  it("never returns NaN or Infinity for loud input, and refuses non-finite samples", async () => {
    const loud = Float32Array.from({ length: 16000 }, (_, i) => (i % 2 ? 3e30 : -3e30));
    const m = logMel(loud, { nMels: 128 });
    expect(m.features.every(Number.isFinite)).toBe(true);
    const bad = new Float32Array(100);
    bad[7] = Number.NaN;
    expect(() => logMel(bad, { slot: "speech" })).toThrow(OmnispecError);
    expect(() => logMel(bad, { slot: "speech" })).toThrow(/sample 7 is NaN[\s\S]*slot "speech"/);
  });
  it("builds Slaney filters with unit area in mel bands (each row sums like the reference's 2 / width)", () => {
    const w = melFilterBank(80);
    expect(w.length).toBe(201 * 80);
    let nonzero = 0;
    for (const v of w) if (v > 0) nonzero++;
    expect(nonzero).toBeGreaterThan(201);
    expect(w.every((v) => v >= 0)).toBe(true);
  });
  it("transforms like a direct DFT (400 = 4·4·5·5 points)", () => {
    const re = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i * 0.37) + (i % 3));
    const im = Float64Array.from({ length: 400 }, (_, i) => Math.cos(i * 1.1));
    const r0 = re.slice(), i0 = im.slice();
    complexFft(400).run(re, im);
    for (const k of [0, 1, 7, 199, 200, 333]) {
      let a = 0, b = 0;
      for (let j = 0; j < 400; j++) {
        const t = (-2 * Math.PI * ((j * k) % 400)) / 400;
        a += r0[j] * Math.cos(t) - i0[j] * Math.sin(t);
        b += r0[j] * Math.sin(t) + i0[j] * Math.cos(t);
      }
      expect(Math.abs(a - re[k]) + Math.abs(b - im[k])).toBeLessThan(1e-9);
    }
  });
});
