// corpus BLEU-4 as sacrebleu computes it (what OFASys' `bleu` metric calls), and sentence BLEU for rewards.
import { defineMetric, referenceList, type Metric } from "./metric.js";

export interface BleuOptions {
  /** `"13a"` (sacrebleu's default, mteval-v13a) or `"none"` for text that is already tokenised; default "13a" */
  tokenize?: "13a" | "none";
  /** `"exp"` (sacrebleu's default, NIST smoothing of zero n-gram matches) or `"none"` (Papineni / NLTK); default "exp" */
  smooth?: "exp" | "none";
  /** lower-case first (sacrebleu `lowercase`) */
  uncased?: boolean;
}

/** The sufficient statistics of corpus BLEU, and the score they give. */
export interface BleuStats {
  /** in [0, 1]; sacrebleu prints it ×100 */
  score: number;
  /** clipped n-gram matches for n = 1..4 */
  counts: number[];
  /** hypothesis n-grams for n = 1..4 */
  totals: number[];
  /** n-gram precisions in [0, 1] (after smoothing) */
  precisions: number[];
  brevityPenalty: number;
  /** hypothesis words */
  sysLen: number;
  /** closest reference lengths, summed */
  refLen: number;
}

const ORDER = 4;

/**
 * The mteval-v13a tokenisation sacrebleu applies by default: unescape a few entities, split punctuation off words,
 * split periods and commas unless between digits, split a dash after a digit.
 *
 * @example
 * import { tokenize13a } from "omnispec/metrics";
 * tokenize13a("It wasn't 3.5 km, (really)."); // "It wasn't 3.5 km , ( really ) ."
 */
export function tokenize13a(line: string): string {
  let s = line
    .split("<skipped>").join("")
    .split("-\n").join("")
    .split("\n").join(" ")
    .split("&quot;").join('"')
    .split("&amp;").join("&")
    .split("&lt;").join("<")
    .split("&gt;").join(">");
  s = ` ${s} `;
  s = s.replace(/([{-~[-` -&(-+:-@/])/g, " $1 ");
  s = s.replace(/([^0-9])([.,])/g, "$1 $2 ");
  s = s.replace(/([.,])([^0-9])/g, " $1 $2");
  s = s.replace(/([0-9])(-)/g, "$1 $2 ");
  return s.trim().split(/\s+/).filter(Boolean).join(" ");
}

function tokens(text: string, options: BleuOptions): string[] {
  let s = String(text).trimEnd();
  if (options.uncased) s = s.toLowerCase();
  if ((options.tokenize ?? "13a") === "13a") s = tokenize13a(s);
  return s.split(/\s+/).filter(Boolean);
}

function ngramCounts(words: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (let n = 1; n <= ORDER; n++) {
    for (let i = 0; i + n <= words.length; i++) {
      const key = `${n}\u0001${words.slice(i, i + n).join("\u0001")}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

// the reference length closest to the hypothesis; ties go to the shorter one
function closestLength(hypLen: number, refLens: readonly number[]): number {
  let best = refLens[0];
  for (const r of refLens) {
    const d = Math.abs(hypLen - r);
    const bd = Math.abs(hypLen - best);
    if (d < bd || (d === bd && r < best)) best = r;
  }
  return best;
}

interface Segment {
  counts: number[];
  totals: number[];
  sysLen: number;
  refLen: number;
}

function segmentStats(output: string, references: readonly string[], options: BleuOptions): Segment {
  const hyp = tokens(output, options);
  const maxRef = new Map<string, number>();
  const refLens: number[] = [];
  for (const ref of references) {
    const words = tokens(ref, options);
    refLens.push(words.length);
    for (const [k, c] of ngramCounts(words)) if (c > (maxRef.get(k) ?? 0)) maxRef.set(k, c);
  }
  const counts = new Array<number>(ORDER).fill(0);
  const totals = new Array<number>(ORDER).fill(0);
  for (let n = 1; n <= ORDER; n++) totals[n - 1] = Math.max(0, hyp.length - n + 1);
  for (const [k, c] of ngramCounts(hyp)) {
    const n = Number(k.slice(0, k.indexOf("\u0001")));
    counts[n - 1] += Math.min(c, maxRef.get(k) ?? 0);
  }
  return { counts, totals, sysLen: hyp.length, refLen: refLens.length > 0 ? closestLength(hyp.length, refLens) : 0 };
}

const LOG_ZERO = -9999999999;

function fromStats(s: Segment, smooth: "exp" | "none", effectiveOrder: boolean): BleuStats {
  const bp = s.sysLen < s.refLen ? (s.sysLen > 0 ? Math.exp(1 - s.refLen / s.sysLen) : 0) : 1;
  const precisions = new Array<number>(ORDER).fill(0);
  const base = { counts: s.counts, totals: s.totals, brevityPenalty: bp, sysLen: s.sysLen, refLen: s.refLen };
  if (!s.counts.some((c) => c > 0)) return { score: 0, precisions, ...base };
  let smoothing = 1;
  let order = ORDER;
  for (let n = 1; n <= ORDER; n++) {
    if (s.totals[n - 1] === 0) break;
    if (effectiveOrder) order = n;
    if (s.counts[n - 1] === 0) {
      if (smooth === "exp") {
        smoothing *= 2;
        precisions[n - 1] = 1 / (smoothing * s.totals[n - 1]);
      }
    } else {
      precisions[n - 1] = s.counts[n - 1] / s.totals[n - 1];
    }
  }
  let logSum = 0;
  for (let n = 0; n < order; n++) logSum += precisions[n] > 0 ? Math.log(precisions[n]) : LOG_ZERO;
  return { score: bp * Math.exp(logSum / order), precisions, ...base };
}

/**
 * Corpus BLEU-4 with its breakdown (n-gram counts, precisions, brevity penalty, lengths), as sacrebleu's
 * `corpus_bleu` reports them (score in [0, 1] here, ×100 there).
 *
 * @example
 * import { bleuStats } from "omnispec/metrics";
 * const s = bleuStats(["the the the the the the the"], [["the cat is on the mat", "there is a cat on the mat"]], { tokenize: "none" });
 * s.counts[0] / s.totals[0]; // 2/7, the modified unigram precision of Papineni et al. (2002)
 */
export function bleuStats(
  outputs: readonly string[],
  references: readonly (string | readonly string[])[],
  options: BleuOptions = {},
): BleuStats {
  const sum: Segment = { counts: new Array<number>(ORDER).fill(0), totals: new Array<number>(ORDER).fill(0), sysLen: 0, refLen: 0 };
  outputs.forEach((o, i) => {
    const seg = segmentStats(o, referenceList(references[i]), options);
    for (let n = 0; n < ORDER; n++) {
      sum.counts[n] += seg.counts[n];
      sum.totals[n] += seg.totals[n];
    }
    sum.sysLen += seg.sysLen;
    sum.refLen += seg.refLen;
  });
  return fromStats(sum, options.smooth ?? "exp", false);
}

/**
 * Corpus-level BLEU-4 in [0, 1], exactly as sacrebleu's `corpus_bleu` (13a tokenisation, closest reference length
 * for the brevity penalty, "exp" smoothing), which is what OFASys' `bleu` metric reports (÷100). With
 * `{ tokenize: "none", smooth: "none" }` it is Papineni's BLEU as NLTK's `corpus_bleu` computes it. Clipped n-gram
 * counts and lengths are summed over the corpus before the geometric mean (not an average of sentence scores).
 * Reward: sentence BLEU as sacrebleu's `sentence_bleu` (exp smoothing, effective order).
 *
 * @example
 * import { bleu } from "omnispec/metrics";
 * bleu(["The dog bit the man."], [["The dog bit the man.", "The dog had bit the man."]]); // 1
 */
export const bleu: Metric<string, string | readonly string[], BleuOptions> = defineMetric({
  key: "bleu",
  higherIsBetter: true,
  definition: "corpus BLEU-4 as sacrebleu corpus_bleu (13a tokens, closest-ref brevity penalty, exp smoothing), in [0, 1]",
  corpus: (outputs, references, options) => bleuStats(outputs, references, options).score,
  reward: (output, reference, options) =>
    fromStats(segmentStats(output, referenceList(reference), options), options.smooth ?? "exp", true).score,
});
