// 3-D (M-RoPE / TMRoPE) and 1-D position ids exactly as the reference get_rope_index functions compute them
// (qwen-reference §4): transformers Qwen2-VL / Qwen2.5-VL / Qwen2.5-Omni and QwenLM rope2d get_rope_index_3.
import { OmnispecError } from "../errors.js";
import { floorDiv } from "../util/numeric.js";
import { chunkRanges } from "./omni-interleave.js";
import {
  QWEN_TOKEN_IDS,
  ROPE_SCHEMES,
  type GridThw,
  type RopeIndexBatchOptions,
  type RopeIndexBatchResult,
  type RopeIndexOptions,
  type RopeIndexResult,
  type RopeIndexTypedResult,
  type RopeScheme,
  type RopeTokenIds,
} from "./types.js";

const f32 = Math.fround;

/**
 * Position ids of one sequence for a model family, equal to the reference implementation: Qwen2-VL M-RoPE,
 * Qwen2.5-VL absolute time (`"qwen2.5-vl"` float `second_per_grid_t`, `"qwen2.5-vl-int"` the integer cast of
 * transformers 4.51+), Qwen3-VL per-frame blocks, Qwen2.5-Omni TMRoPE with audio-in-video interleaving, or `"1d"`.
 * Arithmetic follows torch: float32 time products, truncation for `.long()`, floor division for audio lengths.
 *
 * @example
 * import { ropeIndex } from "omnispec/positions";
 * const ids = [100, 100, 100, 151652, 151655, 151655, 151655, 151655, 151653, 100, 100];
 * const r = ropeIndex({ scheme: "qwen2-vl", inputIds: ids, imageGridThw: [[1, 4, 4]] });
 * r.positionIds[0]; // [0, 1, 2, 3, 4, 4, 4, 4, 6, 7, 8]
 * r.delta;          // -2
 */
export function ropeIndex(options: RopeIndexOptions & { typed: true }): RopeIndexTypedResult;
export function ropeIndex(options: RopeIndexOptions & { typed?: false }): RopeIndexResult;
export function ropeIndex(options: RopeIndexOptions): RopeIndexResult | RopeIndexTypedResult;
export function ropeIndex(options: RopeIndexOptions): RopeIndexResult | RopeIndexTypedResult {
  const { inputIds, attentionMask, typed, ...rest } = options;
  const batch = computeBatch({ ...rest, inputIds: [inputIds], attentionMask: attentionMask ? [attentionMask] : undefined });
  const rows = batch.rows[0];
  if (typed) return { positionIds: rows, delta: batch.deltas[0] };
  return { positionIds: rows.map(toPlain), delta: batch.deltas[0] };
}

/**
 * `ropeIndex` for a padded batch, as the reference runs it: grids, `secondPerGridTs` and audio lengths are consumed
 * in order across the rows; padded slots (mask 0) get position 1.
 *
 * @example
 * import { ropeIndexBatch } from "omnispec/positions";
 * const r = ropeIndexBatch({ scheme: "qwen2-vl", inputIds: [[0, 0, 100], [100, 100, 100]], attentionMask: [[0, 0, 1], [1, 1, 1]] });
 * r.positionIds[0][0]; // [1, 1, 0]
 * r.deltas;            // [-1, 0]
 */
export function ropeIndexBatch(options: RopeIndexBatchOptions): RopeIndexBatchResult {
  const b = computeBatch(options);
  return { positionIds: b.rows.map((rows) => rows.map(toPlain)), deltas: b.deltas };
}

function toPlain(row: Int32Array): number[] {
  const out = new Array<number>(row.length);
  for (let i = 0; i < row.length; i++) out[i] = row[i];
  return out;
}

/**
 * The number of audio tokens the Qwen2-Audio / Qwen2.5-Omni encoder gives for `melFrames` feature frames:
 * `((L - 1) // 2 + 1 - 2) // 2 + 1` with Python floor division (0 for L <= 2).
 *
 * @example
 * import { omniAudioTokens } from "omnispec/positions";
 * omniAudioTokens(100);  // 25
 * omniAudioTokens(3002); // 750
 */
export function omniAudioTokens(melFrames: number): number {
  return floorDiv(floorDiv(melFrames - 1, 2) + 1 - 2, 2) + 1;
}

/**
 * The temporal position id of each temporal patch of a video: `long(i * second_per_grid_t * tokens_per_second)` in
 * float32 (`int: true`: the spg is truncated to an integer first, as transformers 4.51+ did for Qwen2.5-VL).
 *
 * @example
 * import { temporalIds } from "omnispec/positions";
 * temporalIds(6, 1.1, 2);         // [0, 2, 4, 6, 8, 11]   (float32: 5 * 1.1 * 2 = 11)
 * temporalIds(4, 2.5, 2, true);   // [0, 4, 8, 12]
 */
export function temporalIds(gridT: number, secondPerGrid: number, tokensPerSecond: number, int = false): Int32Array {
  const out = new Int32Array(gridT);
  const spg = int ? Math.trunc(f32(secondPerGrid)) : f32(secondPerGrid);
  const tps = f32(tokensPerSecond);
  for (let i = 0; i < gridT; i++) out[i] = Math.trunc(f32(f32(i * spg) * tps));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

interface Computed {
  rows: Int32Array[][];
  deltas: number[];
}

interface Shared {
  scheme: RopeScheme;
  ids: RopeTokenIds;
  merge: number;
  images: readonly GridThw[];
  videos: readonly GridThw[];
  spg: readonly number[] | undefined;
  tps: number;
  audio: readonly number[];
  audioInVideo: boolean;
  secondsPerChunk: number;
  cursor: { image: number; video: number; audio: number };
}

function computeBatch(options: RopeIndexBatchOptions): Computed {
  const scheme = options.scheme;
  if (!ROPE_SCHEMES.includes(scheme)) {
    throw new OmnispecError("input/invalid", `unknown position-id scheme "${String(scheme)}"`, {
      value: scheme,
      hint: `use one of: ${ROPE_SCHEMES.join(", ")}`,
    });
  }
  const { inputIds, attentionMask } = options;
  if (attentionMask && attentionMask.length !== inputIds.length) {
    throw invalid(`attentionMask has ${attentionMask.length} rows but inputIds has ${inputIds.length}`, attentionMask.length, "pass one mask row per sequence");
  }
  const merge = options.mergeSize ?? 2;
  checkCount("mergeSize", merge, 1);
  let videos = options.videoGridThw ?? [];
  const images = options.imageGridThw ?? [];
  for (const g of images) checkGrid("imageGridThw", g, merge);
  for (const g of videos) checkGrid("videoGridThw", g, merge);
  // qwen3-vl: every temporal patch is its own <|vision_start|> block
  if (scheme === "qwen3-vl") videos = videos.flatMap((g) => Array.from({ length: g[0] }, (): GridThw => [1, g[1], g[2]]));
  const structured = scheme !== "1d" && (images.length > 0 || videos.length > 0);
  const omni = scheme === "qwen2.5-omni";
  const shared: Shared = {
    scheme,
    ids: { ...QWEN_TOKEN_IDS, ...options.tokenIds },
    merge,
    images,
    videos,
    spg: options.secondPerGridTs,
    tps: options.tokensPerSecond ?? (omni ? 25 : 2),
    audio: options.audioFeatureLengths ?? [],
    audioInVideo: options.useAudioInVideo ?? false,
    secondsPerChunk: options.secondsPerChunk ?? 2,
    cursor: { image: 0, video: 0, audio: 0 },
  };
  const rows: Int32Array[][] = [];
  const deltas: number[] = [];
  for (let b = 0; b < inputIds.length; b++) {
    const row = inputIds[b];
    const L = row.length;
    const mask = attentionMask?.[b];
    if (mask && mask.length !== L) {
      throw invalid(`attentionMask row ${b} has length ${mask.length} but its inputIds row has ${L}`, mask.length, "masks and ids must have the same length");
    }
    if (!structured) {
      const r = cumsumRow(mask, L);
      const rowsOut = scheme === "1d" ? [r.pos] : [r.pos, r.pos.slice(), r.pos.slice()];
      rows.push(rowsOut);
      deltas.push(r.max + 1 - (omni ? r.real : L));
      continue;
    }
    const compact = compactIds(row, mask);
    const w = omni ? omniRow(compact, shared) : qwenRow(compact, shared);
    if (w.n !== compact.length) {
      throw invalid(
        `the grids describe ${w.n} tokens but the sequence has ${compact.length}`,
        compact.length,
        "check that every image/video/audio item has exactly the placeholder tokens its grid or length implies",
      );
    }
    // without a mask the writer's rows are exactly the output (capacity = L, all written)
    const out = mask ? [new Int32Array(L).fill(1), new Int32Array(L).fill(1), new Int32Array(L).fill(1)] : [w.t, w.h, w.w];
    if (mask) {
      for (let i = 0, k = 0; i < L; i++) {
        if (mask[i] === 1) {
          out[0][i] = w.t[k];
          out[1][i] = w.h[k];
          out[2][i] = w.w[k];
          k++;
        }
      }
    }
    rows.push(out);
    deltas.push(w.max + 1 - (omni ? compact.length : L));
  }
  return { rows, deltas };
}

function cumsumRow(mask: ArrayLike<number> | undefined, L: number): { pos: Int32Array; max: number; real: number } {
  const pos = new Int32Array(L);
  let c = 0;
  let max = L > 0 ? -Infinity : 0;
  for (let i = 0; i < L; i++) {
    const m = mask ? mask[i] : 1;
    c += m;
    pos[i] = m === 0 ? 1 : c - 1;
    if (pos[i] > max) max = pos[i];
  }
  return { pos, max: L > 0 ? max : -1, real: c };
}

function compactIds(row: ArrayLike<number>, mask: ArrayLike<number> | undefined): Int32Array {
  if (!mask) return Int32Array.from(row);
  let n = 0;
  for (let i = 0; i < row.length; i++) if (mask[i] === 1) n++;
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < row.length; i++) if (mask[i] === 1) out[k++] = row[i];
  return out;
}

/** Appends position triples; `last` is the max of the most recently appended piece, as `llm_pos_ids_list[-1].max()`. */
class Writer {
  readonly t: Int32Array;
  readonly h: Int32Array;
  readonly w: Int32Array;
  n = 0;
  last = -1;
  max = -Infinity;

  constructor(capacity: number) {
    this.t = new Int32Array(capacity);
    this.h = new Int32Array(capacity);
    this.w = new Int32Array(capacity);
  }

  /** `len` consecutive ids from `start` on all three rows */
  seq(len: number, start: number): void {
    if (len <= 0) return;
    this.room(len);
    for (let j = 0; j < len; j++) {
      const v = start + j;
      this.t[this.n] = v;
      this.h[this.n] = v;
      this.w[this.n] = v;
      this.n++;
    }
    this.note(start + len - 1);
  }

  /** tokens [from, to) of a vision block (t-major, then h, then w), all offset by `offset` */
  block(tIdx: Int32Array, llmH: number, llmW: number, offset: number, from = 0, to = tIdx.length * llmH * llmW): void {
    this.room(to - from);
    const per = llmH * llmW;
    let m = -Infinity;
    for (let k = from; k < to; k++) {
      const fi = (k / per) | 0;
      const r = k - fi * per;
      const hh = (r / llmW) | 0;
      const a = tIdx[fi] + offset;
      const b = hh + offset;
      const c = r - hh * llmW + offset;
      this.t[this.n] = a;
      this.h[this.n] = b;
      this.w[this.n] = c;
      this.n++;
      if (a > m) m = a;
      if (b > m) m = b;
      if (c > m) m = c;
    }
    if (to > from) this.note(m);
  }

  private note(pieceMax: number): void {
    this.last = pieceMax;
    if (pieceMax > this.max) this.max = pieceMax;
  }

  private room(k: number): void {
    if (this.n + k > this.t.length) {
      throw invalid(
        `the grids describe more tokens than the sequence has (${this.t.length})`,
        this.t.length,
        "check imageGridThw / videoGridThw / audioFeatureLengths against the placeholder runs in inputIds",
      );
    }
  }
}

function qwenRow(ids: Int32Array, s: Shared): Writer {
  const n = ids.length;
  const { visionStart, imagePad, videoPad } = s.ids;
  let imageNums = 0;
  let videoNums = 0;
  for (let i = 0; i + 1 < n; i++) {
    if (ids[i] !== visionStart) continue;
    if (ids[i + 1] === imagePad) imageNums++;
    else if (ids[i + 1] === videoPad) videoNums++;
  }
  const hasImage = ids.includes(imagePad);
  const hasVideo = ids.includes(videoPad);
  const w = new Writer(n);
  let st = 0;
  let remainImages = imageNums;
  let remainVideos = videoNums;
  for (let k = 0; k < imageNums + videoNums; k++) {
    const edImage = hasImage && remainImages > 0 ? indexFrom(ids, imagePad, st, "<|image_pad|>") : n + 1;
    const edVideo = hasVideo && remainVideos > 0 ? indexFrom(ids, videoPad, st, "<|video_pad|>") : n + 1;
    let grid: GridThw;
    let tIdx: Int32Array;
    let ed: number;
    let pad: number;
    if (edImage < edVideo) {
      grid = take(s.images, s.cursor.image++, "imageGridThw", "<|image_pad|>");
      // images: second_per_grid_t = 0 in Qwen2.5-VL, arange(t) in Qwen2-VL; grid_t is 1 either way
      tIdx = s.scheme === "qwen2-vl" || s.scheme === "qwen3-vl" ? arange(grid[0]) : new Int32Array(grid[0]);
      remainImages--;
      ed = edImage;
      pad = imagePad;
    } else {
      if (edVideo > n) break;
      const vi = s.cursor.video++;
      grid = take(s.videos, vi, "videoGridThw", "<|video_pad|>");
      if (s.scheme === "qwen2.5-vl" || s.scheme === "qwen2.5-vl-int") {
        tIdx = temporalIds(grid[0], spgAt(s, vi), s.tps, s.scheme === "qwen2.5-vl-int");
      } else {
        tIdx = arange(grid[0]);
      }
      remainVideos--;
      ed = edVideo;
      pad = videoPad;
    }
    const llmH = Math.trunc(grid[1] / s.merge);
    const llmW = Math.trunc(grid[2] / s.merge);
    const size = grid[0] * llmH * llmW;
    checkRun(ids, ed, size, pad);
    const textLen = ed - st;
    const stIdx = w.last + 1;
    w.seq(textLen, stIdx);
    w.block(tIdx, llmH, llmW, textLen + stIdx);
    st = ed + size;
  }
  if (st < n) w.seq(n - st, w.last + 1);
  return w;
}

function omniRow(ids: Int32Array, s: Shared): Writer {
  const n = ids.length;
  const { visionStart, imagePad, videoPad, audioStart, audioPad } = s.ids;
  let imageNums = 0;
  let videoNums = 0;
  let audioNums = 0;
  for (let i = 0; i < n; i++) {
    if (ids[i] === audioStart) audioNums++;
    if (ids[i] !== visionStart || i + 1 >= n) continue;
    if (ids[i + 1] === imagePad) imageNums++;
    else if (ids[i + 1] === (s.audioInVideo ? audioStart : videoPad)) videoNums++;
  }
  const hasImage = ids.includes(imagePad);
  const hasVideo = ids.includes(videoPad);
  const hasAudio = ids.includes(audioPad);
  const w = new Writer(n);
  const pps = s.tps;
  let st = 0;
  let remainImages = imageNums;
  let remainVideos = videoNums;
  let remainAudios = audioNums;
  const total = s.audioInVideo ? imageNums + audioNums : imageNums + videoNums + audioNums;
  for (let k = 0; k < total; k++) {
    const edImage = hasImage && remainImages > 0 ? indexFrom(ids, imagePad, st, "<|IMAGE|>") : n + 1;
    const edVideo = hasVideo && remainVideos > 0 ? indexFrom(ids, videoPad, st, "<|VIDEO|>") : n + 1;
    const edAudio = hasAudio && remainAudios > 0 ? indexFrom(ids, audioPad, st, "<|AUDIO|>") : n + 1;
    const minEd = Math.min(edImage, edVideo, edAudio);
    if (minEd > n) break;
    if (minEd === edAudio) {
      const textLen = minEd - st - 1;
      checkTextLen(textLen, "<|audio_bos|>", minEd);
      w.seq(textLen, w.last + 1);
      w.seq(1, w.last + 1);
      const audioLen = audioTokensAt(s, s.cursor.audio++);
      checkRun(ids, minEd, audioLen, audioPad);
      w.seq(audioLen, w.last + 1);
      w.seq(1, w.last + 1);
      st += textLen + 2 + audioLen;
      remainAudios--;
    } else if (minEd === edImage) {
      const textLen = minEd - st - 1;
      checkTextLen(textLen, "<|vision_bos|>", minEd);
      w.seq(textLen, w.last + 1);
      w.seq(1, w.last + 1);
      const grid = take(s.images, s.cursor.image++, "imageGridThw", "<|IMAGE|>");
      const tIdx = new Int32Array(grid[0]);
      for (let i = 0; i < grid[0]; i++) tIdx[i] = Math.trunc(i * pps);
      const llmH = Math.trunc(grid[1] / s.merge);
      const llmW = Math.trunc(grid[2] / s.merge);
      const size = grid[0] * llmH * llmW;
      checkRun(ids, minEd, size, imagePad);
      w.block(tIdx, llmH, llmW, w.last + 1);
      w.seq(1, w.last + 1);
      st += textLen + 2 + size;
      remainImages--;
    } else if (!s.audioInVideo) {
      const textLen = minEd - st - 1;
      checkTextLen(textLen, "<|vision_bos|>", minEd);
      w.seq(textLen, w.last + 1);
      w.seq(1, w.last + 1);
      const vi = s.cursor.video++;
      const grid = take(s.videos, vi, "videoGridThw", "<|VIDEO|>");
      const tIdx = temporalIds(grid[0], spgAt(s, vi), pps);
      const llmH = Math.trunc(grid[1] / s.merge);
      const llmW = Math.trunc(grid[2] / s.merge);
      const size = grid[0] * llmH * llmW;
      checkRun(ids, minEd, size, videoPad);
      w.block(tIdx, llmH, llmW, w.last + 1);
      w.seq(1, w.last + 1);
      st += textLen + 2 + size;
      remainVideos--;
    } else {
      const textLen = minEd - st - 2;
      checkTextLen(textLen, "<|vision_bos|><|audio_bos|>", minEd);
      w.seq(textLen, w.last + 1);
      const p = w.last + 1;
      w.seq(1, p);
      w.seq(1, p);
      const base = p + 1;
      const ai = s.cursor.audio++;
      const audioLen = audioTokensAt(s, ai);
      const vi = s.cursor.video++;
      const grid = take(s.videos, vi, "videoGridThw", "<|VIDEO|>");
      const tIdx = temporalIds(grid[0], spgAt(s, vi), pps);
      const llmH = Math.trunc(grid[1] / s.merge);
      const llmW = Math.trunc(grid[2] / s.merge);
      const per = llmH * llmW;
      const videoLen = grid[0] * per;
      const tpc = Math.trunc(pps * s.secondsPerChunk);
      const vChunks = chunkRanges(videoLen, (i) => tIdx[(i / per) | 0], tpc);
      const aChunks = chunkRanges(audioLen, (i) => i, tpc);
      let at = minEd;
      for (let j = 0; j < Math.max(vChunks.length, aChunks.length); j++) {
        const v = vChunks[j];
        const a = aChunks[j];
        if (v) {
          checkRun(ids, at, v[1] - v[0], videoPad, `video chunk ${j}`);
          w.block(tIdx, llmH, llmW, base, v[0], v[1]);
          at += v[1] - v[0];
        }
        if (a) {
          checkRun(ids, at, a[1] - a[0], audioPad, `audio chunk ${j}`);
          w.seq(a[1] - a[0], base + a[0]);
          at += a[1] - a[0];
        }
      }
      const q = w.last + 1;
      w.seq(1, q);
      w.seq(1, q);
      st += textLen + 4 + audioLen + videoLen;
      remainVideos--;
      remainAudios--;
    }
  }
  if (st < n) w.seq(n - st, w.last + 1);
  return w;
}

function arange(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function indexFrom(ids: Int32Array, token: number, from: number, name: string): number {
  const i = ids.indexOf(token, from);
  if (i < 0) {
    throw invalid(`no ${name} token (${token}) after position ${from}, but the scan expects another item there`, token, "each vision/audio start marker must be followed by its placeholder run");
  }
  return i;
}

function take(list: readonly GridThw[], i: number, name: string, token: string): GridThw {
  const g = list[i];
  if (!g) {
    throw invalid(`inputIds has more ${token} runs than ${name} entries (${list.length})`, list.length, `pass one [t, h, w] in ${name} per ${token} run, in order`);
  }
  return g;
}

function spgAt(s: Shared, videoIndex: number): number {
  if (!s.spg) return 1.0;
  const v = s.spg[videoIndex];
  if (v === undefined || !Number.isFinite(v) || v < 0) {
    throw invalid(`secondPerGridTs[${videoIndex}] is ${String(v)}`, v, "pass one seconds-per-temporal-patch value (2 / sample_fps) per video");
  }
  return v;
}

function audioTokensAt(s: Shared, i: number): number {
  const mel = s.audio[i];
  if (mel === undefined) {
    throw invalid(`inputIds has more audio segments than audioFeatureLengths entries (${s.audio.length})`, s.audio.length, "pass the mel frame count (feature_attention_mask.sum()) of every audio, including the audio of videos with useAudioInVideo");
  }
  checkCount(`audioFeatureLengths[${i}]`, mel, 0);
  const tokens = omniAudioTokens(mel);
  if (tokens <= 0) {
    throw invalid(`audio ${i} has ${mel} mel frames, which gives ${tokens} audio tokens`, mel, "clips shorter than 3 mel frames (about 30 ms) produce no tokens; drop the clip or pad it");
  }
  return tokens;
}

function checkRun(ids: Int32Array, at: number, len: number, pad: number, what = "placeholder run"): void {
  if (at + len > ids.length) {
    throw invalid(`${what} at ${at} needs ${len} tokens but the sequence ends at ${ids.length}`, len, "the grid or audio length does not match the number of placeholder tokens");
  }
  for (let i = at; i < at + len; i++) {
    if (ids[i] !== pad) {
      throw invalid(`${what} at ${at}: expected ${len} x ${pad}, found ${ids[i]} at ${i}`, ids[i], "the grid or audio length does not match the placeholder tokens (rebuild the ids with the layout builder)");
    }
  }
  if (what === "placeholder run" && ids[at + len] === pad) {
    throw invalid(`${what} at ${at} is longer than the ${len} tokens its grid implies`, len, "the grid or audio length does not match the number of placeholder tokens");
  }
}

function checkTextLen(textLen: number, marker: string, at: number): void {
  if (textLen < 0) throw invalid(`the placeholder run at ${at} is not preceded by ${marker}`, at, `wrap every item in its markers (${marker} ... )`);
}

function checkGrid(name: string, g: GridThw, merge: number): void {
  if (!Array.isArray(g) || g.length !== 3 || !g.every((v) => Number.isInteger(v) && v > 0)) {
    throw invalid(`${name} entry ${JSON.stringify(g)} is not [t, h, w] of positive integers`, g, "grids are [grid_t, grid_h, grid_w] in patches, e.g. [1, 34, 60]");
  }
  if (g[1] % merge !== 0 || g[2] % merge !== 0) {
    throw invalid(`${name} entry ${JSON.stringify(g)}: h and w must be multiples of the merge size ${merge}`, g, "grid_h and grid_w come from sizes that are multiples of patch_size * merge_size");
  }
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw invalid(`${name} is ${String(v)}`, v, `${name} must be an integer >= ${min}`);
}

function invalid(message: string, value: unknown, hint: string): OmnispecError {
  return new OmnispecError("input/invalid", `ropeIndex: ${message}`, { value, hint });
}
