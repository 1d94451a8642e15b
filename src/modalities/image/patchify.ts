// rescale, normalise and cut resized RGB frames into the patch rows the Qwen vision encoders read.
import { OmnispecError } from "../../errors.js";
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
  width: number;
  height: number;
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
}

/**
 * Writes source rows [yStart, yEnd) of one temporal group (`group[tt]` is frame tt's RGB) into `out`, whose patch rows
 * for this group start at `tBase`. Each source row is read once, in order.
 *
 * @example
 * const g = { width: 28, height: 28, patchSize: 14, mergeSize: 2, temporalPatchSize: 2 };
 * const frame = new Uint8Array(28 * 28 * 3);
 * const out = new Float32Array(4 * 1176);
 * patchRows([frame, frame], g, 0, 28, normalizeTable(CLIP_MEAN, CLIP_STD), out, 0);
 */
export function patchRows(group: Uint8Array[], g: PatchGeometry, yStart: number, yEnd: number, table: Float32Array, out: Float32Array, tBase: number): void {
  const p = g.patchSize;
  const m = g.mergeSize;
  const tps = g.temporalPatchSize;
  const gw = g.width / p;
  const area = p * p;
  const plane = tps * area;
  const cols = 3 * plane;
  const stride = g.width * 3;
  const first = group[0];
  let still = true;
  for (let tt = 1; tt < tps; tt++) if (group[tt] !== first) still = false;
  for (let y = yStart; y < yEnd; y++) {
    const ph = (y / p) | 0;
    const bh = (ph / m) | 0;
    const rowBase = (bh * gw + (ph - bh * m)) * m;
    const inPatch = (y - ph * p) * p;
    let s = y * stride;
    for (let pw = 0; pw < gw; pw++) {
      const bw = (pw / m) | 0;
      // patch row in merge-window order (h/m, w/m, m_h, m_w); columns (channel, t, y, x)
      let o = tBase + (rowBase + bw * m * m + (pw - bw * m)) * cols + inPatch;
      for (let px = 0; px < p; px++, s += 3, o++) {
        if (still) {
          const r = table[first[s]];
          const gr = table[256 + first[s + 1]];
          const b = table[512 + first[s + 2]];
          for (let tt = 0, q = o; tt < tps; tt++, q += area) {
            out[q] = r;
            out[q + plane] = gr;
            out[q + 2 * plane] = b;
          }
        } else {
          for (let tt = 0, q = o; tt < tps; tt++, q += area) {
            const src = group[tt];
            out[q] = table[src[s]];
            out[q + plane] = table[256 + src[s + 1]];
            out[q + 2 * plane] = table[512 + src[s + 2]];
          }
        }
      }
    }
  }
}

interface Prepared {
  list: readonly RgbImage[];
  geometry: PatchGeometry;
  table: Float32Array;
  gridT: number;
  gh: number;
  gw: number;
  rows: number;
  cols: number;
}

function prepare(frames: RgbImage | readonly RgbImage[], opts: PatchifyOptions): Prepared {
  const list = Array.isArray(frames) ? (frames as readonly RgbImage[]) : [frames as RgbImage];
  const { patchSize: p, mergeSize: m, temporalPatchSize: tps, slot } = opts;
  if (list.length === 0) throw new OmnispecError("input/invalid", "patchify needs at least one frame", { slot });
  const { width, height } = list[0];
  const unit = p * m;
  if (width % unit !== 0 || height % unit !== 0) {
    throw new OmnispecError("plan/mismatch", `a ${width}x${height} image is not a multiple of patch x merge = ${unit}`, {
      slot,
      value: { width, height },
      hint: "resize with smartResize first",
    });
  }
  for (const f of list) {
    if (f.width !== width || f.height !== height || f.data.length !== width * height * 3) {
      throw new OmnispecError("plan/mismatch", `frames differ in size: ${f.width}x${f.height} vs ${width}x${height}`, { slot });
    }
  }
  const gridT = Math.ceil(list.length / tps);
  const gh = height / p;
  const gw = width / p;
  return {
    list,
    geometry: { width, height, patchSize: p, mergeSize: m, temporalPatchSize: tps },
    table: normalizeTable(opts.mean, opts.std, opts.rescale),
    gridT,
    gh,
    gw,
    rows: gridT * gh * gw,
    cols: 3 * tps * p * p,
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
  const out = new Float32Array(q.rows * q.cols);
  for (let t = 0; t < q.gridT; t++) {
    patchRows(groupOf(q.list, t, q.geometry.temporalPatchSize), q.geometry, 0, q.geometry.height, q.table, out, t * q.gh * q.gw * q.cols);
  }
  return { pixelValues: out, dims: [q.rows, q.cols], gridThw: [q.gridT, q.gh, q.gw] };
}
