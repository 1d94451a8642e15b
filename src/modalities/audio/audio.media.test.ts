import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WhisperFeatureExtractor } from "@huggingface/transformers";
import { describe, expect, it } from "vitest";
import { decodeAudio } from "./decode.js";
import { kaldiFbank } from "./fbank.js";
import { logMel } from "./log-mel.js";
import { audioTokens } from "./tokens.js";

const MEDIA = process.env.OMNISPEC_MEDIA_DIR ?? "";
const media = (p: string): string => join(MEDIA, p);

function wavInt16(file: string): Float32Array {
  const b = readFileSync(file);
  const d = b.indexOf("data");
  const n = b.readUInt32LE(d + 4) / 2;
  return Float32Array.from({ length: n }, (_, i) => b.readInt16LE(d + 8 + 2 * i) / 32768);
}

describe("real speech and film audio", () => {
  it("needs OMNISPEC_MEDIA_DIR", () => {
    expect(MEDIA).not.toBe("");
  });
  it("decodes jfk.wav to its 176,000 samples at 16 kHz, bit-equal to int16 / 32768", async () => {
    const a = await decodeAudio(media("audio/jfk.wav"), { slot: "speech" });
    expect([a.samples.length, a.sampleRate, a.seconds]).toEqual([176000, 16000, 11]);
    expect(a.samples).toEqual(wavInt16(media("audio/jfk.wav")));
  });
  it("decodes jfk.mp3 close to the WAV", async () => {
    const wav = await decodeAudio(media("audio/jfk.wav"));
    const mp3 = await decodeAudio(media("audio/jfk.mp3"));
    expect(Math.abs(mp3.samples.length - 176000)).toBeLessThan(1600);
    const rms = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
    expect(Math.abs(rms(mp3.samples) / rms(wav.samples) - 1)).toBeLessThan(0.05);
    const mel = logMel(mp3.samples, { nMels: 128 });
    expect(audioTokens({ samples: mp3.samples, preset: "qwen2-audio" }).tokens).toBe(275);
    expect(mel.features.every(Number.isFinite)).toBe(true);
  });
  it("downmixes the film's 5.1 track to 30.0x s of mono 16 kHz with finite Omni features", async () => {
    const a = await decodeAudio(media("video/bbb_480p_30s.mp4"), { slot: "clip" });
    expect(a.original.channels).toBe(6);
    expect(a.seconds).toBeGreaterThanOrEqual(30);
    expect(a.seconds).toBeLessThan(30.1);
    expect(a.steps).toContain("downmix 6 -> 1 channel (mean of channels, as librosa)");
    const mel = logMel(a.samples, { nMels: 128, chunkLength: 300 });
    expect(mel.validFrames).toBe(Math.ceil(a.samples.length / 160));
    expect(mel.features.every(Number.isFinite)).toBe(true);
    expect(kaldiFbank(a.samples).features.every(Number.isFinite)).toBe(true);
  });
  it("matches transformers.js WhisperFeatureExtractor on jfk (128 bins, 30 s) within 1e-4", async () => {
    const x = wavInt16(media("audio/jfk.wav"));
    const fe = new WhisperFeatureExtractor({ feature_size: 128, sampling_rate: 16000, hop_length: 160, chunk_length: 30, n_fft: 400, n_samples: 480000, nb_max_frames: 3000, padding_value: 0 });
    const ref = ((await fe(x)) as { input_features: { data: Float32Array } }).input_features.data;
    const ours = logMel(x, { nMels: 128 });
    let worst = 0;
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - ours.features[i]));
    expect(worst).toBeLessThanOrEqual(1e-4);
    expect(ours.validFrames).toBe(1100);
  });
});
