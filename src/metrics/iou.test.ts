import { describe, expect, it } from "vitest";
import { boxIou, iou, readBox } from "./iou.js";

describe("iou", () => {
  it("computes intersection over union by hand", () => {
    // overlap 5x10 = 50, union 100 + 100 - 50 = 150
    expect(boxIou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(1 / 3, 12);
    // nested: 16 / 100
    expect(boxIou([0, 0, 10, 10], [2, 2, 6, 6])).toBeCloseTo(0.16, 12);
    expect(boxIou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
    expect(boxIou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
  });

  it("counts hits at IoU >= 0.5 (inclusive), or another threshold", () => {
    // [0,0,10,10] vs [0,0,10,20]: 100/200 = 0.5 exactly -> hit
    const outputs = [[0, 0, 10, 10], [0, 0, 10, 10], "0,0,4,4"] as const;
    const refs = [[0, 0, 10, 20], [5, 0, 15, 10], [0, 0, 10, 10]] as const;
    expect(iou(outputs, refs)).toBeCloseTo(1 / 3, 12);
    expect(iou(outputs, refs, { threshold: 0.3 })).toBeCloseTo(2 / 3, 12);
  });

  it("reads boxes from model text, and scores unreadable ones 0", () => {
    expect(readBox("<|box_start|>(12,30),(200,180)<|box_end|>")).toEqual([12, 30, 200, 180]);
    expect(readBox("[1.5, 2, 3, 4.25]")).toEqual([1.5, 2, 3, 4.25]);
    expect(readBox("no box here")).toBeUndefined();
    expect(readBox([10, 10, 0, 0])).toBeUndefined();
    expect(iou.reward("I cannot see it", [0, 0, 1, 1])).toBe(0);
    expect(iou.reward("0,0,10,10", [5, 0, 15, 10])).toBeCloseTo(1 / 3, 12);
  });
});
