// native dynamic resolution: qwen's smart_resize in every upstream variant (qwen-reference §2).
import { OmnispecError } from "../../errors.js";
import { ceilByFactor, floorByFactor, pyFloatRepr, roundByFactor } from "../../util/numeric.js";

/**
 * Which upstream `smart_resize` to reproduce.
 * - `current`: transformers after PR #38706 (June 2025): no small-image guard, `max(factor, ·)` when downscaling.
 * - `transformers-4.52`: transformers up to ~4.52: rejects sides below `factor`, downscaling may reach 0.
 * - `qwen-vl-utils-0.0.10`: also qwen-omni-utils 0.0.3; clamps the rounded size to `factor`, downscaling may reach 0.
 * - `qwen-vl-utils-0.0.11`: like 0.0.10 plus `max(factor, ·)` when downscaling.
 * - `qwen-vl-utils-0.0.14`: like 0.0.10 (the fix was dropped again); min/max default to 4 / 16384 tokens.
 */
export type SmartResizeVariant =
  | "current"
  | "transformers-4.52"
  | "qwen-vl-utils-0.0.10"
  | "qwen-vl-utils-0.0.11"
  | "qwen-vl-utils-0.0.14";

export const SMART_RESIZE_VARIANTS: readonly SmartResizeVariant[] = [
  "current",
  "transformers-4.52",
  "qwen-vl-utils-0.0.10",
  "qwen-vl-utils-0.0.11",
  "qwen-vl-utils-0.0.14",
];

/** The model families whose vision constants omnispec knows. */
export type VisionFamily = "qwen2-vl" | "qwen2.5-vl" | "qwen2.5-omni" | "qwen3-vl";

export interface VisionConstants {
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
  /** patchSize * mergeSize: resized sides are multiples of it */
  factor: number;
  /** image min/max pixels of the released `preprocessor_config.json` */
  minPixels: number;
  maxPixels: number;
  /** the qwen-vl-utils release the family's model card uses, with its image defaults */
  qwenVlUtils: { variant: SmartResizeVariant; minPixels: number; maxPixels: number };
  /** per-frame video budget of qwen-vl-utils (tokens × factor²) */
  videoFrameMinPixels: number;
  videoFrameMaxPixels: number;
  /** default total video budget of qwen-vl-utils (0.0.10: int(128000·28²·0.9); 0.0.14: 128000·factor²·0.9) */
  videoTotalPixels: number;
  /** the transformers video processor's budget (Qwen3-VL: a total over t·h·w; others: per frame) */
  hfVideoMinPixels: number;
  hfVideoMaxPixels: number;
}

const qwen25: VisionConstants = {
  patchSize: 14,
  mergeSize: 2,
  temporalPatchSize: 2,
  factor: 28,
  minPixels: 3136,
  maxPixels: 12845056,
  qwenVlUtils: { variant: "qwen-vl-utils-0.0.10", minPixels: 3136, maxPixels: 12845056 },
  videoFrameMinPixels: 128 * 28 * 28,
  videoFrameMaxPixels: 768 * 28 * 28,
  videoTotalPixels: Math.trunc(128000 * 28 * 28 * 0.9),
  hfVideoMinPixels: 128 * 28 * 28,
  hfVideoMaxPixels: 768 * 28 * 28,
};

/**
 * Per-family image and video constants (qwen-reference §2.1, §3.3, §3.6), as plain data for presets.
 *
 * @example
 * import { VISION_CONSTANTS } from "omnispec/modalities";
 * VISION_CONSTANTS["qwen3-vl"].factor; // 32
 */
export const VISION_CONSTANTS: Readonly<Record<VisionFamily, Readonly<VisionConstants>>> = {
  "qwen2-vl": qwen25,
  "qwen2.5-vl": qwen25,
  "qwen2.5-omni": qwen25,
  "qwen3-vl": {
    patchSize: 16,
    mergeSize: 2,
    temporalPatchSize: 2,
    factor: 32,
    minPixels: 65536,
    maxPixels: 16777216,
    qwenVlUtils: { variant: "qwen-vl-utils-0.0.14", minPixels: 4 * 32 * 32, maxPixels: 16384 * 32 * 32 },
    videoFrameMinPixels: 128 * 32 * 32,
    videoFrameMaxPixels: 768 * 32 * 32,
    videoTotalPixels: 128000 * 32 * 32 * 0.9,
    hfVideoMinPixels: 4096,
    hfVideoMaxPixels: 25165824,
  },
};

/** The `Qwen2VLImageProcessor()` class defaults (what you get constructing it in code instead of from the hub). */
export const HF_QWEN2VL_CLASS_DEFAULT = { factor: 28, minPixels: 56 * 56, maxPixels: 28 * 28 * 1280 } as const;

/** Largest allowed `max(h, w) / min(h, w)` (strict: exactly 200 passes). */
export const MAX_ASPECT_RATIO = 200;

export interface SmartResizeOptions {
  /** original height in pixels */
  height: number;
  /** original width in pixels */
  width: number;
  /** takes factor, min and max pixels from the family (explicit options still win) */
  family?: VisionFamily;
  /** resized sides are multiples of it; default 28 (or the family's) */
  factor?: number;
  minPixels?: number;
  maxPixels?: number;
  /** shorthand for `minPixels = minTokens * factor²` */
  minTokens?: number;
  /** shorthand for `maxPixels = maxTokens * factor²` */
  maxTokens?: number;
  variant?: SmartResizeVariant;
  /** throw `media/degenerate` instead of returning a 0-pixel side */
  rejectDegenerate?: boolean;
  /** named in errors */
  slot?: string;
  file?: string;
}

export interface SmartResizeResult {
  height: number;
  width: number;
  /** true when a side came out 0 (qwen-vl-utils 0.0.10/0.0.14 and transformers ≤ 4.52 with a small max_pixels) */
  degenerate: boolean;
}

/**
 * The min/max pixels `smartResize` uses when none are given: the released `preprocessor_config.json` for the
 * transformers variants (Qwen3-VL's when `factor` is 32), the function defaults for qwen-vl-utils.
 *
 * @example
 * import { defaultPixelBounds } from "omnispec/modalities";
 * defaultPixelBounds("qwen-vl-utils-0.0.14", 32); // { minPixels: 4096, maxPixels: 16777216 }
 */
export function defaultPixelBounds(variant: SmartResizeVariant, factor: number): { minPixels: number; maxPixels: number } {
  if (variant === "qwen-vl-utils-0.0.14") return { minPixels: 4 * factor * factor, maxPixels: 16384 * factor * factor };
  if (variant === "qwen-vl-utils-0.0.10" || variant === "qwen-vl-utils-0.0.11") return { minPixels: 3136, maxPixels: 12845056 };
  const c = factor === 32 ? VISION_CONSTANTS["qwen3-vl"] : VISION_CONSTANTS["qwen2.5-vl"];
  return { minPixels: c.minPixels, maxPixels: c.maxPixels };
}

/**
 * Qwen's `smart_resize`: the size an image is resized to so both sides are multiples of `factor` and the pixel
 * count lies in [minPixels, maxPixels], keeping the aspect ratio, exactly as the chosen upstream `variant` computes it
 * (Python ties-to-even rounding; the rescale uses the original size). Throws `media/aspect-ratio` above 200:1 and,
 * for `transformers-4.52`, `media/too-small` when a side is below `factor`. A 0-pixel side is reported with
 * `degenerate: true` (or thrown as `media/degenerate` with `rejectDegenerate`).
 *
 * @example
 * import { smartResize } from "omnispec/modalities";
 * smartResize({ height: 1080, width: 1920 });                      // { height: 1092, width: 1932, degenerate: false }
 * smartResize({ height: 1080, width: 1920, maxTokens: 1280 });     // { height: 728, width: 1316, degenerate: false }
 * smartResize({ height: 70, width: 70 }).height;                   // 56 (70/28 = 2.5 rounds to even)
 */
export function smartResize(options: SmartResizeOptions): SmartResizeResult {
  const { height: H, width: W, slot, file } = options;
  const variant = options.variant ?? "current";
  const fam = options.family === undefined ? undefined : VISION_CONSTANTS[options.family];
  const factor = options.factor ?? fam?.factor ?? 28;
  checkPositive("height", H, options);
  checkPositive("width", W, options);
  checkPositive("factor", factor, options);
  const defaults = fam ? familyBounds(fam, variant) : defaultPixelBounds(variant, factor);
  const minPixels = options.minPixels ?? (options.minTokens !== undefined ? options.minTokens * factor * factor : defaults.minPixels);
  const maxPixels = options.maxPixels ?? (options.maxTokens !== undefined ? options.maxTokens * factor * factor : defaults.maxPixels);
  if (variant === "qwen-vl-utils-0.0.14" && !(maxPixels >= minPixels)) {
    throw new OmnispecError("input/invalid", `max_pixels (${maxPixels}) must be at least min_pixels (${minPixels})`, {
      slot,
      file,
      value: { minPixels, maxPixels },
      hint: "raise max_pixels / max_tokens or lower min_pixels / min_tokens",
    });
  }
  if (variant === "transformers-4.52" && (H < factor || W < factor)) {
    throw new OmnispecError("media/too-small", `height:${H} or width:${W} must be larger than factor:${factor}`, {
      slot,
      file,
      value: { height: H, width: W },
      hint: `transformers <= 4.52 rejects images with a side below ${factor} px; use variant "current" or pad the image`,
    });
  }
  checkAspectRatio(H, W, { slot, file, what: "image" });
  const qvu = variant.startsWith("qwen-vl-utils");
  const clampDown = variant === "current" || variant === "qwen-vl-utils-0.0.11";
  let h = roundByFactor(H, factor);
  let w = roundByFactor(W, factor);
  if (qvu) {
    h = Math.max(factor, h);
    w = Math.max(factor, w);
  }
  if (h * w > maxPixels) {
    const beta = Math.sqrt((H * W) / maxPixels);
    h = floorByFactor(H / beta, factor);
    w = floorByFactor(W / beta, factor);
    if (clampDown) {
      h = Math.max(factor, h);
      w = Math.max(factor, w);
    }
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (H * W));
    h = ceilByFactor(H * beta, factor);
    w = ceilByFactor(W * beta, factor);
  }
  const result = { height: h, width: w, degenerate: h <= 0 || w <= 0 };
  if (options.rejectDegenerate) assertNotDegenerate(result, { height: H, width: W, slot, file, variant });
  return result;
}

/**
 * Throws `media/aspect-ratio` above 200:1 (float division, strict: exactly 200 passes), as every upstream resize does.
 *
 * @example
 * import { checkAspectRatio } from "omnispec/modalities";
 * checkAspectRatio(28, 5600, { what: "image" }); // passes: exactly 200
 */
export function checkAspectRatio(height: number, width: number, o: { slot?: string; file?: string; what: "image" | "video" }): void {
  const ratio = Math.max(height, width) / Math.min(height, width);
  if (ratio > MAX_ASPECT_RATIO) {
    throw new OmnispecError("media/aspect-ratio", `absolute aspect ratio must be smaller than ${MAX_ASPECT_RATIO}, got ${pyFloatRepr(ratio)}`, {
      slot: o.slot,
      file: o.file,
      value: { height, width },
      hint: `crop or pad the ${o.what} to an aspect ratio of at most 200:1`,
    });
  }
}

function familyBounds(fam: VisionConstants, variant: SmartResizeVariant): { minPixels: number; maxPixels: number } {
  if (variant.startsWith("qwen-vl-utils")) return defaultPixelBounds(variant, fam.factor);
  return { minPixels: fam.minPixels, maxPixels: fam.maxPixels };
}

function checkPositive(name: string, v: number, o: { slot?: string; file?: string }): void {
  if (!Number.isFinite(v) || v <= 0) {
    throw new OmnispecError("input/invalid", `${name} must be a positive number, got ${String(v)}`, {
      slot: o.slot,
      file: o.file,
      value: v,
      hint: `pass the image ${name} in pixels`,
    });
  }
}

/**
 * Throws `media/degenerate` when a resize produced a 0-pixel side, so no caller hands a 0-size image on.
 *
 * @example
 * import { smartResize, assertNotDegenerate } from "omnispec/modalities";
 * const r = smartResize({ height: 31, width: 639, maxPixels: 15680, variant: "qwen-vl-utils-0.0.10" });
 * assertNotDegenerate(r, { height: 31, width: 639 }); // throws: resized to 0x560
 */
export function assertNotDegenerate(
  result: SmartResizeResult,
  context: { height: number; width: number; slot?: string; file?: string; variant?: SmartResizeVariant },
): void {
  if (result.height > 0 && result.width > 0) return;
  throw new OmnispecError(
    "media/degenerate",
    `a ${context.height}x${context.width} image resizes to ${result.height}x${result.width}` +
      (context.variant ? ` under ${context.variant}` : ""),
    {
      slot: context.slot,
      file: context.file,
      value: { height: result.height, width: result.width },
      hint: "raise max_pixels / max_tokens, or use variant=current or qwen-vl-utils-0.0.11, which keep every side >= factor",
    },
  );
}
