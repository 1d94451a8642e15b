// tiny-whisper: a Whisper-shaped ASR model (sessions encoder_model, decoder_model_merged) with the real 30 s
// log-mel front end and the real token ids of the multilingual checkpoints.
//
// onnx/encoder_model.onnx
//   in  input_features     float32 [batch_size, 80, 3000]
//   out last_hidden_state  float32 [batch_size, 1500, 32]
// onnx/decoder_model_merged.onnx
//   in  input_ids          int64   [batch_size, decoder_sequence_length]
//       encoder_hidden_states float32 [batch_size, encoder_sequence_length, 32]
//       use_cache_branch   bool    [1]   (unused: an empty past is concatenated like any other)
//       past_key_values.{i}.decoder.key|value float32 [batch_size, 4, past_decoder_sequence_length, 8]
//       past_key_values.{i}.encoder.key|value float32 [batch_size, 4, encoder_sequence_length_out, 8]   (unused)
//   out logits             float32 [batch_size, decoder_sequence_length, 51865]
//       present.{i}.decoder.key|value, present.{i}.encoder.key|value
// there is no position_ids input: positions are past length + arange(sequence), computed in the graph.
import { OnnxGraph } from "../onnx/graph.js";
import type { LayerSizes, VocabLayout } from "./blocks.js";
import { cachedLayers, embed, lmHead, positionFeatures } from "./blocks.js";
import type { ModelFiles } from "./files.js";
import { json } from "./files.js";
import { matrix } from "./random.js";
import type { AddedToken } from "./tokenizer.js";
import { bpeVocab, consecutiveTokens, tokenizerJson } from "./tokenizer.js";

const SIZES: LayerSizes = { layers: 2, hidden: 32, kvHeads: 4, headDim: 8 };
const MELS = 80;
const FRAMES = 3000;
const ENCODER_FRAMES = 1500;
const EOT = 50257;
const VOCAB_SIZE = 51865;
const LANGUAGES = (
  "en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg lt la mi ml " +
  "cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu am " +
  "yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su"
).split(" ");

/** the multilingual Whisper added tokens: specials from 50257, then 1501 non-special timestamps from 50364 */
function whisperTokens(): AddedToken[] {
  const specials = [
    "<|endoftext|>",
    "<|startoftranscript|>",
    ...LANGUAGES.map((l) => `<|${l}|>`),
    "<|translate|>",
    "<|transcribe|>",
    "<|startoflm|>",
    "<|startofprev|>",
    "<|nocaptions|>",
    "<|notimestamps|>",
  ];
  const stamps = Array.from({ length: 1501 }, (_, i) => `<|${(i * 0.02).toFixed(2)}|>`);
  return [...consecutiveTokens(EOT, specials), ...consecutiveTokens(EOT + specials.length, stamps, false)];
}

function encoderGraph(seed: number): Uint8Array {
  const g = new OnnxGraph("encoder_model");
  const x = g.input("input_features", "float32", ["batch_size", MELS, FRAMES]);
  const w = g.f32("encoder.conv", [SIZES.hidden, MELS, 2], matrix(seed, "encoder.conv", MELS * 2, SIZES.hidden, 2));
  const conv = g.op("Tanh", [g.op("Conv", [x, w], { kernel_shape: [2], strides: [2] })]);
  g.op("Transpose", [conv], { perm: [0, 2, 1] }, "last_hidden_state");
  g.output("last_hidden_state", "float32", ["batch_size", ENCODER_FRAMES, SIZES.hidden]);
  return g.toBytes();
}

function decoderGraph(seed: number, layout: VocabLayout, emit: number[]): Uint8Array {
  const g = new OnnxGraph("decoder_model_merged");
  const ids = g.input("input_ids", "int64", ["batch_size", "decoder_sequence_length"]);
  const enc = g.input("encoder_hidden_states", "float32", ["batch_size", "encoder_sequence_length", SIZES.hidden]);
  g.input("use_cache_branch", "bool", [1]);
  const heads = (x: string): string =>
    g.op("Transpose", [g.op("Reshape", [x, g.ints([0, 0, SIZES.kvHeads, SIZES.headDim])])], { perm: [0, 2, 1, 3] });
  const kvDims = (len: string) => ["batch_size", SIZES.kvHeads, len, SIZES.headDim];
  const names = (i: number) => {
    for (const kv of ["key", "value"]) {
      g.input(`past_key_values.${i}.encoder.${kv}`, "float32", kvDims("encoder_sequence_length_out"));
      const w = g.f32(`cross.l${i}.${kv}`, [SIZES.hidden, SIZES.hidden], matrix(seed, `cross.l${i}.${kv}`, SIZES.hidden, SIZES.hidden));
      g.op("Identity", [heads(g.op("MatMul", [enc, w]))], {}, `present.${i}.encoder.${kv}`);
    }
    return {
      pastKey: g.input(`past_key_values.${i}.decoder.key`, "float32", kvDims("past_decoder_sequence_length")),
      pastValue: g.input(`past_key_values.${i}.decoder.value`, "float32", kvDims("past_decoder_sequence_length")),
      presentKey: `present.${i}.decoder.key`,
      presentValue: `present.${i}.decoder.value`,
    };
  };
  const cacheNames = [0, 1].slice(0, SIZES.layers).map(names);
  const past = g.op("Gather", [g.op("Shape", [cacheNames[0].pastKey]), g.scalar(2, "int64")], { axis: 0 });
  const len = g.op("Gather", [g.op("Shape", [ids]), g.scalar(1, "int64")], { axis: 0 });
  const positions = g.op("Unsqueeze", [g.op("Range", [past, g.op("Add", [past, len]), g.scalar(1, "int64")]), g.ints([0])]);
  // max over frames: a mean would be swamped by the zero padding of the 30 s window
  const pooled = g.op("ReduceMax", [enc], { axes: [1], keepdims: 1 });
  const wc = g.f32("cross.pool", [SIZES.hidden, SIZES.hidden], matrix(seed, "cross.pool", SIZES.hidden, SIZES.hidden, 3));
  let h = g.op("Add", [embed(g, ids, layout, SIZES.hidden, seed, "dec"), positionFeatures(g, positions, SIZES.hidden, seed, "dec")]);
  h = g.op("Add", [h, g.op("MatMul", [pooled, wc])]);
  h = cachedLayers(g, h, SIZES, seed, "dec", (i) => cacheNames[i]);
  lmHead(g, h, layout, SIZES.hidden, emit, seed, "dec");
  g.output("logits", "float32", ["batch_size", "decoder_sequence_length", VOCAB_SIZE]);
  for (let i = 0; i < SIZES.layers; i++) {
    for (const kv of ["key", "value"]) g.output(`present.${i}.decoder.${kv}`, "float32", kvDims("total_decoder_sequence_length"));
    for (const kv of ["key", "value"]) g.output(`present.${i}.encoder.${kv}`, "float32", kvDims("encoder_sequence_length_out"));
  }
  return g.toBytes();
}

/**
 * The files of `tiny-whisper`: Whisper configs (multilingual, language and task tokens), the feature extractor config
 * of the 30 s / 80-mel front end, a Whisper tokenizer with the real special and timestamp ids, and the two sessions.
 *
 * @example
 * import { buildWhisper } from "./whisper.js";
 * const files = buildWhisper(0);
 */
export function buildWhisper(seed: number): ModelFiles {
  const bpe = bpeVocab();
  const added = whisperTokens();
  const id = (content: string): number => added.find((t) => t.content === content)?.id ?? -1;
  const layout: VocabLayout = { textSize: bpe.size, specialBase: EOT, specialCount: added.length, vocabSize: VOCAB_SIZE };
  const files: ModelFiles = new Map();
  files.set(
    "config.json",
    json({
      architectures: ["WhisperForConditionalGeneration"],
      model_type: "whisper",
      is_encoder_decoder: true,
      vocab_size: VOCAB_SIZE,
      num_mel_bins: MELS,
      d_model: SIZES.hidden,
      encoder_layers: 1,
      encoder_attention_heads: SIZES.kvHeads,
      encoder_ffn_dim: 64,
      decoder_layers: SIZES.layers,
      decoder_attention_heads: SIZES.kvHeads,
      decoder_ffn_dim: 64,
      max_source_positions: ENCODER_FRAMES,
      max_target_positions: 448,
      bos_token_id: EOT,
      eos_token_id: EOT,
      pad_token_id: EOT,
      decoder_start_token_id: id("<|startoftranscript|>"),
      begin_suppress_tokens: [220, EOT],
      torch_dtype: "float32",
      use_cache: true,
      "transformers.js_config": { dtype: "fp32" },
    }),
  );
  files.set(
    "generation_config.json",
    json({
      bos_token_id: EOT,
      eos_token_id: EOT,
      pad_token_id: EOT,
      decoder_start_token_id: id("<|startoftranscript|>"),
      begin_suppress_tokens: [220, EOT],
      is_multilingual: true,
      lang_to_id: Object.fromEntries(LANGUAGES.map((l) => [`<|${l}|>`, id(`<|${l}|>`)])),
      task_to_id: { translate: id("<|translate|>"), transcribe: id("<|transcribe|>") },
      no_timestamps_token_id: id("<|notimestamps|>"),
      prev_sot_token_id: id("<|startofprev|>"),
      max_initial_timestamp_index: 50,
      max_length: 448,
    }),
  );
  files.set(
    "preprocessor_config.json",
    json({
      feature_extractor_type: "WhisperFeatureExtractor",
      processor_class: "WhisperProcessor",
      feature_size: MELS,
      sampling_rate: 16000,
      hop_length: 160,
      chunk_length: 30,
      n_fft: 400,
      n_samples: 480000,
      nb_max_frames: FRAMES,
      padding_side: "right",
      padding_value: 0,
      return_attention_mask: false,
    }),
  );
  files.set("tokenizer.json", json(tokenizerJson(bpe, added)));
  files.set(
    "tokenizer_config.json",
    json({
      tokenizer_class: "WhisperTokenizer",
      processor_class: "WhisperProcessor",
      bos_token: "<|endoftext|>",
      eos_token: "<|endoftext|>",
      unk_token: "<|endoftext|>",
      pad_token: "<|endoftext|>",
      add_prefix_space: false,
      clean_up_tokenization_spaces: true,
      errors: "replace",
      model_max_length: 1024,
    }),
  );
  files.set("onnx/encoder_model.onnx", encoderGraph(seed));
  files.set("onnx/decoder_model_merged.onnx", decoderGraph(seed, layout, bpe.readable));
  return files;
}
