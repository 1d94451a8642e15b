// video frame sizes, grids and token counts (qwen-reference §3.3, §3.4, §3.6), and the one-call plan helper.
import { OmnispecError } from "../../errors.js";
import { roundHalfEven } from "../../util/numeric.js";
import {
  assertNotDegenerate,
  defaultPixelBounds,
  checkAspectRatio,
  smartResize,
  VISION_CONSTANTS,
  type VisionFamily,
} from "../image/smart-resize.js";
import {
  qwen3VlTimestamps,
  qwen3VlTimestampText,
  sampleFrames,
  type FrameSamplingVariant,
  type SampleFramesOptions,
} from "./sample-frames.js";

type Ctx = { slot?: string; file?: string };

export interface VideoPixelBudgetOptions {
  /** number of sampled frames */
  nframes: number;
  /** `qwen-vl-utils-0.0.10` (constants fixed at factor 28) or `qwen-vl-utils-0.0.14` (scaled by factor) */
  variant?: "qwen-vl-utils-0.0.10" | "qwen-vl-utils-0.0.14";
  /** patch_size * merge_size (0.0.14 only); default 28 */
  factor?: number;
  minPixels?: number;
  /** can only lower the computed per-frame maximum */
  maxPixels?: number;
  /** budget over all frames; default 0.0.10: int(128000·28²·0.9), 0.0.14: 128000·factor²·0.9 */
  totalPixels?: number;
}

/**
 * qwen-vl-utils `fetch_video`'s per-frame pixel budget: `max(min(VIDEO_MAX_PIXELS, total / n * 2), int(min * 1.05))`,
 * then lowered to a user `maxPixels`.
 *
 * @example
 * import { videoPixelBudget } from "omnispec/modalities";
 * videoPixelBudget({ nframes: 768 }); // { minPixels: 100352, maxPixels: 235200 }
 */
export function videoPixelBudget(options: VideoPixelBudgetOptions): { minPixels: number; maxPixels: number } {
  const variant = options.variant ?? "qwen-vl-utils-0.0.10";
  const f = variant === "qwen-vl-utils-0.0.10" ? 28 : (options.factor ?? 28);
  const frameMin = 128 * f * f;
  const frameMax = 768 * f * f;
  const defaultTotal = variant === "qwen-vl-utils-0.0.10" ? Math.trunc(128000 * 28 * 28 * 0.9) : 128000 * f * f * 0.9;
  const minPixels = options.minPixels ?? frameMin;
  const totalPixels = options.totalPixels ?? defaultTotal;
  let maxPixels = Math.max(Math.min(frameMax, (totalPixels / options.nframes) * 2), Math.trunc(minPixels * 1.05));
  if (options.maxPixels !== undefined) maxPixels = Math.min(options.maxPixels, maxPixels);
  return { minPixels, maxPixels };
}

export interface SmartResizeVideoOptions {
  nframes: number;
  height: number;
  width: number;
  /** default 2 */
  temporalFactor?: number;
  /** default 32 */
  factor?: number;
  /** a budget over t·h·w; default the released Qwen3-VL video config: 4096 */
  minPixels?: number;
  /** default the released Qwen3-VL video config: 25165824 */
  maxPixels?: number;
  slot?: string;
  file?: string;
}

/**
 * Qwen3-VL's video `smart_resize`: one frame size for the whole clip so that t·h·w fits a *total* budget.
 * Throws `media/frame-count` below 2 frames, `media/too-small` for a side below `factor`, `media/aspect-ratio` above 200:1.
 *
 * @example
 * import { smartResizeVideo } from "omnispec/modalities";
 * smartResizeVideo({ nframes: 20, height: 1080, width: 1920 }); // { height: 832, width: 1472 }
 */
export function smartResizeVideo(options: SmartResizeVideoOptions): { height: number; width: number } {
  const { nframes: n, height: H, width: W, slot, file } = options;
  const tf = options.temporalFactor ?? 2;
  const factor = options.factor ?? 32;
  const minPixels = options.minPixels ?? VISION_CONSTANTS["qwen3-vl"].hfVideoMinPixels;
  const maxPixels = options.maxPixels ?? VISION_CONSTANTS["qwen3-vl"].hfVideoMaxPixels;
  if (n < tf) {
    throw new OmnispecError("media/frame-count", `t:${n} must be larger than temporal_factor:${tf}`, {
      slot,
      file,
      value: n,
      hint: `sample at least ${tf} frames`,
    });
  }
  if (H < factor || W < factor) {
    throw new OmnispecError("media/too-small", `height:${H} or width:${W} must be larger than factor:${factor}`, {
      slot,
      file,
      value: { height: H, width: W },
      hint: `Qwen3-VL's video processor needs frames of at least ${factor}x${factor} px`,
    });
  }
  checkAspectRatio(H, W, { slot, file, what: "video" });
  let h = roundHalfEven(H / factor) * factor;
  let w = roundHalfEven(W / factor) * factor;
  const t = roundHalfEven(n / tf) * tf;
  if (t * h * w > maxPixels) {
    const beta = Math.sqrt((n * H * W) / maxPixels);
    h = Math.max(factor, Math.floor(H / beta / factor) * factor);
    w = Math.max(factor, Math.floor(W / beta / factor) * factor);
  } else if (t * h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (n * H * W));
    h = Math.ceil((H * beta) / factor) * factor;
    w = Math.ceil((W * beta) / factor) * factor;
  }
  return { height: h, width: w };
}

export interface VideoGrid {
  /** [ceil(n / temporalPatchSize), h / patch, w / patch]; odd counts are padded by repeating the last frame */
  gridThw: [number, number, number];
  /** frames after padding to a multiple of temporalPatchSize */
  paddedFrames: number;
  /** tokens per temporal patch: grid_h * grid_w / merge² */
  tokensPerGridT: number;
  tokens: number;
}

/**
 * The vision grid and token count of `nframes` frames resized to `height` x `width`.
 *
 * @example
 * import { videoGrid } from "omnispec/modalities";
 * videoGrid({ nframes: 20, height: 560, width: 1008 }, { patchSize: 14, mergeSize: 2, temporalPatchSize: 2 });
 * // { gridThw: [10, 40, 72], paddedFrames: 20, tokensPerGridT: 720, tokens: 7200 }
 */
export function videoGrid(
  size: { nframes: number; height: number; width: number },
  config: { patchSize: number; mergeSize: number; temporalPatchSize: number },
): VideoGrid {
  const { patchSize: p, mergeSize: m, temporalPatchSize: tp } = config;
  for (const side of ["height", "width"] as const) {
    if (size[side] <= 0 || size[side] % (p * m) !== 0) {
      throw new OmnispecError("input/invalid", `frame ${side} ${size[side]} is not a positive multiple of ${p * m}`, {
        value: size[side],
        hint: "resize the frames with smartResize / smartResizeVideo first",
      });
    }
  }
  const gt = Math.ceil(size.nframes / tp);
  const gh = size.height / p;
  const gw = size.width / p;
  const tokensPerGridT = (gh * gw) / (m * m);
  return { gridThw: [gt, gh, gw], paddedFrames: gt * tp, tokensPerGridT, tokens: gt * tokensPerGridT };
}

/**
 * Seconds covered by one temporal patch, as the Qwen2.5-VL processor stores it: `temporalPatchSize / fps`.
 *
 * @example
 * import { secondPerGridT } from "omnispec/modalities";
 * secondPerGridT(0.4); // 5
 */
export function secondPerGridT(fps: number, temporalPatchSize = 2): number {
  return temporalPatchSize / fps;
}

/** What a video's metadata says (probe it with ffprobe, or give `meta:frames=…,fps=…,width=…,height=…`). */
export interface VideoMeta {
  totalFrames: number;
  /** average frame rate */
  fps: number;
  width: number;
  height: number;
}

export interface PlanVideoOptions {
  /** default: qwen-vl-utils-0.0.10 for Qwen2-VL / Qwen2.5-VL / Omni, qwen-vl-utils-0.0.14 for Qwen3-VL */
  variant?: FrameSamplingVariant;
  fps?: number;
  nframes?: number;
  minFrames?: number;
  maxFrames?: number;
  start?: number;
  end?: number;
  /** qwen-vl-utils: per-frame bounds; transformers-qwen2-vl: per-frame processor bounds; transformers-qwen3-vl: total bounds */
  minPixels?: number;
  maxPixels?: number;
  /** qwen-vl-utils total budget over all frames */
  totalPixels?: number;
  /** qwen-vl-utils: a fixed frame size (still passed through smart_resize with image defaults) */
  resizedHeight?: number;
  resizedWidth?: number;
  /** Qwen3-VL after qwen-vl-utils: the processor's own total budget (default the released video config 4096..25165824) */
  processorMinPixels?: number;
  processorMaxPixels?: number;
  /** the `fps` the Qwen2.5-Omni processor is called with (default 2.0); decides its second_per_grid_t */
  processorFps?: number;
  linspace?: "torch-float32" | "exact";
  slot?: string;
  file?: string;
}

export interface VideoFramePlan {
  family: VisionFamily;
  variant: FrameSamplingVariant;
  /** source frame indices to decode */
  indices: number[];
  /** absolute seconds of each sampled frame */
  timestamps: number[];
  sampleFps: number;
  nframes: number;
  /** the size frames are resized to after every upstream stage */
  height: number;
  width: number;
  /** every resize the reference applies, in order (Qwen3-VL via qwen-vl-utils resizes twice) */
  resizes: { by: string; height: number; width: number }[];
  gridThw: [number, number, number];
  tokensPerGridT: number;
  tokens: number;
  /** seconds per temporal patch as the family's processor stores it (Qwen2.5-VL: 2 / sample fps; Omni: 2 / processor fps) */
  secondPerGridT: number;
  /** Qwen3-VL: mean time of each temporal patch and its `<x.x seconds>` text */
  gridTimestamps?: number[];
  timestampTexts?: string[];
}

/**
 * Everything a plan needs for one video, from metadata alone: which frames, when, at what size, the vision grid,
 * `second_per_grid_t` and the token count, following the family's reference pipeline (qwen-vl-utils 0.0.10 for
 * Qwen2-VL, Qwen2.5-VL and Omni; 0.0.14 with patch 16 then the transformers processor for Qwen3-VL; or a
 * transformers-native sampler via `variant`).
 *
 * @example
 * import { planVideoFrames } from "omnispec/modalities";
 * const p = planVideoFrames({ totalFrames: 300, fps: 30, width: 1920, height: 1080 }, {}, "qwen2.5-vl");
 * [p.nframes, p.height, p.width, p.tokens, p.secondPerGridT]; // [20, 560, 1008, 7200, 1]
 */
export function planVideoFrames(meta: VideoMeta, options: PlanVideoOptions = {}, family: VisionFamily = "qwen2.5-vl"): VideoFramePlan {
  const c = VISION_CONSTANTS[family];
  const variant = options.variant ?? (family === "qwen3-vl" ? "qwen-vl-utils-0.0.14" : "qwen-vl-utils-0.0.10");
  const ctx: Ctx = { slot: options.slot, file: options.file };
  const samplerOptions: SampleFramesOptions = {
    totalFrames: meta.totalFrames,
    videoFps: meta.fps,
    fps: options.fps,
    nframes: options.nframes,
    minFrames: options.minFrames,
    maxFrames: options.maxFrames,
    start: options.start,
    end: options.end,
    variant,
    linspace: options.linspace,
    ...ctx,
  };
  const sampled = sampleFrames(samplerOptions);
  const n = sampled.nframes;
  const resizes: VideoFramePlan["resizes"] = [];

  if (variant === "qwen-vl-utils-0.0.10" || variant === "qwen-vl-utils-0.0.14") {
    const factor = variant === "qwen-vl-utils-0.0.10" ? 28 : c.factor;
    let size;
    if (options.resizedHeight !== undefined && options.resizedWidth !== undefined) {
      const bounds = defaultPixelBounds(variant, factor);
      size = smartResize({ height: options.resizedHeight, width: options.resizedWidth, factor, ...bounds, variant, ...ctx });
    } else {
      const budget = videoPixelBudget({ nframes: n, variant, factor, minPixels: options.minPixels, maxPixels: options.maxPixels, totalPixels: options.totalPixels });
      size = smartResize({ height: meta.height, width: meta.width, factor, ...budget, variant, ...ctx });
    }
    assertNotDegenerate(size, { height: meta.height, width: meta.width, variant, ...ctx });
    resizes.push({ by: variant, height: size.height, width: size.width });
    if (family === "qwen3-vl") {
      const second = smartResizeVideo({
        nframes: n,
        height: size.height,
        width: size.width,
        factor: c.factor,
        temporalFactor: c.temporalPatchSize,
        minPixels: options.processorMinPixels,
        maxPixels: options.processorMaxPixels,
        ...ctx,
      });
      resizes.push({ by: "transformers Qwen3VLVideoProcessor", ...second });
    }
  } else if (variant === "transformers-qwen2-vl") {
    const size = smartResize({
      height: meta.height,
      width: meta.width,
      factor: c.factor,
      minPixels: options.minPixels ?? c.hfVideoMinPixels,
      maxPixels: options.maxPixels ?? c.hfVideoMaxPixels,
      variant: "current",
      rejectDegenerate: true,
      ...ctx,
    });
    resizes.push({ by: "transformers Qwen2VLVideoProcessor", height: size.height, width: size.width });
  } else {
    const size = smartResizeVideo({
      nframes: n,
      height: meta.height,
      width: meta.width,
      factor: c.factor,
      temporalFactor: c.temporalPatchSize,
      minPixels: options.minPixels,
      maxPixels: options.maxPixels,
      ...ctx,
    });
    resizes.push({ by: "transformers Qwen3VLVideoProcessor", ...size });
  }

  const final = resizes[resizes.length - 1];
  const grid = videoGrid({ nframes: n, height: final.height, width: final.width }, c);
  const spgFps =
    family === "qwen2.5-omni" ? (options.processorFps ?? 2) : variant.startsWith("transformers") ? (options.fps ?? 2) : sampled.sampleFps;
  const plan: VideoFramePlan = {
    family,
    variant,
    indices: sampled.indices,
    timestamps: sampled.timestamps,
    sampleFps: sampled.sampleFps,
    nframes: n,
    height: final.height,
    width: final.width,
    resizes,
    gridThw: grid.gridThw,
    tokensPerGridT: grid.tokensPerGridT,
    tokens: grid.tokens,
    secondPerGridT: secondPerGridT(spgFps, c.temporalPatchSize),
  };
  if (family === "qwen3-vl") {
    plan.gridTimestamps = qwen3VlTimestamps(sampled.indices, meta.fps, c.mergeSize);
    plan.timestampTexts = plan.gridTimestamps.map(qwen3VlTimestampText);
  }
  return plan;
}
