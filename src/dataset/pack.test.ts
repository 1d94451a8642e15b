import { describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { ChunkPacker, firstFitDecreasing, packChunks, syntheticLengths, type PackedChunk, type SampleId } from "./pack.js";

// every token of every sample exactly once, in order along each sample's chain; no chunk over size or empty.
// returns the first problems found (plain checks: a per-piece expect() would dominate the run time)
function invariantProblems(chunks: readonly PackedChunk[], lengths: ReadonlyMap<SampleId, number>, chunk: number): string[] {
  const problems: string[] = [];
  const next = new Map<SampleId, number>();
  chunks.forEach((c, i) => {
    if (c.length === 0) problems.push(`chunk ${i} is empty`);
    let used = 0;
    for (const p of c) {
      if (p.end <= p.start) problems.push(`chunk ${i}: empty piece of ${p.sample}`);
      // pieces of one sample appear in token order: each starts where the previous ended
      if (p.start !== (next.get(p.sample) ?? 0)) problems.push(`chunk ${i}: ${p.sample} resumes at ${p.start}, not ${next.get(p.sample) ?? 0}`);
      next.set(p.sample, p.end);
      used += p.end - p.start;
    }
    if (used > chunk) problems.push(`chunk ${i} holds ${used} > ${chunk} tokens`);
  });
  for (const [id, length] of lengths) if ((next.get(id) ?? 0) !== length) problems.push(`sample ${id}: ${next.get(id) ?? 0} of ${length} tokens`);
  for (const id of next.keys()) if (!lengths.has(id)) problems.push(`unknown sample ${id}`);
  return problems.slice(0, 5);
}

function checkInvariants(chunks: readonly PackedChunk[], lengths: ReadonlyMap<SampleId, number>, chunk: number): void {
  expect(invariantProblems(chunks, lengths, chunk)).toEqual([]);
}

const byIndex = (lengths: readonly number[]): Map<SampleId, number> => new Map(lengths.map((l, i) => [i, l]));

describe("packChunks", () => {
  it("splits a long sample into chained pieces and consolidates short ones (best-fit decreasing)", () => {
    const { chunks, stats } = packChunks([6, 3, 2, 13], { chunk: 8 });
    expect(chunks).toEqual([
      [{ sample: 3, start: 0, end: 8 }],
      [{ sample: 0, start: 0, end: 6 }, { sample: 2, start: 0, end: 2 }],
      [{ sample: 3, start: 8, end: 13 }, { sample: 1, start: 0, end: 3 }],
    ]);
    expect(stats).toMatchObject({ samples: 4, tokens: 24, chunks: 3, pieces: 5, split_samples: 1, fill_efficiency: 1, max_length: 13 });
  });

  it("computes the baselines by their definitions", () => {
    const { stats } = packChunks([6, 3, 2, 13], { chunk: 8 });
    // padding every sample to the longest (13): 24 / (4 * 13)
    expect(stats.padding_efficiency).toBeCloseTo(24 / 52, 12);
    // ffd on [8 (13 truncated), 6, 3, 2]: bins {8}, {6, 2}, {3}; 19 kept of 24 slots; 5 tokens dropped
    expect(stats.ffd_bins).toBe(3);
    expect(stats.ffd_efficiency).toBeCloseTo(19 / 24, 12);
    expect(stats.ffd_dropped_tokens).toBe(5);
    expect(firstFitDecreasing([5, 4, 3, 2, 12], 8)).toEqual({ bins: 3, kept: 22 });
  });

  it("fills >= 98% of 100,000 seeded log-normal lengths at chunk 8192, keeping every token exactly once", () => {
    const lengths = syntheticLengths(100_000, { seed: 7 });
    expect(Math.max(...lengths)).toBeGreaterThan(8192 * 4);
    const { chunks, stats } = packChunks(lengths, { chunk: 8192 });
    expect(stats.fill_efficiency).toBeGreaterThanOrEqual(0.98);
    expect(stats.fill_efficiency).toBeGreaterThan(stats.padding_efficiency!);
    expect(stats.tokens).toBe(lengths.reduce((a, b) => a + b, 0));
    expect(stats.chunks).toBe(chunks.length);
    checkInvariants(chunks, byIndex(lengths), 8192);
  });

  it("fills >= 98% on a Zipf-tailed distribution too, with a small window", () => {
    const lengths = syntheticLengths(100_000, { seed: 3, distribution: "zipf" });
    const { chunks, stats } = packChunks(lengths, { chunk: 8192, window: 8192, baselines: false });
    expect(stats.fill_efficiency).toBeGreaterThanOrEqual(0.98);
    expect(stats.ffd_efficiency).toBeUndefined();
    checkInvariants(chunks, byIndex(lengths), 8192);
  });

  it("takes { id, tokens } records from any iterable; empty samples count but take no room", () => {
    function* records(): Generator<{ id: string; tokens: number }> {
      yield { id: "a", tokens: 16 };
      yield { id: "b", tokens: 0 };
      yield { id: "c", tokens: 5 };
    }
    const { chunks, stats } = packChunks(records(), { chunk: 8 });
    expect(chunks).toEqual([[{ sample: "a", start: 0, end: 8 }], [{ sample: "a", start: 8, end: 16 }], [{ sample: "c", start: 0, end: 5 }]]);
    expect(stats).toMatchObject({ samples: 3, tokens: 21, split_samples: 1 });
    checkInvariants(chunks, new Map([["a", 16], ["b", 0], ["c", 5]]), 8);
  });

  it("refuses a bad chunk size or token count with the value and a hint", () => {
    expect(() => packChunks([1], { chunk: 0 })).toThrow(OmnispecError);
    expect(() => packChunks([1], { chunk: 0 })).toThrow(/chunk must be a positive integer/);
    try {
      packChunks([{ id: "row-9", tokens: -3 }], { chunk: 8 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OmnispecError);
      expect((e as OmnispecError).code).toBe("input/invalid");
      expect((e as OmnispecError).value).toBe(-3);
      expect((e as OmnispecError).message).toMatch(/row-9/);
    }
  });
});

describe("invariant checker", () => {
  it("catches a lost token, a duplicated piece and an overfull chunk", () => {
    const lengths = new Map<SampleId, number>([["a", 10]]);
    expect(invariantProblems([[{ sample: "a", start: 0, end: 9 }]], lengths, 10)).toEqual(["sample a: 9 of 10 tokens"]);
    expect(invariantProblems([[{ sample: "a", start: 0, end: 10 }], [{ sample: "a", start: 0, end: 10 }]], lengths, 10)[0]).toMatch(/resumes at 0/);
    expect(invariantProblems([[{ sample: "a", start: 0, end: 10 }]], lengths, 8)).toEqual(["chunk 0 holds 10 > 8 tokens"]);
  });
});

describe("ChunkPacker", () => {
  it("streams: full pieces come out at once, consolidated chunks per window, the rest on flush", () => {
    const packer = new ChunkPacker({ chunk: 8, window: 2 });
    expect(packer.push("a", 20)).toEqual([[{ sample: "a", start: 0, end: 8 }], [{ sample: "a", start: 8, end: 16 }]]);
    expect(packer.push("b", 3)).toEqual([[{ sample: "a", start: 16, end: 20 }, { sample: "b", start: 0, end: 3 }]]);
    expect(packer.push("c", 7)).toEqual([]);
    expect(packer.flush()).toEqual([[{ sample: "c", start: 0, end: 7 }]]);
    expect(packer.stats()).toMatchObject({ samples: 3, tokens: 30, chunks: 4, pieces: 5 });
  });

  it("emits chunks as samples arrive, so little is left for the final flush", () => {
    const lengths = syntheticLengths(20_000, { seed: 11 });
    const packer = new ChunkPacker({ chunk: 4096, window: 1000, baselines: false });
    const chunks: PackedChunk[] = [];
    let emittedBeforeFlush = 0;
    lengths.forEach((l, i) => {
      const out = packer.push(i, l);
      chunks.push(...out);
      emittedBeforeFlush += out.length;
    });
    const rest = packer.flush();
    chunks.push(...rest);
    expect(rest.length).toBeLessThan(emittedBeforeFlush / 10);
    checkInvariants(chunks, byIndex(lengths), 4096);
    expect(packer.stats().fill_efficiency).toBeGreaterThan(0.97);
  });
});
