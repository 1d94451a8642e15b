// what a model preset declares: the processing constants the plan compiler reads. presets/models.ts holds the values.

export type Rgb = readonly [number, number, number];

import type { SmartResizeVariant } from "../modalities/image/smart-resize.js";

export type { SmartResizeVariant };

export type ResampleMethod = "pil" | "sharp" | "transformersjs";

interface ImageCommon {
  mean: Rgb;
  std: Rgb;
  resample: ResampleMethod;
  /** text around one image's placeholder run, e.g. ["<|vision_start|>", "<|vision_end|>"] */
  wrap: readonly [string, string] | readonly [];
  /** the placeholder token repeated once per image token */
  pad?: string;
}

export interface SmartImageConfig extends ImageCommon {
  resize: "smart";
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
  minPixels: number;
  maxPixels: number;
  variant: SmartResizeVariant;
}

export interface FixedImageConfig extends ImageCommon {
  resize: "fixed";
  /** square side the image is resized to */
  size: number;
  /** backbone stride: tokens = (size / stride)^2 */
  stride: number;
  /** resize the shortest edge to this (aspect kept), then centre-crop `size` x `size` (CLIP); default: squash to `size` */
  shortestEdge?: number;
  /** tokens beside the grid, e.g. 1 for a ViT's CLS token (CLIP ViT-B/32 at 224: 49 + 1 = 50) */
  extraTokens?: number;
}

export interface TilesImageConfig extends ImageCommon {
  resize: "tiles";
  tileSize: number;
  minTiles: number;
  maxTiles: number;
  thumbnail: boolean;
  tokensPerTile: number;
}

export type ImageConfig = SmartImageConfig | FixedImageConfig | TilesImageConfig;

export type VideoSamplerVariant =
  | "qwen-vl-utils-0.0.10"
  | "qwen-vl-utils-0.0.14"
  | "transformers-qwen2-vl"
  | "transformers-qwen3-vl"
  | "ofa-uniform";

export interface VideoConfig {
  sampler: VideoSamplerVariant;
  fps: number;
  minFrames: number;
  maxFrames: number;
  /** per-frame pixel budget bounds (qwen-vl-utils) */
  minPixels: number;
  maxPixels: number;
  totalPixels: number;
  /** fixed frame count (OFA: 16) instead of fps sampling */
  nframes?: number;
  /** fixed square frame size (OFA: 256) */
  size?: number;
  timestamps: "none" | "text";
  wrap: readonly [string, string] | readonly [];
  pad?: string;
}

export interface AudioConfig {
  sampleRate: number;
  features: "whisper-log-mel" | "kaldi-fbank";
  nMels: number;
  /** feature window: audio is padded/truncated to this many seconds (0 = no padding) */
  chunkSeconds: number;
  /** how tokens follow from feature frames */
  tokens: "qwen-audio" | "whisper-encoder" | "ofa-subsample4";
  wrap: readonly [string, string] | readonly [];
  pad?: string;
  maxSeconds: number;
}

export type BoxConvention = "ofa-bins" | "qwen2-vl-rel1000" | "qwen2.5-vl-abs";

export interface BoxConfig {
  convention: BoxConvention;
  /** ofa-bins: number of bins and the frame the image is resized to */
  bins?: number;
  frame?: number;
  wrap: readonly [string, string] | readonly [];
}

export interface TextConfig {
  /** how prompt text and text-like slots become tokens */
  wrap: "ofa-groups" | "none";
  bos?: string;
  eos?: string;
  /** average characters per token for estimates when no tokenizer is loaded */
  charsPerToken: number;
}

export type PositionScheme = "1d" | "qwen2-vl" | "qwen2.5-vl" | "qwen2.5-vl-int" | "qwen3-vl" | "qwen2.5-omni";

export interface ModelPreset {
  name: string;
  description: string;
  /** model family, as transformers' model_type */
  family: string;
  text: TextConfig;
  image?: ImageConfig;
  video?: VideoConfig;
  audio?: AudioConfig;
  box: BoxConfig;
  positions: PositionScheme;
  /** temporal position ids per second of media (Qwen2.5-VL 2, Omni 25) */
  tokensPerSecond?: number;
}
