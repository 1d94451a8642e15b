// the decode loop every generative route shares: a KV-cached step function, greedy or seeded sampling, streaming,
// per-token statistics, and constrained scoring of a closed set of continuations.
import { Tensor } from "@huggingface/transformers";
import type { PreTrainedTokenizer } from "@huggingface/transformers";
import { chooseToken, logitStats, seededRandom, type GenerationOptions, type TokenStat } from "./sampling.js";

/** transformers.js tensors as the runtime reads them */
export interface RawTensor {
  data: ArrayLike<number | bigint> & { subarray?: (a: number, b: number) => ArrayLike<number> };
  dims: number[];
}

/** One model call over new tokens: returns the logits of the last `keep` positions, `[keep, vocab]` row-major. */
export interface StepResult {
  logits: Float32Array;
  vocab: number;
  past: Record<string, unknown>;
}

/** A model-specific forward over new token ids, continuing from `past` (empty on the first call). */
export type StepFn = (ids: readonly number[], past: Record<string, unknown> | undefined, pastLength: number, keep: number) => Promise<StepResult>;

/** A decoder positioned after some tokens: holds the cache and the logits for the next token. */
export interface DecoderState {
  past: Record<string, unknown>;
  length: number;
  /** logits of the next token */
  next: Float32Array;
}

/** The last rows of a model's logits output (`[1, n, V]`) as one Float32Array of `keep` rows. */
export function lastRows(logits: RawTensor, keep: number): { rows: Float32Array; vocab: number } {
  const vocab = logits.dims[logits.dims.length - 1];
  const n = logits.dims[logits.dims.length - 2];
  const data = logits.data as Float32Array;
  return { rows: data.subarray((n - keep) * vocab, n * vocab), vocab };
}

/**
 * Renames a decoder's `present.*` outputs to the `past_key_values.*` inputs of the next call. Encoder-side entries
 * (Whisper's cross-attention cache) are computed once and kept.
 */
export function nextPast(outputs: Record<string, unknown>, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const past: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(outputs)) {
    if (!name.startsWith("present")) continue;
    const key = name.replace("present", "past_key_values");
    past[key] = key.includes("encoder") && previous?.[key] !== undefined ? previous[key] : value;
  }
  return past;
}

/** `int64` tensor helpers */
export function int64(values: readonly number[], dims: number[]): Tensor {
  return new Tensor("int64", BigInt64Array.from(values, (v) => BigInt(v)), dims);
}

/** Runs the prompt through the model once. */
export async function prefill(step: StepFn, ids: readonly number[]): Promise<DecoderState> {
  const r = await step(ids, undefined, 0, 1);
  return { past: r.past, length: ids.length, next: r.logits.slice(0, r.vocab) };
}

/** Feeds tokens after a state (the state itself is unchanged, so it can be reused for several continuations). */
export async function advance(step: StepFn, state: DecoderState, ids: readonly number[], keep = 1): Promise<{ state: DecoderState; rows: Float32Array; vocab: number }> {
  const r = await step(ids, state.past, state.length, keep);
  const last = r.logits.slice((keep - 1) * r.vocab, keep * r.vocab);
  return { state: { past: r.past, length: state.length + ids.length, next: last }, rows: r.logits, vocab: r.vocab };
}

export interface GenerateOptions {
  generation?: GenerationOptions;
  eos: ReadonlySet<number>;
  tokenizer: PreTrainedTokenizer;
  stream?: (text: string) => void;
  /** ids that are never emitted (Whisper's suppress_tokens) */
  suppress?: readonly number[];
  /** ids masked on the first step only */
  suppressFirst?: readonly number[];
  /** restrict the next token: return the allowed ids, or undefined for no restriction */
  allowed?: (generated: readonly number[]) => readonly number[] | undefined;
  /** stop when the generated text is complete by the caller's rule */
  done?: (generated: readonly number[]) => boolean;
}

export interface Generated {
  ids: number[];
  text: string;
  stats: TokenStat[];
  stoppedBy: "eos" | "length" | "done";
}

function mask(logits: Float32Array, allowed: readonly number[] | undefined, suppress: readonly number[]): Float32Array {
  if (!allowed && suppress.length === 0) return logits;
  if (allowed) {
    const out = new Float32Array(logits.length).fill(-Infinity);
    for (const id of allowed) out[id] = logits[id];
    return out;
  }
  const out = logits.slice();
  for (const id of suppress) out[id] = -Infinity;
  return out;
}

/**
 * Generates from a prefilled state until an end token, `maxNewTokens`, or the caller's `done` rule. The same seed
 * gives the same tokens; statistics describe the model's untempered distribution before any restriction.
 */
export async function generate(step: StepFn, start: DecoderState, options: GenerateOptions): Promise<Generated> {
  const g = options.generation ?? {};
  const max = g.maxNewTokens ?? 32;
  const random = seededRandom(g.seed ?? 0);
  const ids: number[] = [];
  const stats: TokenStat[] = [];
  let state = start;
  let shown = "";
  let stoppedBy: Generated["stoppedBy"] = "length";
  for (let i = 0; i < max; i++) {
    const suppress = i === 0 ? [...(options.suppress ?? []), ...(options.suppressFirst ?? [])] : (options.suppress ?? []);
    const allowed = options.allowed?.(ids);
    const logits = mask(state.next, allowed, suppress);
    const pick = chooseToken(logits, g, random);
    // statistics of the model itself, not of the masked distribution
    const raw = logits === state.next ? pick : { ...pick, ...rawStats(state.next, pick.id) };
    if (options.eos.has(pick.id)) {
      stoppedBy = "eos";
      break;
    }
    ids.push(pick.id);
    stats.push({ id: pick.id, text: options.tokenizer.decode([pick.id]), logprob: raw.logprob, entropy: raw.entropy });
    if (options.stream) {
      const text = options.tokenizer.decode(ids, { skip_special_tokens: true });
      if (!text.endsWith("\uFFFD") && text.startsWith(shown) && text.length > shown.length) {
        options.stream(text.slice(shown.length));
        shown = text;
      }
    }
    if (options.done?.(ids)) {
      stoppedBy = "done";
      break;
    }
    if (i + 1 < max) state = (await advance(step, state, [pick.id])).state;
  }
  const text = options.tokenizer.decode(ids, { skip_special_tokens: true });
  if (options.stream && text.length > shown.length && text.startsWith(shown)) options.stream(text.slice(shown.length));
  return { ids, text, stats, stoppedBy };
}

function rawStats(logits: Float32Array, id: number): { logprob: number; entropy: number } {
  const s = logitStats(logits);
  return { logprob: logits[id] - s.logZ, entropy: s.entropy };
}

/**
 * The summed log-probability of each continuation after a state: the constrained way to pick one of a closed set
 * (CATEGORY choices) instead of generating freely.
 */
export async function scoreContinuations(step: StepFn, state: DecoderState, continuations: readonly (readonly number[])[]): Promise<number[]> {
  const first = logitStats(state.next);
  const scores: number[] = [];
  for (const ids of continuations) {
    let total = state.next[ids[0]] - first.logZ;
    if (ids.length > 1) {
      const { rows, vocab } = await advance(step, state, ids.slice(0, -1), ids.length - 1);
      for (let j = 1; j < ids.length; j++) {
        const row = rows.subarray((j - 1) * vocab, j * vocab);
        total += row[ids[j]] - logitStats(row).logZ;
      }
    }
    scores.push(total);
  }
  return scores;
}
