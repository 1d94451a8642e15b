// the tiny model kinds: one entry per model, so a new tiny model is one entry here and one builder.
import { buildBert } from "./bert.js";
import { buildQwen3 } from "./causal-lm.js";
import type { ModelFiles } from "./files.js";
import { buildQwenVl, QWEN_VL_VARIANTS } from "./qwen-vl.js";
import { buildClip, buildVit } from "./vision.js";
import { buildWhisper } from "./whisper.js";

/** What a tiny model is for and how transformers.js loads it. */
export interface TinyModelEntry {
  /** folder name under the models directory */
  folder: string;
  /** the transformers.js pipeline task, or "image-text-to-text" (no such pipeline in 4.3: processor + model) */
  task: string;
  /** transformers.js classes that load the folder */
  classes: string[];
  description: string;
  build(seed: number): ModelFiles;
}

/** Every tiny model omnispec can generate, keyed by kind. */
export const TINY_MODELS = {
  qwen3: {
    folder: "tiny-qwen3",
    task: "text-generation",
    classes: ["AutoModelForCausalLM", "Qwen3ForCausalLM"],
    description: "Qwen3-shaped causal LM with a thinking-aware chat template",
    build: buildQwen3,
  },
  vit: {
    folder: "tiny-vit",
    task: "image-classification",
    classes: ["AutoModelForImageClassification", "ViTForImageClassification"],
    description: "ViT image classifier, 224×224, five colour labels",
    build: buildVit,
  },
  "qwen2-vl": {
    folder: "tiny-qwen2-vl",
    task: "image-text-to-text",
    classes: ["AutoProcessor", "AutoModelForImageTextToText", "Qwen2VLForConditionalGeneration"],
    description: "Qwen2-VL-shaped VLM, patch 14, merge 2, up to 256 image tokens",
    build: (seed: number) => buildQwenVl(seed, QWEN_VL_VARIANTS["qwen2-vl"]),
  },
  "qwen2.5-vl": {
    folder: "tiny-qwen2.5-vl",
    task: "image-text-to-text",
    classes: ["AutoProcessor", "AutoModelForImageTextToText", "Qwen2_5_VLForConditionalGeneration"],
    description: "Qwen2.5-VL-shaped VLM, patch 14, merge 2, up to 256 image tokens",
    build: (seed: number) => buildQwenVl(seed, QWEN_VL_VARIANTS["qwen2.5-vl"]),
  },
  "qwen3-vl": {
    folder: "tiny-qwen3-vl",
    task: "image-text-to-text",
    classes: ["AutoProcessor", "AutoModelForImageTextToText", "Qwen3VLForConditionalGeneration"],
    description: "Qwen3-VL-shaped VLM, patch 16, merge 2, 64 to 256 image tokens",
    build: (seed: number) => buildQwenVl(seed, QWEN_VL_VARIANTS["qwen3-vl"]),
  },
  whisper: {
    folder: "tiny-whisper",
    task: "automatic-speech-recognition",
    classes: ["AutoModelForSpeechSeq2Seq", "WhisperForConditionalGeneration"],
    description: "Whisper-shaped ASR model: 30 s window, 80 mels, multilingual token ids",
    build: buildWhisper,
  },
  clip: {
    folder: "tiny-clip",
    task: "zero-shot-image-classification",
    classes: ["CLIPModel", "CLIPTextModelWithProjection", "CLIPVisionModelWithProjection"],
    description: "CLIP-shaped zero-shot image classifier, 224×224, projection 16",
    build: buildClip,
  },
  bert: {
    folder: "tiny-bert",
    task: "text-classification",
    classes: ["AutoModelForSequenceClassification", "BertForSequenceClassification"],
    description: "BERT-shaped text classifier: WordPiece, text pairs, labels negative|neutral|positive",
    build: buildBert,
  },
} as const satisfies Record<string, TinyModelEntry>;

/** A tiny model kind: "qwen3", "vit", "qwen2-vl", "qwen2.5-vl", "qwen3-vl", "whisper", "clip" or "bert". */
export type TinyModelKind = keyof typeof TINY_MODELS;

/** every kind, in registry order */
export const TINY_MODEL_KINDS = Object.keys(TINY_MODELS) as TinyModelKind[];
