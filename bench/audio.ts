// audio: log-mel of the 11 s speech clip against transformers.js WhisperFeatureExtractor on the same PCM, and decoding
// against plain `ffmpeg -i jfk.mp3 -f f32le -`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { WhisperFeatureExtractor } from "@huggingface/transformers";
import { ffmpegBinaries } from "../src/media/ffmpeg.js";
import { decodeAudio } from "../src/modalities/audio/decode.js";
import { logMel } from "../src/modalities/audio/log-mel.js";
import { median, printResults, type BenchResult } from "./types.js";

const MEDIA = process.env.OMNISPEC_MEDIA_DIR ?? fileURLToPath(new URL("../../shared/media/", import.meta.url));

async function time(f: () => unknown, runs: number, warm = 3): Promise<number> {
  for (let i = 0; i < warm; i++) await f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

function whisperFe(nMels: number, chunk: number): WhisperFeatureExtractor {
  return new WhisperFeatureExtractor({
    feature_size: nMels, sampling_rate: 16000, hop_length: 160, chunk_length: chunk, n_fft: 400,
    n_samples: chunk * 16000, nb_max_frames: chunk * 100, padding_value: 0,
  });
}

function ffmpegAlone(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(ffmpegBinaries().ffmpeg, ["-nostdin", "-hide_banner", "-loglevel", "error", "-i", file, "-f", "f32le", "-"]);
    let bytes = 0;
    p.stdout.on("data", (c: Buffer) => (bytes += c.length));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(bytes) : reject(new Error(`ffmpeg exited ${code}`))));
  });
}

export async function run(): Promise<BenchResult[]> {
  const wav = join(MEDIA, "audio/jfk.wav");
  const mp3 = join(MEDIA, "audio/jfk.mp3");
  if (!existsSync(wav) || !existsSync(mp3)) throw new Error(`jfk.wav / jfk.mp3 not found under ${MEDIA}; set OMNISPEC_MEDIA_DIR`);
  const pcm = (await decodeAudio(wav)).samples;
  const clip = `jfk.wav, ${pcm.length.toLocaleString("en-US")} samples`;
  const out: BenchResult[] = [];

  const fe30 = whisperFe(128, 30);
  const peer30 = await time(() => fe30(pcm), 11);
  const ours30 = await time(() => logMel(pcm, { nMels: 128, chunkLength: 30 }), 41);
  out.push({ name: "log-mel 128 bins, 30 s window", value: ours30, unit: "ms", peer: "transformers.js WhisperFeatureExtractor", peerValue: peer30, ratio: peer30 / ours30, target: ">= 10x", note: `${clip}; medians of 41 / 11 runs` });

  const fe80 = whisperFe(80, 30);
  const peer80 = await time(() => fe80(pcm), 11);
  const ours80 = await time(() => logMel(pcm, { nMels: 80, chunkLength: 30 }), 41);
  out.push({ name: "log-mel 80 bins, 30 s window (Whisper)", value: ours80, unit: "ms", peer: "transformers.js WhisperFeatureExtractor", peerValue: peer80, ratio: peer80 / ours80, note: "medians of 41 / 11 runs" });

  const fe300 = whisperFe(128, 300);
  const peer300 = await time(() => fe300(pcm), 3, 1);
  const ours300 = await time(() => logMel(pcm, { nMels: 128, chunkLength: 300 }), 11);
  out.push({ name: "log-mel 128 bins, 300 s window (Omni)", value: ours300, unit: "ms", peer: "transformers.js WhisperFeatureExtractor", peerValue: peer300, ratio: peer300 / ours300, note: "frames past the clip are the known constant; medians of 11 / 3 runs" });

  const alone = await time(() => ffmpegAlone(mp3), 9, 2);
  const ours = await time(() => decodeAudio(mp3, { sampleRate: 16000 }), 9, 2);
  out.push({ name: "decode jfk.mp3 to 16 kHz mono (probe + soxr + mean)", value: ours, unit: "ms", peer: "ffmpeg -i jfk.mp3 -f f32le - alone", peerValue: alone, ratio: alone / ours, note: "medians of 9 runs; the peer does no probe, resampling or downmix" });
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printResults("audio", await run());
