// tiny-vit (image classification) and tiny-clip (zero-shot image classification): 224×224 inputs, patch
// convolutions, and a hand-set mean-colour path so that a plain red image is "red" (handy in demos, never asserted).
//
// tiny-vit  onnx/model.onnx
//   in  pixel_values  float32 [batch_size, 3, 224, 224]
//   out logits        float32 [batch_size, 5]
// tiny-clip onnx/model.onnx (CLIPModel; the zero-shot pipeline reads logits_per_image)
//   in  input_ids       int64   [text_batch_size, sequence_length]
//       attention_mask  int64   [text_batch_size, sequence_length]
//       pixel_values    float32 [image_batch_size, 3, 224, 224]
//   out logits_per_image float32 [image_batch_size, text_batch_size]
//       logits_per_text  float32 [text_batch_size, image_batch_size]
//       text_embeds      float32 [text_batch_size, 16]
//       image_embeds     float32 [image_batch_size, 16]
// tiny-clip onnx/text_model.onnx (CLIPTextModelWithProjection): input_ids, attention_mask → text_embeds, last_hidden_state
// tiny-clip onnx/vision_model.onnx (CLIPVisionModelWithProjection): pixel_values → image_embeds, last_hidden_state
import type { OnnxGraph as Graph } from "../onnx/graph.js";
import { OnnxGraph } from "../onnx/graph.js";
import type { VocabLayout } from "./blocks.js";
import { embed, remapIds } from "./blocks.js";
import type { ModelFiles } from "./files.js";
import { json } from "./files.js";
import { matrix } from "./random.js";
import { bpeVocab, consecutiveTokens, tokenizerJson } from "./tokenizer.js";

const IMAGE = 224;
const COLOURS: Record<string, number[]> = {
  red: [1, -1, -1],
  green: [-1, 1, -1],
  blue: [-1, -1, 1],
  white: [1, 1, 1],
  black: [-1, -1, -1],
};
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** `[B, 3, H, W]` → patch features `[B, dim, H/patch, W/patch]` */
function patchConv(g: Graph, pixels: string, dim: number, patch: number, seed: number, stream: string): string {
  const w = g.f32(`${stream}.patch`, [dim, 3, patch, patch], matrix(seed, `${stream}.patch`, 3 * patch * patch, dim, 2));
  return g.op("Conv", [pixels, w], { kernel_shape: [patch, patch], strides: [patch, patch] });
}

/** the mean of each colour channel, `[B, 3]` */
function meanColour(g: Graph, pixels: string): string {
  return g.op("ReduceMean", [pixels], { axes: [2, 3], keepdims: 0 });
}

function vitGraph(seed: number, labels: string[]): Uint8Array {
  const dim = 16;
  const g = new OnnxGraph("tiny-vit");
  const px = g.input("pixel_values", "float32", ["batch_size", 3, IMAGE, IMAGE]);
  const pooled = g.op("Tanh", [g.op("ReduceMean", [patchConv(g, px, dim, 16, seed, "vit")], { axes: [2, 3], keepdims: 0 })]);
  const head = g.f32("vit.head", [dim, labels.length], matrix(seed, "vit.head", dim, labels.length));
  const rig = g.f32("vit.colour", [3, labels.length], [0, 1, 2].flatMap((c) => labels.map((l) => 3 * COLOURS[l][c])));
  g.op("Add", [g.op("MatMul", [pooled, head]), g.op("MatMul", [meanColour(g, px), rig])], {}, "logits");
  g.output("logits", "float32", ["batch_size", labels.length]);
  return g.toBytes();
}

/**
 * The files of `tiny-vit`: a ViT image classifier config with `id2label` (five colours), a ViT image processor
 * config (224×224, mean/std 0.5) and `onnx/model.onnx`.
 *
 * @example
 * import { buildVit } from "./vision.js";
 * const files = buildVit(0);
 */
export function buildVit(seed: number): ModelFiles {
  const labels = Object.keys(COLOURS);
  const files: ModelFiles = new Map();
  files.set(
    "config.json",
    json({
      architectures: ["ViTForImageClassification"],
      model_type: "vit",
      image_size: IMAGE,
      patch_size: 16,
      num_channels: 3,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
      intermediate_size: 32,
      id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
      label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
      problem_type: "single_label_classification",
      torch_dtype: "float32",
      "transformers.js_config": { dtype: "fp32" },
    }),
  );
  files.set(
    "preprocessor_config.json",
    json({
      image_processor_type: "ViTImageProcessor",
      do_resize: true,
      size: { height: IMAGE, width: IMAGE },
      resample: 2,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5],
    }),
  );
  files.set("onnx/model.onnx", vitGraph(seed, labels));
  return files;
}

const PROJ = 16;

interface Towers {
  text?: { embeds: string; hidden: string };
  image?: { embeds: string; hidden: string };
}

function clipTowers(g: Graph, seed: number, layout: VocabLayout, colourIds: Map<number, number[]>, want: "text" | "image" | "both"): Towers {
  const out: Towers = {};
  if (want !== "image") {
    const ids = g.input("input_ids", "int64", ["text_batch_size", "sequence_length"]);
    const mask = g.input("attention_mask", "int64", ["text_batch_size", "sequence_length"]);
    const rows = layout.textSize + layout.specialCount;
    const table = new Float32Array(rows * PROJ);
    for (const [id, c] of colourIds) for (let d = 0; d < 3; d++) table[id * PROJ + d] = 3 * c[d];
    const e = g.op("Add", [embed(g, ids, layout, PROJ, seed, "clip.text"), g.op("Gather", [g.f32("clip.text.colour", [rows, PROJ], table), remapIds(g, ids, layout)])]);
    const hidden = g.op("Mul", [e, g.op("Unsqueeze", [g.op("Cast", [mask], { to: 1 }), g.ints([-1])])]);
    out.text = { hidden, embeds: g.op("ReduceSum", [hidden, g.ints([1])], { keepdims: 0 }) };
  }
  if (want !== "text") {
    const px = g.input("pixel_values", "float32", ["image_batch_size", 3, IMAGE, IMAGE]);
    const patches = patchConv(g, px, PROJ, 32, seed, "clip.vision");
    const hidden = g.op("Transpose", [g.op("Reshape", [patches, g.ints([0, PROJ, -1])])], { perm: [0, 2, 1] });
    const pooled = g.op("Tanh", [g.op("ReduceMean", [patches], { axes: [2, 3], keepdims: 0 })]);
    const rig = g.f32("clip.vision.colour", [3, PROJ], Array.from({ length: 3 * PROJ }, (_, i) => (i % (PROJ + 1) === 0 ? 2 : 0)));
    out.image = { hidden, embeds: g.op("Add", [pooled, g.op("MatMul", [meanColour(g, px), rig])]) };
  }
  return out;
}

function l2normalize(g: Graph, x: string): string {
  return g.op("Div", [x, g.op("Sqrt", [g.op("ReduceSum", [g.op("Mul", [x, x]), g.ints([-1])], { keepdims: 1 })])]);
}

function clipGraph(seed: number, layout: VocabLayout, colourIds: Map<number, number[]>, want: "text" | "image" | "both"): Uint8Array {
  const g = new OnnxGraph(`tiny-clip-${want}`);
  const t = clipTowers(g, seed, layout, colourIds, want);
  if (want === "text" && t.text) {
    g.op("Identity", [t.text.embeds], {}, "text_embeds");
    g.op("Identity", [t.text.hidden], {}, "last_hidden_state");
    g.output("text_embeds", "float32", ["text_batch_size", PROJ]);
    g.output("last_hidden_state", "float32", ["text_batch_size", "sequence_length", PROJ]);
  } else if (want === "image" && t.image) {
    g.op("Identity", [t.image.embeds], {}, "image_embeds");
    g.op("Identity", [t.image.hidden], {}, "last_hidden_state");
    g.output("image_embeds", "float32", ["image_batch_size", PROJ]);
    g.output("last_hidden_state", "float32", ["image_batch_size", 49, PROJ]);
  } else if (t.text && t.image) {
    const text = l2normalize(g, t.text.embeds);
    const image = l2normalize(g, t.image.embeds);
    g.op("Identity", [text], {}, "text_embeds");
    g.op("Identity", [image], {}, "image_embeds");
    const perImage = g.op("Mul", [g.op("MatMul", [image, g.op("Transpose", [text], { perm: [1, 0] })]), g.scalar(100)], {}, "logits_per_image");
    g.op("Transpose", [perImage], { perm: [1, 0] }, "logits_per_text");
    g.output("logits_per_image", "float32", ["image_batch_size", "text_batch_size"]);
    g.output("logits_per_text", "float32", ["text_batch_size", "image_batch_size"]);
    g.output("text_embeds", "float32", ["text_batch_size", PROJ]);
    g.output("image_embeds", "float32", ["image_batch_size", PROJ]);
  }
  return g.toBytes();
}

/**
 * The files of `tiny-clip`: CLIP configs, a CLIP image processor (resize 224, centre crop), a lower-casing byte-level
 * tokenizer that wraps text in `<|startoftext|>` (49406) … `<|endoftext|>` (49407), and the joint, text and vision graphs.
 *
 * @example
 * import { buildClip } from "./vision.js";
 * const files = buildClip(0);
 */
export function buildClip(seed: number): ModelFiles {
  const bpe = bpeVocab();
  const added = consecutiveTokens(49406, ["<|startoftext|>", "<|endoftext|>"]);
  const layout: VocabLayout = { textSize: bpe.size, specialBase: 49406, specialCount: 2, vocabSize: 49408 };
  const colourIds = new Map<number, number[]>();
  for (const [word, c] of Object.entries(COLOURS)) {
    for (const token of [word, `Ġ${word}`]) if (bpe.vocab[token] !== undefined) colourIds.set(bpe.vocab[token], c);
  }
  const special = (content: string, id: number) => ({ id: content, ids: [id], tokens: [content] });
  const postProcessor = {
    type: "TemplateProcessing",
    single: [
      { SpecialToken: { id: "<|startoftext|>", type_id: 0 } },
      { Sequence: { id: "A", type_id: 0 } },
      { SpecialToken: { id: "<|endoftext|>", type_id: 0 } },
    ],
    pair: [
      { SpecialToken: { id: "<|startoftext|>", type_id: 0 } },
      { Sequence: { id: "A", type_id: 0 } },
      { SpecialToken: { id: "<|endoftext|>", type_id: 0 } },
      { SpecialToken: { id: "<|startoftext|>", type_id: 0 } },
      { Sequence: { id: "B", type_id: 0 } },
      { SpecialToken: { id: "<|endoftext|>", type_id: 0 } },
    ],
    special_tokens: { "<|startoftext|>": special("<|startoftext|>", 49406), "<|endoftext|>": special("<|endoftext|>", 49407) },
  };
  const files: ModelFiles = new Map();
  files.set(
    "config.json",
    json({
      architectures: ["CLIPModel"],
      model_type: "clip",
      projection_dim: PROJ,
      logit_scale_init_value: 2.6592,
      text_config: { model_type: "clip_text_model", vocab_size: 49408, hidden_size: PROJ, max_position_embeddings: 77, bos_token_id: 49406, eos_token_id: 49407, pad_token_id: 1 },
      vision_config: { model_type: "clip_vision_model", image_size: IMAGE, patch_size: 32, hidden_size: PROJ, num_channels: 3 },
      torch_dtype: "float32",
      "transformers.js_config": { dtype: "fp32" },
    }),
  );
  files.set(
    "preprocessor_config.json",
    json({
      image_processor_type: "CLIPImageProcessor",
      processor_class: "CLIPProcessor",
      do_resize: true,
      size: { shortest_edge: IMAGE },
      resample: 3,
      do_center_crop: true,
      crop_size: { height: IMAGE, width: IMAGE },
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: CLIP_MEAN,
      image_std: CLIP_STD,
      do_convert_rgb: true,
    }),
  );
  files.set("tokenizer.json", json(tokenizerJson(bpe, added, { postProcessor, lowercase: true })));
  files.set(
    "tokenizer_config.json",
    json({
      tokenizer_class: "CLIPTokenizer",
      processor_class: "CLIPProcessor",
      bos_token: "<|startoftext|>",
      eos_token: "<|endoftext|>",
      pad_token: "<|endoftext|>",
      unk_token: "<|endoftext|>",
      do_lower_case: true,
      model_max_length: 77,
      clean_up_tokenization_spaces: false,
      errors: "replace",
    }),
  );
  files.set("onnx/model.onnx", clipGraph(seed, layout, colourIds, "both"));
  files.set("onnx/text_model.onnx", clipGraph(seed, layout, colourIds, "text"));
  files.set("onnx/vision_model.onnx", clipGraph(seed, layout, colourIds, "image"));
  return files;
}
