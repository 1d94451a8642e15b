// token-length histograms as hand-written SVG, and as PNG rendered from that SVG with sharp.
import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import sharp from "sharp";
import { OmnispecError } from "../errors.js";

export interface HistogramBins {
  /** bin i covers [edges[i], edges[i + 1]) */
  edges: number[];
  counts: number[];
  width: number;
}

export interface HistogramOptions {
  /** roughly how many bars; the bin width is rounded to 1, 2, 2.5 or 5 × 10^k; default 40 */
  bins?: number;
  /** picture size in pixels; default 800 × 420 */
  width?: number;
  height?: number;
  title?: string;
  /** default "tokens per sample" */
  xLabel?: string;
  /** vertical marker lines, e.g. percentiles or a chunk size */
  markers?: readonly { label: string; value: number }[];
}

/** 1, 2, 2.5, 5 × 10^k: the nice step at or above `raw` */
function niceStep(raw: number, integer: boolean): number {
  if (!(raw > 0)) return 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  return integer ? Math.max(1, Math.ceil(step)) : step;
}

/**
 * Bins non-negative values from 0 into about `bins` equal bins of a round width.
 *
 * @example
 * import { histogramBins } from "omnispec/dataset";
 * histogramBins([1, 2, 3, 12], 4); // { width: 5, edges: [0, 5, 10, 15], counts: [3, 0, 1] }
 */
export function histogramBins(values: ArrayLike<number>, bins = 40): HistogramBins {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  const width = niceStep(max / Math.max(1, bins), true);
  const n = Math.max(1, Math.floor(max / width) + 1);
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.min(n - 1, Math.floor(Math.max(0, values[i]) / width))]++;
  const edges = Array.from({ length: n + 1 }, (_, i) => i * width);
  return { edges, counts, width };
}

/** 605, 12.1k, 1.25M; `scale` (an axis maximum) keeps one axis in one unit */
function compact(v: number, scale = v): string {
  if (scale >= 1e6 && v >= 1e5) return `${+(v / 1e6).toFixed(2)}M`;
  if (scale >= 1e4 && v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toFixed(2));
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const MARKER_COLOURS = ["#c44e52", "#dd8452", "#8172b3", "#55a868", "#937860"];

/**
 * Draws a histogram of token lengths as a standalone SVG: round bins, labelled axes with round ticks, a title, and
 * optional marker lines (percentiles, a chunk size).
 *
 * @example
 * import { histogramSvg } from "omnispec/dataset";
 * const svg = histogramSvg([120, 340, 360, 2048], { title: "caption · qwen2-vl", markers: [{ label: "p50", value: 340 }] });
 */
export function histogramSvg(values: ArrayLike<number>, options: HistogramOptions = {}): string {
  const W = options.width ?? 800;
  const H = options.height ?? 420;
  const m = { left: 72, right: 24, top: 48, bottom: 56 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const { edges, counts } = histogramBins(values, options.bins ?? 40);
  const xMax = edges[edges.length - 1];
  const peak = Math.max(1, ...counts);
  const yStep = niceStep(peak / 5, true);
  // a little headroom so the tallest bar never touches the top
  const yMax = Math.ceil((peak * 1.05) / yStep) * yStep;
  const xStep = niceStep(xMax / 8, true);
  const x = (v: number) => m.left + (v / xMax) * pw;
  const y = (c: number) => m.top + ph - (c / yMax) * ph;
  const font = `font-family="DejaVu Sans, Helvetica, Arial, sans-serif"`;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${m.left}" y="28" ${font} font-size="16" font-weight="bold" fill="#222">${escapeXml(options.title ?? "token lengths")}</text>`);
  out.push(`<text x="${W - m.right}" y="28" ${font} font-size="12" fill="#555" text-anchor="end">${values.length.toLocaleString("en-US")} samples</text>`);
  // horizontal grid and y ticks
  for (let c = 0; c <= yMax; c += yStep) {
    const yy = y(c).toFixed(1);
    out.push(`<line x1="${m.left}" y1="${yy}" x2="${m.left + pw}" y2="${yy}" stroke="#e6e6e6" stroke-width="1"/>`);
    out.push(`<text x="${m.left - 8}" y="${yy}" ${font} font-size="12" fill="#444" text-anchor="end" dominant-baseline="middle">${compact(c, yMax)}</text>`);
  }
  // bars
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] === 0) continue;
    const x0 = x(edges[i]);
    const w = Math.max(1, x(edges[i + 1]) - x0 - 1);
    out.push(`<rect x="${x0.toFixed(1)}" y="${y(counts[i]).toFixed(1)}" width="${w.toFixed(1)}" height="${(m.top + ph - y(counts[i])).toFixed(1)}" fill="#4c72b0"/>`);
  }
  // axes and x ticks
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333" stroke-width="1"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#333" stroke-width="1"/>`);
  for (let v = 0; v <= xMax; v += xStep) {
    const xx = x(v).toFixed(1);
    out.push(`<line x1="${xx}" y1="${m.top + ph}" x2="${xx}" y2="${m.top + ph + 5}" stroke="#333" stroke-width="1"/>`);
    out.push(`<text x="${xx}" y="${m.top + ph + 19}" ${font} font-size="12" fill="#444" text-anchor="middle">${compact(v, xMax)}</text>`);
  }
  out.push(`<text x="${m.left + pw / 2}" y="${H - 12}" ${font} font-size="13" fill="#222" text-anchor="middle">${escapeXml(options.xLabel ?? "tokens per sample")}</text>`);
  out.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" ${font} font-size="13" fill="#222" text-anchor="middle">samples</text>`);
  // markers, labels staggered so neighbours stay readable
  (options.markers ?? []).forEach((mk, i) => {
    if (!(mk.value >= 0 && mk.value <= xMax)) return;
    const xx = x(mk.value).toFixed(1);
    const colour = MARKER_COLOURS[i % MARKER_COLOURS.length];
    out.push(`<line x1="${xx}" y1="${m.top}" x2="${xx}" y2="${m.top + ph}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="5 4"/>`);
    const right = +xx > m.left + pw * 0.8;
    const tx = (right ? +xx - 4 : +xx + 4).toFixed(1);
    out.push(
      `<text x="${tx}" y="${m.top + 12 + 14 * i}" ${font} font-size="12" fill="${colour}" text-anchor="${right ? "end" : "start"}" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(`${mk.label} ${compact(mk.value)}`)}</text>`,
    );
  });
  if (values.length === 0) out.push(`<text x="${m.left + pw / 2}" y="${m.top + ph / 2}" ${font} font-size="14" fill="#888" text-anchor="middle">no samples</text>`);
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/**
 * Writes a histogram to `file`: SVG for `.svg`, PNG (the same SVG rendered by sharp, at 2× for sharp text) for `.png`.
 *
 * @example
 * import { writeHistogram } from "omnispec/dataset";
 * await writeHistogram([120, 340, 360, 2048], "lengths.png", { title: "caption · qwen2-vl" });
 */
export async function writeHistogram(values: ArrayLike<number>, file: string, options: HistogramOptions = {}): Promise<void> {
  const ext = extname(file).toLowerCase();
  const svg = histogramSvg(values, options);
  if (ext === ".svg") writeFileSync(file, svg);
  else if (ext === ".png") await sharp(Buffer.from(svg), { density: 144 }).png().toFile(file);
  else {
    throw new OmnispecError("input/invalid", `cannot write a histogram as "${ext || file}"`, { file, hint: "name the file .png or .svg" });
  }
}
