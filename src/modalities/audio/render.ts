// a picture of an audio clip: the waveform over its log-mel spectrogram, on one time axis (sharp from raw pixels).
import sharp from "sharp";
import { OmnispecError } from "../../errors.js";

export interface RenderAudioOptions {
  samples: Float32Array;
  sampleRate: number;
  /** log-mel features, `nMels x frames` row-major as `logMel` returns them */
  features?: Float32Array;
  nMels?: number;
  /** feature frames per second (100 for a 160-sample hop at 16 kHz) */
  framesPerSecond?: number;
  /** image width in pixels (default 960) */
  width?: number;
  /** a caption for the header line (e.g. the file name) */
  title?: string;
}

const WAVE_H = 140;
const AXIS_H = 28;
const BG: [number, number, number] = [255, 255, 255];
const WAVE: [number, number, number] = [41, 98, 255];

// viridis anchors (matplotlib), interpolated linearly
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [110, 206, 88], [181, 222, 43], [253, 231, 37],
];

function colour(v: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, v)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

function tickStep(seconds: number, width: number): number {
  const most = Math.max(2, Math.floor(width / 70));
  for (const s of [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) if (seconds / s <= most) return s;
  return 1200;
}

const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Draws an audio clip as a PNG: the waveform (min/max per pixel column) on top, the log-mel spectrogram below it
 * (viridis colour map, low bins at the bottom, only the frames the clip covers, not the window's padding), and a time
 * axis in seconds.
 *
 * @example
 * import { decodeAudio, logMel, renderAudio } from "omnispec/modalities";
 * import { writeFileSync } from "node:fs";
 * const a = await decodeAudio("speech.wav");
 * const mel = logMel(a.samples, { nMels: 128 });
 * writeFileSync("speech.png", await renderAudio({ samples: a.samples, sampleRate: a.sampleRate, features: mel.features, nMels: 128 }));
 */
export async function renderAudio(opts: RenderAudioOptions): Promise<Buffer> {
  const { samples, sampleRate } = opts;
  const width = Math.round(opts.width ?? 960);
  if (!(width >= 16 && width <= 8192) || !(sampleRate > 0)) {
    throw new OmnispecError("input/invalid", "renderAudio needs a width of 16..8192 pixels and a positive sample rate", { value: { width, sampleRate } });
  }
  const seconds = samples.length / sampleRate;
  const nMels = opts.nMels ?? 0;
  const features = opts.features;
  const allFrames = features && nMels > 0 ? Math.floor(features.length / nMels) : 0;
  const fps = opts.framesPerSecond ?? 100;
  const shown = Math.min(allFrames, Math.max(1, Math.ceil(seconds * fps)));
  const melH = shown > 0 ? Math.max(80, Math.min(256, nMels * 2)) : 0;
  const titleH = 22;
  const height = titleH + WAVE_H + melH + AXIS_H;
  const px = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; i++) px.set(BG, i * 3);
  const put = (x: number, y: number, c: readonly number[]): void => {
    const o = (y * width + x) * 3;
    px[o] = c[0];
    px[o + 1] = c[1];
    px[o + 2] = c[2];
  };

  // waveform: min..max of each column's samples, scaled to the clip's peak
  let peak = 0;
  for (let i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]));
  const mid = titleH + WAVE_H / 2;
  const amp = (WAVE_H / 2 - 6) / (peak > 0 ? peak : 1);
  for (let x = 0; x < width; x++) put(x, mid, [200, 200, 200]);
  for (let x = 0; x < width && samples.length > 0; x++) {
    const a = Math.floor((x * samples.length) / width);
    const b = Math.max(a + 1, Math.floor(((x + 1) * samples.length) / width));
    let lo = Infinity, hi = -Infinity;
    for (let i = a; i < b && i < samples.length; i++) {
      lo = Math.min(lo, samples[i]);
      hi = Math.max(hi, samples[i]);
    }
    if (lo > hi) continue;
    const y0 = Math.round(mid - hi * amp), y1 = Math.round(mid - lo * amp);
    for (let y = y0; y <= y1; y++) put(x, y, WAVE);
  }

  // spectrogram: the clip's frames stretched to the width, colours over the shown range of values
  if (features && shown > 0) {
    let vmin = Infinity, vmax = -Infinity;
    for (let m = 0; m < nMels; m++) {
      for (let t = 0; t < shown; t++) {
        const v = features[m * allFrames + t];
        if (v < vmin) vmin = v;
        if (v > vmax) vmax = v;
      }
    }
    const span = vmax > vmin ? vmax - vmin : 1;
    const top = titleH + WAVE_H;
    for (let x = 0; x < width; x++) {
      const t = Math.min(shown - 1, Math.floor((x * shown) / width));
      for (let y = 0; y < melH; y++) {
        const m = Math.min(nMels - 1, Math.floor(((melH - 1 - y) * nMels) / melH));
        put(x, top + y, colour((features[m * allFrames + t] - vmin) / span));
      }
    }
  }

  // time axis and labels as an SVG overlay
  const axisY = titleH + WAVE_H + melH;
  const step = tickStep(seconds, width);
  const marks: string[] = [];
  for (let s = 0; s <= seconds + 1e-9 && seconds > 0; s += step) {
    const x = Math.min(width - 1, Math.round((s / seconds) * (width - 1)));
    const label = (step < 1 ? s.toFixed(step < 0.1 ? 2 : 1) : String(Math.round(s))) + (s === 0 ? " s" : "");
    marks.push(`<line x1="${x}" y1="${axisY}" x2="${x}" y2="${axisY + 6}" stroke="#333"/>`);
    if (s === 0 || x < width - 24) marks.push(`<text x="${x + 2}" y="${axisY + 20}" font-size="12" font-family="sans-serif" fill="#333">${label}</text>`);
  }
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">`,
    `<line x1="0" y1="${axisY}" x2="${width}" y2="${axisY}" stroke="#333"/>`,
    ...marks,
    `<text x="6" y="16" font-size="13" font-family="sans-serif" fill="#111">${esc([
      opts.title,
      `waveform ${seconds.toFixed(2)} s @ ${sampleRate} Hz`,
      shown > 0 ? `log-mel ${nMels} bins × ${shown} frames` : undefined,
    ].filter(Boolean).join(" · "))}</text>`,
    `</svg>`,
  ].join("");
  return sharp(px, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
}
