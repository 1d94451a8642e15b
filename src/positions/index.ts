// omnispec/positions: position ids for every preset (1-D, M-RoPE, TMRoPE) and the token layouts they scan.
export { ropeIndex, ropeIndexBatch, omniAudioTokens, temporalIds } from "./rope-index.js";
export { omniInterleave, chunkRanges, type OmniChunk, type OmniInterleaveOptions } from "./omni-interleave.js";
export { tokenLayout, qwen3Timestamps } from "./layout.js";
export type { AudioAmount, AudioPart, ImagePart, LayoutFamily, LayoutPart, LayoutSegment, TextPart, TokenLayout, TokenLayoutOptions, VideoPart } from "./layout.js";
export { QWEN_TOKEN_IDS, ROPE_SCHEMES } from "./types.js";
export type * from "./types.js";
