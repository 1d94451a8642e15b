// omnispec/metrics: the field's corpus metrics, each also a per-sample reward in [0, 1].
import { accuracy, exactMatch } from "./accuracy.js";
import { bleu } from "./bleu.js";
import { ciderD } from "./cider.js";
import { cer, wer } from "./error-rate.js";
import { iou } from "./iou.js";
import type { MetricKey } from "./metric.js";
import { rougeL } from "./rouge.js";
import { vqaScore } from "./vqa.js";

export { accuracy, exactMatch, type Label } from "./accuracy.js";
export { bleu, bleuStats, tokenize13a, type BleuOptions, type BleuStats } from "./bleu.js";
export { ciderD, ciderDocumentFrequency, type CiderDocumentFrequency, type CiderOptions } from "./cider.js";
export { cer, levenshtein, normalizeTranscript, wer, type ErrorRateOptions } from "./error-rate.js";
export { boxIou, iou, readBox, type BoxLike, type IouOptions } from "./iou.js";
export type { Metric, MetricKey } from "./metric.js";
export { lcsLength, rougeL, type RougeOptions } from "./rouge.js";
export { cocoTokenize, normalizeText, type TextNormalization } from "./text.js";
export { normalizeVqaAnswer, vqaScore, type VqaReference } from "./vqa.js";

/**
 * Every metric by its key, for presets that name their metric.
 *
 * @example
 * import { metrics } from "omnispec/metrics";
 * metrics.wer.reward("the cat", "the cat sat"); // 2/3
 */
export const metrics = { accuracy, exactMatch, vqaScore, bleu, rougeL, ciderD, iou, wer, cer } as const satisfies Record<MetricKey, unknown>;
