// rescale, normalise and cut resized RGB frames into the patch rows the Qwen vision encoders read, in one pass from uint8.
import { OmnispecError } from "../../errors.js";
import { swapsSides } from "./orientation.js";
import type { RgbImage } from "./resample/types.js";

/** OpenAI CLIP mean/std: Qwen2-VL, Qwen2.5-VL, Qwen2.5-Omni. */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;
/** Qwen3-VL mean/std. */
export const HALF_MEAN = [0.5, 0.5, 0.5] as const;
export const HALF_STD = [0.5, 0.5, 0.5] as const;

export interface PatchifyOptions {
  /** pixels per patch side: 14 (Qwen2/2.5) or 16 (Qwen3) */
  patchSize: number;
  /** patches per merge-window side (2) */
  mergeSize: number;
  /** frames per temporal patch (2); still images are repeated to fill it */
  temporalPatchSize: number;
  mean: readonly number[];
  std: readonly number[];
  /** default 1/255 */
  rescale?: number;
  /** write into this buffer (exactly {@link patchShape} rows x cols long, e.g. allocated ahead) instead of a new one */
  out?: Float32Array;
  /**
   * EXIF orientation (1..8, default 1) of the frames' pixels as given: the patches are cut from the upright picture,
   * read through the turn instead of turning the pixels first (the same values, no turned copy)
   */
  orientation?: number;
  /** named in errors */
  slot?: string;
}

export interface Patches {
  /** [numPatches, 3 * temporalPatchSize * patchSize^2], row-major */
  pixelValues: Float32Array;
  dims: [number, number];
  /** [grid_t, grid_h, grid_w] in patches */
  gridThw: [number, number, number];
}

/**
 * The 256 normalised values of each channel, rounded to float32 after the rescale and again after the normalisation,
 * as transformers.js computes them in its Float32Array.
 *
 * @example
 * import { normalizeTable, CLIP_MEAN, CLIP_STD } from "omnispec/modalities";
 * const t = normalizeTable(CLIP_MEAN, CLIP_STD); // t[0 * 256 + 255] is red 255 normalised
 */
export function normalizeTable(mean: readonly number[], std: readonly number[], rescale = 1 / 255): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    for (let v = 0; v < 256; v++) table[c * 256 + v] = (Math.fround(rescale * v) - mean[c]) / std[c];
  }
  return table;
}

/** Geometry shared by the patchify kernel and its callers. */
export interface PatchGeometry {
  /** upright size */
  width: number;
  height: number;
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
  /** EXIF orientation of the stored pixels (default 1) */
  orientation?: number;
}

/** upright sides of stored pixels with EXIF `orientation` (5..8 swap them) */
const uprightSides = (width: number, height: number, orientation = 1): [number, number] => (swapsSides(orientation) ? [height, width] : [width, height]);

/**
 * Where upright pixel (x, y) of a `width` x `height` picture is in the stored RGB bytes of EXIF `orientation`:
 * `origin + x * ax + y * ay`.
 */
function readOrder(width: number, height: number, orientation: number): { origin: number; ax: number; ay: number } {
  const [sw, sh] = uprightSides(width, height, orientation);
  const row = 3 * sw;
  const right = 3 * (sw - 1);
  const bottom = row * (sh - 1);
  switch (orientation) {
    case 2: return { origin: right, ax: -3, ay: row };
    case 3: return { origin: right + bottom, ax: -3, ay: -row };
    case 4: return { origin: bottom, ax: 3, ay: -row };
    case 5: return { origin: 0, ax: row, ay: 3 };
    case 6: return { origin: bottom, ax: -row, ay: 3 };
    case 7: return { origin: right + bottom, ax: -row, ay: -3 };
    case 8: return { origin: right, ax: row, ay: -3 };
    default: return { origin: 0, ax: 3, ay: row };
  }
}

/**
 * Writes the patch rows of one temporal group (`group[tt]` is frame tt's RGB) into `out` from index `base`, in output
 * order: each patch row is written front to back, so memory is filled sequentially. A still image (every `group[tt]`
 * the same array) is read once and its frame block copied for the other temporal slots.
 *
 * @example
 * const g = { width: 28, height: 28, patchSize: 14, mergeSize: 2, temporalPatchSize: 2 };
 * const frame = new Uint8Array(28 * 28 * 3);
 * const out = new Float32Array(4 * 1176);
 * patchGroup([frame, frame], g, normalizeTable(CLIP_MEAN, CLIP_STD), out, 0);
 */
function patchGroup(group: readonly Uint8Array[], g: PatchGeometry, table: Float32Array, out: Float32Array, base: number): void {
  const { width, height, patchSize: p, mergeSize: m, temporalPatchSize: tps } = g;
  const gw = width / p;
  const gh = height / p;
  const area = p * p;
  const { origin, ax, ay } = readOrder(width, height, g.orientation ?? 1);
  const still = group.every((f) => f === group[0]);
  let o = base;
  // rows in merge-window order (h/m, w/m, m_h, m_w); columns (channel, t, y, x)
  for (let bh = 0; bh < gh; bh += m) {
    for (let bw = 0; bw < gw; bw += m) {
      for (let ph = bh; ph < bh + m; ph++) {
        for (let pw = bw; pw < bw + m; pw++) {
          const corner = origin + (ph * ay + pw * ax) * p;
          for (let c = 0; c < 3; c++) {
            const tab = c * 256;
            const first = o;
            for (let tt = 0; tt < tps; tt++) {
              if (still && tt > 0) {
                out.copyWithin(o, first, first + area);
                o += area;
                continue;
              }
              const src = group[tt];
              for (let y = 0; y < p; y++) {
                for (let x = 0, s = corner + y * ay + c; x < p; x++, s += ax) out[o++] = table[tab + src[s]];
              }
            }
          }
        }
      }
    }
  }
}

/**
 * The shape of the patches of `frames` frames of `width` x `height`, without computing them: `dims` is
 * `[grid_t * grid_h * grid_w, 3 * temporalPatchSize * patchSize^2]`.
 *
 * @example
 * import { patchShape } from "omnispec/modalities";
 * patchShape(56, 28, 1, { patchSize: 14, mergeSize: 2, temporalPatchSize: 2 }); // { dims: [8, 1176], gridThw: [1, 2, 4] }
 */
export function patchShape(
  width: number,
  height: number,
  frames: number,
  opts: Pick<PatchifyOptions, "patchSize" | "mergeSize" | "temporalPatchSize">,
): { dims: [number, number]; gridThw: [number, number, number] } {
  const { patchSize: p, temporalPatchSize: tps } = opts;
  const gridT = Math.ceil(frames / tps);
  const gh = height / p;
  const gw = width / p;
  return { dims: [gridT * gh * gw, 3 * tps * p * p], gridThw: [gridT, gh, gw] };
}

/**
 * Throws unless `width` x `height` cut into whole merge windows (both sides positive multiples of patch x merge).
 *
 * @example
 * import { assertPatchable } from "omnispec/modalities";
 * assertPatchable(56, 28, { patchSize: 14, mergeSize: 2 }); // fine; 30 x 28 throws plan/mismatch
 */
export function assertPatchable(width: number, height: number, opts: Pick<PatchifyOptions, "patchSize" | "mergeSize" | "slot">): void {
  const unit = opts.patchSize * opts.mergeSize;
  if (!(width > 0 && height > 0 && width % unit === 0 && height % unit === 0)) {
    throw new OmnispecError("plan/mismatch", `a ${width}x${height} image is not a multiple of patch x merge = ${unit}`, {
      slot: opts.slot,
      value: { width, height },
      hint: "resize with smartResize first",
    });
  }
}

interface Prepared {
  list: readonly RgbImage[];
  geometry: PatchGeometry;
  table: Float32Array;
  dims: [number, number];
  gridThw: [number, number, number];
}

function prepare(frames: RgbImage | readonly RgbImage[], opts: PatchifyOptions): Prepared {
  const list = Array.isArray(frames) ? (frames as readonly RgbImage[]) : [frames as RgbImage];
  const { patchSize: p, mergeSize: m, temporalPatchSize: tps, slot } = opts;
  if (list.length === 0) throw new OmnispecError("input/invalid", "patchify needs at least one frame", { slot });
  const orientation = opts.orientation ?? 1;
  if (!Number.isInteger(orientation) || orientation < 1 || orientation > 8) {
    throw new OmnispecError("input/invalid", `EXIF orientation ${orientation} is not one of 1..8`, { slot, value: orientation });
  }
  const first = list[0];
  for (const f of list) {
    if (f.width !== first.width || f.height !== first.height || f.data.length !== f.width * f.height * 3) {
      throw new OmnispecError("plan/mismatch", `frames differ in size: ${f.width}x${f.height} vs ${first.width}x${first.height}`, { slot });
    }
  }
  const [width, height] = uprightSides(first.width, first.height, orientation);
  assertPatchable(width, height, opts);
  return {
    list,
    geometry: { width, height, patchSize: p, mergeSize: m, temporalPatchSize: tps, orientation },
    table: normalizeTable(opts.mean, opts.std, opts.rescale),
    ...patchShape(width, height, list.length, opts),
  };
}

/** The frames of temporal group `t`; a short last group repeats the last frame. */
function groupOf(list: readonly RgbImage[], t: number, tps: number): Uint8Array[] {
  return Array.from({ length: tps }, (_, tt) => list[Math.min(t * tps + tt, list.length - 1)].data);
}

/**
 * Rescales, normalises and patchifies one image (repeated to `temporalPatchSize` frames) or a list of video frames
 * (grouped in temporal pairs; a short last group repeats the last frame), in the merge-window order of
 * `Qwen2VLImageProcessor`: rows by (t, h/merge, w/merge, merge_h, merge_w), columns by (channel, t, y, x).
 *
 * @example
 * import { patchify, CLIP_MEAN, CLIP_STD } from "omnispec/modalities";
 * const img = { data: new Uint8Array(56 * 28 * 3), width: 56, height: 28 };
 * const p = patchify(img, { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD });
 * // p.gridThw = [1, 2, 4], p.dims = [8, 1176]
 */
export function patchify(frames: RgbImage | readonly RgbImage[], opts: PatchifyOptions): Patches {
  const q = prepare(frames, opts);
  const [rows, cols] = q.dims;
  if (opts.out && opts.out.length !== rows * cols) {
    throw new OmnispecError("input/invalid", `the output buffer holds ${opts.out.length} values, the patches need ${rows} x ${cols}`, {
      slot: opts.slot,
      hint: "allocate it with patchShape(width, height, frames, options)",
    });
  }
  const out = opts.out ?? new Float32Array(rows * cols);
  const [gridT, gh, gw] = q.gridThw;
  for (let t = 0; t < gridT; t++) patchGroup(groupOf(q.list, t, q.geometry.temporalPatchSize), q.geometry, q.table, out, t * gh * gw * cols);
  return { pixelValues: out, dims: q.dims, gridThw: q.gridThw };
}
