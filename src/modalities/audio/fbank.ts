// Kaldi-style log mel filterbank as torchaudio.compliance.kaldi.fbank computes it with its library defaults, the OFA
// audio front end (OFASys / ModelScope OFA `prepare_fbank`: mono, peak-normalised volume, samples * 2^15, 80 bins).
//
// verified by running: frame counts (snip_edges) and the 4x subsampling arithmetic (tokens.ts, tests), the FFT.
// by reading only (no torch on this machine): the torchaudio steps below. torchaudio computes in float32; this file
// computes in float64 and rounds once, so values can differ from torchaudio by float32 rounding (~1e-6 relative).
// not reproduced: OFA's feature transforms (utterance/global CMVN from a data-config YAML) and speed augmentation.
import { OmnispecError } from "../../errors.js";
import { complexFft } from "./fft.js";

export interface KaldiFbankOptions {
  /** mel bins (torchaudio's default is 23; OFA uses 80) */
  nMels?: number;
  sampleRate?: number;
  /** ms */
  frameLength?: number;
  /** ms */
  frameShift?: number;
  preemphasis?: number;
  /** Hz; Kaldi's default 20 */
  lowFreq?: number;
  /** Hz; 0 or negative counts back from Nyquist (Kaldi's default 0 = Nyquist) */
  highFreq?: number;
  /** multiply the samples by this first: Kaldi expects 16-bit integer scale, so OFA passes samples * 2^15 */
  scale?: number;
  /** scale the clip so its peak is 1 before `scale` (OFA's `normalize_volume=True`, sox `gain -n`) */
  normalizeVolume?: boolean;
  slot?: string;
}

export interface KaldiFbank {
  /** `frames x nMels`, row-major (time major), as torchaudio returns it */
  features: Float32Array;
  frames: number;
  nMels: number;
}

const EPSILON = 1.1920928955078125e-7;

const melScale = (f: number): number => 1127 * Math.log(1 + f / 700);

/**
 * 80-bin (by default) Kaldi fbank features: 25 ms frames every 10 ms with snip_edges (frames = 1 + (N - 400) // 160,
 * none for shorter clips), DC offset removed per frame, preemphasis 0.97, povey window (symmetric Hann ^ 0.85), zero
 * padded to 512, power spectrum, Kaldi mel scale (1127 ln(1 + f/700)) triangles from 20 Hz to Nyquist, natural log
 * floored at float32 epsilon. Dither 0 (inference). Input at OFA scale: peak-normalised, times 2^15.
 *
 * @example
 * import { kaldiFbank } from "omnispec/modalities";
 * const tone = Float32Array.from({ length: 16000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
 * const f = kaldiFbank(tone);
 * [f.frames, f.nMels]; // [98, 80]
 */
export function kaldiFbank(samples: Float32Array, opts: KaldiFbankOptions = {}): KaldiFbank {
  const nMels = opts.nMels ?? 80;
  const rate = opts.sampleRate ?? 16000;
  const win = Math.trunc(rate * (opts.frameLength ?? 25) * 0.001);
  const shift = Math.trunc(rate * (opts.frameShift ?? 10) * 0.001);
  const preemph = opts.preemphasis ?? 0.97;
  const nFft = 2 ** Math.ceil(Math.log2(win));
  const slot = opts.slot;
  if (!(Number.isInteger(nMels) && nMels > 0 && win > 0 && shift > 0)) {
    throw new OmnispecError("input/invalid", "fbank needs positive nMels, frame length and frame shift", { slot, value: { nMels, win, shift } });
  }
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (!Number.isFinite(v)) throw new OmnispecError("media/degenerate", `audio sample ${i} is ${v}`, { slot, value: v, hint: "the decoded audio holds NaN or Infinity; re-encode the file" });
    if (Math.abs(v) > peak) peak = Math.abs(v);
  }
  const gain = (opts.scale ?? 32768) * (opts.normalizeVolume === false || peak === 0 ? 1 : 1 / peak);
  const frames = samples.length < win ? 0 : 1 + Math.floor((samples.length - win) / shift);
  const features = new Float32Array(frames * nMels);
  if (frames === 0) return { features, frames, nMels };

  const window = new Float64Array(win);
  for (let i = 0; i < win; i++) window[i] = Math.pow(0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (win - 1)), 0.85);
  const banks = melBanks(nMels, nFft, rate, opts.lowFreq ?? 20, opts.highFreq ?? 0);
  const half = nFft / 2;
  const fft = complexFft(nFft);
  const re = new Float64Array(nFft);
  const im = new Float64Array(nFft);
  const power = new Float64Array(half);
  const load = (t: number, into: Float64Array): void => {
    const base = t * shift;
    let mean = 0;
    for (let i = 0; i < win; i++) mean += samples[base + i] * gain;
    mean /= win;
    for (let i = 0; i < win; i++) {
      const x = samples[base + i] * gain - mean;
      // preemphasis with the first sample replicated: y[0] = x[0] - k x[0]
      const prev = i > 0 ? samples[base + i - 1] * gain - mean : x;
      into[i] = (x - preemph * prev) * window[i];
    }
    into.fill(0, win);
  };
  const emit = (t: number): void => {
    const row = t * nMels;
    for (let m = 0; m < nMels; m++) {
      const b = banks[m];
      let e = 0;
      for (let k = 0; k < b.weights.length; k++) e += b.weights[k] * power[b.start + k];
      features[row + m] = Math.log(e > EPSILON ? e : EPSILON);
    }
  };
  for (let t = 0; t < frames; t += 2) {
    const pair = t + 1 < frames;
    load(t, re);
    if (pair) load(t + 1, im);
    else im.fill(0);
    fft.run(re, im);
    // the Nyquist bin is dropped: Kaldi's mel banks cover bins 0 .. n/2 - 1
    for (let k = 0; k < half; k++) {
      const j = (nFft - k) % nFft;
      const ar = (re[k] + re[j]) / 2, ai = (im[k] - im[j]) / 2;
      power[k] = ar * ar + ai * ai;
    }
    emit(t);
    if (!pair) break;
    for (let k = 0; k < half; k++) {
      const j = (nFft - k) % nFft;
      const br = (im[k] + im[j]) / 2, bi = (re[j] - re[k]) / 2;
      power[k] = br * br + bi * bi;
    }
    emit(t + 1);
  }
  return { features, frames, nMels };
}

function melBanks(nMels: number, nFft: number, rate: number, lowFreq: number, highFreq: number): { start: number; weights: Float64Array }[] {
  const bins = nFft / 2;
  const nyquist = rate / 2;
  const high = highFreq <= 0 ? highFreq + nyquist : highFreq;
  const binWidth = rate / nFft;
  const lowMel = melScale(lowFreq);
  const delta = (melScale(high) - lowMel) / (nMels + 1);
  const out: { start: number; weights: Float64Array }[] = [];
  for (let m = 0; m < nMels; m++) {
    const left = lowMel + m * delta, center = lowMel + (m + 1) * delta, right = lowMel + (m + 2) * delta;
    const row = new Float64Array(bins);
    let first = -1, last = -1;
    for (let k = 0; k < bins; k++) {
      const mel = melScale(binWidth * k);
      const v = Math.max(0, Math.min((mel - left) / (center - left), (right - mel) / (right - center)));
      row[k] = v;
      if (v > 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    out.push(first < 0 ? { start: 0, weights: new Float64Array(0) } : { start: first, weights: row.slice(first, last + 1) });
  }
  return out;
}
