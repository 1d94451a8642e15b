// graph pieces shared by the tiny decoders: id remapping, embeddings, position features, a KV-cached mixing layer
// stack and a language-model head that writes logits at the real vocabulary size.
import type { OnnxGraph } from "../onnx/graph.js";
import { matrix, SeededRandom } from "./random.js";

/**
 * How token ids map to rows of the small weight tables. Ids below `textSize` are the BPE tokens; the
 * `specialCount` added tokens start at `specialBase` (their real id, e.g. 151643), leaving a gap no row stands for.
 */
export interface VocabLayout {
  textSize: number;
  specialBase: number;
  specialCount: number;
  /** the logits width: the real family's `vocab_size` */
  vocabSize: number;
}

/** Sizes of the KV-cached layer stack. */
export interface LayerSizes {
  layers: number;
  hidden: number;
  kvHeads: number;
  headDim: number;
}

/** The names one layer reads its past from and writes its present to. */
export interface CacheNames {
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
}

const LARGE = 1 << 30;
/** logit bias of tokens the tiny models never emit (unprintable bytes, special tokens) */
export const SUPPRESSED = -1e4;
const GAP = -3e4;

/** int64 ids → rows of a table with `textSize + specialCount` rows */
export function remapIds(g: OnnxGraph, ids: string, layout: VocabLayout): string {
  if (layout.specialBase === layout.textSize) return ids;
  const isText = g.op("Less", [ids, g.scalar(layout.specialBase, "int64")]);
  const shifted = g.op("Sub", [ids, g.scalar(layout.specialBase - layout.textSize, "int64")]);
  return g.op("Where", [isText, ids, shifted]);
}

/** a token embedding: `[..., hidden]` from int64 ids */
export function embed(g: OnnxGraph, ids: string, layout: VocabLayout, hidden: number, seed: number, stream: string, out?: string): string {
  const rows = layout.textSize + layout.specialCount;
  const table = g.f32(`${stream}.embed_tokens`, [rows, hidden], new SeededRandom(seed, `${stream}.embed_tokens`).uniform(rows * hidden, 0.5));
  return g.op("Gather", [table, remapIds(g, ids, layout)], { axis: 0 }, out);
}

/** sinusoidal features of int64 positions `[B, S]` → `[B, S, hidden]`, with seeded frequencies */
export function positionFeatures(g: OnnxGraph, positions: string, hidden: number, seed: number, stream: string): string {
  const freqs = g.f32(`${stream}.pos_freq`, [hidden], new SeededRandom(seed, `${stream}.pos_freq`).uniform(hidden, 2));
  const phase = g.f32(`${stream}.pos_phase`, [hidden], new SeededRandom(seed, `${stream}.pos_phase`).uniform(hidden, 3));
  const p = g.op("Unsqueeze", [g.op("Cast", [positions], { to: 1 }), g.ints([-1])]);
  return g.op("Mul", [g.op("Sin", [g.op("Add", [g.op("Mul", [p, freqs]), phase])]), g.scalar(1.5)]);
}

/** multimodal rotary positions `[3, B, S]` (temporal, height, width) → `[B, S, hidden]`: each axis has its own frequencies */
export function mropeFeatures(g: OnnxGraph, positions: string, hidden: number, seed: number, stream: string): string {
  const freqs = g.f32(`${stream}.mrope_freq`, [3, 1, 1, hidden], new SeededRandom(seed, `${stream}.mrope_freq`).uniform(3 * hidden, 1));
  const phase = g.f32(`${stream}.mrope_phase`, [3, 1, 1, hidden], new SeededRandom(seed, `${stream}.mrope_phase`).uniform(3 * hidden, 3));
  const p = g.op("Unsqueeze", [g.op("Cast", [positions], { to: 1 }), g.ints([-1])]);
  const s = g.op("Sin", [g.op("Add", [g.op("Mul", [p, freqs]), phase])]);
  return g.op("ReduceSum", [s, g.ints([0])], { keepdims: 0 });
}

/** scales `[B, S, H]` by the share of unmasked positions, so padding changes the output */
export function maskScale(g: OnnxGraph, h: string, attentionMask: string): string {
  const m = g.op("ReduceMean", [g.op("Cast", [attentionMask], { to: 1 })], { axes: [1], keepdims: 1 });
  return g.op("Mul", [h, g.op("Unsqueeze", [m, g.ints([2])])]);
}

/**
 * The toy layer stack: per layer, keys and values of the new tokens are appended to the cache (the `present`
 * outputs), and every position is mixed with the (normalized) mean of the whole cache. Not attention, but each logit depends on
 * the token, its position and the full history, and the cache contract is the real one.
 */
export function cachedLayers(
  g: OnnxGraph,
  h: string,
  sizes: LayerSizes,
  seed: number,
  stream: string,
  names: (layer: number) => CacheNames,
): string {
  const kvDim = sizes.kvHeads * sizes.headDim;
  for (let i = 0; i < sizes.layers; i++) {
    const n = names(i);
    const heads = (x: string): string =>
      g.op("Transpose", [g.op("Reshape", [x, g.ints([0, 0, sizes.kvHeads, sizes.headDim])])], { perm: [0, 2, 1, 3] });
    const wk = g.f32(`${stream}.l${i}.k`, [sizes.hidden, kvDim], matrix(seed, `${stream}.l${i}.k`, sizes.hidden, kvDim));
    const wv = g.f32(`${stream}.l${i}.v`, [sizes.hidden, kvDim], matrix(seed, `${stream}.l${i}.v`, sizes.hidden, kvDim));
    const wo = g.f32(`${stream}.l${i}.o`, [kvDim, sizes.hidden], matrix(seed, `${stream}.l${i}.o`, kvDim, sizes.hidden, 2));
    const k = g.op("Concat", [n.pastKey, heads(g.op("MatMul", [h, wk]))], { axis: 2 }, n.presentKey);
    const v = g.op("Concat", [n.pastValue, heads(g.op("MatMul", [h, wv]))], { axis: 2 }, n.presentValue);
    const mixed = g.op("ReduceMean", [g.op("Add", [v, g.op("Mul", [k, g.scalar(0.5)])])], { axes: [2], keepdims: 1 });
    // normalized, so a long prompt's mean still steers the output
    const flat = rmsNorm(g, g.op("Reshape", [g.op("Transpose", [mixed], { perm: [0, 2, 1, 3] }), g.ints([0, 0, kvDim])]));
    h = g.op("Tanh", [g.op("Add", [h, g.op("MatMul", [flat, wo])])]);
  }
  return h;
}

/**
 * The cached decoder of a text model as transformers.js feeds it: `num_logits_to_keep` and `past_key_values.{i}.key|value`
 * in, `logits` and `present.{i}.key|value` out, over hidden states `h` that the caller embeds.
 */
export function kvDecoder(g: OnnxGraph, h: string, attentionMask: string, o: { sizes: LayerSizes; layout: VocabLayout; emit: number[]; seed: number; stream: string }): void {
  const { sizes, layout, seed, stream } = o;
  const kvDims = (len: string) => ["batch_size", sizes.kvHeads, len, sizes.headDim];
  const keep = g.input("num_logits_to_keep", "int64", []);
  const out = cachedLayers(g, maskScale(g, h, attentionMask), sizes, seed, stream, (i) => ({
    pastKey: g.input(`past_key_values.${i}.key`, "float32", kvDims("past_sequence_length")),
    pastValue: g.input(`past_key_values.${i}.value`, "float32", kvDims("past_sequence_length")),
    presentKey: `present.${i}.key`,
    presentValue: `present.${i}.value`,
  }));
  lmHead(g, keepLast(g, out, keep), layout, sizes.hidden, o.emit, seed, stream);
  g.output("logits", "float32", ["batch_size", "num_logits", layout.vocabSize]);
  for (let i = 0; i < sizes.layers; i++) {
    for (const kv of ["key", "value"]) g.output(`present.${i}.${kv}`, "float32", kvDims("total_sequence_length"));
  }
}

/** `x / rms(x)` over the last axis */
export function rmsNorm(g: OnnxGraph, x: string): string {
  const ms = g.op("ReduceMean", [g.op("Mul", [x, x])], { axes: [-1], keepdims: 1 });
  return g.op("Div", [x, g.op("Sqrt", [g.op("Add", [ms, g.scalar(1e-6)])])]);
}

/** keeps the last `num_logits_to_keep` positions of `[B, S, H]` (0 keeps all), as exported decoders do */
export function keepLast(g: OnnxGraph, h: string, numLogitsToKeep: string): string {
  const start = g.op("Neg", [g.op("Unsqueeze", [numLogitsToKeep, g.ints([0])])]);
  return g.op("Slice", [h, start, g.ints([LARGE]), g.ints([1])]);
}

/**
 * Logits `[B, S, vocabSize]` from hidden states `[B, S, H]`: small text and special heads, padded out to the real
 * vocabulary width. Only `emit` ids (readable text tokens) get a normal bias; every other id is suppressed.
 */
export function lmHead(
  g: OnnxGraph,
  h: string,
  layout: VocabLayout,
  hidden: number,
  emit: number[],
  seed: number,
  stream: string,
  out = "logits",
): string {
  const textBias = new Float32Array(layout.textSize).fill(SUPPRESSED);
  for (const id of emit) if (id < layout.textSize) textBias[id] = 0;
  const wt = g.f32(`${stream}.lm_head`, [hidden, layout.textSize], matrix(seed, `${stream}.lm_head`, hidden, layout.textSize, 3));
  let logits = g.op("Add", [g.op("MatMul", [h, wt]), g.f32(`${stream}.lm_bias`, [layout.textSize], textBias)]);
  if (layout.specialCount === 0) return g.op("Identity", [logits], {}, out);
  const specialBias = new Float32Array(layout.specialCount).fill(SUPPRESSED);
  for (const id of emit) if (id >= layout.specialBase) specialBias[id - layout.specialBase] = 0;
  const ws = g.f32(`${stream}.special_head`, [hidden, layout.specialCount], matrix(seed, `${stream}.special_head`, hidden, layout.specialCount, 3));
  const special = g.op("Add", [g.op("MatMul", [h, ws]), g.f32(`${stream}.special_bias`, [layout.specialCount], specialBias)]);
  const pad = (x: string, right: number): string =>
    right === 0 ? x : g.op("Pad", [x, g.ints([0, 0, 0, 0, 0, right]), g.scalar(GAP)], { mode: "constant" });
  logits = pad(logits, layout.specialBase - layout.textSize);
  const tail = layout.vocabSize - layout.specialBase - layout.specialCount;
  return g.op("Concat", [logits, pad(special, tail)], { axis: -1 }, out);
}
