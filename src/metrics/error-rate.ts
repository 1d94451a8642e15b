// word and character error rates: Levenshtein distance over words or characters, summed over the corpus.
import { defineMetric, type Metric } from "./metric.js";

export interface ErrorRateOptions {
  /** lower-case, drop punctuation (apostrophes inside words stay) and collapse whitespace first; default false */
  normalize?: boolean;
}

/**
 * Minimum number of substitutions, deletions and insertions turning `reference` into `hypothesis`.
 *
 * @example
 * import { levenshtein } from "omnispec/metrics";
 * levenshtein([..."kitten"], [..."sitting"]); // 3
 */
export function levenshtein<T>(reference: readonly T[], hypothesis: readonly T[]): number {
  const m = hypothesis.length;
  let prev = new Uint32Array(m + 1);
  let cur = new Uint32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= reference.length; i++) {
    cur[0] = i;
    const r = reference[i - 1];
    for (let j = 1; j <= m; j++) {
      const sub = prev[j - 1] + (r === hypothesis[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j] + 1, cur[j - 1] + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m];
}

/**
 * The simple ASR normaliser behind `{ normalize: true }`: lower-case, punctuation and symbols to spaces (apostrophes
 * inside words kept), whitespace collapsed.
 *
 * @example
 * import { normalizeTranscript } from "omnispec/metrics";
 * normalizeTranscript("Hello, World! It's  me."); // "hello world it's me"
 */
export function normalizeTranscript(text: string): string {
  return String(text)
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/(?<![\p{L}\p{N}])'|'(?![\p{L}\p{N}])/gu, " ")
    .replace(/[^\p{L}\p{N}\p{M}'\s]/gu, " ")
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

const prepare = (text: string, options: ErrorRateOptions): string => (options.normalize ? normalizeTranscript(text) : String(text).trim());
const wordsOf = (text: string): string[] => text.split(/\s+/).filter(Boolean);
const charsOf = (text: string): string[] => Array.from(text);

function corpusRate(
  outputs: readonly string[],
  references: readonly string[],
  options: ErrorRateOptions,
  split: (text: string) => string[],
): number {
  let edits = 0;
  let length = 0;
  outputs.forEach((o, i) => {
    const ref = split(prepare(references[i], options));
    edits += levenshtein(ref, split(prepare(o, options)));
    length += ref.length;
  });
  // an empty reference corpus: 0 when the outputs are empty too, else every output token is an error
  return length > 0 ? edits / length : edits > 0 ? 1 : 0;
}

/**
 * Corpus word error rate: total word-level edit distance ÷ total reference words (as OFASys' `wer`, jiwer and
 * sclite compute it; lower is better, can exceed 1). Words are whitespace-separated; `{ normalize: true }` applies
 * `normalizeTranscript` to both sides. Reward: max(0, 1 − the sample's WER).
 *
 * @example
 * import { wer } from "omnispec/metrics";
 * wer(["the cat sat on mat"], ["the cat sat on the mat"]); // 1/6
 */
export const wer: Metric<string, string, ErrorRateOptions> = defineMetric({
  key: "wer",
  higherIsBetter: false,
  definition: "word error rate: sum of word Levenshtein distances / sum of reference words",
  corpus: (outputs, references, options) => corpusRate(outputs, references, options, wordsOf),
  reward: (output, reference, options) => 1 - corpusRate([output], [reference], options, wordsOf),
});

/**
 * Corpus character error rate: total character-level edit distance ÷ total reference characters (Unicode code
 * points; spaces count, as in jiwer and OFASys' character-level `wer`). Reward: max(0, 1 − the sample's CER).
 *
 * @example
 * import { cer } from "omnispec/metrics";
 * cer(["sitting"], ["kitten"]); // 0.5
 */
export const cer: Metric<string, string, ErrorRateOptions> = defineMetric({
  key: "cer",
  higherIsBetter: false,
  definition: "character error rate: sum of character Levenshtein distances / sum of reference characters",
  corpus: (outputs, references, options) => corpusRate(outputs, references, options, charsOf),
  reward: (output, reference, options) => 1 - corpusRate([output], [reference], options, charsOf),
});
