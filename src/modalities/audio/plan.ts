// planning AUDIO slots: probe (or read metadata), resample to the preset's rate, window, features, token count.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { OmnispecError } from "../../errors.js";
import type { SlotNode } from "../../instruction/ast.js";
import { wrapped, type PlanContext, type SlotPlanner } from "../../plan/planners.js";
import type { AudioConfig } from "../../plan/preset.js";
import type { PlanStep, SlotPlanJSON, ValueSource } from "../../plan/types.js";
import { audioTokens } from "./tokens.js";
import { classifyMediaValue } from "../media-value.js";

export interface AudioHeader {
  /** seconds of audio (after start/end trimming is applied by the planner) */
  seconds: number;
  /** samples at the original rate, when known exactly */
  samples?: number;
  sampleRate?: number;
  channels?: number;
  codec: string;
  source: ValueSource;
}

/**
 * An audio clip's length and layout: from `meta:seconds=11`, `meta:samples=176000` (at the preset's rate), an object of
 * those fields, or by probing the file or bytes (nothing is decoded).
 *
 * @example
 * import { audioHeader } from "omnispec/modalities";
 * await audioHeader("meta:seconds=11", { slot: "wav", sampleRate: 16000 }); // { seconds: 11, samples: 176000, ... }
 */
export async function audioHeader(value: unknown, opts: { slot: string; sampleRate: number; baseDir?: string; timeoutMs?: number; stream?: "video" }): Promise<AudioHeader> {
  const { slot } = opts;
  const fromFields = (f: Record<string, unknown>): AudioHeader => {
    const samples = f.samples !== undefined ? Number(f.samples) : undefined;
    const seconds = f.seconds !== undefined ? Number(f.seconds) : samples !== undefined ? samples / opts.sampleRate : NaN;
    if (!(Number.isFinite(seconds) && seconds >= 0) || (samples !== undefined && !(Number.isInteger(samples) && samples >= 0))) {
      throw new OmnispecError("input/invalid", "audio metadata needs seconds=… or samples=… (non-negative)", { slot, value: f, hint: "e.g. meta:seconds=11 or meta:samples=176000" });
    }
    return {
      seconds,
      samples: samples ?? Math.round(seconds * opts.sampleRate),
      sampleRate: opts.sampleRate,
      codec: "meta",
      source: { kind: "meta" },
    };
  };
  const v = classifyMediaValue(value, { slot, modality: "AUDIO" });
  if (v.kind === "meta") return fromFields(v.fields);
  if (v.kind === "path") {
    const file = opts.baseDir ? resolve(opts.baseDir, v.path) : v.path;
    if (!existsSync(file)) throw new OmnispecError("media/not-found", "audio file does not exist", { slot, file });
    return fromProbe(file, { kind: "path", file }, opts);
  }
  {
    const value = v.bytes;
    const dir = mkdtempSync(join(tmpdir(), "omnispec-audio-"));
    const file = join(dir, "input");
    try {
      writeFileSync(file, value);
      return await fromProbe(file, { kind: "bytes", bytes: value.length }, opts);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function fromProbe(file: string, source: ValueSource, opts: { slot: string; timeoutMs?: number }): Promise<AudioHeader> {
  // loaded on demand: metadata-only planning never loads ffmpeg's wrapper
  const { probe } = await import("../../media/ffmpeg.js");
  const info = await probe(file, { timeoutMs: opts.timeoutMs }).catch((e: unknown) => {
    if (e instanceof OmnispecError) throw new OmnispecError(e.code, e.message.split(" (")[0], { slot: opts.slot, file: source.file, cause: e });
    throw e;
  });
  const a = info.audio[0];
  if (!a) throw new OmnispecError("media/no-stream", "the file has no audio stream", { slot: opts.slot, file: source.file });
  const seconds = a.duration || info.duration;
  const pcm = a.codec.startsWith("pcm_");
  return {
    seconds,
    samples: pcm ? Math.round(seconds * a.sampleRate) : undefined,
    sampleRate: a.sampleRate,
    channels: a.channels,
    codec: a.codec,
    source: { ...source, bytes: source.bytes ?? info.bytes },
  };
}

/** Samples at `rate` after resampling a clip of `samples` at `from` Hz (ffmpeg/soxr produce ceil-free lengths). */
function resampled(h: AudioHeader, rate: number): { samples: number; exact: boolean } {
  if (h.samples !== undefined && (h.sampleRate === undefined || h.sampleRate === rate)) return { samples: h.samples, exact: true };
  if (h.samples !== undefined && h.sampleRate) return { samples: Math.ceil((h.samples * rate) / h.sampleRate), exact: false };
  return { samples: Math.round(h.seconds * rate), exact: false };
}

/**
 * Feature frames and tokens of `samples` at the preset's rate: Whisper-style log-mel frames with the attention-mask
 * count `ceil(min(N, window) / hop)`, then the encoder's conv/pool arithmetic (see `audioTokens`).
 *
 * @example
 * import { audioTokensFor } from "omnispec/modalities";
 * audioTokensFor(176000, { features: "whisper-log-mel", tokens: "qwen-audio", chunkSeconds: 300, sampleRate: 16000 }); // { featureFrames: 1100, tokens: 275, ... }
 */
export function audioTokensFor(
  samples: number,
  cfg: Pick<AudioConfig, "features" | "tokens" | "chunkSeconds" | "sampleRate">,
): { featureFrames: number; paddedFrames: number; tokens: number; truncated: boolean } {
  const t = audioTokens({ samples, preset: cfg });
  return { featureFrames: t.maskLength, paddedFrames: t.paddedFrames, tokens: t.tokens, truncated: t.truncated };
}

function configFor(slot: SlotNode, ctx: PlanContext): AudioConfig {
  const cfg = ctx.preset.audio;
  if (!cfg) throw new OmnispecError("plan/unsupported", `the ${ctx.preset.name} preset takes no audio`, { slot: slot.name, hint: "choose qwen2.5-omni, qwen2-audio, whisper or ofa" });
  return cfg;
}

export const audioPlanner: SlotPlanner = {
  order: 0,
  async plan(slot, value, ctx): Promise<SlotPlanJSON> {
    const cfg = configFor(slot, ctx);
    if (value === undefined) {
      return { modality: "AUDIO", side: slot.side, tokens: 0, exact: true, generated: true, steps: [{ op: "generate", params: {}, note: "an audio target needs a speech model omnispec does not run" }] };
    }
    const h = await audioHeader(value, { slot: slot.name, sampleRate: cfg.sampleRate, baseDir: ctx.baseDir, timeoutMs: ctx.limits.timeoutMs });
    const maxSeconds = typeof slot.attrs.max_seconds === "number" ? slot.attrs.max_seconds : Math.min(cfg.maxSeconds || Infinity, ctx.limits.maxSeconds);
    const start = typeof slot.attrs.start === "number" ? slot.attrs.start : 0;
    const end = typeof slot.attrs.end === "number" ? Math.min(slot.attrs.end, h.seconds) : h.seconds;
    if (end < start) throw new OmnispecError("input/invalid", `end (${end}) is before start (${start})`, { slot: slot.name, file: h.source.file });
    const steps: PlanStep[] = [{ op: "decode", params: { codec: h.codec, rate: h.sampleRate, channels: h.channels, seconds: Number(h.seconds.toFixed(3)), ...h.source } }];
    let r = resampled(h, cfg.sampleRate);
    if (start > 0 || end < h.seconds) {
      r = { samples: Math.max(0, Math.round((end - start) * cfg.sampleRate)), exact: r.exact };
      steps.push({ op: "trim", params: { start, end } });
    }
    // max_seconds truncates, as decodeAudio does (the feature window truncates again, as the reference does)
    const cap = Math.round(maxSeconds * cfg.sampleRate);
    if (r.samples > cap) {
      steps.push({ op: "truncate", params: { max_seconds: maxSeconds, samples: r.samples, to: cap }, note: "decoding stops at max_seconds" });
      r = { samples: cap, exact: r.exact };
    }
    if ((h.channels ?? 1) > 1) steps.push({ op: "downmix", params: { from: h.channels, to: 1, method: "mean of channels" } });
    if (h.sampleRate !== undefined && h.sampleRate !== cfg.sampleRate) steps.push({ op: "resample", params: { from: h.sampleRate, to: cfg.sampleRate } });
    const t = audioTokensFor(r.samples, cfg);
    if (cfg.chunkSeconds > 0) {
      steps.push({ op: t.truncated ? "truncate" : "pad", params: { window_seconds: cfg.chunkSeconds, samples: r.samples, to: cfg.chunkSeconds * cfg.sampleRate } });
    }
    steps.push({
      op: "features",
      params: cfg.features === "kaldi-fbank"
        ? { kind: "kaldi-fbank", bins: cfg.nMels, frames: t.featureFrames }
        : { kind: "log-mel", bins: cfg.nMels, n_fft: 400, hop: 160, frames: t.paddedFrames, mask: t.featureFrames },
    });
    steps.push({ op: "encode", params: { rule: cfg.tokens, tokens: t.tokens } });
    return {
      modality: "AUDIO",
      side: slot.side,
      tokens: t.tokens,
      exact: r.exact,
      steps,
      source: h.source,
      original: { seconds: h.seconds, sample_rate: h.sampleRate, channels: h.channels },
      samples: r.samples,
      feature_frames: t.featureFrames,
    };
  },
  segments(slot, plan, ctx) {
    return wrapped("audio", slot.name, plan.tokens, ctx.preset.audio?.wrap ?? []);
  },
};
