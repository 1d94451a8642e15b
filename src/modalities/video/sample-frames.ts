// which frames of a video the reference pipelines decode, and when they were shown (qwen-reference §3.1, §3.2, §3.5, §3.6).
import { OmnispecError } from "../../errors.js";
import {
  arangeFloat32Torch,
  ceilByFactor,
  floorByFactor,
  formatFixed,
  linspaceFloat32Torch,
  linspaceFloat64,
  pyFloatRepr,
  roundByFactor,
  roundHalfEven,
} from "../../util/numeric.js";

/**
 * Which upstream frame sampler to reproduce.
 * - `qwen-vl-utils-0.0.10`: Qwen2-VL, Qwen2.5-VL and Qwen2.5-Omni (qwen-omni-utils 0.0.3 is identical): an even count
 *   from `fps` (default 2) within [4, 768], indices `torch.linspace(0, T-1, n).round()` in float32.
 * - `qwen-vl-utils-0.0.14`: Qwen3-VL: the same, with `start`/`end` trimming and `linspace(start, end, n)`.
 * - `transformers-qwen2-vl`: `Qwen2VLVideoProcessor(do_sample_frames=True)`: even count, `torch.arange(0, T, T/n).int()`.
 * - `transformers-qwen3-vl`: `Qwen3VLVideoProcessor`: `int(T / fps_video * fps)` (not made even), float64 linspace.
 */
export type FrameSamplingVariant = "qwen-vl-utils-0.0.10" | "qwen-vl-utils-0.0.14" | "transformers-qwen2-vl" | "transformers-qwen3-vl";

export const FRAME_SAMPLING_VARIANTS: readonly FrameSamplingVariant[] = [
  "qwen-vl-utils-0.0.10",
  "qwen-vl-utils-0.0.14",
  "transformers-qwen2-vl",
  "transformers-qwen3-vl",
];

/** qwen-vl-utils constants: FRAME_FACTOR, FPS, FPS_MIN_FRAMES, FPS_MAX_FRAMES. */
export const FRAME_FACTOR = 2;
export const DEFAULT_SAMPLE_FPS = 2;
export const MIN_FRAMES = 4;
export const MAX_FRAMES = 768;

export interface SampleFramesOptions {
  /** frames in the whole video */
  totalFrames: number;
  /** the video's average frame rate */
  videoFps: number;
  /** frames per second to sample (default 2); exclusive with `nframes` */
  fps?: number;
  /** an exact frame count (qwen-vl-utils and transformers-qwen2-vl round it to even); exclusive with `fps` */
  nframes?: number;
  /** default 4 */
  minFrames?: number;
  /** default 768 (qwen-vl-utils: min(768, total frames)) */
  maxFrames?: number;
  /** seconds into the video where sampling starts */
  start?: number;
  /** seconds into the video where sampling ends */
  end?: number;
  /** default `qwen-vl-utils-0.0.10` */
  variant?: FrameSamplingVariant;
  /** float32 torch linspace as upstream (default) or exact float64 arithmetic */
  linspace?: "torch-float32" | "exact";
  slot?: string;
  file?: string;
}

export interface SampledFrames {
  /** 0-based source frame indices, in decode order (may repeat for tiny clips) */
  indices: number[];
  /** absolute time of each sampled frame in seconds: index / videoFps */
  timestamps: number[];
  /** frames sampled per second of the (trimmed) clip: nframes / frames * videoFps */
  sampleFps: number;
  nframes: number;
  /** the frame range sampling was confined to (start/end trimming), inclusive */
  firstFrame: number;
  lastFrame: number;
}

/**
 * The frames a reference pipeline samples from a video, computed from its metadata alone (no decoding): indices,
 * absolute timestamps and the effective sample rate, exactly as the chosen upstream `variant` computes them
 * (ties-to-even frame counts, float32 `torch.linspace`, float32 `arange` truncation, `int()` counts).
 * Errors: `media/frame-count` when the count falls outside [2, frames], `input/invalid` for conflicting options
 * or an empty `start`/`end` range.
 *
 * @example
 * import { sampleFrames } from "omnispec/modalities";
 * const s = sampleFrames({ totalFrames: 300, videoFps: 30 });
 * s.nframes;              // 20
 * s.indices.slice(0, 4);  // [0, 16, 31, 47]
 * s.timestamps[1];        // 0.5333333333333333
 */
export function sampleFrames(options: SampleFramesOptions): SampledFrames {
  const variant = options.variant ?? "qwen-vl-utils-0.0.10";
  const { totalFrames, videoFps, slot, file } = options;
  const ctx = { slot, file };
  if (!Number.isInteger(totalFrames) || totalFrames <= 0) {
    throw new OmnispecError("input/invalid", `total frames must be a positive integer, got ${String(totalFrames)}`, {
      ...ctx,
      value: totalFrames,
      hint: "probe the video (ffprobe) or pass meta:frames=<count>",
    });
  }
  if (!(videoFps > 0) || !Number.isFinite(videoFps)) {
    throw new OmnispecError("input/invalid", `video fps must be a positive number, got ${String(videoFps)}`, {
      ...ctx,
      value: videoFps,
      hint: "pass the video's frame rate (meta:fps=<rate>)",
    });
  }
  if (options.fps !== undefined && options.nframes !== undefined) {
    throw new OmnispecError("input/invalid", "fps and nframes are mutually exclusive", {
      ...ctx,
      value: { fps: options.fps, nframes: options.nframes },
      hint: "set either fps= (frames per second) or nframes= (a frame count), not both",
    });
  }
  const { first, last, frames } = frameRange(options, ctx);
  let n: number;
  let indices: number[];
  if (variant === "qwen-vl-utils-0.0.10" || variant === "qwen-vl-utils-0.0.14") {
    n = smartNframes(options, frames, ctx);
    const raw = options.linspace === "exact" ? linspaceFloat64(first, last, n) : linspaceFloat32Torch(first, last, n);
    indices = new Array<number>(n);
    for (let i = 0; i < n; i++) indices[i] = roundHalfEven(raw[i]);
  } else if (variant === "transformers-qwen2-vl") {
    n = transformersQwen2Count(options, frames, ctx);
    indices = Array.from(arangeFloat32Torch(0, frames, frames / n), (v) => first + Math.trunc(v));
  } else {
    n = options.nframes ?? Math.min(Math.max(Math.trunc((frames / videoFps) * (options.fps ?? DEFAULT_SAMPLE_FPS)), options.minFrames ?? MIN_FRAMES), options.maxFrames ?? MAX_FRAMES, frames);
    if (!(n >= 1)) frameCountError(n, frames, ctx);
    indices = linspaceFloat64(0, frames - 1, n).map((v) => first + roundHalfEven(v));
  }
  const timestamps = new Array<number>(indices.length);
  for (let i = 0; i < indices.length; i++) timestamps[i] = indices[i] / videoFps;
  return {
    indices,
    timestamps,
    sampleFps: (n / Math.max(frames, 1e-6)) * videoFps,
    nframes: indices.length,
    firstFrame: first,
    lastFrame: last,
  };
}

/**
 * qwen-vl-utils `smart_nframes`: the even frame count sampled from `frames` frames (qwen-reference §3.1).
 *
 * @example
 * import { smartNframes } from "omnispec/modalities";
 * smartNframes({ videoFps: 30 }, 300); // 20
 * smartNframes({ videoFps: 30, nframes: 7 }, 300); // 8
 */
export function smartNframes(
  options: { videoFps: number; fps?: number; nframes?: number; minFrames?: number; maxFrames?: number },
  frames: number,
  ctx: { slot?: string; file?: string } = {},
): number {
  let n: number;
  if (options.nframes !== undefined) {
    n = roundByFactor(options.nframes, FRAME_FACTOR);
  } else {
    const fps = options.fps ?? DEFAULT_SAMPLE_FPS;
    const minFrames = ceilByFactor(options.minFrames ?? MIN_FRAMES, FRAME_FACTOR);
    const maxFrames = floorByFactor(options.maxFrames ?? Math.min(MAX_FRAMES, frames), FRAME_FACTOR);
    n = (frames / options.videoFps) * fps;
    n = Math.min(Math.min(Math.max(n, minFrames), maxFrames), frames);
    n = floorByFactor(n, FRAME_FACTOR);
  }
  if (!(FRAME_FACTOR <= n && n <= frames)) frameCountError(n, frames, ctx);
  return n;
}

function transformersQwen2Count(options: SampleFramesOptions, frames: number, ctx: { slot?: string; file?: string }): number {
  let n: number;
  if (options.nframes !== undefined) {
    n = roundHalfEven(options.nframes / FRAME_FACTOR) * FRAME_FACTOR;
  } else {
    const maxFrames = Math.floor(Math.min(options.maxFrames ?? MAX_FRAMES, frames) / FRAME_FACTOR) * FRAME_FACTOR;
    n = (frames / options.videoFps) * (options.fps ?? DEFAULT_SAMPLE_FPS);
    n = Math.min(Math.max(n, options.minFrames ?? MIN_FRAMES), maxFrames, frames);
    n = Math.floor(n / FRAME_FACTOR) * FRAME_FACTOR;
  }
  if (!(n >= 1 && n <= frames)) frameCountError(n, frames, ctx);
  return n;
}

function frameCountError(n: number, frames: number, ctx: { slot?: string; file?: string }): never {
  throw new OmnispecError("media/frame-count", `nframes should in interval [${FRAME_FACTOR}, ${frames}], but got ${n}.`, {
    ...ctx,
    value: n,
    hint:
      frames < FRAME_FACTOR
        ? `the video (or the start/end range) has ${frames} frame(s); at least ${FRAME_FACTOR} are needed`
        : `lower nframes/min_frames to at most ${frames}, or widen the start/end range`,
  });
}

/**
 * qwen-vl-utils 0.0.14 `calculate_video_frame_range`: the inclusive frame range for `start`/`end` seconds.
 *
 * @example
 * import { frameRange } from "omnispec/modalities";
 * frameRange({ totalFrames: 300, videoFps: 30, start: 2, end: 6.5 }); // { first: 60, last: 195, frames: 136 }
 */
export function frameRange(
  options: { totalFrames: number; videoFps: number; start?: number; end?: number },
  ctx: { slot?: string; file?: string } = {},
): { first: number; last: number; frames: number } {
  const { totalFrames: T, videoFps: fps, start, end } = options;
  if (start === undefined && end === undefined) return { first: 0, last: T - 1, frames: T };
  const maxDuration = T / fps;
  const startClamped = start === undefined ? 0 : Math.max(0, Math.min(start, maxDuration));
  const endClamped = end === undefined ? maxDuration : Math.max(0, Math.min(end, maxDuration));
  const first = start === undefined ? 0 : Math.ceil(startClamped * fps);
  const last = end === undefined ? T - 1 : Math.min(Math.floor(endClamped * fps), T - 1);
  if (first >= last) {
    throw new OmnispecError(
      "input/invalid",
      `Invalid time range: Start frame ${first} (at ${start === undefined ? "0" : pyFloatRepr(startClamped)}s) exceeds end frame ${last} ` +
        `(at ${pyFloatRepr(endClamped)}s). Video duration: ${formatFixed(maxDuration, 2)}s (${T} frames @ ${pyFloatRepr(fps)}fps)`,
      { ...ctx, value: { start, end }, hint: `choose start < end within 0..${formatFixed(maxDuration, 2)} seconds` },
    );
  }
  return { first, last, frames: last - first + 1 };
}

/**
 * Qwen3-VL's per-temporal-patch timestamps: indices padded to a multiple of `mergeSize` by repeating the last one,
 * then the mean time of the first and last frame of each group (transformers `Qwen3VLProcessor`).
 *
 * @example
 * import { qwen3VlTimestamps } from "omnispec/modalities";
 * qwen3VlTimestamps([0, 3, 6, 9], 30); // [0.05, 0.25]
 */
export function qwen3VlTimestamps(indices: readonly number[], videoFps: number, mergeSize = 2): number[] {
  const idx = [...indices];
  while (idx.length % mergeSize !== 0) idx.push(idx[idx.length - 1]);
  const t = idx.map((i) => i / videoFps);
  const out: number[] = [];
  for (let i = 0; i < t.length; i += mergeSize) out.push((t[i] + t[i + mergeSize - 1]) / 2);
  return out;
}

/**
 * The `<x.x seconds>` text Qwen3-VL puts before each temporal patch, with Python `.1f` rounding.
 *
 * @example
 * import { qwen3VlTimestampText } from "omnispec/modalities";
 * qwen3VlTimestampText(0.25); // "<0.2 seconds>"
 */
export function qwen3VlTimestampText(seconds: number): string {
  return `<${formatFixed(seconds, 1)} seconds>`;
}
