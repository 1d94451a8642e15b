// box coordinate conventions: original-image pixels <-> what a model reads and writes.
import { OmnispecError } from "../../errors.js";
import type { BoxConvention } from "../../plan/preset.js";

export type Box = readonly [number, number, number, number];

export interface BoxFrame {
  /** the upright original image */
  original: { width: number; height: number };
  /** the image as the model sees it */
  resized: { width: number; height: number };
}

export interface BoxConventionOptions {
  convention: BoxConvention;
  /** ofa-bins: number of bins (1000) */
  bins?: number;
}

/**
 * Parses a box value: `[x0, y0, x1, y1]` or the OFASys string `"x0,y0,x1,y1"`, in original-image pixels.
 *
 * @example
 * import { parseBox } from "omnispec/modalities";
 * parseBox("10,20,110,220"); // [10, 20, 110, 220]
 */
export function parseBox(value: unknown, slot?: string): Box {
  const parts = typeof value === "string" ? value.split(",").map((s) => Number(s.trim())) : value;
  if (!Array.isArray(parts) || parts.length !== 4 || !parts.every((n) => typeof n === "number" && Number.isFinite(n))) {
    throw new OmnispecError("input/invalid", "a box is four numbers x0,y0,x1,y1", { slot, value });
  }
  const [x0, y0, x1, y1] = parts as number[];
  if (x1 < x0 || y1 < y0) {
    throw new OmnispecError("input/invalid", "a box needs x0 <= x1 and y0 <= y1", { slot, value, hint: "order the corners top-left, bottom-right" });
  }
  return [x0, y0, x1, y1];
}

/**
 * Maps a box in original pixels to the model's convention: OFA bins (0..bins-1), Qwen2-VL 0..1000 relative,
 * Qwen2.5-VL absolute pixels of the resized image.
 *
 * @example
 * import { boxToModel } from "omnispec/modalities";
 * boxToModel([0, 0, 960, 540], { original: { width: 1920, height: 1080 }, resized: { width: 1932, height: 1092 } }, { convention: "qwen2-vl-rel1000" });
 * // [0, 0, 500, 500]
 */
export function boxToModel(box: Box, frame: BoxFrame, opts: BoxConventionOptions): Box {
  const { width: W, height: H } = frame.original;
  const map = (x: number, y: number): [number, number] => {
    switch (opts.convention) {
      case "ofa-bins": {
        const top = (opts.bins ?? 1000) - 1;
        return [Math.round((x / W) * top), Math.round((y / H) * top)];
      }
      case "qwen2-vl-rel1000":
        return [Math.round((x / W) * 1000), Math.round((y / H) * 1000)];
      case "qwen2.5-vl-abs":
        return [Math.round((x * frame.resized.width) / W), Math.round((y * frame.resized.height) / H)];
    }
  };
  const [a, b] = map(box[0], box[1]);
  const [c, d] = map(box[2], box[3]);
  return [a, b, c, d];
}

/**
 * Maps a box the model wrote back to original-image pixels (the inverse of `boxToModel`, up to its rounding).
 *
 * @example
 * import { boxFromModel } from "omnispec/modalities";
 * boxFromModel([0, 0, 500, 500], { original: { width: 1920, height: 1080 }, resized: { width: 1932, height: 1092 } }, { convention: "qwen2-vl-rel1000" });
 * // [0, 0, 960, 540]
 */
export function boxFromModel(box: Box, frame: BoxFrame, opts: BoxConventionOptions): Box {
  const { width: W, height: H } = frame.original;
  const map = (x: number, y: number): [number, number] => {
    switch (opts.convention) {
      case "ofa-bins": {
        const top = (opts.bins ?? 1000) - 1;
        return [(x / top) * W, (y / top) * H];
      }
      case "qwen2-vl-rel1000":
        return [(x / 1000) * W, (y / 1000) * H];
      case "qwen2.5-vl-abs":
        return [(x * W) / frame.resized.width, (y * H) / frame.resized.height];
    }
  };
  const [a, b] = map(box[0], box[1]);
  const [c, d] = map(box[2], box[3]);
  return [a, b, c, d];
}

/** The text (or tokens) a model reads for a box in its convention. */
export function boxText(box: Box, convention: BoxConvention): string {
  switch (convention) {
    case "ofa-bins":
      return box.map((b) => `<bin_${b}>`).join("");
    case "qwen2-vl-rel1000":
      return `(${box[0]},${box[1]}),(${box[2]},${box[3]})`;
    case "qwen2.5-vl-abs":
      return `[${box[0]}, ${box[1]}, ${box[2]}, ${box[3]}]`;
  }
}
