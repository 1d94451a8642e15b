// omnispec/positions: position ids for every preset (1-D, M-RoPE, TMRoPE) and the token layouts they scan.
export { ropeIndex, ropeIndexBatch, omniAudioTokens, temporalIds } from "./rope-index.js";
export { omniInterleave, chunkRanges, type OmniChunk, type OmniInterleaveOptions } from "./omni-interleave.js";
export { QWEN_TOKEN_IDS, ROPE_SCHEMES } from "./types.js";
export type * from "./types.js";
