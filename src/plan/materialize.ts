// the tensors a model consumes, produced by following a plan's steps with omnispec's own decoders: images upright
// through openImage, Pillow-exact resampling, Qwen patchify (imagePixelValues: into an output sized from the header);
// video frames by index through decodeFrames, resized (Pillow-exact) while ffmpeg decodes on; audio via decodeAudio
// and log-mel.
import { resolve } from "node:path";
import { OmnispecError } from "../errors.js";
import { decodeAudio } from "../modalities/audio/decode.js";
import { logMel } from "../modalities/audio/log-mel.js";
import { openImage } from "../modalities/image/decode.js";
import { normalizeTable, patchify } from "../modalities/image/patchify.js";
import { imagePixelValues } from "../modalities/image/pixel-values.js";
import type { ResampleMethod, RgbImage } from "../modalities/image/resample/index.js";
import { decodeFrames, probeVideo, type FrameResample } from "../modalities/video/decode.js";
import type { Task } from "../task/define-task.js";
import { resolvePreset } from "./compile.js";
import type { Plan } from "./plan.js";
import type { ModelPreset } from "./preset.js";
import type { PlanJSON, PlanStep, SlotPlanJSON } from "./types.js";

/** An IMAGE slot's pixels: Qwen-style patches `[patches, 3·t·p·p]` with their grid, or a `[1, 3, H, W]` tensor. */
export interface MaterializedImage {
  slot: string;
  layout: "patches" | "chw";
  data: Float32Array;
  dims: number[];
  /** patches only */
  gridThw?: [number, number, number];
}

/** A VIDEO slot's frames as patches (`pixel_values_videos`), with `video_grid_thw` and seconds per temporal patch. */
export interface MaterializedVideo {
  slot: string;
  data: Float32Array;
  dims: [number, number];
  gridThw: [number, number, number];
  secondPerGridT: number;
}

/** An AUDIO slot's mono samples at the plan's rate, and its features when the plan names a log-mel front end. */
export interface MaterializedAudio {
  slot: string;
  samples: Float32Array;
  sampleRate: number;
  /** Whisper-style log-mel `input_features`, `[1, bins, frames]`, with the feature attention mask */
  features?: { kind: "log-mel"; data: Float32Array; dims: [number, number, number]; validFrames: number; attentionMask: Uint8Array };
}

/** Every media tensor of one sample, keyed by slot (list items as `slot[i]`). */
export interface Materialized {
  images: Record<string, MaterializedImage>;
  videos: Record<string, MaterializedVideo>;
  audios: Record<string, MaterializedAudio>;
}

export interface MaterializeOptions {
  /** folder that relative media paths are resolved against */
  baseDir?: string;
  /** the preset the plan was compiled with: patch geometry and mean/std for slots whose plan does not state them */
  preset?: string | ModelPreset;
}

const step = (plan: SlotPlanJSON, op: string): PlanStep | undefined => plan.steps.find((s) => s.op === op);

function source(plan: SlotPlanJSON, value: unknown, slot: string, baseDir?: string): string | Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string" && plan.source?.kind !== "meta") return plan.source?.file ?? (baseDir ? resolve(baseDir, value) : value);
  throw new OmnispecError("input/invalid", "running a model needs the media itself, not its size or metadata", {
    slot,
    value,
    hint: "pass a file path or bytes instead of size:WxH / meta:...",
  });
}

const oriented = (plan: SlotPlanJSON): boolean => step(plan, "orient")?.params.applied !== false;

/** a resize step's `method` as a resampler, Pillow-exact bicubic unless it names another */
const resamplerOf = (method: unknown): ResampleMethod => (method === "sharp" || method === "transformersjs" ? method : "pil");

/** the plan's resampler (`method` of its resize step) */
const resampler = (plan: SlotPlanJSON): ResampleMethod => resamplerOf(step(plan, "resize")?.params.method);

const pair = (v: unknown): [number, number] | undefined =>
  Array.isArray(v) && v.length === 2 && v.every((n) => Number.isInteger(n) && n > 0) ? [v[0] as number, v[1] as number] : undefined;
const sizeOf = (v: unknown): [number, number] | undefined => pair([(v as { width?: unknown } | undefined)?.width, (v as { height?: unknown } | undefined)?.height]);

/**
 * The middle `width` x `height` of an image, as transformers' center_crop places it (floor of half the excess).
 *
 * @example
 * centreCrop({ data: new Uint8Array(5 * 4 * 3), width: 5, height: 4 }, 2, 2); // columns 1-2 of rows 1-2
 */
export function centreCrop(image: RgbImage, width: number, height: number): RgbImage {
  const left = Math.floor((image.width - width) / 2);
  const top = Math.floor((image.height - height) / 2);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 3;
    data.set(image.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { data, width, height };
}

/**
 * An IMAGE slot's pixels as the model sees them, before normalisation: decoded upright (unless the plan says
 * orient=false), alpha composited on `background` (default white), resized with the plan's resampler (Pillow-exact
 * bicubic unless it names another) and centre-cropped where the plan says so. `plan.render()` draws these pixels.
 *
 * @example
 * import { defineTask, compile } from "omnispec";
 * import { slotImagePixels } from "omnispec/runtime";
 * const plan = await compile(defineTask("[IMAGE:img] describe -> [TEXT:c]"), { img: "photo.jpg" }, { preset: "qwen2-vl" });
 * const seen = await slotImagePixels(plan.toJSON().slots.img, "photo.jpg", { slot: "img" });
 * console.log(seen.width, seen.height); // the plan's resized size
 */
export async function slotImagePixels(plan: SlotPlanJSON, input: string | Uint8Array, opts: { slot: string; background?: string }): Promise<RgbImage> {
  const { slot } = opts;
  const resized = sizeOf(plan.resized);
  if (!resized) throw new OmnispecError("plan/unsupported", "the image plan has no resize step to follow", { slot });
  const image = await openImage(input, { orient: oriented(plan), background: opts.background, slot });
  const cropFrom = pair(step(plan, "center-crop")?.params.from);
  const [width, height] = cropFrom ?? resized;
  const pixels = await image.decode({ width, height, method: resampler(plan) });
  return cropFrom ? centreCrop(pixels, resized[0], resized[1]) : pixels;
}

/**
 * How a VIDEO slot's frames reach the size the model sees: the plan's last resize (Qwen: the frame size; OFA: the short
 * side, then a centre crop), with the plan's resampler (Pillow-exact bicubic, as qwen-vl-utils' antialiased bicubic,
 * unless it names another).
 *
 * @example
 * import { defineTask, compile } from "omnispec";
 * import { slotFrameView } from "omnispec/runtime";
 * const plan = await compile(defineTask("[VIDEO:clip] describe -> [TEXT:c]"), { clip: "clip.mp4" }, { preset: "qwen2-vl" });
 * const view = slotFrameView(plan.toJSON().slots.clip, "clip"); // { width, height, resample: "pil" }: the frame size
 */
export function slotFrameView(plan: SlotPlanJSON, slot: string): { width: number; height: number; resample: FrameResample; crop?: [number, number] } {
  const resized = sizeOf(plan.resized);
  const original = plan.original as { width: number; height: number } | undefined;
  if (!resized || !original) throw new OmnispecError("plan/unsupported", "the video plan has no frame size to follow", { slot });
  const resizes = plan.steps.filter((s) => s.op === "resize");
  const last = resizes[resizes.length - 1]?.params as { method?: string; short_side?: number; crop?: number[] } | undefined;
  const resample: FrameResample = resamplerOf(last?.method);
  const crop = pair(last?.crop);
  if (last?.short_side === undefined || !crop) return { width: resized[0], height: resized[1], resample };
  // the short side to short_side, the other in proportion (torchvision Resize(int) truncates), then the centre crop
  const s = last.short_side;
  const [w, h] = original.width <= original.height ? [s, Math.trunc((s * original.height) / original.width)] : [Math.trunc((s * original.width) / original.height), s];
  return { width: w, height: h, resample, crop };
}

function normalization(plan: SlotPlanJSON, preset?: ModelPreset): { mean: readonly number[]; std: readonly number[] } {
  const p = step(plan, "normalize")?.params as { mean?: number[]; std?: number[] } | undefined;
  return { mean: p?.mean ?? preset?.image?.mean ?? [0, 0, 0], std: p?.std ?? preset?.image?.std ?? [1, 1, 1] };
}

/** the patches must have the plan's grid (and `pixel_values` shape, when the plan states it) */
function checkShape(slot: string, plan: SlotPlanJSON, r: { dims: [number, number]; gridThw: [number, number, number] }): void {
  const grid = (plan.grid_thw ?? (step(plan, "patchify")?.params as { grid_thw?: number[] } | undefined)?.grid_thw) as number[] | undefined;
  const shape = (step(plan, "patchify")?.params as { pixel_values?: number[] } | undefined)?.pixel_values;
  const same = (a: readonly number[] | undefined, b: readonly number[]) => a === undefined || (a.length === b.length && a.every((v, i) => v === b[i]));
  if (!same(grid, r.gridThw) || !same(shape, r.dims)) {
    throw new OmnispecError("plan/mismatch", `the pixels of "${slot}" came out as ${r.dims.join("x")} (grid ${r.gridThw.join("x")}), the plan says ${shape?.join("x") ?? "?"} (grid ${grid?.join("x") ?? "?"})`, {
      slot,
      hint: "the frame count or size disagrees with the plan's patch geometry: plan with the preset the model uses",
    });
  }
}

async function materializeImage(slot: string, plan: SlotPlanJSON, value: unknown, baseDir?: string, background?: string): Promise<MaterializedImage> {
  const input = source(plan, value, slot, baseDir);
  const { mean, std } = normalization(plan);
  const patch = step(plan, "patchify")?.params as { patch: number; temporal_patch: number; merge: number } | undefined;
  const resized = sizeOf(plan.resized);
  if (patch && resized && !step(plan, "center-crop")) {
    // header, then decode + resize + patchify straight into an output sized from the plan
    const r = await imagePixelValues(input, {
      size: { width: resized[0], height: resized[1] },
      method: resampler(plan),
      orient: oriented(plan),
      background,
      patchSize: patch.patch,
      mergeSize: patch.merge,
      temporalPatchSize: patch.temporal_patch,
      mean,
      std,
      slot,
    });
    checkShape(slot, plan, r);
    return { slot, layout: "patches", data: r.pixelValues, dims: r.dims, gridThw: r.gridThw };
  }
  const pixels = await slotImagePixels(plan, input, { slot, background });
  if (patch) {
    const r = patchify(pixels, { patchSize: patch.patch, mergeSize: patch.merge, temporalPatchSize: patch.temporal_patch, mean, std, slot });
    checkShape(slot, plan, r);
    return { slot, layout: "patches", data: r.pixelValues, dims: r.dims, gridThw: r.gridThw };
  }
  const { width, height } = pixels;
  const table = normalizeTable(mean, std);
  const data = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < width * height; i++) data[c * width * height + i] = table[c * 256 + pixels.data[i * 3 + c]];
  }
  return { slot, layout: "chw", data, dims: [1, 3, height, width] };
}

async function materializeVideo(slot: string, plan: SlotPlanJSON, value: unknown, baseDir?: string, preset?: ModelPreset): Promise<MaterializedVideo> {
  const input = source(plan, value, slot, baseDir);
  if (typeof input !== "string") throw new OmnispecError("input/invalid", "a video is read from a file path", { slot });
  const frames = plan.frames as { indices: number[] } | undefined;
  const resized = plan.resized as { width: number; height: number } | undefined;
  const original = plan.original as { width: number; height: number } | undefined;
  const patch = step(plan, "patchify")?.params as { grid_thw: [number, number, number] } | undefined;
  if (!frames || !resized || !original || !patch) throw new OmnispecError("plan/unsupported", "the video plan has no frames, size or grid to follow", { slot });
  const view = slotFrameView(plan, slot);
  // the probe is checked against the plan before ffmpeg starts
  const video = await probeVideo(input, { slot, packets: true });
  if (video.width !== original.width || video.height !== original.height) {
    throw new OmnispecError("plan/mismatch", `the frames of "${slot}" decode at ${video.width}x${video.height}, the plan says ${original.width}x${original.height}`, {
      slot,
      file: input,
      hint: "the file changed since it was planned, or its rotation was read differently: plan it again",
    });
  }
  // qwen-vl-utils resizes frames with torchvision's antialiased bicubic, which follows Pillow's filter
  const raw = await decodeFrames(input, { indices: frames.indices, width: view.width, height: view.height, resample: view.resample, probe: video, slot });
  const resizedFrames = raw.frames.map((data) => ({ data, width: raw.width, height: raw.height }));
  const [gt, gh] = patch.grid_thw;
  const smart = preset?.image?.resize === "smart" ? preset.image : undefined;
  const r = patchify(resizedFrames, {
    patchSize: smart?.patchSize ?? resized.height / gh,
    mergeSize: smart?.mergeSize ?? 2,
    temporalPatchSize: smart?.temporalPatchSize ?? resizedFrames.length / gt,
    ...normalization(plan, preset),
    slot,
  });
  checkShape(slot, plan, r);
  return { slot, data: r.pixelValues, dims: r.dims, gridThw: r.gridThw, secondPerGridT: Number(plan.second_per_grid_t ?? 1) };
}

async function materializeAudio(slot: string, plan: SlotPlanJSON, value: unknown, baseDir?: string): Promise<MaterializedAudio> {
  const input = source(plan, value, slot, baseDir);
  const rate = Number((step(plan, "resample")?.params as { to?: number } | undefined)?.to ?? plan.sample_rate ?? (plan.original as { sample_rate?: number } | undefined)?.sample_rate ?? 16000);
  const trim = step(plan, "trim")?.params as { start?: number; end?: number } | undefined;
  const cap = plan.steps.find((s) => s.op === "truncate" && s.params.max_seconds !== undefined)?.params.max_seconds as number | undefined;
  const decoded = await decodeAudio(input, { sampleRate: rate, start: trim?.start, end: trim?.end, maxSeconds: cap, slot });
  const planned = plan.samples as number | undefined;
  if (plan.exact && planned !== undefined && Math.abs(decoded.samples.length - planned) > 1) {
    throw new OmnispecError("plan/mismatch", `decoded ${decoded.samples.length} samples, the plan counts ${planned}`, {
      slot,
      file: typeof input === "string" ? input : undefined,
      hint: "the file changed since it was planned, or its header lies about its length: plan it again",
    });
  }
  const out: MaterializedAudio = { slot, samples: decoded.samples, sampleRate: decoded.sampleRate };
  const f = step(plan, "features")?.params as { kind?: string; bins?: number; n_fft?: number; hop?: number; frames?: number; mask?: number } | undefined;
  if (f?.kind === "log-mel") {
    const window = plan.steps.find((s) => (s.op === "pad" || s.op === "truncate") && s.params.window_seconds !== undefined)?.params.window_seconds as number | undefined;
    const mel = logMel(decoded.samples, { nMels: f.bins, nFft: f.n_fft, hop: f.hop, sampleRate: rate, chunkLength: window, padding: window ? "max_length" : "none", slot });
    // an estimated plan (a compressed file's header length) is followed by the real samples, not checked against them
    if (plan.exact && ((f.frames !== undefined && mel.frames !== f.frames) || (f.mask !== undefined && mel.validFrames !== f.mask))) {
      throw new OmnispecError("plan/mismatch", `log-mel gave ${mel.frames} frames (${mel.validFrames} with signal), the plan counts ${f.frames} (${f.mask})`, { slot });
    }
    out.features = { kind: "log-mel", data: mel.features, dims: [1, mel.nMels, mel.frames], validFrames: mel.validFrames, attentionMask: mel.attentionMask };
  }
  return out;
}

/**
 * The tensors of one sample, following the plan's steps: per IMAGE slot `pixel_values` (`[patches, 3·2·p·p]` with
 * `image_grid_thw`, or `[1, 3, H, W]` for fixed-size presets), per VIDEO slot `pixel_values_videos` with
 * `video_grid_thw` and `second_per_grid_t`, per AUDIO slot mono samples at the plan's rate (as `decodeAudio` gives
 * them) and, for log-mel presets, `input_features`. Shapes are checked against the plan. No model code runs here.
 *
 * @example
 * import { defineTask, compile } from "omnispec";
 * import { materialize } from "omnispec/runtime";
 * const task = defineTask("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
 * const sample = { img: "photo.jpg" };
 * const plan = await compile(task, sample, { preset: "qwen2-vl" });
 * const { images } = await materialize(plan, task, sample, { preset: "qwen2-vl" });
 * images.img.dims; // [patches, 1176], equal to plan.slots.img.grid_thw
 */
export async function materialize(plan: Plan | PlanJSON, task: Task, sample: Record<string, unknown>, options: MaterializeOptions = {}): Promise<Materialized> {
  const data: PlanJSON = "toJSON" in plan ? plan.toJSON() : plan;
  const preset = options.preset === undefined ? undefined : resolvePreset(options.preset);
  const out: Materialized = { images: {}, videos: {}, audios: {} };
  const inputs = new Set(task.inputs.map((s) => s.name));
  for (const [key, slotPlan] of Object.entries(data.slots)) {
    if (slotPlan.side !== "source" && !inputs.has(key)) continue;
    const entries: [string, SlotPlanJSON, unknown][] = slotPlan.items
      ? slotPlan.items.map((it, i) => [`${key}[${i}]`, it, (sample[key] as unknown[] | undefined)?.[i]])
      : [[key, slotPlan, valueAt(sample, key)]];
    for (const [name, p, value] of entries) {
      if (value === undefined || p.generated) continue;
      const background = attrsOf(task, key).background;
      if (p.modality === "IMAGE") out.images[name] = await materializeImage(name, p, value, options.baseDir, typeof background === "string" ? background : undefined);
      else if (p.modality === "VIDEO") out.videos[name] = await materializeVideo(name, p, value, options.baseDir, preset);
      else if (p.modality === "AUDIO") out.audios[name] = await materializeAudio(name, p, value, options.baseDir);
    }
  }
  return out;
}

/** the attributes written on the slot behind a plan key (`img`, `group[i].field`) */
function attrsOf(task: Task, key: string): Readonly<Record<string, unknown>> {
  const m = /^(.+)\[\d+\]\.(.+)$/.exec(key);
  const slot = m ? task.inputs.find((s) => s.name === m[1])?.fields?.find((f) => f.name === m[2]) : task.inputs.find((s) => s.name === key);
  return slot?.attrs ?? {};
}

/** `group[i].field` keys of repetition groups */
function valueAt(sample: Record<string, unknown>, key: string): unknown {
  const m = /^(.+)\[(\d+)\]\.(.+)$/.exec(key);
  if (!m) return sample[key];
  const group = sample[m[1]] as Record<string, unknown>[] | undefined;
  return group?.[Number(m[2])]?.[m[3]];
}
