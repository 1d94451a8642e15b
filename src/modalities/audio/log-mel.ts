// Whisper's log-mel front end (WhisperFeatureExtractor, numpy path), computing only the frames that see signal.
import { OmnispecError } from "../../errors.js";
import { complexFft } from "./fft.js";

export interface LogMelOptions {
  /** mel bins: 80 (Whisper) or 128 (Whisper large-v3, Qwen2-Audio, Qwen2.5-Omni) */
  nMels?: number;
  nFft?: number;
  hop?: number;
  sampleRate?: number;
  /** the feature window in seconds: 30 (Whisper, Qwen2-Audio) or 300 (Qwen2.5-Omni); longer input is truncated */
  chunkLength?: number;
  /** "max_length" pads to the window as the reference processors do; "none" keeps only the clip's own frames */
  padding?: "max_length" | "none";
  /** slot name for error messages */
  slot?: string;
}

export interface LogMel {
  /** `nMels x frames`, row-major (mel bin major), as transformers' `input_features[0]` */
  features: Float32Array;
  nMels: number;
  frames: number;
  /** the feature attention mask over `frames` (Qwen's `feature_attention_mask`) */
  attentionMask: Uint8Array;
  /** frames covered by the clip: `ceil(min(N, window) / hop)` with max_length padding, else `frames` */
  validFrames: number;
  /** input samples beyond the window were dropped */
  truncated: boolean;
}

interface Filter {
  start: number;
  weights: Float64Array;
}

/** the filters packed for the inner loop: filter m has weights[offset[m] .. offset[m + 1]) from bin start[m] */
interface PackedBank {
  start: Int32Array;
  offset: Int32Array;
  weights: Float64Array;
}

const filterCache = new Map<string, Filter[]>();
const packedCache = new WeakMap<Filter[], PackedBank>();

function pack(bank: Filter[]): PackedBank {
  const hit = packedCache.get(bank);
  if (hit) return hit;
  const offset = new Int32Array(bank.length + 1);
  bank.forEach((f, m) => (offset[m + 1] = offset[m] + f.weights.length));
  const weights = new Float64Array(offset[bank.length]);
  bank.forEach((f, m) => weights.set(f.weights, offset[m]));
  const packed = { start: Int32Array.from(bank, (f) => f.start), offset, weights };
  packedCache.set(bank, packed);
  return packed;
}

function hertzToMel(f: number): number {
  return f >= 1000 ? 15 + Math.log(f / 1000) * (27 / Math.log(6.4)) : (3 * f) / 200;
}

function melToHertz(m: number): number {
  return m >= 15 ? 1000 * Math.exp((Math.log(6.4) / 27) * (m - 15)) : (200 * m) / 3;
}

/** numpy.linspace: `start + i * step`, the last element exactly `stop` */
function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const step = (stop - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  out[n - 1] = stop;
  return out;
}

/**
 * Slaney-scale, Slaney-normalised triangular mel filters as transformers' `mel_filter_bank(n_fft/2+1, nMels, 0,
 * sampleRate/2, sampleRate, norm="slaney", mel_scale="slaney")` builds them, as a dense `[bins][nMels]` matrix.
 *
 * @example
 * import { melFilterBank } from "omnispec/modalities";
 * const w = melFilterBank(80); // Float64Array of 201 * 80
 * w.length; // 16080
 */
export function melFilterBank(nMels: number, opts: { nFft?: number; sampleRate?: number } = {}): Float64Array {
  const bins = Math.floor((opts.nFft ?? 400) / 2) + 1;
  const dense = new Float64Array(bins * nMels);
  filters(nMels, opts.nFft ?? 400, opts.sampleRate ?? 16000).forEach((f, m) => f.weights.forEach((w, i) => (dense[(f.start + i) * nMels + m] = w)));
  return dense;
}

function filters(nMels: number, nFft: number, sampleRate: number): Filter[] {
  const key = `${nMels}/${nFft}/${sampleRate}`;
  const hit = filterCache.get(key);
  if (hit) return hit;
  const bins = Math.floor(nFft / 2) + 1;
  const fftFreqs = linspace(0, sampleRate / 2, bins);
  const mels = linspace(hertzToMel(0), hertzToMel(sampleRate / 2), nMels + 2);
  const hz = mels.map(melToHertz);
  const out: Filter[] = [];
  for (let m = 0; m < nMels; m++) {
    const row = new Float64Array(bins);
    const enorm = 2 / (hz[m + 2] - hz[m]);
    let first = -1;
    let last = -1;
    for (let k = 0; k < bins; k++) {
      const down = -(hz[m] - fftFreqs[k]) / (hz[m + 1] - hz[m]);
      const up = (hz[m + 2] - fftFreqs[k]) / (hz[m + 2] - hz[m + 1]);
      row[k] = Math.max(0, Math.min(down, up)) * enorm;
      if (row[k] > 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    out.push(first < 0 ? { start: 0, weights: new Float64Array(0) } : { start: first, weights: row.slice(first, last + 1) });
  }
  filterCache.set(key, out);
  return out;
}

/** numpy's periodic Hann (`np.hanning(n + 1)[:-1]`), evaluated the way numpy does */
function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 + 0.5 * Math.cos((Math.PI * (-n + 2 * i)) / n);
  return w;
}

/**
 * Whisper-style log-mel features, equal to transformers' `WhisperFeatureExtractor` (reflect-padded centred STFT,
 * periodic Hann, power spectrum, Slaney mel filters, log10 floored at 1e-10, clamped to max - 8, (x + 4) / 4, last
 * frame dropped), with the window's padding/truncation and the feature attention mask the Qwen processors use.
 * Frames that only see zero padding are filled with their known value instead of being transformed.
 *
 * @example
 * import { logMel } from "omnispec/modalities";
 * const tone = Float32Array.from({ length: 16000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
 * const mel = logMel(tone, { nMels: 128, chunkLength: 30 });
 * [mel.frames, mel.validFrames]; // [3000, 100]
 */
export function logMel(samples: Float32Array, opts: LogMelOptions = {}): LogMel {
  const nMels = opts.nMels ?? 80;
  const nFft = opts.nFft ?? 400;
  const hop = opts.hop ?? 160;
  const sampleRate = opts.sampleRate ?? 16000;
  const chunkLength = opts.chunkLength ?? 30;
  const padding = opts.padding ?? "max_length";
  const slot = opts.slot;
  if (!(Number.isInteger(nMels) && nMels > 0 && Number.isInteger(hop) && hop > 0 && chunkLength > 0)) {
    throw new OmnispecError("input/invalid", "log-mel needs positive integer nMels and hop and a positive chunkLength", { slot, value: { nMels, hop, chunkLength } });
  }
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) {
      throw new OmnispecError("media/degenerate", `audio sample ${i} is ${samples[i]}`, { slot, value: samples[i], hint: "the decoded audio holds NaN or Infinity; re-encode the file" });
    }
  }
  const windowSamples = Math.round(chunkLength * sampleRate);
  const kept = Math.min(samples.length, windowSamples);
  const P = padding === "max_length" ? windowSamples : kept;
  // a centred STFT has 1 + P // hop frames; Whisper drops the last
  const frames = Math.floor(P / hop);
  const validFrames = padding === "max_length" ? Math.min(frames, Math.ceil(kept / hop)) : frames;
  const features = new Float32Array(nMels * frames);
  const attentionMask = new Uint8Array(frames);
  attentionMask.fill(1, 0, validFrames);
  const result = { features, nMels, frames, attentionMask, validFrames, truncated: samples.length > windowSamples };
  if (frames === 0) return result;

  const half = nFft >> 1;
  const bins = half + 1;
  const win = hann(nFft);
  const bank = pack(filters(nMels, nFft, sampleRate));
  // past `until` every frame reads only zeros (unless the right-edge reflection reaches back into the clip)
  const lastIndex = hop * (frames - 1) + nFft - 1 - half;
  const reflectionClear = lastIndex < P || kept <= 2 * P - 2 - lastIndex;
  const until = reflectionClear ? Math.min(frames, Math.ceil((kept + half) / hop)) : frames;
  const at = (j: number): number => {
    if (P === 1) return kept > 0 ? samples[0] : 0;
    const period = 2 * P - 2;
    j = ((j % period) + period) % period;
    if (j >= P) j = period - j;
    return j < kept ? samples[j] : 0;
  };
  const fft = complexFft(nFft);
  const re = new Float64Array(nFft);
  const im = new Float64Array(nFft);
  const power = new Float64Array(bins);
  let lmax = -Infinity;
  const load = (t: number, into: Float64Array): void => {
    const base = t * hop - half;
    if (base >= 0 && base + nFft <= kept) {
      for (let i = 0; i < nFft; i++) into[i] = samples[base + i] * win[i];
    } else {
      for (let i = 0; i < nFft; i++) into[i] = at(base + i) * win[i];
    }
  };
  // log-mel of the computed frames, frame-major (transposed into `features` at the end)
  const logs = new Float32Array(until * nMels);
  const emit = (t: number): void => {
    const row = t * nMels;
    for (let m = 0; m < nMels; m++) {
      const start = bank.start[m];
      const w0 = bank.offset[m];
      const w1 = bank.offset[m + 1];
      let e = 0;
      for (let w = w0; w < w1; w++) e += bank.weights[w] * power[start + w - w0];
      if (!(e < Infinity)) throw overflow(slot);
      const l = Math.fround(Math.log10(e > 1e-10 ? e : 1e-10));
      logs[row + m] = l;
      if (l > lmax) lmax = l;
    }
  };
  // two real frames per complex transform: frame t in the real part, frame t + 1 in the imaginary part
  for (let t = 0; t < until; t += 2) {
    const pair = t + 1 < until;
    load(t, re);
    if (pair) load(t + 1, im);
    else im.fill(0);
    fft.run(re, im);
    // the reference rounds the spectrum to complex64 before taking the power
    power[0] = Math.fround(re[0]) ** 2;
    for (let k = 1; k < bins; k++) {
      const j = nFft - k;
      const ar = Math.fround((re[k] + re[j]) * 0.5), ai = Math.fround((im[k] - im[j]) * 0.5);
      power[k] = ar * ar + ai * ai;
    }
    emit(t);
    if (!pair) break;
    power[0] = Math.fround(im[0]) ** 2;
    for (let k = 1; k < bins; k++) {
      const j = nFft - k;
      const br = Math.fround((im[k] + im[j]) * 0.5), bi = Math.fround((re[j] - re[k]) * 0.5);
      power[k] = br * br + bi * bi;
    }
    emit(t + 1);
  }
  if (until < frames && -10 > lmax) lmax = -10;
  const floor = Math.fround(lmax - 8);
  const tail = Math.fround((-10 > floor ? -10 : floor) + 4) / 4;
  for (let m = 0; m < nMels; m++) {
    const row = m * frames;
    for (let t = 0; t < until; t++) {
      const l = logs[t * nMels + m];
      features[row + t] = Math.fround((l > floor ? l : floor) + 4) / 4;
    }
    features.fill(tail, row + until, row + frames);
  }
  return result;
}

function overflow(slot: string | undefined): OmnispecError {
  return new OmnispecError("media/degenerate", "the audio's spectrum overflowed", { slot, hint: "the samples are far outside [-1, 1]; normalise the audio" });
}
