import { createWriteStream } from "node:fs";
import type { Command } from "commander";
import { OmnispecError } from "../../errors.js";
import { packChunks, type PackedChunk, type PackStats } from "../../dataset/pack.js";
import { badRowLines, datasetOptions, statsSetup, statsWithProgress, type DatasetFlags } from "./stats.js";

interface PackFlags extends DatasetFlags {
  chunk: string;
  out?: string;
}

/** What `omnispec pack --json` prints. */
export interface PackSummary extends PackStats {
  source: string;
  preset: string;
  exact: boolean;
  bad: number;
  out?: string;
}

async function writeIndex(file: string, chunks: readonly PackedChunk[]): Promise<void> {
  const out = createWriteStream(file);
  const done = new Promise<void>((resolve, reject) => {
    out.on("finish", () => resolve());
    out.on("error", (e) => reject(new OmnispecError("dataset/source", `cannot write the packing index: ${e.message}`, { file, cause: e })));
  });
  let buffer = "";
  for (let i = 0; i < chunks.length; i++) {
    const pieces = chunks[i].map((p) => ({ row: p.sample, start: p.start, end: p.end }));
    const tokens = chunks[i].reduce((a, p) => a + p.end - p.start, 0);
    buffer += JSON.stringify({ chunk: i, tokens, pieces }) + "\n";
    if (buffer.length > 1 << 16) {
      if (!out.write(buffer)) await new Promise<void>((r) => out.once("drain", () => r()));
      buffer = "";
    }
  }
  out.end(buffer);
  await done;
}

const pct = (x: number | undefined) => (x === undefined ? "-" : `${(100 * x).toFixed(2)}%`);
const fmt = (n: number | undefined) => (n === undefined ? "-" : n.toLocaleString("en-US"));

/**
 * Registers `omnispec pack <task> <dataset> --chunk N` on a commander program.
 *
 * @example
 * import { Command } from "commander";
 * const program = new Command();
 * registerPack(program);
 * await program.parseAsync(["node", "omnispec", "pack", "caption", "captions.jsonl", "--chunk", "8192", "--out", "pack.jsonl"]);
 */
export function registerPack(program: Command): void {
  const cmd = program
    .command("pack")
    .description("pack a dataset into fixed-size chunks the ChunkFlow way (split long samples, consolidate short ones) and report fill efficiency")
    .argument("<task>", "an instruction line, or a task preset name (see `omnispec presets`)")
    .argument("<dataset>", "a .jsonl, .csv, .tsv or .parquet file, or an imagefolder-style folder")
    .requiredOption("--chunk <tokens>", "chunk size in tokens, e.g. 8192")
    .option("-o, --out <index.jsonl>", "write the packing index: one line per chunk, {chunk, tokens, pieces: [{row, start, end}]}");
  datasetOptions(cmd)
    .addHelpText(
      "after",
      `
Examples:
  $ omnispec pack caption captions.jsonl --chunk 8192 --out pack.jsonl
  $ omnispec pack video_qa clips.jsonl --preset qwen3-vl --chunk 16384 --json

Token lengths are counted as in \`omnispec stats\` (metadata only). A sample longer than the chunk is split into
chained pieces (same row, consecutive [start, end) ranges); short samples share chunks. Fill efficiency is compared
with padding every sample to the longest one and with first-fit decreasing (which must truncate long samples).`,
    )
    .action(async (taskArg: string, dataset: string, flags: PackFlags) => {
      const chunk = Number(flags.chunk);
      if (!Number.isInteger(chunk) || chunk < 1) {
        throw new OmnispecError("input/invalid", "--chunk takes a positive integer (tokens)", { value: flags.chunk, hint: "e.g. --chunk 8192" });
      }
      const { task, options } = statsSetup(taskArg, flags);
      const result = await statsWithProgress(task, dataset, options, "counting");
      const samples = Array.from(result.lengths, (tokens, i) => ({ id: result.rows[i], tokens }));
      const { chunks, stats } = packChunks(samples, { chunk });
      if (flags.out) await writeIndex(flags.out, chunks);
      const s = result.summary;
      const summary: PackSummary = { ...stats, source: s.source, preset: s.preset, exact: s.exact, bad: s.bad, ...(flags.out ? { out: flags.out } : {}) };
      if (flags.json) {
        process.stdout.write(JSON.stringify(summary) + "\n");
        return;
      }
      const lines = [
        `${task.name ?? "task"} on ${s.source} · preset ${s.preset} · text ${s.exact ? "exact" : "estimated"}`,
        `${fmt(stats.samples)} samples · ${fmt(stats.tokens)} tokens · longest ${fmt(stats.max_length)} · chunk ${fmt(chunk)}`,
        "",
        `  chunk packing          ${pct(stats.fill_efficiency).padStart(8)}   ${fmt(stats.chunks)} chunks, ${fmt(stats.split_samples)} samples split`,
        `  first-fit decreasing   ${pct(stats.ffd_efficiency).padStart(8)}   ${fmt(stats.ffd_bins)} chunks, ${fmt(stats.ffd_dropped_tokens)} tokens truncated`,
        `  padding to longest     ${pct(stats.padding_efficiency).padStart(8)}   ${fmt(stats.samples)} rows of ${fmt(stats.max_length)}`,
        "",
        flags.out ? `index: ${flags.out} (${fmt(chunks.length)} lines)` : "write the index with --out index.jsonl",
      ];
      const bad = badRowLines(result);
      if (bad.length > 0) lines.push("", ...bad);
      process.stdout.write(lines.join("\n") + "\n");
    });
}
