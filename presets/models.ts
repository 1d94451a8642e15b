// the model preset registry: one entry per model family. values from each model's released processor configs
// (see ../shared/notes/qwen-reference.md §2.1, §3.3, §5.1 and ofasys.md §2).
import type { ModelPreset } from "../src/plan/preset.js";

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;
const HALF = [0.5, 0.5, 0.5] as const;
const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

const QWEN_VISION = ["<|vision_start|>", "<|vision_end|>"] as const;
const OMNI_VISION = ["<|vision_bos|>", "<|vision_eos|>"] as const;
const QWEN_BOX = ["<|box_start|>", "<|box_end|>"] as const;

// Qwen2-VL, Qwen2.5-VL and Omni share their vision processing (factor 28, hub min/max pixels, qwen-vl-utils 0.0.10 video)
const QWEN_IMAGE_28 = {
  resize: "smart", patchSize: 14, mergeSize: 2, temporalPatchSize: 2, minPixels: 3136, maxPixels: 12845056,
  variant: "current", mean: CLIP_MEAN, std: CLIP_STD, resample: "pil", wrap: QWEN_VISION, pad: "<|image_pad|>",
} as const;
const QWEN_VIDEO_QVU_0_0_10 = {
  sampler: "qwen-vl-utils-0.0.10", fps: 2, minFrames: 4, maxFrames: 768, minPixels: 100352, maxPixels: 602112,
  totalPixels: 90316800, timestamps: "none", wrap: QWEN_VISION, pad: "<|video_pad|>",
} as const;

export const modelPresets = {
  ofa: {
    name: "ofa",
    description: "OFASys / OFA defaults: 480² images through a stride-16 ResNet, 1000-bin boxes, 80-bin fbank audio",
    family: "ofa",
    text: { wrap: "ofa-groups", bos: "<s>", eos: "</s>", charsPerToken: 4 },
    image: { resize: "fixed", size: 480, stride: 16, mean: HALF, std: HALF, resample: "pil", wrap: [] },
    video: {
      sampler: "ofa-uniform", fps: 0, nframes: 16, size: 256, minFrames: 16, maxFrames: 16,
      minPixels: 0, maxPixels: 256 * 256, totalPixels: 16 * 256 * 256, timestamps: "none", wrap: [],
    },
    audio: {
      sampleRate: 16000, features: "kaldi-fbank", nMels: 80, chunkSeconds: 0, tokens: "ofa-subsample4", wrap: [], maxSeconds: 120,
    },
    box: { convention: "ofa-bins", bins: 1000, frame: 512, wrap: [] },
    positions: "1d",
  },
  "qwen2-vl": {
    name: "qwen2-vl",
    description: "Qwen2-VL: native dynamic resolution (factor 28), M-RoPE, boxes as 0..1000 relative coordinates",
    family: "qwen2_vl",
    text: { wrap: "none", charsPerToken: 4 },
    image: QWEN_IMAGE_28,
    video: QWEN_VIDEO_QVU_0_0_10,
    box: { convention: "qwen2-vl-rel1000", wrap: QWEN_BOX },
    positions: "qwen2-vl",
  },
  "qwen2.5-vl": {
    name: "qwen2.5-vl",
    description: "Qwen2.5-VL: factor 28, M-RoPE with absolute time (2 ids per second), boxes in resized-image pixels",
    family: "qwen2_5_vl",
    text: { wrap: "none", charsPerToken: 4 },
    image: QWEN_IMAGE_28,
    video: QWEN_VIDEO_QVU_0_0_10,
    box: { convention: "qwen2.5-vl-abs", wrap: [] },
    positions: "qwen2.5-vl",
    tokensPerSecond: 2,
  },
  "qwen3-vl": {
    name: "qwen3-vl",
    description: "Qwen3-VL: factor 32, timestamps as text per temporal patch, boxes as 0..1000 relative coordinates",
    family: "qwen3_vl",
    text: { wrap: "none", charsPerToken: 4 },
    image: {
      resize: "smart", patchSize: 16, mergeSize: 2, temporalPatchSize: 2, minPixels: 65536, maxPixels: 16777216,
      variant: "current", mean: HALF, std: HALF, resample: "pil", wrap: QWEN_VISION, pad: "<|image_pad|>",
    },
    video: {
      sampler: "qwen-vl-utils-0.0.14", fps: 2, minFrames: 4, maxFrames: 768, minPixels: 131072, maxPixels: 786432,
      totalPixels: 117964800, timestamps: "text", wrap: QWEN_VISION, pad: "<|video_pad|>",
    },
    box: { convention: "qwen2-vl-rel1000", wrap: [] },
    positions: "qwen3-vl",
  },
  "qwen2.5-omni": {
    name: "qwen2.5-omni",
    description: "Qwen2.5-Omni thinker: factor 28 vision, 128-bin log-mel audio in a 300 s window, TMRoPE (25 ids per second)",
    family: "qwen2_5_omni",
    text: { wrap: "none", charsPerToken: 4 },
    image: { ...QWEN_IMAGE_28, wrap: OMNI_VISION, pad: "<|IMAGE|>" },
    video: { ...QWEN_VIDEO_QVU_0_0_10, wrap: OMNI_VISION, pad: "<|VIDEO|>" },
    audio: {
      sampleRate: 16000, features: "whisper-log-mel", nMels: 128, chunkSeconds: 300, tokens: "qwen-audio",
      wrap: ["<|audio_bos|>", "<|audio_eos|>"], pad: "<|AUDIO|>", maxSeconds: 300,
    },
    box: { convention: "qwen2.5-vl-abs", wrap: [] },
    positions: "qwen2.5-omni",
    tokensPerSecond: 25,
  },
  "qwen2-audio": {
    name: "qwen2-audio",
    description: "Qwen2-Audio: 128-bin Whisper log-mel in a 30 s window (longer audio is truncated to it), 25 audio tokens per second",
    family: "qwen2_audio",
    text: { wrap: "none", charsPerToken: 4 },
    audio: {
      sampleRate: 16000, features: "whisper-log-mel", nMels: 128, chunkSeconds: 30, tokens: "qwen-audio",
      wrap: ["<|audio_bos|>", "<|audio_eos|>"], pad: "<|AUDIO|>", maxSeconds: 600,
    },
    box: { convention: "qwen2-vl-rel1000", wrap: [] },
    positions: "1d",
  },
  whisper: {
    name: "whisper",
    description: "Whisper: 80-bin log-mel padded to 30 s, the encoder always emits 1500 frames; the decoder writes the transcript",
    family: "whisper",
    text: { wrap: "none", charsPerToken: 4 },
    audio: {
      sampleRate: 16000, features: "whisper-log-mel", nMels: 80, chunkSeconds: 30, tokens: "whisper-encoder", wrap: [], maxSeconds: 30,
    },
    box: { convention: "qwen2-vl-rel1000", wrap: [] },
    positions: "1d",
  },
  internvl: {
    name: "internvl",
    description: "InternVL2/2.5: 448² tiles (1..12 by aspect ratio, plus a thumbnail), 256 tokens per tile, ImageNet mean/std",
    family: "internvl_chat",
    text: { wrap: "none", charsPerToken: 4 },
    image: {
      resize: "tiles", tileSize: 448, minTiles: 1, maxTiles: 12, thumbnail: true, tokensPerTile: 256,
      mean: IMAGENET_MEAN, std: IMAGENET_STD, resample: "pil", wrap: ["<img>", "</img>"], pad: "<IMG_CONTEXT>",
    },
    box: { convention: "qwen2-vl-rel1000", wrap: ["<box>", "</box>"] },
    positions: "1d",
  },
  clip: {
    name: "clip",
    description: "CLIP ViT-B/32: shortest edge to 224, centre crop 224², 7×7 patches plus CLS = 50 tokens",
    family: "clip",
    text: { wrap: "none", bos: "<|startoftext|>", eos: "<|endoftext|>", charsPerToken: 4 },
    image: {
      resize: "fixed", size: 224, stride: 32, shortestEdge: 224, extraTokens: 1,
      mean: CLIP_MEAN, std: CLIP_STD, resample: "pil", wrap: [],
    },
    box: { convention: "qwen2-vl-rel1000", wrap: [] },
    positions: "1d",
  },
} as const satisfies Record<string, ModelPreset>;

export type ModelPresetName = keyof typeof modelPresets;
