// box IoU and IoU@threshold accuracy (OFASys `iou_acc`, the RefCOCO grounding metric).
import type { Box } from "../modalities/box/convention.js";
import { defineMetric, type Metric } from "./metric.js";

export interface IouOptions {
  /** IoU needed for a hit; default 0.5 */
  threshold?: number;
}

/** A box `[x0, y0, x1, y1]`, or model text holding one (`"10,20,110,220"`, `"(10,20),(110,220)"`, `"[10, 20, 110, 220]"`). */
export type BoxLike = Box | readonly number[] | string;

/**
 * Reads `[x0, y0, x1, y1]` from a box or from the first four numbers of a model's text; undefined when there are
 * not four finite numbers or the corners are out of order (an unreadable prediction scores 0).
 *
 * @example
 * import { readBox } from "omnispec/metrics";
 * readBox("<|box_start|>(12,30),(200,180)<|box_end|>"); // [12, 30, 200, 180]
 */
export function readBox(value: BoxLike): Box | undefined {
  const nums = typeof value === "string" ? (value.match(/-?\d+(?:\.\d+)?/g) ?? []).slice(0, 4).map(Number) : [...value];
  if (nums.length !== 4 || !nums.every(Number.isFinite)) return undefined;
  const [x0, y0, x1, y1] = nums;
  if (x1 < x0 || y1 < y0) return undefined;
  return [x0, y0, x1, y1];
}

/**
 * Intersection over union of two `[x0, y0, x1, y1]` boxes (continuous coordinates: area = width × height).
 *
 * @example
 * import { boxIou } from "omnispec/metrics";
 * boxIou([0, 0, 10, 10], [5, 0, 15, 10]); // 1/3
 */
export function boxIou(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

function pairIou(output: BoxLike, reference: BoxLike): number {
  const o = readBox(output);
  const r = readBox(reference);
  return o && r ? boxIou(o, r) : 0;
}

/**
 * IoU@0.5 accuracy: the fraction of predicted boxes whose IoU with the reference box is at least the threshold, as
 * OFASys' `iou_acc` scores RefCOCO-style grounding (without its 1e-6 denominator epsilon). Boxes are
 * `[x0, y0, x1, y1]` in one coordinate space; text predictions are read with `readBox`. Reward: the IoU itself
 * (continuous, so partial overlaps are rewarded), not the 0/1 hit.
 *
 * @example
 * import { iou } from "omnispec/metrics";
 * iou([[0, 0, 10, 10], "0,0,4,4"], [[0, 0, 10, 12], [0, 0, 10, 10]]); // 0.5
 * iou.reward([0, 0, 10, 10], [5, 0, 15, 10]); // 1/3
 */
export const iou: Metric<BoxLike, BoxLike, IouOptions> = defineMetric({
  key: "iou",
  higherIsBetter: true,
  definition: "IoU@threshold accuracy (default 0.5) over [x0,y0,x1,y1] boxes, as OFASys iou_acc; reward = IoU",
  corpus: (outputs, references, options) => {
    const threshold = options.threshold ?? 0.5;
    return outputs.filter((o, i) => pairIou(o, references[i]) >= threshold).length / outputs.length;
  },
  reward: (output, reference) => pairIou(output, reference),
});
