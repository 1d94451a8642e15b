// planning VIDEO slots: probe (or read metadata), sample frames as the family's reference does, size, grid, count.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { OmnispecError } from "../../errors.js";
import type { SlotNode } from "../../instruction/ast.js";
import type { PlanContext, SegmentDraft, SlotPlanner } from "../../plan/planners.js";
import type { PlanStep, SlotPlanJSON, ValueSource } from "../../plan/types.js";
import type { VisionFamily } from "../image/smart-resize.js";
import { planVideoFrames, type PlanVideoOptions, type VideoMeta } from "./resize.js";
import type { FrameSamplingVariant } from "./sample-frames.js";
import { omniInterleave } from "../../positions/index.js";
import { audioTokensFor } from "../audio/plan.js";
import { classifyMediaValue } from "../media-value.js";

const FAMILIES: Record<string, VisionFamily> = {
  qwen2_vl: "qwen2-vl",
  qwen2_5_vl: "qwen2.5-vl",
  qwen3_vl: "qwen3-vl",
  qwen2_5_omni: "qwen2.5-omni",
};

export interface VideoHeader extends VideoMeta {
  seconds: number;
  rotation: number;
  audio: { channels: number; sampleRate: number }[];
  source: ValueSource;
}

/**
 * A video's frame count, rate, upright size and audio streams: from `meta:frames=720,fps=24,width=854,height=480`,
 * an object of the same fields, or by probing the file (no frame is decoded).
 *
 * @example
 * import { videoHeader } from "omnispec/modalities";
 * await videoHeader("meta:frames=720,fps=24,width=854,height=480", { slot: "clip" }); // { totalFrames: 720, fps: 24, ... }
 */
export async function videoHeader(value: unknown, opts: { slot: string; baseDir?: string; timeoutMs?: number }): Promise<VideoHeader> {
  const { slot } = opts;
  const fromFields = (f: Record<string, unknown>): VideoHeader => {
    const num = (k: string) => (typeof f[k] === "number" ? (f[k] as number) : typeof f[k] === "string" ? Number(f[k]) : NaN);
    const frames = num("frames");
    const fps = num("fps");
    const width = num("width");
    const height = num("height");
    const bad = Object.entries({ frames, fps, width, height }).filter(([, v]) => !(Number.isFinite(v) && v > 0));
    if (bad.length > 0) {
      throw new OmnispecError("input/invalid", `video metadata needs positive ${bad.map(([k]) => k).join(", ")}`, {
        slot,
        value: f,
        hint: "e.g. meta:frames=720,fps=24,width=854,height=480",
      });
    }
    return { totalFrames: Math.round(frames), fps, width, height, seconds: frames / fps, rotation: 0, audio: [], source: { kind: "meta" } };
  };
  const given = classifyMediaValue(value, { slot, modality: "VIDEO" });
  if (given.kind === "meta") return fromFields(given.fields);
  if (given.kind === "path") {
    const file = opts.baseDir ? resolve(opts.baseDir, given.path) : given.path;
    if (!existsSync(file)) throw new OmnispecError("media/not-found", "video file does not exist", { slot, file });
    // loaded on demand: metadata-only planning never loads ffmpeg's wrapper
    const { probeVideo } = await import("./probe.js");
    const v = await probeVideo(file, { slot, timeoutMs: opts.timeoutMs });
    return {
      totalFrames: v.frames,
      fps: v.fps,
      width: v.width,
      height: v.height,
      seconds: v.duration,
      rotation: v.rotation,
      audio: v.audio.map((a) => ({ channels: a.channels, sampleRate: a.sampleRate })),
      source: { kind: "path", file, bytes: v.bytes },
    };
  }
  throw new OmnispecError("input/invalid", "a video is a file path, meta:frames=…,fps=…,width=…,height=…, or an object of those fields", {
    slot,
    value: `<${given.bytes.length} bytes>`,
    hint: "write the bytes to a file and pass its path",
  });
}

function optionsFor(slot: SlotNode, ctx: PlanContext, file?: string): PlanVideoOptions {
  const a = slot.attrs;
  const v = ctx.preset.video!;
  const num = (k: string) => (typeof a[k] === "number" ? (a[k] as number) : undefined);
  return {
    variant: (typeof a.variant === "string" ? a.variant : v.sampler) as FrameSamplingVariant,
    fps: num("fps") ?? (num("nframes") === undefined ? v.fps : undefined),
    nframes: num("nframes"),
    minFrames: num("min_frames"),
    maxFrames: num("max_frames"),
    start: num("start"),
    end: num("end"),
    minPixels: num("min_pixels"),
    maxPixels: num("max_pixels"),
    totalPixels: num("total_pixels"),
    slot: slot.name,
    file,
  };
}

export const videoPlanner: SlotPlanner = {
  order: 0,
  async plan(slot, value, ctx): Promise<SlotPlanJSON> {
    const cfg = ctx.preset.video;
    if (!cfg) throw new OmnispecError("plan/unsupported", `the ${ctx.preset.name} preset takes no video`, { slot: slot.name, hint: "choose qwen2-vl, qwen2.5-vl, qwen3-vl or qwen2.5-omni" });
    if (value === undefined) {
      return { modality: "VIDEO", side: slot.side, tokens: 0, exact: true, generated: true, steps: [{ op: "generate", params: {}, note: "a video target needs a generative model omnispec does not run" }] };
    }
    const h = await videoHeader(value, { slot: slot.name, baseDir: ctx.baseDir, timeoutMs: ctx.limits.timeoutMs });
    if (h.seconds > ctx.limits.maxSeconds) {
      throw new OmnispecError("media/too-large", `video lasts ${h.seconds.toFixed(1)} s, over the limit of ${ctx.limits.maxSeconds} s`, { slot: slot.name, file: h.source.file });
    }
    const steps: PlanStep[] = [
      { op: "probe", params: { frames: h.totalFrames, fps: h.fps, size: [h.width, h.height], seconds: Number(h.seconds.toFixed(3)), rotation: h.rotation, ...h.source } },
    ];
    const base = { modality: "VIDEO", side: slot.side, source: h.source, original: { height: h.height, width: h.width, frames: h.totalFrames, fps: h.fps } };
    const family = FAMILIES[ctx.preset.family];
    if (!family) {
      // fixed uniform sampling (OFA: 16 frames, short side to 256, centre crop 256, stride-16 backbone per frame)
      const n = cfg.nframes ?? 16;
      const size = cfg.size ?? 256;
      const indices = Array.from({ length: n }, (_, i) => Math.min(h.totalFrames - 1, Math.floor(((i + 0.5) * h.totalFrames) / n)));
      steps.push({ op: "sample", params: { frames: n, indices }, note: "uniform over the whole clip" });
      steps.push({ op: "resize", params: { short_side: size, crop: [size, size] } });
      const per = (size / 16) ** 2;
      return { ...base, tokens: n * per, exact: true, steps, resized: { height: size, width: size }, frames: { indices, timestamps: indices.map((i) => i / h.fps) } };
    }
    const p = planVideoFrames({ totalFrames: h.totalFrames, fps: h.fps, width: h.width, height: h.height }, optionsFor(slot, ctx, h.source.file), family);
    if (p.nframes > ctx.limits.maxFrames) {
      throw new OmnispecError("media/too-large", `${p.nframes} frames sampled, over the limit of ${ctx.limits.maxFrames}`, { slot: slot.name, file: h.source.file });
    }
    steps.push({ op: "sample", params: { variant: p.variant, nframes: p.nframes, sample_fps: p.sampleFps, first: p.indices[0], last: p.indices[p.indices.length - 1] } });
    for (const r of p.resizes) steps.push({ op: "resize", params: { by: r.by, from: [h.width, h.height], to: [r.width, r.height] } });
    steps.push({ op: "patchify", params: { grid_thw: p.gridThw, tokens_per_grid_t: p.tokensPerGridT } });
    const withAudio = slot.attrs.audio === true ? videoAudio(slot, h, ctx, steps) : {};
    return {
      ...base,
      tokens: p.tokens,
      exact: true,
      steps,
      resized: { height: p.height, width: p.width },
      grid_thw: p.gridThw,
      frames: { indices: p.indices, timestamps: p.timestamps },
      second_per_grid_t: p.secondPerGridT,
      sample_fps: p.sampleFps,
      ...(p.timestampTexts ? { grid_timestamps: p.gridTimestamps, timestamp_texts: p.timestampTexts } : {}),
      ...(h.audio.length > 0 ? { audio_streams: h.audio } : {}),
      ...withAudio,
    };
  },
  segments(slot, plan, ctx): SegmentDraft[] {
    const v = ctx.preset.video!;
    if (typeof plan.audio_tokens === "number") return interleaved(slot.name, plan, ctx);
    const texts = plan.timestamp_texts as string[] | undefined;
    const wrap = v.wrap;
    if (!texts || v.timestamps !== "text") {
      if (wrap.length === 0) return [{ kind: "video", slot: slot.name, tokens: plan.tokens }];
      return [
        { kind: "special", text: wrap[0], tokens: 1 },
        { kind: "video", slot: slot.name, tokens: plan.tokens },
        { kind: "special", text: wrap[1], tokens: 1 },
      ];
    }
    // qwen3-vl: each temporal patch is "<t seconds>" + its own vision block
    const per = plan.tokens / texts.length;
    const out: SegmentDraft[] = [];
    for (const t of texts) {
      out.push({ kind: "text", text: t, tokens: ctx.text.count(t) });
      if (wrap.length > 0) out.push({ kind: "special", text: wrap[0], tokens: 1 });
      out.push({ kind: "video", slot: slot.name, tokens: per });
      if (wrap.length > 0) out.push({ kind: "special", text: wrap[1], tokens: 1 });
    }
    return out;
  },
};

/** `[VIDEO:clip,audio=true]`: the clip's own audio track, planned for time-aligned interleaving (Qwen2.5-Omni). */
function videoAudio(slot: SlotNode, h: VideoHeader, ctx: PlanContext, steps: PlanStep[]): Record<string, unknown> {
  const cfg = ctx.preset.audio;
  if (!cfg || ctx.preset.positions !== "qwen2.5-omni") {
    throw new OmnispecError("plan/unsupported", `audio=true needs a preset that interleaves audio with video (qwen2.5-omni), not ${ctx.preset.name}`, { slot: slot.name });
  }
  if (h.source.kind === "path" && h.audio.length === 0) {
    throw new OmnispecError("media/no-stream", "audio=true, but the video has no audio stream", { slot: slot.name, file: h.source.file, hint: "drop audio=true" });
  }
  const samples = Math.round(h.seconds * cfg.sampleRate);
  const t = audioTokensFor(samples, cfg);
  if (t.tokens < 1) throw new OmnispecError("media/degenerate", "the video's audio track is too short to give a single audio token", { slot: slot.name, file: h.source.file });
  steps.push({ op: "audio-track", params: { samples, rate: cfg.sampleRate, mel_frames: t.featureFrames, tokens: t.tokens, chunk_seconds: 2 } });
  return { audio_samples: samples, audio_feature_frames: t.featureFrames, audio_tokens: t.tokens };
}

function interleaved(name: string, plan: SlotPlanJSON, ctx: PlanContext): SegmentDraft[] {
  const wrap = ctx.preset.video!.wrap;
  const awrap = ctx.preset.audio!.wrap;
  const chunks = omniInterleave({
    videoGridThw: plan.grid_thw as [number, number, number],
    secondPerGridT: (plan.second_per_grid_t as number | undefined) ?? 1,
    audioTokens: plan.audio_tokens as number,
    positionIdPerSeconds: ctx.preset.tokensPerSecond,
  });
  const out: SegmentDraft[] = [];
  if (wrap.length > 0) out.push({ kind: "special", text: wrap[0], tokens: 1 });
  if (awrap.length > 0) out.push({ kind: "special", text: awrap[0], tokens: 1 });
  for (const c of chunks) out.push({ kind: c.kind, slot: name, tokens: c.tokens });
  if (awrap.length > 0) out.push({ kind: "special", text: awrap[1], tokens: 1 });
  if (wrap.length > 0) out.push({ kind: "special", text: wrap[1], tokens: 1 });
  return out;
}
