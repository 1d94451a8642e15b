// tiny-qwen2-vl, tiny-qwen2.5-vl, tiny-qwen3-vl: the Qwen2-VL family (sessions embed_tokens, vision_encoder,
// decoder_model_merged), with real patch geometry and real special-token ids.
//
// onnx/embed_tokens.onnx
//   in  input_ids        int64   [batch_size, sequence_length]
//   out inputs_embeds    float32 [batch_size, sequence_length, 32]
// onnx/vision_encoder.onnx
//   in  pixel_values     float32 [num_patches, 3·temporal_patch_size·patch_size²]   (1176 for patch 14, 1536 for 16)
//       grid_thw         int64   [num_images, 3]   (named image_grid_thw for qwen2_5_vl and qwen3_vl; unused)
//   out image_features   float32 [num_patches / merge_size², 32]   (one row per <|image_pad|> token)
// onnx/decoder_model_merged.onnx
//   in  inputs_embeds    float32 [batch_size, sequence_length, 32]
//       attention_mask   int64   [batch_size, total_sequence_length]
//       position_ids     int64   [3, batch_size, sequence_length]   (mrope: temporal, height, width)
//       past_key_values.{i}.key|value float32 [batch_size, 2, past_sequence_length, 8]
//       num_logits_to_keep int64 []
//   out logits           float32 [batch_size, num_logits, 151936]
//       present.{i}.key|value float32 [batch_size, 2, total_sequence_length, 8]
import { OnnxGraph } from "../onnx/graph.js";
import type { LayerSizes, VocabLayout } from "./blocks.js";
import { embed, kvDecoder, mropeFeatures } from "./blocks.js";
import type { ModelFiles } from "./files.js";
import { json } from "./files.js";
import { matrix } from "./random.js";
import { bpeVocab, QWEN_FIRST_SPECIAL, QWEN_VOCAB_SIZE, qwenSpecialTokens, qwenVisionChatTemplate, tokenizerJson } from "./tokenizer.js";

const SIZES: LayerSizes = { layers: 2, hidden: 32, kvHeads: 2, headDim: 8 };
const TEMPORAL_PATCH = 2;
const MERGE = 2;
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** What differs between Qwen2-VL, Qwen2.5-VL and Qwen3-VL. */
export interface QwenVlVariant {
  modelType: "qwen2_vl" | "qwen2_5_vl" | "qwen3_vl";
  architecture: string;
  processorClass: string;
  /** name of the vision encoder's grid input (the class's `image_grid_thw_name`) */
  gridInput: "grid_thw" | "image_grid_thw";
  patchSize: number;
  minPixels: number;
  maxPixels: number;
  mean: number[];
  std: number[];
  /** id of the last added token in the family's tokenizer */
  lastSpecial: number;
  /** "You are a helpful assistant." when the chat has no system message */
  defaultSystem: boolean;
}

/** the three variants, with pixel budgets kept small (at most 256 image tokens) so tiny runs stay fast */
export const QWEN_VL_VARIANTS = {
  "qwen2-vl": {
    modelType: "qwen2_vl",
    architecture: "Qwen2VLForConditionalGeneration",
    processorClass: "Qwen2VLProcessor",
    gridInput: "grid_thw",
    patchSize: 14,
    minPixels: 56 * 56,
    maxPixels: 256 * 28 * 28,
    mean: CLIP_MEAN,
    std: CLIP_STD,
    lastSpecial: 151656,
    defaultSystem: true,
  },
  "qwen2.5-vl": {
    modelType: "qwen2_5_vl",
    architecture: "Qwen2_5_VLForConditionalGeneration",
    processorClass: "Qwen2_5_VLProcessor",
    gridInput: "image_grid_thw",
    patchSize: 14,
    minPixels: 56 * 56,
    maxPixels: 256 * 28 * 28,
    mean: CLIP_MEAN,
    std: CLIP_STD,
    lastSpecial: 151664,
    defaultSystem: true,
  },
  "qwen3-vl": {
    modelType: "qwen3_vl",
    architecture: "Qwen3VLForConditionalGeneration",
    processorClass: "Qwen3VLProcessor",
    gridInput: "image_grid_thw",
    patchSize: 16,
    minPixels: 64 * 32 * 32,
    maxPixels: 256 * 32 * 32,
    mean: [0.5, 0.5, 0.5],
    std: [0.5, 0.5, 0.5],
    lastSpecial: 151668,
    defaultSystem: false,
  },
} as const satisfies Record<string, QwenVlVariant>;

function embedGraph(seed: number, layout: VocabLayout): Uint8Array {
  const g = new OnnxGraph("embed_tokens");
  const ids = g.input("input_ids", "int64", ["batch_size", "sequence_length"]);
  embed(g, ids, layout, SIZES.hidden, seed, "vlm", "inputs_embeds");
  g.output("inputs_embeds", "float32", ["batch_size", "sequence_length", SIZES.hidden]);
  return g.toBytes();
}

function visionGraph(seed: number, v: QwenVlVariant): Uint8Array {
  const g = new OnnxGraph("vision_encoder");
  const patchDim = 3 * TEMPORAL_PATCH * v.patchSize * v.patchSize;
  const pv = g.input("pixel_values", "float32", ["num_patches", patchDim]);
  g.input(v.gridInput, "int64", ["num_images", 3]);
  const wp = g.f32("vision.patch", [patchDim, SIZES.hidden], matrix(seed, "vision.patch", patchDim, SIZES.hidden, 2));
  const wm = g.f32("vision.merger", [SIZES.hidden, SIZES.hidden], matrix(seed, "vision.merger", SIZES.hidden, SIZES.hidden, 2));
  // every merge_size² consecutive patch rows form one image token
  const patches = g.op("Tanh", [g.op("MatMul", [pv, wp])]);
  const groups = g.op("Reshape", [patches, g.ints([-1, MERGE * MERGE, SIZES.hidden])]);
  const merged = g.op("ReduceMean", [groups], { axes: [1], keepdims: 0 });
  g.op("Tanh", [g.op("MatMul", [merged, wm])], {}, "image_features");
  g.output("image_features", "float32", ["num_image_tokens", SIZES.hidden]);
  return g.toBytes();
}

function decoderGraph(seed: number, layout: VocabLayout, emit: number[]): Uint8Array {
  const g = new OnnxGraph("decoder_model_merged");
  const x = g.input("inputs_embeds", "float32", ["batch_size", "sequence_length", SIZES.hidden]);
  const mask = g.input("attention_mask", "int64", ["batch_size", "total_sequence_length"]);
  const pos = g.input("position_ids", "int64", [3, "batch_size", "sequence_length"]);
  const h = g.op("Add", [x, mropeFeatures(g, pos, SIZES.hidden, seed, "vlm")]);
  kvDecoder(g, h, mask, { sizes: SIZES, layout, emit, seed, stream: "vlm" });
  return g.toBytes();
}

function configJson(v: QwenVlVariant): object {
  const text = {
    vocab_size: QWEN_VOCAB_SIZE,
    hidden_size: SIZES.hidden,
    intermediate_size: 64,
    num_hidden_layers: SIZES.layers,
    num_attention_heads: 4,
    num_key_value_heads: SIZES.kvHeads,
    head_dim: SIZES.headDim,
    max_position_embeddings: 32768,
    rope_theta: 1000000,
    rms_norm_eps: 1e-6,
    rope_scaling: { type: "mrope", mrope_section: [2, 1, 1] },
    bos_token_id: 151643,
    eos_token_id: 151645,
  };
  const vision = {
    depth: 1,
    hidden_size: SIZES.hidden,
    out_hidden_size: SIZES.hidden,
    num_heads: 2,
    in_chans: 3,
    patch_size: v.patchSize,
    spatial_merge_size: MERGE,
    temporal_patch_size: TEMPORAL_PATCH,
    ...(v.modelType === "qwen2_5_vl" ? { tokens_per_second: 2, window_size: 112 } : {}),
  };
  const ids = {
    image_token_id: 151655,
    video_token_id: 151656,
    vision_start_token_id: 151652,
    vision_end_token_id: 151653,
  };
  const common = {
    architectures: [v.architecture],
    model_type: v.modelType,
    tie_word_embeddings: false,
    torch_dtype: "float32",
    "transformers.js_config": { dtype: "fp32" },
  };
  // qwen2_vl keeps the language-model fields at the top level; the newer two nest them in text_config
  if (v.modelType === "qwen2_vl") return { ...common, ...text, ...ids, vision_token_id: 151654, vision_config: vision };
  return {
    ...common,
    ...ids,
    bos_token_id: 151643,
    eos_token_id: 151645,
    text_config: { model_type: `${v.modelType}_text`, ...text },
    vision_config: { model_type: v.modelType, ...vision },
  };
}

/**
 * The files of one Qwen2-VL-family model: configs with the family's real token ids and patch geometry, a tokenizer
 * with the Qwen special tokens and vision chat template, and the three ONNX sessions.
 *
 * @example
 * import { buildQwenVl, QWEN_VL_VARIANTS } from "./qwen-vl.js";
 * const files = buildQwenVl(0, QWEN_VL_VARIANTS["qwen2-vl"]);
 */
export function buildQwenVl(seed: number, v: QwenVlVariant): ModelFiles {
  const bpe = bpeVocab();
  const specials = qwenSpecialTokens(v.lastSpecial);
  const layout: VocabLayout = {
    textSize: bpe.size,
    specialBase: QWEN_FIRST_SPECIAL,
    specialCount: specials.length,
    vocabSize: QWEN_VOCAB_SIZE,
  };
  const files: ModelFiles = new Map();
  files.set("config.json", json(configJson(v)));
  files.set(
    "generation_config.json",
    json({ bos_token_id: 151643, eos_token_id: [151645, 151643], pad_token_id: 151643, do_sample: false }),
  );
  files.set(
    "preprocessor_config.json",
    json({
      processor_class: v.processorClass,
      image_processor_type: "Qwen2VLImageProcessor",
      do_resize: true,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      do_convert_rgb: true,
      image_mean: v.mean,
      image_std: v.std,
      resample: 3,
      patch_size: v.patchSize,
      temporal_patch_size: TEMPORAL_PATCH,
      merge_size: MERGE,
      ...(v.modelType === "qwen3_vl" ? {} : { min_pixels: v.minPixels, max_pixels: v.maxPixels }),
      size: { shortest_edge: v.minPixels, longest_edge: v.maxPixels },
    }),
  );
  files.set("tokenizer.json", json(tokenizerJson(bpe, specials)));
  files.set(
    "tokenizer_config.json",
    json({
      tokenizer_class: "Qwen2Tokenizer",
      processor_class: v.processorClass,
      bos_token: null,
      eos_token: "<|im_end|>",
      pad_token: "<|endoftext|>",
      unk_token: null,
      add_bos_token: false,
      add_prefix_space: false,
      clean_up_tokenization_spaces: false,
      errors: "replace",
      model_max_length: 32768,
      split_special_tokens: false,
      chat_template: qwenVisionChatTemplate(v.defaultSystem),
    }),
  );
  files.set("onnx/embed_tokens.onnx", embedGraph(seed, layout));
  files.set("onnx/vision_encoder.onnx", visionGraph(seed, v));
  files.set("onnx/decoder_model_merged.onnx", decoderGraph(seed, layout, bpe.readable));
  return files;
}
