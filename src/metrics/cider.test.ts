import { describe, expect, it } from "vitest";
import { ciderD, ciderDocumentFrequency } from "./cider.js";

/*
 * hand-computed corpus (w = log 2 is the idf of an n-gram in exactly one of the two samples' references):
 *   sample 1: hyp "a dog runs"  refs ["a dog runs"]
 *   sample 2: hyp "a cat runs"  refs ["a cat sleeps"]
 * df: "a" in both samples -> idf log2 - log2 = 0; every other ref n-gram df 1 -> idf w; unseen n-grams df 0 -> max(1, 0)
 * -> idf w as well.
 *   sample 1: n = 1..3 vectors identical -> cosine 1; no 4-grams -> 0; same length -> penalty 1: 10 * (1+1+1+0)/4 = 7.5
 *   sample 2: n=1 hyp {a:0, cat:w, runs:w} ref {a:0, cat:w, sleeps:w}: w^2 / (sqrt2 w)^2 = 1/2
 *             n=2 hyp {a cat:w, cat runs:w} ref {a cat:w, cat sleeps:w}: 1/2; n=3 no overlap: 0; n=4: 0
 *             10 * (1/2 + 1/2 + 0 + 0)/4 = 2.5
 *   corpus CIDEr-D = (7.5 + 2.5) / 2 = 5
 */
describe("ciderD", () => {
  it("matches the hand-computed two-sample corpus", () => {
    expect(ciderD(["a dog runs", "a cat runs"], [["a dog runs"], ["a cat sleeps"]])).toBeCloseTo(5, 12);
  });

  it("applies the gaussian length penalty (sigma 6) and clipping", () => {
    /*
     * sample 1: hyp "a dog runs" vs ref "a dog runs fast" (length delta -1 -> penalty exp(-1/72))
     *   n=1: 2w^2 / (sqrt2 w * sqrt3 w) = 2/sqrt6; n=2: 2/sqrt6; n=3: w^2/(w * sqrt2 w) = 1/sqrt2; n=4: 0
     * sample 2: identical 3-word caption: 7.5
     */
    const s1 = (10 * Math.exp(-1 / 72) * (2 / Math.sqrt(6) + 2 / Math.sqrt(6) + 1 / Math.SQRT2)) / 4;
    expect(ciderD(["a dog runs", "a cat sleeps"], [["a dog runs fast"], ["a cat sleeps"]])).toBeCloseTo((s1 + 7.5) / 2, 12);
    // clipping: repeating a matched word cannot raise its weight above the reference's
    const once = ciderD(["a dog runs", "a cat sleeps"], [["a dog runs"], ["a cat sleeps"]]);
    const twice = ciderD(["a dog dog runs", "a cat sleeps"], [["a dog runs"], ["a cat sleeps"]]);
    expect(twice).toBeLessThan(once);
  });

  it("averages over references and lower-cases / drops punctuation with the coco tokeniser", () => {
    const two = ciderD(["a dog runs", "a cat runs"], [["a dog runs", "A dog runs."], ["a cat sleeps", "a cat sleeps"]]);
    expect(two).toBeCloseTo(5, 12);
  });

  it("scores a one-sample corpus 0, as pycocoevalcap does (every idf is log 1 - log 1 = 0)", () => {
    expect(ciderD(["a dog runs"], [["a dog runs"]])).toBe(0);
  });

  it("builds document frequency from the references of the scored corpus only", () => {
    const df = ciderDocumentFrequency([["a dog runs"], ["a cat sleeps"]]);
    expect(df.df.get("1|a")).toBe(2);
    expect(df.df.get("1|dog")).toBe(1);
    expect(df.logSamples).toBeCloseTo(Math.log(2), 12);
  });

  it("rewards per sample in [0, 1]: /10, with corpus df when given, else uniform idf", () => {
    const df = ciderDocumentFrequency([["a dog runs"], ["a cat sleeps"]]);
    expect(ciderD.reward("a dog runs", "a dog runs", { df })).toBeCloseTo(0.75, 12);
    expect(ciderD.reward("a cat runs", "a cat sleeps", { df })).toBeCloseTo(0.25, 12);
    // uniform idf: n=1 2/3, n=2 1/2, n=3 0 -> (2/3 + 1/2) / 4
    expect(ciderD.reward("a cat runs", "a cat sleeps")).toBeCloseTo((2 / 3 + 1 / 2) / 4, 12);
    expect(ciderD.reward("zebra", "a cat sleeps")).toBe(0);
  });
});
