// planning IMAGE slots: read the header (never the pixels), orient, resize by the preset's scheme, patchify, count.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { OmnispecError } from "../../errors.js";
import type { SlotNode } from "../../instruction/ast.js";
import { wrapped, type PlanContext, type SlotPlanner } from "../../plan/planners.js";
import type { ImageConfig } from "../../plan/preset.js";
import type { PlanStep, SlotPlanJSON, ValueSource } from "../../plan/types.js";
import { smartResize, type SmartResizeVariant } from "./smart-resize.js";
import { fixedResize, tileGrid } from "./tiles.js";
import { imageGrid } from "./tokens.js";
import { classifyMediaValue } from "../media-value.js";

/** What planning needs to know of an image: its upright size and how it is stored. */
export interface ImageHeader {
  /** upright (EXIF orientation applied) */
  width: number;
  height: number;
  /** as stored */
  storedWidth: number;
  storedHeight: number;
  orientation: number;
  format: string;
  source: ValueSource;
}

const META: ValueSource = Object.freeze({ kind: "meta" });

/**
 * Reads an image's size and orientation from a path, bytes, or `size:WxH` / `{ width, height }` metadata,
 * without decoding pixels. Refuses images over the pixel limit.
 *
 * @example
 * import { imageHeader } from "omnispec/modalities";
 * const h = await imageHeader("photo.jpg", { slot: "img" }); // { width: 1800, height: 1200, orientation: 6, ... }
 */
export async function imageHeader(
  value: unknown,
  opts: { slot: string; baseDir?: string; maxPixels?: number; orient?: boolean },
): Promise<ImageHeader> {
  const { slot } = opts;
  const orient = opts.orient ?? true;
  const v = classifyMediaValue(value, { slot, modality: "IMAGE" });
  if (v.kind === "meta") {
    const { width, height } = v.fields;
    if (!(width > 0 && height > 0)) {
      throw new OmnispecError("media/degenerate", "an image needs a positive width and height", { slot, value, hint: "e.g. size:1920x1080" });
    }
    return { width, height, storedWidth: width, storedHeight: height, orientation: 1, format: "meta", source: META };
  }
  let input: string | Uint8Array;
  let source: ValueSource;
  if (v.kind === "path") {
    const file = opts.baseDir ? resolve(opts.baseDir, v.path) : v.path;
    input = file;
    source = { kind: "path", file, bytes: existsSync(file) ? statSync(file).size : 0 };
  } else {
    input = v.bytes;
    source = { kind: "bytes", bytes: v.bytes.length };
  }
  // loaded on demand: metadata-only planning never loads libvips
  const { readImageSize } = await import("./decode.js");
  const size = await readImageSize(input, { slot, maxPixels: opts.maxPixels, orient });
  return { ...size, source };
}


/** the decode step's params: the stored format and size, then where the value came from */
function decodeParams(h: ImageHeader): Record<string, unknown> {
  const size = [h.storedWidth, h.storedHeight];
  const s = h.source;
  if (s.kind === "meta") return { format: h.format, size, kind: s.kind };
  return { format: h.format, size, ...s };
}

// transformers' get_resize_output_image_size(default_to_square=False): the short side becomes `edge`, the long one int(edge·long/short)
function shortestEdgeSize(width: number, height: number, edge: number): { width: number; height: number } {
  const long = Math.trunc((edge * Math.max(width, height)) / Math.min(width, height));
  return width <= height ? { width: edge, height: long } : { width: long, height: edge };
}

const configs = new WeakMap<object, WeakMap<ImageConfig, ImageConfig>>();

/** The image config after the slot's attributes: `[IMAGE:img,max_pixels=1003520,variant=qwen-vl-utils-0.0.10]`. */
function configFor(slot: SlotNode, ctx: PlanContext): ImageConfig {
  const base = ctx.preset.image;
  // a task's slots and a preset's configs are fixed objects: merge them once
  const byPreset = configs.get(slot.attrs);
  const hit = base && byPreset?.get(base);
  if (hit) return hit;
  const merged = mergeConfig(slot, ctx);
  if (base) {
    if (byPreset) byPreset.set(base, merged);
    else configs.set(slot.attrs, new WeakMap([[base, merged]]));
  }
  return merged;
}

function mergeConfig(slot: SlotNode, ctx: PlanContext): ImageConfig {
  const cfg = ctx.preset.image;
  if (!cfg) {
    throw new OmnispecError("plan/unsupported", `the ${ctx.preset.name} preset takes no images`, { slot: slot.name, hint: "choose a vision preset such as qwen2-vl" });
  }
  const a = slot.attrs;
  const resample = typeof a.resample === "string" ? (a.resample as ImageConfig["resample"]) : cfg.resample;
  if (cfg.resize !== "smart") return { ...cfg, resample };
  const factor = cfg.patchSize * cfg.mergeSize;
  const num = (k: string) => (typeof a[k] === "number" ? (a[k] as number) : undefined);
  return {
    ...cfg,
    resample,
    minPixels: num("min_pixels") ?? cfg.minPixels,
    maxPixels: num("max_pixels") ?? (num("max_tokens") !== undefined ? num("max_tokens")! * factor * factor : cfg.maxPixels),
    variant: typeof a.variant === "string" ? (a.variant as SmartResizeVariant) : cfg.variant,
  };
}

export const imagePlanner: SlotPlanner = {
  order: 0,
  async plan(slot, value, ctx): Promise<SlotPlanJSON> {
    const cfg = configFor(slot, ctx);
    if (value === undefined) {
      return {
        modality: "IMAGE",
        side: slot.side,
        tokens: 0,
        exact: true,
        generated: true,
        steps: [{ op: "generate", params: {}, note: "an image target needs a generative model omnispec does not run" }],
      };
    }
    const orient = slot.attrs.orient !== false;
    const h = await imageHeader(value, { slot: slot.name, baseDir: ctx.baseDir, maxPixels: ctx.limits.maxPixels, orient });
    const steps: PlanStep[] = [{ op: "decode", params: decodeParams(h) }];
    if (h.orientation !== 1) {
      steps.push(
        orient
          ? { op: "orient", params: { exif: h.orientation, to: [h.width, h.height] }, note: "EXIF orientation applied" }
          : { op: "orient", params: { exif: h.orientation, applied: false }, note: "orient=false: stored pixels used as they are" },
      );
    }
    const base = { modality: "IMAGE", side: slot.side, source: h.source, original: { height: h.height, width: h.width } };
    if (cfg.resize === "fixed") {
      const r = fixedResize({ size: cfg.size, stride: cfg.stride });
      if (cfg.shortestEdge !== undefined) {
        const s = shortestEdgeSize(h.width, h.height, cfg.shortestEdge);
        steps.push({ op: "resize", params: { from: [h.width, h.height], to: [s.width, s.height], shortest_edge: cfg.shortestEdge, method: cfg.resample } });
        steps.push({ op: "center-crop", params: { from: [s.width, s.height], to: [r.width, r.height] } });
      } else {
        steps.push({ op: "resize", params: { from: [h.width, h.height], to: [r.width, r.height], method: cfg.resample } });
      }
      steps.push({ op: "normalize", params: { mean: cfg.mean, std: cfg.std } });
      steps.push({ op: "backbone-grid", params: { stride: cfg.stride, grid: r.grid, ...(cfg.extraTokens ? { extra_tokens: cfg.extraTokens } : {}) } });
      return { ...base, tokens: r.tokens + (cfg.extraTokens ?? 0), exact: true, steps, resized: { height: r.height, width: r.width } };
    }
    if (cfg.resize === "tiles") {
      const t = tileGrid({ width: h.width, height: h.height, tileSize: cfg.tileSize, minTiles: cfg.minTiles, maxTiles: cfg.maxTiles, thumbnail: cfg.thumbnail, tokensPerTile: cfg.tokensPerTile, slot: slot.name, file: h.source.file });
      steps.push({ op: "resize", params: { from: [h.width, h.height], to: [t.resizedWidth, t.resizedHeight], method: cfg.resample } });
      steps.push({ op: "tile", params: { grid: [t.columns, t.rows], tile: cfg.tileSize, thumbnail: t.thumbnail } });
      steps.push({ op: "normalize", params: { mean: cfg.mean, std: cfg.std } });
      return {
        ...base,
        tokens: t.tokens,
        exact: true,
        steps,
        resized: { height: t.resizedHeight, width: t.resizedWidth },
        tiles: { columns: t.columns, rows: t.rows, count: t.numTiles, thumbnail: t.thumbnail },
      };
    }
    const factor = cfg.patchSize * cfg.mergeSize;
    const r = smartResize({
      height: h.height,
      width: h.width,
      factor,
      minPixels: cfg.minPixels,
      maxPixels: cfg.maxPixels,
      variant: cfg.variant,
      rejectDegenerate: true,
      slot: slot.name,
      file: h.source.file,
    });
    const grid = imageGrid(r, { patchSize: cfg.patchSize, mergeSize: cfg.mergeSize, temporalPatchSize: cfg.temporalPatchSize });
    steps.push({
      op: "resize",
      params: { from: [h.width, h.height], to: [r.width, r.height], method: cfg.resample, variant: cfg.variant, min_pixels: cfg.minPixels, max_pixels: cfg.maxPixels },
    });
    steps.push({ op: "normalize", params: { rescale: "1/255", mean: cfg.mean, std: cfg.std } });
    steps.push({
      op: "patchify",
      params: { patch: cfg.patchSize, temporal_patch: cfg.temporalPatchSize, merge: cfg.mergeSize, grid_thw: grid.gridThw, pixel_values: [grid.gridThw[0] * grid.gridThw[1] * grid.gridThw[2], 3 * cfg.temporalPatchSize * cfg.patchSize * cfg.patchSize] },
    });
    // written out rather than spread: this is the hot path of planning whole datasets
    return { modality: "IMAGE", side: slot.side, source: h.source, original: base.original, tokens: grid.tokens, exact: true, steps, resized: { height: r.height, width: r.width }, grid_thw: grid.gridThw };
  },
  segments(slot, plan, ctx) {
    return wrapped("image", slot.name, plan.tokens, ctx.preset.image?.wrap ?? []);
  },
};
