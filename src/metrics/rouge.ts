// ROUGE-L as coco-caption's Rouge scorer: LCS-based F-measure with beta 1.2, best precision and recall over references.
import { defineMetric, referenceList, type Metric } from "./metric.js";
import { words } from "./text.js";

export interface RougeOptions {
  /** recall weight of the F-measure; coco-caption uses 1.2 (set 1 for the plain F1 of `rouge-score`) */
  beta?: number;
  /** `"coco"` (lower-case, punctuation dropped) or `"none"` (whitespace split of tokenised text); default "coco" */
  tokenize?: "coco" | "none";
}

/**
 * Length of the longest common subsequence of two token lists.
 *
 * @example
 * import { lcsLength } from "omnispec/metrics";
 * lcsLength("police killed the gunman".split(" "), "police kill the gunman".split(" ")); // 3
 */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length < b.length) [a, b] = [b, a];
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

function sentenceRougeL(output: string, references: readonly string[], options: RougeOptions): number {
  const tokenize = options.tokenize ?? "coco";
  const beta = options.beta ?? 1.2;
  const cand = words(output, tokenize);
  let pMax = 0;
  let rMax = 0;
  for (const ref of references) {
    const r = words(ref, tokenize);
    const lcs = lcsLength(r, cand);
    if (cand.length > 0) pMax = Math.max(pMax, lcs / cand.length);
    if (r.length > 0) rMax = Math.max(rMax, lcs / r.length);
  }
  if (pMax === 0 || rMax === 0) return 0;
  return ((1 + beta * beta) * pMax * rMax) / (rMax + beta * beta * pMax);
}

/**
 * ROUGE-L as coco-caption (pycocoevalcap `Rouge`): per sample, the LCS precision and recall are maximised separately
 * over the references and combined as F_beta with beta = 1.2; the corpus score is the mean over samples, in [0, 1].
 * Reward: the sample's ROUGE-L.
 *
 * @example
 * import { rougeL } from "omnispec/metrics";
 * rougeL(["police kill the gunman"], ["police killed the gunman"]); // 0.75 (Lin 2004)
 */
export const rougeL: Metric<string, string | readonly string[], RougeOptions> = defineMetric({
  key: "rougeL",
  higherIsBetter: true,
  definition: "ROUGE-L as coco-caption: LCS F-measure, beta 1.2, max precision and recall over references, mean over samples",
  corpus: (outputs, references, options) =>
    outputs.reduce((s, o, i) => s + sentenceRougeL(o, referenceList(references[i]), options), 0) / outputs.length,
  reward: (output, reference, options) => sentenceRougeL(output, referenceList(reference), options),
});
