import { describe, expect, it } from "vitest";
import { bleu, bleuStats, tokenize13a } from "./bleu.js";

// sacrebleu README example: BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)
const SYS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];
const REFS = [
  ["The dog bit the man.", "The dog had bit the man."],
  ["It was not unexpected.", "No one was surprised."],
  ["The man bit him first.", "The man had bitten the dog."],
];

// NLTK bleu_score docs: corpus_bleu(...) = 0.5920778868801042, sentence_bleu(refs1, hyp1) = 0.5045666840058485
const HYP1 = "It is a guide to action which ensures that the military always obeys the commands of the party";
const REFS1 = [
  "It is a guide to action that ensures that the military will forever heed Party commands",
  "It is the guiding principle which guarantees the military forces always being under the command of the Party",
  "It is the practical guide for the army always to heed the directions of the party",
];
const HYP2 = "he read the book because he was interested in world history";
const REFS2 = ["he was interested in world history because he read the book"];
const PAPINENI = { tokenize: "none", smooth: "none" } as const;

describe("bleu", () => {
  it("matches sacrebleu's corpus_bleu on its README example", () => {
    const s = bleuStats(SYS, REFS);
    expect(s.score * 100).toBeCloseTo(48.530827, 5);
    expect(s.precisions.map((p) => Math.round(p * 1000) / 10)).toEqual([82.4, 50, 45.5, 37.5]);
    expect(s.brevityPenalty).toBeCloseTo(0.943, 3);
    expect([s.sysLen, s.refLen]).toEqual([17, 18]);
    expect(bleu(SYS, REFS)).toBeCloseTo(0.48530827, 7);
  });

  it("matches NLTK's corpus_bleu and sentence_bleu with no tokenisation and no smoothing", () => {
    expect(bleu([HYP1, HYP2], [REFS1, REFS2], PAPINENI)).toBeCloseTo(0.5920778868801042, 12);
    expect(bleu([HYP1], [REFS1], PAPINENI)).toBeCloseTo(0.5045666840058485, 12);
  });

  it("clips n-gram counts: Papineni et al. 2002, modified unigram precision 2/7", () => {
    const s = bleuStats(["the the the the the the the"], [["The cat is on the mat.", "There is a cat on the mat."]], { uncased: true });
    expect(s.counts[0]).toBe(2);
    expect(s.totals[0]).toBe(7);
  });

  it("sums clipped counts over the corpus before the geometric mean (not a mean of sentence scores)", () => {
    // counts [6, 5, 4, 3] of totals [10, 8, 6, 4], lengths 10 = 10: (6/10 * 5/8 * 4/6 * 3/4) ** (1/4)
    const outputs = ["a b c d e f", "x y z w"];
    const references = ["a b c d e f", "p q r s"];
    expect(bleu(outputs, references, PAPINENI)).toBeCloseTo((0.6 * 0.625 * (4 / 6) * 0.75) ** 0.25, 12);
    expect((bleu.reward(outputs[0], references[0]) + bleu.reward(outputs[1], references[1])) / 2).toBe(0.5);
  });

  it("gives 0 without smoothing when a 4-gram never matches, and a small positive score with exp smoothing", () => {
    expect(bleu(["the cat sat there"], ["the cat sat here"], PAPINENI)).toBe(0);
    expect(bleu(["the cat sat there"], ["the cat sat here"])).toBeGreaterThan(0);
  });

  it("tokenises as mteval-v13a", () => {
    expect(tokenize13a("Hello, world (really). It costs $3.50-4 &amp; more.")).toBe("Hello , world ( really ) . It costs $ 3.50 - 4 & more .");
    expect(tokenize13a("It wasn't 1,000.")).toBe("It wasn't 1,000 .");
  });

  it("rewards with sentence BLEU in [0, 1]", () => {
    expect(bleu.reward("The dog bit the man.", ["The dog bit the man."])).toBe(1);
    expect(bleu.reward("completely unrelated words here", "The dog bit the man.")).toBe(0);
    const r = bleu.reward(SYS[2], REFS[2]);
    expect(r).toBeGreaterThan(0);
    expect(r).toBeLessThan(1);
  });

  it("refuses mismatched corpora with an actionable error", () => {
    expect(() => bleu(["a", "b"], ["a"])).toThrow(/2 outputs but 1 references/);
  });
});
