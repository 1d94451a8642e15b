// qwen2.5-omni time-aligned interleaving of a video and its audio track (qwen-reference §4.4).
import { OmnispecError } from "../errors.js";
import type { GridThw } from "./types.js";

const f32 = Math.fround;

/** One run of the interleaved block `<|vision_bos|><|audio_bos|> … <|audio_eos|><|vision_eos|>`. */
export interface OmniChunk {
  kind: "video" | "audio";
  /** the 2-second chunk this run belongs to */
  chunk: number;
  tokens: number;
  /** token offsets inside the block, after the two opening markers; `end` is exclusive */
  start: number;
  end: number;
  /** first and last temporal position id of the run, relative to the block's first media position */
  tFirst: number;
  tLast: number;
}

export interface OmniInterleaveOptions {
  /** the video's `[t, h, w]` grid */
  videoGridThw: GridThw;
  /** seconds per temporal patch (`2 / fps`; the Omni processor's default fps 2 gives 1.0) */
  secondPerGridT: number;
  /** audio tokens of the video's audio track (25 per second) */
  audioTokens: number;
  mergeSize?: number;
  positionIdPerSeconds?: number;
  secondsPerChunk?: number;
  /**
   * `"processor"` (default): chunk by the float64 `i * spg * 25` the processor uses to build the prompt.
   * `"model"`: chunk by the float32, truncated temporal ids `get_rope_index` uses. They agree except on rare ties.
   */
  arithmetic?: "processor" | "model";
}

/**
 * The chunk list of a video with its audio as Qwen2.5-Omni lays them out (`use_audio_in_video=True`): the video
 * tokens and the audio tokens are split into 2-second chunks (50 temporal ids each) and emitted video chunk k, then
 * audio chunk k, for every k. The grouping reproduces the reference's `get_chunked_index` exactly, including its
 * behaviour when a frame skips past a whole chunk.
 *
 * @example
 * import { omniInterleave } from "omnispec/positions";
 * omniInterleave({ videoGridThw: [4, 4, 4], secondPerGridT: 1, audioTokens: 100 }).map((c) => `${c.kind}${c.chunk}:${c.tokens}`);
 * // ["video0:8", "audio0:50", "video1:8", "audio1:50"]
 */
export function omniInterleave(options: OmniInterleaveOptions): OmniChunk[] {
  const { videoGridThw: g, secondPerGridT: spg, audioTokens } = options;
  const merge = options.mergeSize ?? 2;
  const pps = options.positionIdPerSeconds ?? 25;
  const spc = options.secondsPerChunk ?? 2;
  if (!Array.isArray(g) || g.length !== 3 || !g.every((v) => Number.isInteger(v) && v > 0) || g[1] % merge !== 0 || g[2] % merge !== 0) {
    throw new OmnispecError("input/invalid", `omniInterleave: videoGridThw ${JSON.stringify(g)} is not a valid [t, h, w] grid`, {
      value: g,
      hint: `grid_h and grid_w must be positive multiples of the merge size ${merge}`,
    });
  }
  if (!Number.isInteger(audioTokens) || audioTokens < 1) {
    throw new OmnispecError("input/invalid", `omniInterleave: audioTokens is ${String(audioTokens)}`, {
      value: audioTokens,
      hint: "a video with its audio needs at least one audio token (clips under ~30 ms have none): plan it without audio",
    });
  }
  if (!Number.isFinite(spg) || spg < 0) {
    throw new OmnispecError("input/invalid", `omniInterleave: secondPerGridT is ${String(spg)}`, { value: spg, hint: "pass 2 / fps, e.g. 1.0 for 2 fps" });
  }
  const per = (g[1] / merge) * (g[2] / merge);
  const videoLen = g[0] * per;
  const t = new Float64Array(g[0]);
  for (let i = 0; i < g[0]; i++) {
    t[i] = options.arithmetic === "model" ? Math.trunc(f32(f32(i * f32(spg)) * f32(pps))) : i * spg * pps;
  }
  const tpc = Math.trunc(pps * spc);
  const v = chunkRanges(videoLen, (i) => t[(i / per) | 0], tpc);
  const a = chunkRanges(audioTokens, (i) => i, tpc);
  const out: OmniChunk[] = [];
  let at = 0;
  for (let k = 0; k < Math.max(v.length, a.length); k++) {
    if (k < v.length) {
      const [s, e] = v[k];
      out.push({ kind: "video", chunk: k, tokens: e - s, start: at, end: at + e - s, tFirst: Math.trunc(t[(s / per) | 0]), tLast: Math.trunc(t[((e - 1) / per) | 0]) });
      at += e - s;
    }
    if (k < a.length) {
      const [s, e] = a[k];
      out.push({ kind: "audio", chunk: k, tokens: e - s, start: at, end: at + e - s, tFirst: s, tLast: e - 1 });
      at += e - s;
    }
  }
  return out;
}

/**
 * The reference `get_chunked_index`: split `n` monotone values into runs at each multiple of `perChunk`, advancing one
 * threshold per token (so a value that skips several thresholds opens them one token at a time).
 *
 * @example
 * import { chunkRanges } from "omnispec/positions";
 * chunkRanges(5, (i) => [0, 0, 50, 50, 100][i], 50); // [[0, 2], [2, 4], [4, 5]]
 */
export function chunkRanges(n: number, value: (i: number) => number, perChunk: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  let current = 1;
  for (let i = 0; i < n; i++) {
    if (value(i) >= current * perChunk) {
      out.push([start, i]);
      start = i;
      current++;
    }
  }
  out.push([start, n]);
  return out;
}
