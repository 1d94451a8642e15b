// a grid of video frames, each labelled with the time it was shown, as one PNG.
import sharp from "sharp";
import { OmnispecError } from "../../errors.js";
import type { RgbImage } from "../image/resample/types.js";

export interface ContactSheetOptions {
  /** frames per row (default: about square, at most 8) */
  columns?: number;
  /** thumbnail width in pixels (default: the frame width, at most 240); heights keep the aspect ratio */
  thumbWidth?: number;
  /** text before each timestamp, e.g. `#120` for the frame number */
  labels?: readonly string[];
  /** named in errors */
  slot?: string;
}

const GAP = 6;
const LABEL = 20;
const BACKGROUND = { r: 24, g: 26, b: 32 };

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `12.5` -> `12.50 s`, `75` -> `1:15.00` */
function clock(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  const m = Math.floor(seconds / 60);
  return `${m}:${(seconds - 60 * m).toFixed(2).padStart(5, "0")}`;
}

/**
 * Lays frames out in a grid, left to right and top to bottom, with each frame's timestamp (and optional label)
 * written under it, and returns the PNG. All frames must have one size.
 *
 * @example
 * import { contactSheet, decodeFrames } from "omnispec/modalities";
 * const { frames, width, height } = await decodeFrames("clip.mp4", { indices: [0, 24, 48, 72] });
 * const png = await contactSheet(frames.map((data) => ({ data, width, height })), [0, 1, 2, 3], { columns: 2 });
 */
export async function contactSheet(frames: readonly RgbImage[], timestamps: readonly number[], options: ContactSheetOptions = {}): Promise<Buffer> {
  const { slot } = options;
  if (frames.length === 0 || timestamps.length !== frames.length || (options.labels && options.labels.length !== frames.length)) {
    throw new OmnispecError("input/invalid", `a contact sheet needs one timestamp (and label) per frame: ${frames.length} frames, ${timestamps.length} timestamps`, {
      slot,
      value: { frames: frames.length, timestamps: timestamps.length, labels: options.labels?.length },
    });
  }
  const { width, height } = frames[0];
  const odd = frames.find((f) => f.width !== width || f.height !== height || f.data.length !== width * height * 3);
  if (odd) {
    throw new OmnispecError("input/invalid", `every frame must be ${width}x${height} RGB, one is ${odd.width}x${odd.height} with ${odd.data.length} bytes`, { slot });
  }
  const columns = Math.max(1, Math.min(frames.length, Math.round(options.columns ?? Math.min(8, Math.ceil(Math.sqrt(frames.length))))));
  const rows = Math.ceil(frames.length / columns);
  const tw = Math.max(1, Math.round(options.thumbWidth ?? Math.min(width, 240)));
  const th = Math.max(1, Math.round((tw * height) / width));
  const sheetW = GAP + columns * (tw + GAP);
  const sheetH = GAP + rows * (th + LABEL + GAP);
  const cell = (i: number) => ({ left: GAP + (i % columns) * (tw + GAP), top: GAP + Math.floor(i / columns) * (th + LABEL + GAP) });
  const thumbs = await Promise.all(
    frames.map((f) =>
      tw === width && th === height
        ? Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength)
        : sharp(f.data, { raw: { width, height, channels: 3 } }).resize(tw, th, { fit: "fill" }).raw().toBuffer(),
    ),
  );
  const texts = frames.map((_, i) => {
    const { left, top } = cell(i);
    const label = `${options.labels ? `${options.labels[i]}  ` : ""}${clock(timestamps[i])}`;
    return `<text x="${left + 2}" y="${top + th + 15}">${escapeXml(label)}</text>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${sheetW}" height="${sheetH}"><g font-family="DejaVu Sans Mono, monospace" font-size="13" fill="#e8e8e8">${texts.join("")}</g></svg>`;
  const { data, info } = await sharp({ create: { width: sheetW, height: sheetH, channels: 3, background: BACKGROUND } })
    .composite([
      ...thumbs.map((input, i) => ({ input, raw: { width: tw, height: th, channels: 3 as const }, ...cell(i) })),
      { input: Buffer.from(svg), left: 0, top: 0 },
    ])
    .raw()
    .toBuffer({ resolveWithObject: true });
  // compositing adds an alpha channel; the sheet is opaque RGB
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).removeAlpha().png().toBuffer();
}
