// accuracy for labels and exact match for generated text, with the OFASys `uncased` / `no_punctuation` attributes.
import { defineMetric, referenceList, type Metric } from "./metric.js";
import { normalizeText, type TextNormalization } from "./text.js";

export type Label = string | number | boolean;

function same(output: Label, reference: Label | readonly Label[], options: TextNormalization): boolean {
  const out = normalizeText(String(output), options);
  return referenceList(reference).some((r) => normalizeText(String(r), options) === out);
}

const mean = (hits: readonly number[]): number => hits.reduce((a, b) => a + b, 0) / hits.length;

/**
 * Top-1 accuracy over labels: the fraction of outputs equal to their reference label (or to any of several
 * acceptable labels), compared as strings (trimmed, whitespace runs collapsed) as OFASys' `accuracy` compares `str(ref) == str(hyp)`. Reward: 1 or 0.
 *
 * @example
 * import { accuracy } from "omnispec/metrics";
 * accuracy(["cat", "Dog"], ["cat", "dog"]); // 0.5
 * accuracy(["cat", "Dog"], ["cat", "dog"], { uncased: true }); // 1
 * accuracy.reward("entailment", ["entailment", "neutral"]); // 1
 */
export const accuracy: Metric<Label, Label | readonly Label[], TextNormalization> = defineMetric({
  key: "accuracy",
  higherIsBetter: true,
  definition: "fraction of outputs whose string equals the reference label (any of several), as OFASys accuracy",
  corpus: (outputs, references, options) => mean(outputs.map((o, i) => (same(o, references[i], options) ? 1 : 0))),
  reward: (output, reference, options) => (same(output, reference, options) ? 1 : 0),
});

/**
 * Exact match for generated text: the fraction of outputs equal to a reference after trimming and collapsing
 * whitespace (and lower-casing / dropping punctuation with `uncased` / `noPunctuation`). Reward: 1 or 0.
 *
 * @example
 * import { exactMatch } from "omnispec/metrics";
 * exactMatch(["SELECT  name FROM t;"], ["select name from t"], { uncased: true, noPunctuation: true }); // 1
 */
export const exactMatch: Metric<string, string | readonly string[], TextNormalization> = defineMetric({
  key: "exactMatch",
  higherIsBetter: true,
  definition: "fraction of outputs equal to a reference after whitespace normalisation (string exact match)",
  corpus: (outputs, references, options) => mean(outputs.map((o, i) => (same(o, references[i], options) ? 1 : 0))),
  reward: (output, reference, options) => (same(output, reference, options) ? 1 : 0),
});
