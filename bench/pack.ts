// chunk packing of 100,000 long-tailed samples at chunk 8192: time, and fill vs naive padding and first-fit decreasing.
import { pathToFileURL } from "node:url";
import { firstFitDecreasing, packChunks, syntheticLengths } from "../src/dataset/pack.js";
import { printResults, type BenchResult } from "./types.js";

const CHUNK = 8192;
const SAMPLES = 100_000;

function medianMs(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

const pct = (x: number): number => Math.round(x * 100_000) / 1000;

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  for (const distribution of ["lognormal", "zipf"] as const) {
    const lengths = syntheticLengths(SAMPLES, { seed: 1, distribution });
    const tokens = lengths.reduce((a, b) => a + b, 0);
    // warm up both, then time the packing alone (no baselines) against FFD alone
    packChunks(lengths, { chunk: CHUNK, baselines: false });
    firstFitDecreasing(lengths, CHUNK);
    const packMs = medianMs(5, () => packChunks(lengths, { chunk: CHUNK, baselines: false }));
    const ffdMs = medianMs(5, () => firstFitDecreasing(lengths, CHUNK));
    const s = packChunks(lengths, { chunk: CHUNK }).stats;
    const label = `${distribution}, ${SAMPLES.toLocaleString("en-US")} samples`;
    results.push(
      {
        name: `pack time (${label})`,
        value: packMs,
        unit: "ms",
        peer: "first-fit decreasing, no split",
        peerValue: ffdMs,
        ratio: ffdMs / packMs,
        note: `${Math.round(SAMPLES / (packMs / 1000)).toLocaleString("en-US")} samples/s; ${s.chunks} chunks, ${s.split_samples} samples split`,
      },
      {
        name: `fill efficiency (${label})`,
        value: pct(s.fill_efficiency),
        unit: "%",
        peer: "FFD, longer samples truncated",
        peerValue: pct(s.ffd_efficiency!),
        ratio: s.fill_efficiency / s.ffd_efficiency!,
        target: ">= 98%",
        note: `${pct(s.fill_efficiency)}% vs ${pct(s.ffd_efficiency!)}%; FFD drops ${pct(s.ffd_dropped_tokens! / tokens)}% of tokens, packing none`,
      },
      {
        name: `fill vs naive padding (${label})`,
        value: pct(s.fill_efficiency),
        unit: "%",
        peer: "every sample padded to the longest",
        peerValue: pct(s.padding_efficiency!),
        ratio: s.fill_efficiency / s.padding_efficiency!,
        note: `${pct(s.fill_efficiency)}% vs ${pct(s.padding_efficiency!)}%; longest sample ${s.max_length.toLocaleString("en-US")} tokens`,
      },
    );
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printResults("pack", await run());
}
