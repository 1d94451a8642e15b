import { describe, expect, it } from "vitest";
import { accuracy, exactMatch } from "./accuracy.js";
import { metrics } from "./index.js";
import { normalizeText } from "./text.js";

describe("accuracy and exactMatch", () => {
  it("compares labels as strings, with uncased and noPunctuation", () => {
    expect(accuracy(["cat", "Dog", "bird"], ["cat", "dog", "fish"])).toBeCloseTo(1 / 3, 12);
    expect(accuracy(["cat", "Dog", "bird"], ["cat", "dog", "fish"], { uncased: true })).toBeCloseTo(2 / 3, 12);
    expect(accuracy([1, true], ["1", "true"])).toBe(1);
    expect(accuracy.reward("positive.", "positive")).toBe(0);
    expect(accuracy.reward("positive.", "positive", { noPunctuation: true })).toBe(1);
  });

  it("accepts any of several references", () => {
    expect(exactMatch(["a red car", "blue"], [["a red car", "red car"], ["green"]])).toBe(0.5);
    expect(exactMatch.reward("  a   red car ", "a red car")).toBe(1);
  });

  it("normalises whitespace, case and punctuation as documented", () => {
    expect(normalizeText("  A red,  Car! ", { uncased: true, noPunctuation: true })).toBe("a red car");
    expect(normalizeText("A red, Car!")).toBe("A red, Car!");
  });

  it("lists every metric by key with a reward in [0, 1]", () => {
    expect(Object.keys(metrics).sort()).toEqual(["accuracy", "bleu", "cer", "ciderD", "exactMatch", "iou", "rougeL", "vqaScore", "wer"]);
    for (const [key, m] of Object.entries(metrics)) expect(m.key).toBe(key);
    expect(metrics.wer.higherIsBetter).toBe(false);
    expect(metrics.wer.reward("a b c d e", "x")).toBe(0);
  });

  it("refuses an empty corpus", () => {
    expect(() => accuracy([], [])).toThrow(/no samples/);
  });
});
