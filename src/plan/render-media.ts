// the media behind a picture of a plan: the frames the model sees, mono pcm and a display log-mel.
import sharp from "sharp";
import { streamFrames } from "../modalities/video/decode.js";
import { centreCrop, slotFrameView } from "./materialize.js";
import type { SlotPlanJSON } from "./types.js";
import { decodeAudio } from "../modalities/audio/decode.js";

export type MediaInput = string | Uint8Array;

/** RGB bytes scaled to another size (display only). */
export async function scaleRgb(data: Uint8Array, from: { width: number; height: number }, width: number, height: number): Promise<Uint8Array> {
  if (from.width === width && from.height === height) return data;
  return sharp(data, { raw: { width: from.width, height: from.height, channels: 3 } })
    .resize(width, height, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer();
}

/**
 * The frames `indices` of a VIDEO slot as the model sees them (upright, at the plan's size, Pillow-exact unless the
 * plan names another resampler), each scaled to `width` x `height` for display, in the order asked. One ffmpeg
 * process through decodeFrames' streaming path; only the thumbnails are kept.
 */
export async function videoFrames(file: string, plan: SlotPlanJSON, indices: readonly number[], width: number, height: number, slot: string): Promise<Uint8Array[]> {
  const view = slotFrameView(plan, slot);
  const byIndex = new Map<number, Uint8Array>();
  for await (const f of streamFrames(file, { indices, width: view.width, height: view.height, resample: view.resample, slot })) {
    const seen = view.crop ? centreCrop(f, view.crop[0], view.crop[1]) : f;
    byIndex.set(f.index, await scaleRgb(seen.data, seen, width, height));
  }
  return indices.map((i) => byIndex.get(i)!);
}

/** Mono float32 samples at `rate` as the reference loads them (channel average; decodeAudio), optionally between `start` and `end` seconds. */
export async function monoPcm(input: MediaInput, rate: number, slot: string, range: { start?: number; end?: number } = {}): Promise<Float32Array> {
  const decoded = await decodeAudio(input, { sampleRate: rate, start: range.start, end: range.end, slot });
  return decoded.samples;
}

const N_FFT = 400;
const BINS = N_FFT / 2 + 1;

function hzToMel(f: number): number {
  return f < 1000 ? (3 * f) / 200 : 15 + (27 * Math.log(f / 1000)) / Math.log(6.4);
}
function melToHz(m: number): number {
  return m < 15 ? (200 * m) / 3 : 1000 * Math.exp((Math.log(6.4) * (m - 15)) / 27);
}

/** Slaney-normalised triangular mel filters over the n_fft=400 spectrum, as Whisper's front end builds them. */
function melFilters(nMels: number, rate: number): Float32Array {
  const top = hzToMel(rate / 2);
  const hz = Array.from({ length: nMels + 2 }, (_, i) => melToHz((top * i) / (nMels + 1)));
  const w = new Float32Array(nMels * BINS);
  for (let m = 0; m < nMels; m++) {
    const [lo, mid, hi] = [hz[m], hz[m + 1], hz[m + 2]];
    const norm = 2 / (hi - lo);
    for (let k = 0; k < BINS; k++) {
      const f = (k * rate) / N_FFT;
      const v = Math.max(0, Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid)));
      w[m * BINS + k] = v * norm;
    }
  }
  return w;
}

/**
 * A Whisper-style log-mel (Hann 400, hop 160, power, Slaney mel, log10, floor at max-8, (x+4)/4) evaluated only at
 * `columns` evenly spread frames: enough to draw, cheap for long clips. Returns `columns x nMels`, low bins first.
 */
export function displayLogMel(pcm: Float32Array, opts: { rate: number; nMels: number; columns: number }): Float32Array {
  const { nMels } = opts;
  const hop = opts.rate / 100;
  const frames = Math.max(1, Math.floor(pcm.length / hop));
  const columns = Math.max(1, Math.min(opts.columns, frames));
  const filters = melFilters(nMels, opts.rate);
  const cos = new Float32Array(BINS * N_FFT);
  const sin = new Float32Array(BINS * N_FFT);
  for (let k = 0; k < BINS; k++) {
    for (let n = 0; n < N_FFT; n++) {
      const a = (2 * Math.PI * k * n) / N_FFT;
      cos[k * N_FFT + n] = Math.cos(a);
      sin[k * N_FFT + n] = Math.sin(a);
    }
  }
  const hann = Float32Array.from({ length: N_FFT }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT));
  const frame = new Float32Array(N_FFT);
  const power = new Float32Array(BINS);
  const out = new Float32Array(columns * nMels);
  const half = N_FFT / 2;
  let max = -Infinity;
  for (let c = 0; c < columns; c++) {
    const centre = Math.floor((c * frames) / columns) * hop;
    for (let n = 0; n < N_FFT; n++) {
      // reflect padding at both ends, as the centred STFT does
      let i = centre - half + n;
      if (i < 0) i = -i;
      if (i >= pcm.length) i = Math.max(0, 2 * pcm.length - 2 - i);
      frame[n] = (pcm[i] ?? 0) * hann[n];
    }
    for (let k = 0; k < BINS; k++) {
      let re = 0;
      let im = 0;
      const o = k * N_FFT;
      for (let n = 0; n < N_FFT; n++) {
        re += frame[n] * cos[o + n];
        im -= frame[n] * sin[o + n];
      }
      power[k] = re * re + im * im;
    }
    for (let m = 0; m < nMels; m++) {
      let s = 0;
      const o = m * BINS;
      for (let k = 0; k < BINS; k++) s += filters[o + k] * power[k];
      const v = Math.log10(Math.max(s, 1e-10));
      out[c * nMels + m] = v;
      if (v > max) max = v;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = (Math.max(out[i], max - 8) + 4) / 4;
  return out;
}
