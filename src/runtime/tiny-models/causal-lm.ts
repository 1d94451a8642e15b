// tiny-qwen3: a Qwen3-shaped causal LM for text generation (session `model` → onnx/model.onnx).
//
// onnx/model.onnx
//   in  input_ids            int64   [batch_size, sequence_length]
//       attention_mask       int64   [batch_size, total_sequence_length]
//       position_ids         int64   [batch_size, sequence_length]
//       past_key_values.{i}.key|value float32 [batch_size, 2, past_sequence_length, 8]   (i < num_hidden_layers)
//       num_logits_to_keep   int64   []   (0 = every position; generation sends 1)
//   out logits               float32 [batch_size, num_logits, 151936]
//       present.{i}.key|value float32 [batch_size, 2, total_sequence_length, 8]
import { OnnxGraph } from "../onnx/graph.js";
import type { LayerSizes, VocabLayout } from "./blocks.js";
import { embed, kvDecoder, positionFeatures } from "./blocks.js";
import type { ModelFiles } from "./files.js";
import { json } from "./files.js";
import { bpeVocab, QWEN_FIRST_SPECIAL, QWEN_VOCAB_SIZE, qwen3ChatTemplate, qwenSpecialTokens, tokenizerJson } from "./tokenizer.js";

const SIZES: LayerSizes = { layers: 2, hidden: 32, kvHeads: 2, headDim: 8 };

/** the decoder-only graph: embeddings + positions, the cached layer stack, logits at the full Qwen vocabulary width */
function decoderGraph(seed: number, layout: VocabLayout, emit: number[]): Uint8Array {
  const g = new OnnxGraph("tiny-qwen3");
  const ids = g.input("input_ids", "int64", ["batch_size", "sequence_length"]);
  const mask = g.input("attention_mask", "int64", ["batch_size", "total_sequence_length"]);
  const pos = g.input("position_ids", "int64", ["batch_size", "sequence_length"]);
  const h = g.op("Add", [embed(g, ids, layout, SIZES.hidden, seed, "lm"), positionFeatures(g, pos, SIZES.hidden, seed, "lm")]);
  kvDecoder(g, h, mask, { sizes: SIZES, layout, emit, seed, stream: "lm" });
  return g.toBytes();
}

/**
 * The files of `tiny-qwen3`: Qwen3 configs, a byte-level BPE tokenizer with Qwen's special-token ids and a Qwen3 chat
 * template (`enable_thinking`), and `onnx/model.onnx`.
 *
 * @example
 * import { buildQwen3 } from "./causal-lm.js";
 * const files = buildQwen3(0); // Map { "config.json" => Uint8Array, ..., "onnx/model.onnx" => Uint8Array }
 */
export function buildQwen3(seed: number): ModelFiles {
  const bpe = bpeVocab();
  const specials = qwenSpecialTokens(151668);
  const layout: VocabLayout = {
    textSize: bpe.size,
    specialBase: QWEN_FIRST_SPECIAL,
    specialCount: specials.length,
    vocabSize: QWEN_VOCAB_SIZE,
  };
  const files: ModelFiles = new Map();
  files.set(
    "config.json",
    json({
      architectures: ["Qwen3ForCausalLM"],
      model_type: "qwen3",
      vocab_size: QWEN_VOCAB_SIZE,
      hidden_size: SIZES.hidden,
      intermediate_size: 64,
      num_hidden_layers: SIZES.layers,
      num_attention_heads: 4,
      num_key_value_heads: SIZES.kvHeads,
      head_dim: SIZES.headDim,
      max_position_embeddings: 40960,
      rope_theta: 1000000,
      rms_norm_eps: 1e-6,
      tie_word_embeddings: false,
      bos_token_id: 151643,
      eos_token_id: 151645,
      torch_dtype: "float32",
      use_cache: true,
      "transformers.js_config": { dtype: "fp32" },
    }),
  );
  files.set(
    "generation_config.json",
    json({ bos_token_id: 151643, eos_token_id: [151645, 151643], pad_token_id: 151643, do_sample: false }),
  );
  files.set("tokenizer.json", json(tokenizerJson(bpe, specials)));
  files.set(
    "tokenizer_config.json",
    json({
      tokenizer_class: "Qwen2Tokenizer",
      bos_token: null,
      eos_token: "<|im_end|>",
      pad_token: "<|endoftext|>",
      unk_token: null,
      add_bos_token: false,
      add_prefix_space: false,
      clean_up_tokenization_spaces: false,
      errors: "replace",
      model_max_length: 40960,
      split_special_tokens: false,
      chat_template: qwen3ChatTemplate(),
    }),
  );
  files.set("onnx/model.onnx", decoderGraph(seed, layout, bpe.readable));
  return files;
}
