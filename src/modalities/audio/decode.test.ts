import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { audioFixtures } from "../../../tests/fixtures/audio.js";
import { OmnispecError } from "../../errors.js";
import { decodeAudio } from "./decode.js";
import { logMel } from "./log-mel.js";
import { audioTokens } from "./tokens.js";

let fx: Record<string, string>;
beforeAll(() => {
  fx = audioFixtures();
});

const rms = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));
const peak = (x: Float32Array): number => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const crossings = (x: Float32Array): number => {
  let n = 0;
  for (let i = 1; i < x.length; i++) if ((x[i - 1] < 0) !== (x[i] < 0)) n++;
  return n;
};

async function rejection(p: Promise<unknown>): Promise<OmnispecError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(OmnispecError);
  return e as OmnispecError;
}

describe("decodeAudio: formats", () => {
  it("decodes WAV, MP3, FLAC, OGG/Opus and M4A/AAC to 16 kHz mono with the same loudness", async () => {
    const ref = await decodeAudio(fx["speech.wav"]);
    expect([ref.samples.length, ref.sampleRate, ref.original.channels]).toEqual([48000, 16000, 1]);
    for (const name of ["speech-44k-stereo.mp3", "speech.flac", "speech.ogg", "speech.m4a"]) {
      const a = await decodeAudio(fx[name], { slot: "speech" });
      expect(a.sampleRate).toBe(16000);
      expect(Math.abs(a.seconds - 3)).toBeLessThan(0.06);
      expect(Math.abs(rms(a.samples) / rms(ref.samples) - 1)).toBeLessThan(0.1);
      expect(a.steps.some((s) => s.startsWith("resample"))).toBe(true);
    }
  });
  it("keeps lossless audio close to the source after soxr resampling (48 kHz FLAC vs 16 kHz WAV of the same signal)", async () => {
    const wav = await decodeAudio(fx["speech.wav"]);
    const flac = await decodeAudio(fx["speech.flac"]);
    let worst = 0;
    for (let i = 400; i < 47600; i++) worst = Math.max(worst, Math.abs(wav.samples[i] - flac.samples[i]));
    expect(worst).toBeLessThan(2e-3);
  });
  it("takes the audio track of a video", async () => {
    const a = await decodeAudio(fx["video-with-audio.mp4"]);
    expect(Math.abs(a.seconds - 2)).toBeLessThan(0.06);
    // a 330 Hz sine crosses zero 660 times a second
    expect(Math.abs(crossings(a.samples.subarray(4000, 20000)) - 660)).toBeLessThan(5);
  });
  it("resamples 8 kHz and 96 kHz to 16 kHz keeping the pitch", async () => {
    for (const name of ["tone-8k.wav", "tone-96k.wav"]) {
      const a = await decodeAudio(fx[name]);
      expect(a.samples.length).toBe(32000);
      expect(Math.abs(crossings(a.samples.subarray(1000, 17000)) - 880)).toBeLessThan(3);
    }
  });
  it("decodes bytes like the path", async () => {
    const a = await decodeAudio(fx["speech.flac"]);
    const b = await decodeAudio(new Uint8Array(readFileSync(fx["speech.flac"])));
    expect(b.samples).toEqual(a.samples);
  });
});

describe("decodeAudio: mono, trimming, bounds", () => {
  it("averages 5.1 channels (librosa's mono), unlike ffmpeg's -ac 1 matrix", async () => {
    const a = await decodeAudio(fx["surround-6.wav"]);
    // amplitudes 0.1, 0.1, 0.6, 0.3, 0.05, 0.05: the mean has amplitude 0.2
    expect(Math.abs(peak(a.samples) - 0.2)).toBeLessThan(2e-3);
    expect(a.steps).toContain("downmix 6 -> 1 channel (mean of channels, as librosa)");
  });
  it("averages a 96-channel WAV (past ffmpeg's 64-channel resampler)", async () => {
    const a = await decodeAudio(fx["channels-96.wav"], { slot: "mic" });
    expect(a.original.channels).toBe(96);
    expect(a.samples.length).toBe(8000);
    // channel c has amplitude 0.005 (c + 1): the mean has 0.2425
    expect(Math.abs(peak(a.samples) - 0.2425)).toBeLessThan(2e-3);
    const b = await decodeAudio(fx["channels-96.wav"], { sampleRate: 8000, start: 0.1 });
    expect(b.samples.length).toBe(3200);
  });
  it("cuts start/end exactly on PCM", async () => {
    const full = await decodeAudio(fx["speech.wav"]);
    const part = await decodeAudio(fx["speech.wav"], { start: 1, end: 2 });
    expect(part.samples.length).toBe(16000);
    let worst = 0;
    for (let i = 0; i < 16000; i++) worst = Math.max(worst, Math.abs(part.samples[i] - full.samples[16000 + i]));
    expect(worst).toBeLessThan(1e-6);
  });
  it("truncates at max_seconds and says so", async () => {
    const a = await decodeAudio(fx["long-40s.wav"], { maxSeconds: 30 });
    expect([a.samples.length, a.truncated]).toEqual([480000, true]);
    expect(a.steps).toContain("truncate at max_seconds 30");
    const b = await decodeAudio(fx["long-40s.wav"], { maxSeconds: 60 });
    expect([b.samples.length, b.truncated]).toEqual([640000, false]);
  });
});

describe("decodeAudio: broken input", () => {
  it("decodes silence to zeros whose features are finite (-1.5)", async () => {
    const a = await decodeAudio(fx["silence.wav"]);
    expect(peak(a.samples)).toBe(0);
    const m = logMel(a.samples, { nMels: 128 });
    expect(new Set(m.features)).toEqual(new Set([-1.5]));
  });
  it("decodes a 10 ms clip: 160 samples, 1 mask frame, 0 Qwen tokens, finite features", async () => {
    const a = await decodeAudio(fx["clip-10ms.wav"]);
    expect(a.samples.length).toBe(160);
    const m = logMel(a.samples, { nMels: 80 });
    expect(m.validFrames).toBe(1);
    expect(m.features.every(Number.isFinite)).toBe(true);
    expect(audioTokens({ samples: a.samples, preset: "qwen2-audio" }).tokens).toBe(0);
  });
  it("names the slot and file when there is no audio stream", async () => {
    const e = await rejection(decodeAudio(fx["video-no-audio.mp4"], { slot: "speech" }));
    expect([e.code, e.slot, e.file]).toEqual(["media/no-stream", "speech", fx["video-no-audio.mp4"]]);
    const f = await rejection(decodeAudio(fx["video-with-audio.mp4"], { slot: "speech", stream: 1 }));
    expect(f.code).toBe("media/no-stream");
  });
  it("decodes what a truncated MP3 holds and notes that it is cut short", async () => {
    const a = await decodeAudio(fx["truncated.mp3"], { slot: "speech" });
    expect(a.seconds).toBeGreaterThan(0.5);
    expect(a.seconds).toBeLessThan(2);
    expect(a.samples.every(Number.isFinite)).toBe(true);
    expect(a.steps.some((s) => s.includes("cut short"))).toBe(true);
  });
  it("refuses NaN samples, missing files, garbage and bad ranges with typed errors", async () => {
    expect((await rejection(decodeAudio(fx["nan.wav"], { slot: "a" }))).code).toBe("media/degenerate");
    const missing = await rejection(decodeAudio("/no/such/file.wav", { slot: "a" }));
    expect([missing.code, missing.slot]).toEqual(["media/not-found", "a"]);
    expect((await rejection(decodeAudio(new Uint8Array([1, 2, 3, 4]), { slot: "a" }))).code).toBe("media/unreadable");
    expect((await rejection(decodeAudio(new Uint8Array(0), { slot: "a" }))).code).toBe("media/unreadable");
    expect((await rejection(decodeAudio(fx["speech.wav"], { start: 2, end: 1 }))).code).toBe("input/invalid");
    expect((await rejection(decodeAudio(fx["speech.wav"], { start: 5 }))).message).toMatch(/past the end/);
  });
  it("lets a batch go on: every fixture either decodes to finite samples or fails with an OmnispecError", async () => {
    const names = Object.keys(fx);
    const results = await Promise.allSettled(names.map((n) => decodeAudio(fx[n], { slot: n, maxSeconds: 5 })));
    results.forEach((r, i) => {
      if (r.status === "fulfilled") expect(r.value.samples.every(Number.isFinite)).toBe(true);
      else expect([names[i], r.reason]).toEqual([names[i], expect.any(OmnispecError)]);
    });
    expect(results.filter((r) => r.status === "rejected").length).toBe(2);
  });
});
