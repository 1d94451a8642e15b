// the shapes ropeIndex, omniInterleave and the token layout builders share.

/** Which model family's position ids to compute. `"1d"` is the plain `cumsum(mask) - 1` of text-only models and OFA. */
export type RopeScheme = "1d" | "qwen2-vl" | "qwen2.5-vl" | "qwen2.5-vl-int" | "qwen3-vl" | "qwen2.5-omni";

export const ROPE_SCHEMES: readonly RopeScheme[] = ["1d", "qwen2-vl", "qwen2.5-vl", "qwen2.5-vl-int", "qwen3-vl", "qwen2.5-omni"];

/** `[t, h, w]` of one image or video in patches (before the 2x2 merge), as `image_grid_thw` lists it. */
export type GridThw = readonly [number, number, number];

/** The special token ids the position scan looks for. Omni's `<|vision_bos|>`/`<|vision_eos|>` are Qwen's vision start/end. */
export interface RopeTokenIds {
  visionStart: number;
  visionEnd: number;
  imagePad: number;
  videoPad: number;
  audioStart: number;
  audioEnd: number;
  audioPad: number;
}

/** The Qwen2-VL / Qwen2.5-VL / Qwen3-VL / Qwen2.5-Omni vocabulary ids (rope.json `token_ids`). */
export const QWEN_TOKEN_IDS: Readonly<RopeTokenIds> = Object.freeze({
  visionStart: 151652,
  visionEnd: 151653,
  imagePad: 151655,
  videoPad: 151656,
  audioStart: 151647,
  audioEnd: 151648,
  audioPad: 151646,
});

export interface RopeIndexOptions {
  scheme: RopeScheme;
  /** the token ids of one sequence (padding included when `attentionMask` marks it) */
  inputIds: ArrayLike<number>;
  /** 1 = real token, 0 = padding; default all ones */
  attentionMask?: ArrayLike<number>;
  imageGridThw?: readonly GridThw[];
  videoGridThw?: readonly GridThw[];
  /** seconds per temporal patch of each video (`2 / sample_fps`); default 1.0 (2 fps) */
  secondPerGridTs?: readonly number[];
  /** temporal ids per second: Qwen2.5-VL checkpoints 2 (default), Omni `position_id_per_seconds` 25 (default) */
  tokensPerSecond?: number;
  /** Omni: mel frames of each audio (`feature_attention_mask.sum()`), in prompt order, audio of videos included */
  audioFeatureLengths?: readonly number[];
  /** Omni: videos carry their audio track, interleaved in 2-second chunks */
  useAudioInVideo?: boolean;
  /** Omni: seconds per interleaving chunk; default 2 */
  secondsPerChunk?: number;
  /** spatial merge size; default 2 */
  mergeSize?: number;
  tokenIds?: Partial<RopeTokenIds>;
  /** return `Int32Array` rows instead of plain arrays */
  typed?: boolean;
}

export interface RopeIndexResult {
  /** `[temporal, height, width]` rows of length L (one row for `"1d"`); padded slots hold 1 */
  positionIds: number[][];
  /** `max(positionIds) + 1 - L` (Omni: L counts unpadded tokens), the offset decode steps continue from */
  delta: number;
}

export interface RopeIndexTypedResult {
  positionIds: Int32Array[];
  delta: number;
}

export interface RopeIndexBatchOptions extends Omit<RopeIndexOptions, "inputIds" | "attentionMask" | "typed"> {
  /** one row per sequence, all of the same length (left- or right-padded) */
  inputIds: readonly ArrayLike<number>[];
  attentionMask?: readonly ArrayLike<number>[];
}

export interface RopeIndexBatchResult {
  /** per row: `[temporal, height, width]` x L */
  positionIds: number[][][];
  deltas: number[];
}
