// the shape every metric shares: a corpus-level scorer that is also a per-sample reward in [0, 1].
import { OmnispecError } from "../errors.js";

export type MetricKey = "accuracy" | "exactMatch" | "vqaScore" | "bleu" | "rougeL" | "ciderD" | "iou" | "wer" | "cer";

/**
 * A metric: call it on a corpus (`metric(outputs, references, options)`) for the field's corpus-level score, or call
 * `metric.reward(output, reference, options)` for one sample's reward in [0, 1] (RL verifiers, best-of-n ranking).
 */
export interface Metric<Output, Reference, Options extends object = Record<never, never>> {
  (outputs: readonly Output[], references: readonly Reference[], options?: Options): number;
  /** the key presets name the metric by */
  readonly key: MetricKey;
  /** false for error rates (WER, CER) */
  readonly higherIsBetter: boolean;
  /** which definition this is, in one sentence */
  readonly definition: string;
  reward(output: Output, reference: Reference, options?: Options): number;
}

interface MetricParts<Output, Reference, Options extends object> {
  key: MetricKey;
  higherIsBetter: boolean;
  definition: string;
  corpus: (outputs: readonly Output[], references: readonly Reference[], options: Options) => number;
  reward: (output: Output, reference: Reference, options: Options) => number;
}

/** Builds a metric from its corpus scorer and its reward; checks the pairing of outputs and references once. */
export function defineMetric<Output, Reference, Options extends object>(
  parts: MetricParts<Output, Reference, Options>,
): Metric<Output, Reference, Options> {
  const score = (outputs: readonly Output[], references: readonly Reference[], options?: Options): number => {
    checkCorpus(parts.key, outputs, references);
    return parts.corpus(outputs, references, options ?? ({} as Options));
  };
  const reward = (output: Output, reference: Reference, options?: Options): number => {
    const r = parts.reward(output, reference, options ?? ({} as Options));
    return Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
  };
  return Object.assign(score, { key: parts.key, higherIsBetter: parts.higherIsBetter, definition: parts.definition, reward });
}

function checkCorpus(key: MetricKey, outputs: readonly unknown[], references: readonly unknown[]): void {
  if (!Array.isArray(outputs) || !Array.isArray(references)) {
    throw new OmnispecError("input/invalid", `${key}: outputs and references must be arrays`, {
      hint: `call ${key}(outputs, references) with one reference entry per output; for one sample use ${key}.reward(output, reference)`,
    });
  }
  if (outputs.length !== references.length) {
    throw new OmnispecError("input/invalid", `${key}: ${outputs.length} outputs but ${references.length} references`, {
      value: { outputs: outputs.length, references: references.length },
      hint: "pass one reference entry (a string, or an array of acceptable references) per output, in the same order",
    });
  }
  if (outputs.length === 0) {
    throw new OmnispecError("input/missing", `${key}: no samples to score`, { hint: "pass at least one output and its reference" });
  }
}

/** One reference or several acceptable ones, as a list. */
export function referenceList<T>(reference: T | readonly T[]): readonly T[] {
  return Array.isArray(reference) ? (reference as readonly T[]) : [reference as T];
}
