import { describe, expect, it } from "vitest";
import { normalizeVqaAnswer, vqaProcessPunctuation, vqaScore } from "./vqa.js";

const humans = (answer: string, k: number, other = "no"): string[] => [...Array<string>(k).fill(answer), ...Array<string>(10 - k).fill(other)];

describe("vqaScore", () => {
  it("scores min(#humans/3, 1) averaged over the 10 leave-one-out subsets: 0.3, 0.6, 0.9, 1 for 1..4 matches", () => {
    // k matches of 10: (k * min((k-1)/3, 1) + (10-k) * min(k/3, 1)) / 10
    expect(vqaScore.reward("yes", humans("yes", 0))).toBe(0);
    expect(vqaScore.reward("yes", humans("yes", 1))).toBeCloseTo(0.3, 12);
    expect(vqaScore.reward("yes", humans("yes", 2))).toBeCloseTo(0.6, 12);
    expect(vqaScore.reward("yes", humans("yes", 3))).toBeCloseTo(0.9, 12);
    expect(vqaScore.reward("yes", humans("yes", 4))).toBe(1);
    expect(vqaScore(["yes", "yes"], [humans("yes", 10), humans("yes", 1)])).toBeCloseTo(0.65, 12);
  });

  it("applies the official answer processing", () => {
    expect(normalizeVqaAnswer("Two dogs.")).toBe("2 dogs");
    expect(normalizeVqaAnswer("The  Dog\n")).toBe("dog");
    expect(normalizeVqaAnswer("none")).toBe("0");
    // contractions restored with the table's curly apostrophe
    expect(normalizeVqaAnswer("dont")).toBe("don’t");
    // a digit,digit comma anywhere: every listed punctuation mark is deleted, not spaced
    expect(normalizeVqaAnswer("2,000")).toBe("2000");
    // a mark next to a space is deleted; a mark inside a word becomes a space
    expect(vqaProcessPunctuation("hello, world")).toBe("hello world");
    expect(vqaProcessPunctuation("black/white")).toBe("black white");
    // periods go unless a digit follows; "!" is not on the official list
    expect(normalizeVqaAnswer("3.5 m.")).toBe("3.5 m");
    expect(normalizeVqaAnswer("yes!")).toBe("yes!");
  });

  it("normalises references too, so raw answers match", () => {
    expect(vqaScore.reward("2", ["Two", "two", "2", "3", "2", "2", "2", "2", "2", "2"])).toBe(1);
  });

  it("reads OFASys soft-score references and single answers", () => {
    expect(vqaScore.reward("red", { red: 0.6, blue: 1 })).toBe(0.6);
    expect(vqaScore.reward("green", { red: 0.6 })).toBe(0);
    expect(vqaScore.reward("The Red.", "red")).toBe(1);
  });
});
