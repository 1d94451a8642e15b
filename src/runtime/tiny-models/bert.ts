// tiny-bert: a BERT-shaped sequence classifier (session `model` → onnx/model.onnx) with an uncased WordPiece tokenizer
// at BERT's special-token ids, and a hand-set lexicon path so that "good" leans positive and "bad" negative (handy in
// demos, never asserted).
//
// onnx/model.onnx
//   in  input_ids       int64   [batch_size, sequence_length]
//       attention_mask  int64   [batch_size, sequence_length]
//       token_type_ids  int64   [batch_size, sequence_length]
//   out logits          float32 [batch_size, 3]
import type { OnnxGraph as Graph } from "../onnx/graph.js";
import { OnnxGraph } from "../onnx/graph.js";
import { embed, positionFeatures, rmsNorm } from "./blocks.js";
import type { ModelFiles } from "./files.js";
import { json } from "./files.js";
import { matrix, SeededRandom } from "./random.js";

/** The labels of tiny-bert, in id order. */
export const BERT_LABELS = ["negative", "neutral", "positive"] as const;

const SIZES = { layers: 2, hidden: 32, heads: 2, intermediate: 64 };
const HEAD_DIM = SIZES.hidden / SIZES.heads;
const MAX_LENGTH = 512;

const SPECIALS = { "[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103 } as const;
const LEXICON: Record<string, (typeof BERT_LABELS)[number]> = {
  good: "positive", great: "positive", love: "positive", loved: "positive", excellent: "positive", wonderful: "positive",
  best: "positive", fun: "positive", happy: "positive", enjoyed: "positive",
  bad: "negative", terrible: "negative", awful: "negative", hate: "negative", hated: "negative", boring: "negative",
  worst: "negative", poor: "negative", sad: "negative", waste: "negative",
};
const WORDS = [
  ...Object.keys(LEXICON),
  ..."the a an of is was it this that and but not very to i you with film movie book story review plot acting music ok".split(" "),
];
const SUFFIXES = ["s", "ed", "ing", "ly", "er"];

/**
 * The uncased WordPiece vocabulary: `[PAD]` 0, `[unused0..98]`, `[UNK]` 100, `[CLS]` 101, `[SEP]` 102, `[MASK]` 103
 * (BERT's ids), then printable ASCII characters with their `##` continuations, a few suffixes and whole words.
 *
 * @example
 * bertVocab()["[CLS]"]; // 101
 */
function bertVocab(): Record<string, number> {
  const tokens: string[] = ["[PAD]", ...Array.from({ length: 99 }, (_, i) => `[unused${i}]`), "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
  const chars = Array.from({ length: 126 - 33 + 1 }, (_, i) => String.fromCharCode(33 + i)).filter((c) => c === c.toLowerCase());
  tokens.push(...chars, ...chars.filter((c) => /[a-z0-9]/.test(c)).map((c) => `##${c}`), ...SUFFIXES.map((s) => `##${s}`), ...WORDS);
  return Object.fromEntries([...new Set(tokens)].map((t, i) => [t, i]));
}

/** multi-head self-attention over `[B, S, H]` with the additive padding mask `[B, 1, 1, S]` */
function selfAttention(g: Graph, h: string, maskBias: string, seed: number, layer: number): string {
  const H = SIZES.hidden;
  const weight = (name: string, gain = 1) => g.f32(`bert.l${layer}.${name}`, [H, H], matrix(seed, `bert.l${layer}.${name}`, H, H, gain));
  const heads = (x: string) => g.op("Transpose", [g.op("Reshape", [x, g.ints([0, 0, SIZES.heads, HEAD_DIM])])], { perm: [0, 2, 1, 3] });
  const [q, k, v] = ["q", "k", "v"].map((n) => heads(g.op("MatMul", [h, weight(n)])));
  const scores = g.op("Mul", [g.op("MatMul", [q, g.op("Transpose", [k], { perm: [0, 1, 3, 2] })]), g.scalar(1 / Math.sqrt(HEAD_DIM))]);
  const attended = g.op("MatMul", [g.op("Softmax", [g.op("Add", [scores, maskBias])], { axis: -1 }), v]);
  const merged = g.op("Reshape", [g.op("Transpose", [attended], { perm: [0, 2, 1, 3] }), g.ints([0, 0, H])]);
  return g.op("MatMul", [merged, weight("o", 2)]);
}

function encoderGraph(seed: number, vocab: Record<string, number>): Uint8Array {
  const H = SIZES.hidden;
  const rows = Object.keys(vocab).length;
  const labels = BERT_LABELS.length;
  const g = new OnnxGraph("tiny-bert");
  const ids = g.input("input_ids", "int64", ["batch_size", "sequence_length"]);
  const mask = g.input("attention_mask", "int64", ["batch_size", "sequence_length"]);
  const types = g.input("token_type_ids", "int64", ["batch_size", "sequence_length"]);

  const length = g.op("Gather", [g.op("Shape", [ids]), g.scalar(1, "int64")], { axis: 0 });
  const positions = g.op("Unsqueeze", [g.op("Range", [g.scalar(0, "int64"), length, g.scalar(1, "int64")]), g.ints([0])]);
  const typeTable = g.f32("bert.token_type", [2, H], new SeededRandom(seed, "bert.token_type").uniform(2 * H, 0.5));
  const layout = { textSize: rows, specialBase: rows, specialCount: 0, vocabSize: rows };
  let h = g.op("Add", [embed(g, ids, layout, H, seed, "bert"), g.op("Gather", [typeTable, types], { axis: 0 })]);
  h = rmsNorm(g, g.op("Add", [h, positionFeatures(g, positions, H, seed, "bert")]));

  const maskF = g.op("Cast", [mask], { to: 1 });
  const maskBias = g.op("Unsqueeze", [g.op("Mul", [g.op("Sub", [g.scalar(1), maskF]), g.scalar(-1e4)]), g.ints([1, 2])]);
  for (let i = 0; i < SIZES.layers; i++) {
    h = rmsNorm(g, g.op("Add", [h, selfAttention(g, h, maskBias, seed, i)]));
    const w1 = g.f32(`bert.l${i}.ffn_in`, [H, SIZES.intermediate], matrix(seed, `bert.l${i}.ffn_in`, H, SIZES.intermediate, 2));
    const w2 = g.f32(`bert.l${i}.ffn_out`, [SIZES.intermediate, H], matrix(seed, `bert.l${i}.ffn_out`, SIZES.intermediate, H));
    h = rmsNorm(g, g.op("Add", [h, g.op("MatMul", [g.op("Tanh", [g.op("MatMul", [h, w1])]), w2])]));
  }

  // the pooler reads the [CLS] position, as BertPooler does
  const cls = g.op("Gather", [h, g.scalar(0, "int64")], { axis: 1 });
  const pooled = g.op("Tanh", [g.op("MatMul", [cls, g.f32("bert.pooler", [H, H], matrix(seed, "bert.pooler", H, H, 2))])]);
  const head = g.op("MatMul", [pooled, g.f32("bert.classifier", [H, labels], matrix(seed, "bert.classifier", H, labels))]);
  const lexicon = new Float32Array(rows * labels);
  for (const [word, label] of Object.entries(LEXICON)) lexicon[vocab[word] * labels + BERT_LABELS.indexOf(label)] = 3;
  const perToken = g.op("Mul", [g.op("Gather", [g.f32("bert.lexicon", [rows, labels], lexicon), ids], { axis: 0 }), g.op("Unsqueeze", [maskF, g.ints([2])])]);
  g.op("Add", [head, g.op("ReduceSum", [perToken, g.ints([1])], { keepdims: 0 })], {}, "logits");
  g.output("logits", "float32", ["batch_size", labels]);
  return g.toBytes();
}

function tokenizerJson(vocab: Record<string, number>): object {
  const special = (t: keyof typeof SPECIALS) => ({ id: t, ids: [SPECIALS[t]], tokens: [t] });
  const token = (id: string, type_id: number) => ({ SpecialToken: { id, type_id } });
  const sequence = (id: string, type_id: number) => ({ Sequence: { id, type_id } });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: Object.entries(SPECIALS).map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [token("[CLS]", 0), sequence("A", 0), token("[SEP]", 0)],
      pair: [token("[CLS]", 0), sequence("A", 0), token("[SEP]", 0), sequence("B", 1), token("[SEP]", 1)],
      special_tokens: { "[CLS]": special("[CLS]"), "[SEP]": special("[SEP]") },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
}

/**
 * The files of `tiny-bert`: a `BertForSequenceClassification` config with `id2label` (negative, neutral, positive), an
 * uncased WordPiece `tokenizer.json` with `[CLS] A [SEP] B [SEP]` templates and token type ids, a `BertTokenizer`
 * config, and `onnx/model.onnx` (two attention layers over a 32-wide hidden state, a [CLS] pooler and a linear head).
 *
 * @example
 * import { buildBert } from "./bert.js";
 * const files = buildBert(0);
 */
export function buildBert(seed: number): ModelFiles {
  const vocab = bertVocab();
  const files: ModelFiles = new Map();
  files.set(
    "config.json",
    json({
      architectures: ["BertForSequenceClassification"],
      model_type: "bert",
      vocab_size: Object.keys(vocab).length,
      hidden_size: SIZES.hidden,
      num_hidden_layers: SIZES.layers,
      num_attention_heads: SIZES.heads,
      intermediate_size: SIZES.intermediate,
      hidden_act: "gelu",
      hidden_dropout_prob: 0.1,
      attention_probs_dropout_prob: 0.1,
      max_position_embeddings: MAX_LENGTH,
      type_vocab_size: 2,
      initializer_range: 0.02,
      layer_norm_eps: 1e-12,
      pad_token_id: SPECIALS["[PAD]"],
      position_embedding_type: "absolute",
      id2label: Object.fromEntries(BERT_LABELS.map((l, i) => [String(i), l])),
      label2id: Object.fromEntries(BERT_LABELS.map((l, i) => [l, i])),
      problem_type: "single_label_classification",
      torch_dtype: "float32",
      "transformers.js_config": { dtype: "fp32" },
    }),
  );
  files.set("tokenizer.json", json(tokenizerJson(vocab)));
  files.set(
    "tokenizer_config.json",
    json({
      tokenizer_class: "BertTokenizer",
      do_lower_case: true,
      tokenize_chinese_chars: true,
      strip_accents: null,
      cls_token: "[CLS]",
      sep_token: "[SEP]",
      pad_token: "[PAD]",
      unk_token: "[UNK]",
      mask_token: "[MASK]",
      model_max_length: MAX_LENGTH,
      padding_side: "right",
      clean_up_tokenization_spaces: true,
    }),
  );
  files.set("onnx/model.onnx", encoderGraph(seed, vocab));
  return files;
}
