import { describe, expect, it } from "vitest";
import { lcsLength, rougeL } from "./rouge.js";

// Lin (2004), "ROUGE: A Package for Automatic Evaluation of Summaries", section 3.1: reference S1 and candidates S2, S3
const S1 = "police killed the gunman";
const S2 = "police kill the gunman";
const S3 = "the gunman kill police";

describe("rougeL", () => {
  it("reproduces Lin 2004's example: S2 scores 3/4, S3 scores 1/2", () => {
    expect(lcsLength(S1.split(" "), S2.split(" "))).toBe(3);
    expect(lcsLength(S1.split(" "), S3.split(" "))).toBe(2);
    expect(rougeL.reward(S2, S1)).toBeCloseTo(0.75, 12);
    expect(rougeL.reward(S3, S1)).toBeCloseTo(0.5, 12);
    expect(rougeL([S2, S3], [S1, S1])).toBeCloseTo(0.625, 12);
  });

  it("weights recall with beta 1.2 as coco-caption: P = 1, R = 1/2 gives 2.44 / 3.88", () => {
    // candidate "a b" vs reference "a b c d": lcs 2, P = 1, R = 0.5, F = (1 + 1.44) * 0.5 / (0.5 + 1.44)
    expect(rougeL.reward("a b", "a b c d")).toBeCloseTo((2.44 * 0.5) / (0.5 + 1.44), 12);
    expect(rougeL.reward("a b", "a b c d", { beta: 1 })).toBeCloseTo(2 / 3, 12);
  });

  it("takes precision and recall maxima over references separately", () => {
    // ref1 gives P = 1 (lcs 2 of 2), ref2 gives R = 1 (lcs 1 of 1): F = 1
    expect(rougeL.reward("a b", ["a x b y", "b"])).toBeCloseTo(1, 12);
  });

  it("lower-cases and drops punctuation with the coco tokeniser, keeps them with tokenize none", () => {
    expect(rougeL.reward("Police kill the gunman.", S1)).toBeCloseTo(0.75, 12);
    expect(rougeL.reward("Police kill the gunman.", S1, { tokenize: "none" })).toBeCloseTo(0.25, 12);
  });
});

describe("cocoTokenize", () => {
  it("lower-cases, splits clitics and drops punctuation as coco-caption's PTB tokenisation leaves captions", async () => {
    const { cocoTokenize } = await import("./text.js");
    expect(cocoTokenize("A man's dog, running.")).toEqual(["a", "man", "'s", "dog", "running"]);
    expect(cocoTokenize("Don't  stop — \"now\"!")).toEqual(["do", "n't", "stop", "now"]);
  });
});
