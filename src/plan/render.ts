// pictures of a plan: what the model will see, drawn from the plan's JSON and the sample's media.
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import sharp from "sharp";
import { OmnispecError } from "../errors.js";
import { slotImagePixels } from "./materialize.js";
import { displayLogMel, monoPcm, scaleRgb, videoFrames, type MediaInput } from "./render-media.js";
import { line, rect, sceneToPng, sceneToSvg, stack, text, textWidth, type Scene } from "./render-svg.js";
import type { PlanJSON, PlanStep, SlotPlanJSON } from "./types.js";

export interface RenderOptions {
  /** the sample the plan was compiled from: needed when a slot's media is bytes (the plan keeps only file paths) */
  sample?: Record<string, unknown>;
  /** also write the picture to this file */
  out?: string;
  /** "png" (default) or "svg" (pixels embedded as PNG data) */
  format?: "png" | "svg";
  /** folder that relative paths in `sample` are resolved against */
  baseDir?: string;
  /** picture width budget in pixels (default 1280); images wider than it are shown scaled down */
  width?: number;
}

/** Where something was drawn, in picture pixels: for tests, image maps, or cropping one part out. */
export interface RenderRegion {
  slot: string;
  kind: "image" | "box" | "frame" | "waveform" | "mel" | "chunk";
  x: number;
  y: number;
  width: number;
  height: number;
  /** picture pixels per model-input pixel (image, frame) */
  scale?: number;
  /** seconds (frame, chunk start) */
  time?: number;
  label?: string;
}

/** A drawn plan: its size, what landed where, and its encodings. */
export interface PlanPicture {
  width: number;
  height: number;
  regions: RenderRegion[];
  png(): Promise<Buffer>;
  svg(): Promise<string>;
}

const C = {
  bg: "#15171c",
  panel: "#1e2129",
  text: "#e8e8e8",
  dim: "#9aa3b0",
  patch: "#ffffff",
  merge: "#ffd23f",
  tile: "#3fd0ff",
  box: "#ff3d7f",
  video: "#4c8dff",
  audio: "#2ecc71",
  wave: "#7fd6ff",
  placeholder: [58, 62, 72] as const,
};
const PAD = 16;
// longer clips are drawn without waveform and mel (their pcm would not fit comfortably in memory)
const MAX_DRAWN_SECONDS = 1200;
const fmt = (n: number): string => n.toLocaleString("en-US");
const secs = (t: number): string => `${Number(t.toFixed(2))} s`;
const step = (plan: SlotPlanJSON, op: string): PlanStep | undefined => plan.steps.find((s) => s.op === op);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

interface Panel {
  scene: Scene;
  regions: RenderRegion[];
}

function emptyScene(width: number, height: number): Scene {
  return { width, height, background: C.panel, backdrop: [], rasters: [], marks: [] };
}

/**
 * Draws a plan: every IMAGE (with its patch/merge or tile grid and the boxes that land on it), VIDEO (a contact sheet
 * of the sampled frames with their timestamps) and AUDIO or audio+video slot (a timeline: waveform, mel, frames,
 * interleaved chunks with position ids), stacked under a title. Metadata-only slots are drawn as grey frames.
 *
 * @example
 * import { defineTask, compile } from "omnispec";
 * import { drawPlan } from "omnispec/plan";
 * const plan = await compile(defineTask("[IMAGE:img] describe -> [TEXT:c]"), { img: "size:640x480" }, { preset: "qwen2-vl" });
 * const pic = await drawPlan(plan.toJSON());
 * console.log(pic.width, pic.height, pic.regions.map((r) => r.kind));
 */
export async function drawPlan(plan: PlanJSON, opts: RenderOptions = {}): Promise<PlanPicture> {
  const width = Math.max(480, Math.round(opts.width ?? 1280));
  const panels: Panel[] = [titlePanel(plan, width)];
  const boxes = Object.entries(plan.slots).filter(([, s]) => s.modality === "BOX");
  for (const [key, slot] of Object.entries(plan.slots)) {
    const parts = slot.items ? slot.items.map((it, i) => [`${key}[${i}]`, it] as const) : [[key, slot] as const];
    for (const [name, s] of parts) {
      if (s.generated === true) continue;
      const input = () => mediaFor(name, s, opts);
      if (s.modality === "IMAGE" && s.resized) panels.push(await imagePanel(name, s, input(), boxes, width));
      else if (s.modality === "VIDEO" && s.frames) {
        panels.push(typeof s.audio_tokens === "number" ? await timelinePanel(name, s, input(), plan, width) : await videoPanel(name, s, input(), width));
      } else if (s.modality === "AUDIO" && typeof s.samples === "number") panels.push(await timelinePanel(name, s, input(), plan, width));
    }
  }
  if (panels.length === 1) panels.push(notePanel("this plan has no image, video or audio slot to draw", width));
  const scene = stack(panels.map((p) => p.scene), 8, C.bg);
  const regions: RenderRegion[] = [];
  let y = 0;
  panels.forEach((p, i) => {
    if (i > 0) y += 8;
    for (const r of p.regions) regions.push({ ...r, y: r.y + y });
    y += p.scene.height;
  });
  return { width: scene.width, height: scene.height, regions, png: () => sceneToPng(scene), svg: () => sceneToSvg(scene) };
}

/**
 * Draws a plan as PNG (or SVG) bytes, and writes them to `out` when given. `plan.render(opts)` calls this.
 *
 * @example
 * import { defineTask, compile } from "omnispec";
 * import { renderPlan } from "omnispec/plan";
 * const plan = await compile(defineTask("[IMAGE:img] describe -> [TEXT:c]"), { img: "size:640x480" }, { preset: "qwen2-vl" });
 * await renderPlan(plan.toJSON(), { out: "plan.png" });
 */
export async function renderPlan(plan: PlanJSON, opts: RenderOptions = {}): Promise<Buffer> {
  const format = opts.format ?? (opts.out?.toLowerCase().endsWith(".svg") ? "svg" : "png");
  if (format !== "png" && format !== "svg") {
    throw new OmnispecError("input/invalid", `unknown picture format "${String(format)}"`, { value: format, hint: 'use "png" or "svg"' });
  }
  const pic = await drawPlan(plan, opts);
  const bytes = format === "svg" ? Buffer.from(await pic.svg()) : await pic.png();
  if (opts.out) await writeFile(opts.out, bytes);
  return bytes;
}

/** The value at `img`, `img[0]`, `group[1].img` in a sample. */
function lookup(sample: Record<string, unknown> | undefined, key: string): unknown {
  let v: unknown = sample;
  for (const m of key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (v === null || typeof v !== "object") return undefined;
    v = m[2] !== undefined ? (v as unknown[])[Number(m[2])] : (v as Record<string, unknown>)[m[1]];
  }
  return v;
}

function mediaFor(key: string, slot: SlotPlanJSON, opts: RenderOptions): MediaInput | undefined {
  const file = slot.source?.kind === "path" ? slot.source.file : undefined;
  if (file && existsSync(file)) return file;
  const v = lookup(opts.sample, key);
  if (v instanceof Uint8Array) return v;
  if (typeof v === "string" && !/^(size|meta):/.test(v)) {
    const p = opts.baseDir ? resolve(opts.baseDir, v) : v;
    if (existsSync(p)) return p;
  }
  if (file || slot.source?.kind === "bytes") {
    throw new OmnispecError("media/not-found", `the media of slot "${key}" is needed to draw it and was not found`, {
      slot: key,
      file,
      hint: "pass the sample the plan was compiled from: plan.render({ sample, baseDir })",
    });
  }
  return undefined;
}

function titlePanel(plan: PlanJSON, width: number): Panel {
  const s = emptyScene(width, 58);
  s.background = C.bg;
  const est = plan.exact ? "" : " (estimated)";
  s.marks.push(text(PAD, 24, `plan · preset ${plan.preset} · ${fmt(plan.total_tokens)} tokens${est}`, { size: 17, weight: "bold" }));
  const sub = `source ${fmt(plan.source_tokens)} · target ${fmt(plan.target_tokens)} · ${plan.instruction}`;
  s.marks.push(text(PAD, 46, clip(sub, width - 2 * PAD, 12), { size: 12, fill: C.dim }));
  return { scene: s, regions: [] };
}

function notePanel(note: string, width: number): Panel {
  const s = emptyScene(width, 40);
  s.marks.push(text(PAD, 25, note, { size: 13, fill: C.dim }));
  return { scene: s, regions: [] };
}

function clip(s: string, width: number, size: number): string {
  const n = Math.floor(width / (size * 0.62));
  return s.length > n ? s.slice(0, Math.max(1, n - 1)) + "…" : s;
}

function placeholder(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(C.placeholder, i);
  return data;
}

// ---------- IMAGE ----------

interface GridSpec {
  /** resized-frame pixels between thin lines (0: none) */
  fine: number;
  /** resized-frame pixels between bold lines; may differ per axis for tiles */
  boldX: number;
  boldY: number;
  boldColour: string;
  describe: string;
}

function gridOf(slot: SlotPlanJSON): GridSpec {
  const patchify = step(slot, "patchify");
  if (patchify) {
    const p = num(patchify.params.patch) ?? 14;
    const m = num(patchify.params.merge) ?? 2;
    const g = slot.grid_thw as number[] | undefined;
    return { fine: p, boldX: p * m, boldY: p * m, boldColour: C.merge, describe: `grid ${g?.join("×") ?? "?"} · patch ${p} · merge ${m} (${p * m} px per token)` };
  }
  const tile = step(slot, "tile");
  const tiles = slot.tiles as { columns: number; rows: number; count: number; thumbnail: boolean } | undefined;
  if (tile && tiles) {
    const size = num(tile.params.tile) ?? 448;
    const perTile = slot.tokens / (tiles.count + (tiles.thumbnail ? 1 : 0));
    const side = Math.round(Math.sqrt(perTile));
    const fine = side * side === perTile && size % side === 0 ? size / side : 0;
    const thumb = tiles.thumbnail ? ` + ${size}×${size} thumbnail` : "";
    return { fine, boldX: size, boldY: size, boldColour: C.tile, describe: `tiles ${tiles.columns}×${tiles.rows} of ${size} px${thumb} · ${fmt(perTile)} tokens per tile` };
  }
  const backbone = step(slot, "backbone-grid");
  const stride = num(backbone?.params.stride) ?? 0;
  const extra = num(backbone?.params.extra_tokens);
  return { fine: 0, boldX: stride, boldY: stride, boldColour: C.merge, describe: `fixed size · ${stride} px per token${extra ? ` + ${extra} extra` : ""}` };
}

/** Box corners in the resized frame, from the model's convention. */
export function boxInResized(model: readonly number[], convention: string, resized: { width: number; height: number }): [number, number, number, number] {
  const [a, b, c, d] = model;
  if (convention === "qwen2.5-vl-abs") return [a, b, c, d];
  const top = convention === "ofa-bins" ? 999 : 1000;
  const { width: W, height: H } = resized;
  return [(a / top) * W, (b / top) * H, (c / top) * W, (d / top) * H];
}

async function imagePanel(key: string, slot: SlotPlanJSON, input: MediaInput | undefined, boxes: [string, SlotPlanJSON][], width: number): Promise<Panel> {
  const resized = slot.resized as { width: number; height: number };
  const original = slot.original as { width: number; height: number } | undefined;
  const scale = Math.min(1, (width - 2 * PAD) / resized.width, 1400 / resized.height);
  const dw = Math.max(1, Math.round(resized.width * scale));
  const dh = Math.max(1, Math.round(resized.height * scale));
  const grid = gridOf(slot);
  const resample = (step(slot, "resize")?.params.method as string | undefined) ?? "";
  const orient = step(slot, "orient");
  const exif = orient && orient.params.applied !== false ? ` (EXIF ${String(orient.params.exif)} applied)` : "";
  const from = original ? `${original.width}×${original.height}${exif} → ` : "";
  const legend1 = `${key} · IMAGE · ${fmt(slot.tokens)} tokens`;
  const drawn = resample ? ` (${resample})` : "";
  const legend2 = `${from}${resized.width}×${resized.height}${drawn} · ${grid.describe}${scale < 1 ? ` · shown at ${Math.round(scale * 100)}%` : ""}`;
  const x0 = PAD;
  const y0 = 56;
  const panelW = Math.max(width, dw + 2 * PAD);
  const s = emptyScene(panelW, y0 + dh + PAD);
  s.marks.push(text(PAD, 22, legend1, { size: 14, weight: "bold" }));
  s.marks.push(text(PAD, 42, clip(legend2, panelW - 2 * PAD, 12), { size: 12, fill: C.dim }));
  let pixels: Uint8Array;
  if (input !== undefined) pixels = await scaleRgb((await slotImagePixels(slot, input, { slot: key })).data, resized, dw, dh);
  else {
    pixels = placeholder(dw, dh);
    s.marks.push(text(x0 + dw / 2, y0 + dh / 2, "metadata only: no pixels", { size: 14, fill: C.dim, anchor: "middle" }));
  }
  s.rasters.push({ x: x0, y: y0, width: dw, height: dh, data: pixels });
  const regions: RenderRegion[] = [{ slot: key, kind: "image", x: x0, y: y0, width: dw, height: dh, scale }];
  if (grid.fine > 0 && grid.fine * scale >= 3) {
    for (let v = grid.fine; v < resized.width; v += grid.fine) if (v % grid.boldX !== 0) s.marks.push(rect(x0 + Math.round(v * scale), y0, 1, dh, { fill: C.patch, opacity: 0.35 }));
    for (let v = grid.fine; v < resized.height; v += grid.fine) if (v % grid.boldY !== 0) s.marks.push(rect(x0, y0 + Math.round(v * scale), dw, 1, { fill: C.patch, opacity: 0.35 }));
  }
  if (grid.boldX > 0 && grid.boldX * scale >= 2) {
    const w = grid.boldX * scale >= 48 ? 2 : 1;
    for (let v = grid.boldX; v < resized.width; v += grid.boldX) s.marks.push(rect(x0 + Math.round(v * scale) - (w - 1), y0, w, dh, { fill: grid.boldColour, opacity: 0.75 }));
    for (let v = grid.boldY; v < resized.height; v += grid.boldY) s.marks.push(rect(x0, y0 + Math.round(v * scale) - (w - 1), dw, w, { fill: grid.boldColour, opacity: 0.75 }));
  }
  s.marks.push(rect(x0 - 1, y0 - 1, dw + 2, dh + 2, { stroke: grid.boldColour, strokeWidth: 1 }));
  for (const [bkey, b] of boxes) {
    const box = b.box as { model: number[]; text: string } | undefined;
    if (b.image !== key || !box) continue;
    const [a, bb, c, d] = boxInResized(box.model, String(b.convention), resized);
    const bx = x0 + Math.round(a * scale);
    const by = y0 + Math.round(bb * scale);
    const bw = Math.max(1, Math.round((c - a) * scale));
    const bh = Math.max(1, Math.round((d - bb) * scale));
    s.marks.push(rect(bx, by, bw, bh, { stroke: C.box, strokeWidth: 3 }));
    const label = `${bkey} ${box.text}`;
    const lw = textWidth(label, 12) + 8;
    const ly = by - 20 >= y0 ? by - 20 : by + 2;
    s.marks.push(rect(bx, ly, lw, 18, { fill: C.box, opacity: 0.9 }));
    s.marks.push(text(bx + 4, ly + 13, label, { size: 12, fill: "#ffffff", mono: true }));
    regions.push({ slot: bkey, kind: "box", x: bx, y: by, width: bw, height: bh, label: box.text });
  }
  return { scene: s, regions };
}

// ---------- VIDEO ----------

function videoLegend(key: string, slot: SlotPlanJSON): [string, string] {
  const o = slot.original as { width: number; height: number; frames: number; fps: number } | undefined;
  const r = slot.resized as { width: number; height: number };
  const f = slot.frames as { indices: number[] };
  const g = slot.grid_thw as number[] | undefined;
  const fps = num(slot.sample_fps);
  const src = o ? `${o.width}×${o.height} @ ${Number(o.fps.toFixed(3))} fps, ${fmt(o.frames)} frames (${secs(o.frames / o.fps)}) → ` : "";
  const spg = num(slot.second_per_grid_t);
  const l2 = `${src}${f.indices.length} frames${fps ? ` at ${Number(fps.toFixed(3))} fps` : ""} · ${r.width}×${r.height}${g ? ` · grid ${g.join("×")}` : ""}${spg ? ` · ${spg} s per temporal patch` : ""}`;
  return [`${key} · VIDEO · ${fmt(slot.tokens)} tokens`, l2];
}

async function videoPanel(key: string, slot: SlotPlanJSON, input: MediaInput | undefined, width: number): Promise<Panel> {
  const r = slot.resized as { width: number; height: number };
  const f = slot.frames as { indices: number[]; timestamps: number[] };
  const g = slot.grid_thw as number[] | undefined;
  const group = g && g[0] > 0 && f.indices.length % g[0] === 0 ? f.indices.length / g[0] : 1;
  const texts = slot.timestamp_texts as string[] | undefined;
  const inner = 4;
  const outer = 14;
  const avail = width - 2 * PAD + outer;
  const groupsPerRow = Math.max(1, Math.floor(avail / (group * 150 + (group - 1) * inner + outer)));
  // widen the thumbnails to fill the row
  const tw = Math.max(48, Math.min(240, Math.floor((avail / groupsPerRow - outer - (group - 1) * inner) / group)));
  const th = Math.max(1, Math.round((tw * r.height) / r.width));
  const groupW = group * tw + (group - 1) * inner;
  const groups = Math.ceil(f.indices.length / group);
  const rows = Math.ceil(groups / groupsPerRow);
  const head = 18;
  const cellH = head + th + 34;
  const y0 = 56;
  const s = emptyScene(width, y0 + rows * cellH + PAD);
  const [l1, l2] = videoLegend(key, slot);
  s.marks.push(text(PAD, 22, l1, { size: 14, weight: "bold" }));
  s.marks.push(text(PAD, 42, clip(l2, width - 2 * PAD, 12), { size: 12, fill: C.dim }));
  const frames = typeof input === "string" ? await videoFrames(input, slot, f.indices, tw, th, key) : undefined;
  const regions: RenderRegion[] = [];
  for (let k = 0; k < groups; k++) {
    const gx = PAD + (k % groupsPerRow) * (groupW + outer);
    const gy = y0 + Math.floor(k / groupsPerRow) * cellH;
    const label = texts?.[k] ?? (group > 1 ? `temporal patch ${k}` : "");
    if (label) s.marks.push(text(gx, gy + 13, clip(label, groupW, 11), { size: 11, fill: texts ? C.merge : C.dim, mono: texts !== undefined }));
    if (group > 1) s.marks.push(rect(gx - 2, gy + head - 2, groupW + 4, th + 4, { stroke: C.merge, strokeWidth: 1 }));
    for (let j = 0; j < group; j++) {
      const i = k * group + j;
      if (i >= f.indices.length) break;
      const x = gx + j * (tw + inner);
      const y = gy + head;
      s.rasters.push({ x, y, width: tw, height: th, data: frames ? frames[i] : placeholder(tw, th) });
      s.marks.push(text(x, y + th + 14, `#${f.indices[i]}`, { size: 11, fill: C.dim, mono: true }));
      s.marks.push(text(x, y + th + 28, secs(f.timestamps[i]), { size: 12, mono: true }));
      regions.push({ slot: key, kind: "frame", x, y, width: tw, height: th, scale: tw / r.width, time: f.timestamps[i], label: `#${f.indices[i]}` });
    }
  }
  if (!frames) s.marks.push(text(width - PAD, 42, "metadata only: no pixels", { size: 12, fill: C.dim, anchor: "end" }));
  return { scene: s, regions };
}

// ---------- TIMELINE (audio, audio+video) ----------

function audioFacts(slot: SlotPlanJSON): { rate: number; samples: number; frames: number; tokens: number; nMels: number; start?: number; end?: number; window?: number } {
  const track = step(slot, "audio-track");
  if (track) {
    return { rate: num(track.params.rate) ?? 16000, samples: num(slot.audio_samples) ?? 0, frames: num(slot.audio_feature_frames) ?? 0, tokens: num(slot.audio_tokens) ?? 0, nMels: 128 };
  }
  const pad = step(slot, "pad") ?? step(slot, "truncate");
  const padTo = num(pad?.params.to);
  const windowSeconds = num(pad?.params.window_seconds);
  const original = slot.original as { sample_rate?: number } | undefined;
  const rate = num(step(slot, "resample")?.params.to) ?? (padTo && windowSeconds ? padTo / windowSeconds : undefined) ?? original?.sample_rate ?? 16000;
  const trim = step(slot, "trim");
  return {
    rate,
    samples: num(slot.samples) ?? 0,
    frames: num(slot.feature_frames) ?? 0,
    tokens: slot.tokens,
    nMels: num(step(slot, "features")?.params.bins) ?? 80,
    start: num(trim?.params.start),
    end: num(trim?.params.end),
    window: windowSeconds,
  };
}

function tickStep(seconds: number): number {
  for (const s of [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600]) if (seconds / s <= 16) return s;
  return 1200;
}

// a dark-to-bright colour ramp for the mel image (black, purple, red, orange, pale yellow)
const RAMP: [number, number, number][] = [[0, 0, 4], [80, 18, 123], [183, 55, 121], [252, 137, 97], [252, 253, 191]];
function ramp(v: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, v)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(t));
  const f = t - i;
  return [0, 1, 2].map((c) => Math.round(RAMP[i][c] + (RAMP[i + 1][c] - RAMP[i][c]) * f)) as [number, number, number];
}

async function melRaster(mel: Float32Array, columns: number, nMels: number, width: number, height: number): Promise<Uint8Array> {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of mel) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || 1;
  const img = new Uint8Array(columns * nMels * 3);
  for (let c = 0; c < columns; c++) {
    for (let m = 0; m < nMels; m++) {
      const row = nMels - 1 - m;
      img.set(ramp((mel[c * nMels + m] - lo) / span), (row * columns + c) * 3);
    }
  }
  return sharp(img, { raw: { width: columns, height: nMels, channels: 3 } }).resize(width, height, { fit: "fill", kernel: "nearest" }).raw().toBuffer();
}

async function timelinePanel(key: string, slot: SlotPlanJSON, input: MediaInput | undefined, plan: PlanJSON, width: number): Promise<Panel> {
  const isVideo = slot.modality === "VIDEO";
  const a = audioFacts(slot);
  const audioSeconds = a.samples / a.rate;
  const video = isVideo ? (slot.original as { frames: number; fps: number }) : undefined;
  const videoSeconds = video ? video.frames / video.fps : 0;
  const D = Math.max(audioSeconds, videoSeconds, 1e-3);
  const LM = 104;
  const TW = width - LM - PAD;
  const X = (t: number) => LM + (t / D) * TW;
  const regions: RenderRegion[] = [];
  const marks: string[] = [];
  const backdrop: string[] = [];
  const rasters: Scene["rasters"] = [];
  const lane = (y: number, h: number, label: string, colour = C.dim) => {
    marks.push(rect(LM, y, TW, h, { stroke: "#3a3f4b", strokeWidth: 1 }));
    marks.push(text(PAD, y + h / 2 + 4, label, { size: 12, fill: colour }));
  };
  let y = 56;
  // legend
  if (isVideo) {
    const [l1, l2] = videoLegend(key, slot);
    marks.push(text(PAD, 22, `${l1} + ${fmt(a.tokens)} audio tokens, interleaved`, { size: 14, weight: "bold" }));
    marks.push(text(PAD, 42, clip(`${l2} · audio ${secs(audioSeconds)} @ ${fmt(a.rate)} Hz · ${fmt(a.frames)} mel frames`, width - 2 * PAD, 12), { size: 12, fill: C.dim }));
  } else {
    const o = slot.original as { seconds?: number; sample_rate?: number; channels?: number } | undefined;
    const changed = o?.sample_rate !== undefined && (o.sample_rate !== a.rate || (o.channels ?? 1) > 1 || a.start !== undefined);
    const from = changed && o?.sample_rate ? `${secs(o.seconds ?? 0)} @ ${fmt(o.sample_rate)} Hz, ${o.channels ?? 1} ch → ` : "";
    const win = a.window ? ` · ${a.window} s window (${fmt(a.frames)} of ${fmt(a.window * 100)} frames unmasked)` : "";
    marks.push(text(PAD, 22, `${key} · AUDIO · ${fmt(a.tokens)} tokens`, { size: 14, weight: "bold" }));
    marks.push(text(PAD, 42, clip(`${from}mono ${secs(audioSeconds)} @ ${fmt(a.rate)} Hz · log-mel ${a.nMels} bins × ${fmt(a.frames)} frames${win}`, width - 2 * PAD, 12), { size: 12, fill: C.dim }));
  }
  // time axis
  const tick = tickStep(D);
  marks.push(line(LM, y + 18, LM + TW, y + 18, C.dim));
  for (let t = 0; t <= D + 1e-9; t += tick) {
    marks.push(line(X(t), y + 14, X(t), y + 22, C.dim));
    marks.push(text(X(t), y + 10, `${Number(t.toFixed(2))} s`, { size: 10, fill: C.dim, anchor: "middle" }));
  }
  y += 28;
  // sampled frames at their timestamps
  if (isVideo) {
    const f = slot.frames as { indices: number[]; timestamps: number[] };
    const r = slot.resized as { width: number; height: number };
    const n = f.indices.length;
    const spacing = n > 1 ? (TW * (f.timestamps[n - 1] - f.timestamps[0])) / D / (n - 1) : TW;
    let rows = 1;
    let tw = Math.min(128, spacing - 3);
    while (tw < 64 && rows < 4) {
      rows++;
      tw = Math.min(128, spacing * rows - 4);
    }
    tw = Math.max(16, Math.floor(tw));
    const th = Math.max(1, Math.round((tw * r.height) / r.width));
    const laneH = rows * (th + 4) + 14;
    lane(y, laneH, `frames (${n})`, C.video);
    const frames = typeof input === "string" ? await videoFrames(input, slot, f.indices, tw, th, key) : undefined;
    for (let i = 0; i < n; i++) {
      const cx = X(f.timestamps[i]);
      const fx = Math.round(Math.min(LM + TW - tw, Math.max(LM, cx - tw / 2)));
      const fy = y + 4 + (i % rows) * (th + 4);
      rasters.push({ x: fx, y: fy, width: tw, height: th, data: frames ? frames[i] : placeholder(tw, th) });
      backdrop.push(line(cx, y + 2, cx, y + laneH, C.video, 1, 0.9));
      regions.push({ slot: key, kind: "frame", x: fx, y: fy, width: tw, height: th, scale: tw / r.width, time: f.timestamps[i], label: `#${f.indices[i]}` });
    }
    y += laneH + 6;
  }
  // waveform and mel of the samples the model hears
  const drawable = input !== undefined && audioSeconds <= MAX_DRAWN_SECONDS;
  const pcm = drawable ? await monoPcm(input, a.rate, key, { start: a.start, end: a.end }) : undefined;
  const waveH = 72;
  lane(y, waveH, "waveform", C.wave);
  const waveW = Math.max(1, Math.round((audioSeconds / D) * TW));
  regions.push({ slot: key, kind: "waveform", x: LM, y, width: waveW, height: waveH });
  if (pcm && pcm.length > 0) {
    const mid = y + waveH / 2;
    let peak = 1e-6;
    for (const v of pcm) peak = Math.max(peak, Math.abs(v));
    const d: string[] = [];
    for (let c = 0; c < waveW; c++) {
      const i0 = Math.floor((c * pcm.length) / waveW);
      const i1 = Math.max(i0 + 1, Math.floor(((c + 1) * pcm.length) / waveW));
      let lo = 0;
      let hi = 0;
      for (let i = i0; i < i1 && i < pcm.length; i++) {
        if (pcm[i] < lo) lo = pcm[i];
        if (pcm[i] > hi) hi = pcm[i];
      }
      const h = (waveH / 2 - 3) / peak;
      d.push(`M${LM + c + 0.5} ${(mid - hi * h - 0.5).toFixed(1)}V${(mid - lo * h + 0.5).toFixed(1)}`);
    }
    marks.push(`<path d="${d.join("")}" stroke="${C.wave}" stroke-width="1" fill="none"/>`);
  } else {
    const why = input === undefined ? "metadata only: no samples" : `longer than ${MAX_DRAWN_SECONDS / 60} minutes: samples not drawn`;
    marks.push(text(LM + 8, y + waveH / 2 + 4, why, { size: 12, fill: C.dim }));
  }
  y += waveH + 6;
  const melH = a.nMels > 80 ? 128 : 96;
  lane(y, melH, `log-mel ${a.nMels}`, C.merge);
  regions.push({ slot: key, kind: "mel", x: LM, y, width: waveW, height: melH });
  if (pcm && pcm.length >= 400) {
    const columns = Math.min(waveW, Math.max(1, Math.floor(pcm.length / (a.rate / 100))));
    const mel = displayLogMel(pcm, { rate: a.rate, nMels: a.nMels, columns });
    rasters.push({ x: LM, y, width: waveW, height: melH, data: await melRaster(mel, columns, a.nMels, waveW, melH) });
  }
  y += melH + 6;
  // the slot's spans of the model input with their position ids
  const ranges = (plan.positions?.ranges as ([number, number] | null)[] | undefined) ?? [];
  const spans = plan.segments.map((s, i) => ({ s, i, range: ranges[i] ?? null })).filter(({ s }) => s.slot === key && (s.kind === "video" || s.kind === "audio"));
  const chunkH = 40;
  const seconds = num(step(slot, "audio-track")?.params.chunk_seconds) ?? 2;
  const lanes: ("video" | "audio")[] = isVideo ? ["video", "audio"] : ["audio"];
  const seen = { video: 0, audio: 0 };
  lanes.forEach((kind, li) => lane(y + li * (chunkH + 4), chunkH, isVideo ? `${kind} chunks` : "tokens", kind === "video" ? C.video : C.audio));
  spans.forEach(({ s, range }, order) => {
    const kind = s.kind as "video" | "audio";
    const k = seen[kind]++;
    const total = kind === "video" ? videoSeconds : audioSeconds;
    const t0 = isVideo ? Math.min(k * seconds, total) : 0;
    const t1 = isVideo ? Math.min((k + 1) * seconds, total) : audioSeconds;
    const bx = Math.round(X(t0)) + 1;
    const bw = Math.max(2, Math.round(X(t1)) - Math.round(X(t0)) - 2);
    const by = y + lanes.indexOf(kind) * (chunkH + 4) + 3;
    const colour = kind === "video" ? C.video : C.audio;
    marks.push(rect(bx, by, bw, chunkH - 6, { fill: colour, opacity: 0.35, stroke: colour, strokeWidth: 1 }));
    const pos = range ? `pos ${range[0]}–${range[1]}` : "";
    const per = a.window && step(slot, "encode")?.params.rule === "whisper-encoder" ? `for the whole ${a.window} s window` : audioSeconds ? `${Number((a.tokens / audioSeconds).toFixed(2))} per s` : "";
    const first = isVideo ? `#${order + 1} · ${fmt(s.tokens)} tok` : `${fmt(s.tokens)} tokens${per ? ` · ${per}` : ""}`;
    const size = Math.max(7, Math.min(11, (bw - 4) / (Math.max(first.length, pos.length) * 0.62)));
    marks.push(text(bx + 3, by + 13, first, { size, mono: true }));
    if (pos) marks.push(text(bx + 3, by + 27, pos, { size, mono: true, fill: C.dim }));
    regions.push({ slot: key, kind: "chunk", x: bx, y: by, width: bw, height: chunkH - 6, time: t0, label: `${kind} ${s.tokens}${pos ? ` ${pos}` : ""}` });
  });
  y += lanes.length * (chunkH + 4) + PAD - 4;
  const scene: Scene = { width, height: y, background: C.panel, backdrop, rasters, marks };
  return { scene, regions };
}
