// vision grid and placeholder-token counts for one image (qwen-reference §2.4).
import { OmnispecError } from "../../errors.js";
import { smartResize, VISION_CONSTANTS, type SmartResizeOptions, type SmartResizeResult } from "./smart-resize.js";

export interface PatchConfig {
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
}

export interface ImageGrid {
  /** [grid_t, grid_h, grid_w]; grid_t is 1 for a still image (the frame is repeated to temporalPatchSize) */
  gridThw: [number, number, number];
  /** rows of `pixel_values`: grid_t * grid_h * grid_w */
  patches: number;
  /** placeholder tokens: patches / mergeSize² */
  tokens: number;
}

/**
 * The vision grid of an image already resized to multiples of `patchSize * mergeSize`.
 *
 * @example
 * import { imageGrid } from "omnispec/modalities";
 * imageGrid({ height: 728, width: 1316 }, { patchSize: 14, mergeSize: 2, temporalPatchSize: 2 });
 * // { gridThw: [1, 52, 94], patches: 4888, tokens: 1222 }
 */
export function imageGrid(size: { height: number; width: number }, config: PatchConfig): ImageGrid {
  const { patchSize: p, mergeSize: m } = config;
  const unit = p * m;
  for (const side of ["height", "width"] as const) {
    const v = size[side];
    if (!Number.isInteger(v) || v < 0 || v % unit !== 0) {
      throw new OmnispecError("input/invalid", `image ${side} ${v} is not a multiple of ${unit} (patch ${p} x merge ${m})`, {
        value: v,
        hint: "resize with smartResize first, or pass a size that is a multiple of patch_size * merge_size",
      });
    }
  }
  const gh = size.height / p;
  const gw = size.width / p;
  const patches = gh * gw;
  return { gridThw: [1, gh, gw], patches, tokens: patches / (m * m) };
}

export interface ImageTokensResult extends ImageGrid {
  resized: SmartResizeResult;
}

/**
 * `smartResize` followed by `imageGrid`: the resized size, grid and token count of an image of the given size.
 * Patch and merge sizes come from `family` (default Qwen2.5-VL: patch 14, merge 2); a degenerate resize throws
 * `media/degenerate`.
 *
 * @example
 * import { imageTokensFromSize } from "omnispec/modalities";
 * imageTokensFromSize({ height: 1080, width: 1920, family: "qwen3-vl" }).tokens; // 2040
 */
export function imageTokensFromSize(options: SmartResizeOptions & Partial<PatchConfig>): ImageTokensResult {
  const fam = VISION_CONSTANTS[options.family ?? "qwen2.5-vl"];
  const patchSize = options.patchSize ?? fam.patchSize;
  const mergeSize = options.mergeSize ?? fam.mergeSize;
  const temporalPatchSize = options.temporalPatchSize ?? fam.temporalPatchSize;
  const factor = options.factor ?? patchSize * mergeSize;
  const resized = smartResize({ ...options, factor, rejectDegenerate: true });
  return { resized, ...imageGrid(resized, { patchSize, mergeSize, temporalPatchSize }) };
}
