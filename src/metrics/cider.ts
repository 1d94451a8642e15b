// CIDEr-D as pycocoevalcap's CiderD scorer: tf-idf n-gram cosine with clipping and a gaussian length penalty, x10.
import { defineMetric, referenceList, type Metric } from "./metric.js";
import { words } from "./text.js";

const ORDER = 4;
const SIGMA = 6;

/** Document frequencies of n-grams over a reference corpus (one document = one sample's references). */
export interface CiderDocumentFrequency {
  /** n-gram -> number of samples whose references contain it */
  df: ReadonlyMap<string, number>;
  /** log(number of samples) */
  logSamples: number;
}

export interface CiderOptions {
  /** `"coco"` (lower-case, punctuation dropped) or `"none"` (whitespace split of tokenised text); default "coco" */
  tokenize?: "coco" | "none";
  /** for `ciderD.reward`: document frequencies from `ciderDocumentFrequency(corpusReferences)` */
  df?: CiderDocumentFrequency;
}

type Counts = Map<string, number>;

function ngrams(tokens: readonly string[]): Counts {
  const counts: Counts = new Map();
  for (let n = 1; n <= ORDER; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      const key = tokens.slice(i, i + n).join(" ");
      counts.set(`${n}|${key}`, (counts.get(`${n}|${key}`) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Document frequencies for CIDEr-D from a corpus of references (one entry per sample), as pycocoevalcap computes
 * them in its default "corpus" mode.
 *
 * @example
 * import { ciderDocumentFrequency, ciderD } from "omnispec/metrics";
 * const df = ciderDocumentFrequency([["a dog runs"], ["a cat sleeps"]]);
 * ciderD.reward("a dog runs", "a dog runs", { df }); // 0.75
 */
export function ciderDocumentFrequency(
  references: readonly (string | readonly string[])[],
  options: Pick<CiderOptions, "tokenize"> = {},
): CiderDocumentFrequency {
  const df = new Map<string, number>();
  for (const refs of references) {
    const seen = new Set<string>();
    for (const ref of referenceList(refs)) for (const k of ngrams(words(ref, options.tokenize ?? "coco")).keys()) seen.add(k);
    for (const k of seen) df.set(k, (df.get(k) ?? 0) + 1);
  }
  return { df, logSamples: Math.log(references.length) };
}

interface Vector {
  weights: Map<string, number>[];
  norms: number[];
  /** pycocoevalcap's length: the number of bigrams (words - 1, or 0) */
  length: number;
}

function vector(counts: Counts, df: CiderDocumentFrequency | undefined): Vector {
  const weights = Array.from({ length: ORDER }, () => new Map<string, number>());
  const norms = new Array<number>(ORDER).fill(0);
  let length = 0;
  for (const [key, tf] of counts) {
    const n = Number(key.slice(0, key.indexOf("|"))) - 1;
    // without document frequencies every n-gram weighs its term frequency (uniform idf)
    const w = df ? tf * (df.logSamples - Math.log(Math.max(1, df.df.get(key) ?? 0))) : tf;
    weights[n].set(key, w);
    norms[n] += w * w;
    if (n === 1) length += tf;
  }
  return { weights, norms: norms.map(Math.sqrt), length };
}

function similarity(hyp: Vector, ref: Vector): number[] {
  const delta = hyp.length - ref.length;
  const penalty = Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
  return hyp.weights.map((h, n) => {
    let val = 0;
    for (const [key, w] of h) {
      const r = ref.weights[n].get(key) ?? 0;
      val += Math.min(w, r) * r;
    }
    if (hyp.norms[n] !== 0 && ref.norms[n] !== 0) val /= hyp.norms[n] * ref.norms[n];
    return val * penalty;
  });
}

function sampleCider(output: string, references: readonly string[], options: CiderOptions, df: CiderDocumentFrequency | undefined): number {
  const tokenize = options.tokenize ?? "coco";
  const hyp = vector(ngrams(words(output, tokenize)), df);
  const total = new Array<number>(ORDER).fill(0);
  for (const ref of references) {
    const sim = similarity(hyp, vector(ngrams(words(ref, tokenize)), df));
    for (let n = 0; n < ORDER; n++) total[n] += sim[n];
  }
  const mean = total.reduce((a, b) => a + b, 0) / ORDER;
  return (mean / references.length) * 10;
}

/**
 * CIDEr-D exactly as pycocoevalcap's `CiderD` (the scorer OFASys' `cider` metric wraps): n = 1..4, tf-idf weights with
 * document frequencies from the references of the corpus being scored, clipped cosine similarity, gaussian length
 * penalty with sigma = 6, mean over n-gram orders and references, ×10; the corpus score is the mean over samples
 * (papers print it ×100, e.g. 134.8 for 1.348). A one-sample corpus scores 0, as in pycocoevalcap: every idf is
 * log(1) − log(1) = 0 there, so score corpora, not single captions. Reward: the sample's CIDEr-D ÷ 10 (a sample scores at most 10), with
 * document frequencies from `options.df` when given, else uniform idf.
 *
 * @example
 * import { ciderD } from "omnispec/metrics";
 * ciderD(["a dog runs", "a cat runs"], [["a dog runs"], ["a cat sleeps"]]); // 5
 */
export const ciderD: Metric<string, string | readonly string[], CiderOptions> = defineMetric({
  key: "ciderD",
  higherIsBetter: true,
  definition: "CIDEr-D as pycocoevalcap: corpus df, clipped tf-idf cosine, gaussian length penalty sigma 6, x10, mean over samples",
  corpus: (outputs, references, options) => {
    const df = ciderDocumentFrequency(references, options);
    return outputs.reduce((s, o, i) => s + sampleCider(o, referenceList(references[i]), options, df), 0) / outputs.length;
  },
  reward: (output, reference, options) => sampleCider(output, referenceList(reference), options, options.df) / 10,
});
