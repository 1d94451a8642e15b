// the picture model behind plan.render(): raster blocks plus vector marks, written out as PNG (sharp) or as SVG.
import sharp, { type OverlayOptions } from "sharp";

/** Raw RGB pixels placed at (x, y) in the picture. */
export interface Raster {
  x: number;
  y: number;
  width: number;
  height: number;
  /** width·height·3 bytes, row-major RGB */
  data: Uint8Array;
}

/** A picture under construction: pixels below, SVG marks (lines, boxes, text) above. */
export interface Scene {
  width: number;
  height: number;
  background: string;
  /** SVG elements drawn under the pixels (panel backgrounds) */
  backdrop: string[];
  rasters: Raster[];
  /** SVG elements drawn over the pixels (grids, boxes, text) */
  marks: string[];
}

export const FONT = "DejaVu Sans, Verdana, sans-serif";
export const MONO = "DejaVu Sans Mono, monospace";

/** Approximate advance of a string in the generic sans font (librsvg offers no measuring). */
export function textWidth(s: string, size: number): number {
  return Math.ceil(s.length * size * 0.62);
}

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export interface TextStyle {
  size?: number;
  fill?: string;
  anchor?: "start" | "middle" | "end";
  weight?: "normal" | "bold";
  mono?: boolean;
}

export function text(x: number, y: number, s: string, st: TextStyle = {}): string {
  const anchor = st.anchor && st.anchor !== "start" ? ` text-anchor="${st.anchor}"` : "";
  const weight = st.weight === "bold" ? ` font-weight="bold"` : "";
  return `<text x="${x}" y="${y}" font-family="${st.mono ? MONO : FONT}" font-size="${st.size ?? 13}" fill="${st.fill ?? "#e8e8e8"}"${anchor}${weight}>${esc(s)}</text>`;
}

export interface RectStyle {
  fill?: string;
  opacity?: number;
  stroke?: string;
  strokeWidth?: number;
}

export function rect(x: number, y: number, w: number, h: number, st: RectStyle = {}): string {
  const op = st.opacity !== undefined ? ` fill-opacity="${st.opacity}"` : "";
  const stroke = st.stroke ? ` stroke="${st.stroke}" stroke-width="${st.strokeWidth ?? 1}"` : "";
  return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${st.fill ?? "none"}"${op}${stroke} shape-rendering="crispEdges"/>`;
}

export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1, opacity = 1): string {
  return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${stroke}" stroke-width="${width}" stroke-opacity="${opacity}"/>`;
}

/** Places scenes one under another (left-aligned), `gap` pixels apart. */
export function stack(scenes: readonly Scene[], gap: number, background: string): Scene {
  const width = Math.max(1, ...scenes.map((s) => s.width));
  const out: Scene = { width, height: 0, background, backdrop: [], rasters: [], marks: [] };
  let y = 0;
  scenes.forEach((s, i) => {
    if (i > 0) y += gap;
    if (s.background !== background) out.backdrop.push(rect(0, y, width, s.height, { fill: s.background }));
    if (s.backdrop.length > 0) out.backdrop.push(`<g transform="translate(0,${y})">${s.backdrop.join("")}</g>`);
    for (const r of s.rasters) out.rasters.push({ ...r, y: r.y + y });
    if (s.marks.length > 0) out.marks.push(`<g transform="translate(0,${y})">${s.marks.join("")}</g>`);
    y += s.height;
  });
  out.height = Math.max(1, y);
  return out;
}

function svgOpen(width: number, height: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`;
}

/** The scene as one PNG: pixels composited with sharp, marks rendered by librsvg on top. */
export async function sceneToPng(scene: Scene): Promise<Buffer> {
  const { width, height } = scene;
  const under = scene.backdrop;
  const over = scene.marks;
  const layers: OverlayOptions[] = [];
  if (under.length > 0) layers.push({ input: Buffer.from(svgOpen(width, height) + under.join("") + "</svg>"), left: 0, top: 0 });
  for (const r of scene.rasters) {
    layers.push({ input: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength), raw: { width: r.width, height: r.height, channels: 3 }, left: r.x, top: r.y });
  }
  if (over.length > 0) layers.push({ input: Buffer.from(svgOpen(width, height) + over.join("") + "</svg>"), left: 0, top: 0 });
  return sharp({ create: { width, height, channels: 3, background: scene.background } })
    .composite(layers)
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** The scene as a standalone SVG document; pixels are embedded as PNG data URIs. */
export async function sceneToSvg(scene: Scene): Promise<string> {
  const parts = [svgOpen(scene.width, scene.height), rect(0, 0, scene.width, scene.height, { fill: scene.background })];
  parts.push(...scene.backdrop);
  for (const r of scene.rasters) {
    const png = await sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } }).png().toBuffer();
    parts.push(`<image x="${r.x}" y="${r.y}" width="${r.width}" height="${r.height}" xlink:href="data:image/png;base64,${png.toString("base64")}"/>`);
  }
  parts.push(...scene.marks);
  parts.push("</svg>");
  return parts.join("");
}
