import { describe, expect, it } from "vitest";
import { cer, levenshtein, normalizeTranscript, wer } from "./error-rate.js";

describe("wer and cer", () => {
  it("reproduces Jurafsky & Martin's alignment: 6 substitutions, 3 insertions, 1 deletion over 13 words = 76.9%", () => {
    // Speech and Language Processing (3rd ed. draft), section 16.5 "ASR evaluation: word error rate"
    const ref = "i um the phone is i left the portable phone upstairs last night";
    const hyp = "i got it to the fullest i love to portable form of stores last night";
    expect(levenshtein(ref.split(" "), hyp.split(" "))).toBe(10);
    expect(wer([hyp], [ref])).toBeCloseTo(10 / 13, 12);
  });

  it("computes the textbook kitten -> sitting edit distance as CER", () => {
    expect(levenshtein([..."kitten"], [..."sitting"])).toBe(3);
    expect(cer(["sitting"], ["kitten"])).toBeCloseTo(0.5, 12);
    // spaces are characters: "ab" vs "a b" is one insertion over 2 characters
    expect(cer(["a b"], ["ab"])).toBeCloseTo(0.5, 12);
  });

  it("sums edits and reference lengths over the corpus", () => {
    // 1 edit / 6 words + 2 edits / 2 words = 3 / 8 (not the mean of 1/6 and 1)
    expect(wer(["the cat sat on mat", "x y"], ["the cat sat on the mat", "hello world"])).toBeCloseTo(3 / 8, 12);
  });

  it("normalises on request", () => {
    expect(normalizeTranscript("Hello, World! It's  'me'.")).toBe("hello world it's me");
    expect(wer(["Hello, world!"], ["hello world"])).toBe(1);
    expect(wer(["Hello, world!"], ["hello world"], { normalize: true })).toBe(0);
  });

  it("rewards max(0, 1 - rate)", () => {
    expect(wer.reward("the cat sat on mat", "the cat sat on the mat")).toBeCloseTo(5 / 6, 12);
    expect(wer.reward("a b c d e f g", "x")).toBe(0);
    expect(cer.reward("", "")).toBe(1);
  });
});
