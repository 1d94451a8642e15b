import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { OmnispecError } from "../../errors.js";
import { datasetStats, type Distribution, type StatsOptions, type StatsResult } from "../../dataset/stats.js";
import type { Task } from "../../task/define-task.js";
import { modelPresets } from "../../../presets/models.js";
import { presetFromConfig } from "../../../presets/from-config.js";
import { taskPresets } from "../../../presets/tasks.js";
import { progress } from "../../util/progress.js";
import { taskFromArg } from "../task-arg.js";

/** the flags `stats` and `pack` share */
export interface DatasetFlags {
  preset?: string;
  tokenizer?: string;
  column: string[];
  maxTokens?: string;
  minTokens?: string;
  sample?: string;
  seed?: string;
  json?: boolean;
}

/**
 * Adds the flags `stats` and `pack` share (preset, tokenizer, columns, length filters, subset, JSON) to a command.
 *
 * @example
 * import { Command } from "commander";
 * datasetOptions(new Command("stats").argument("<task>").argument("<dataset>"));
 */
export function datasetOptions(cmd: Command): Command {
  return cmd
    .option("-p, --preset <name|folder>", `model preset (${Object.keys(modelPresets).join(", ")}) or a checkpoint folder; default: the task preset's model, else qwen2-vl`)
    .option("--tokenizer <path>", "tokenizer.json or a model folder, for exact text counts (else estimated)")
    .option("-c, --column <slot=column>", "read a slot from a differently named column; repeatable", (v: string, prev: string[]) => [...prev, v], [])
    .option("--max-tokens <n>", "count only samples with at most n tokens")
    .option("--min-tokens <n>", "count only samples with at least n tokens")
    .option("--sample <n>", "a seeded random subset of n samples (reservoir sampling)")
    .option("--seed <s>", "seed of the subset", "0")
    .option("--json", "print the summary as JSON");
}

function integer(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new OmnispecError("input/invalid", `${flag} takes an integer of at least ${min}`, { value: raw, hint: `e.g. ${flag} 4096` });
  }
  return n;
}

/**
 * Resolves the task, the preset (a name or a checkpoint folder, whose tokenizer is used too) and the stats options
 * from the shared flags.
 *
 * @example
 * const { task, options } = statsSetup("caption", { column: [], preset: "qwen2-vl", maxTokens: "4096" });
 * options.maxTokens; // 4096
 */
export function statsSetup(taskArg: string, flags: DatasetFlags): { task: Task; options: StatsOptions } {
  const task = taskFromArg(taskArg);
  const fromTask = (taskPresets as Record<string, { model: string }>)[taskArg]?.model;
  let preset: StatsOptions["preset"] = flags.preset ?? fromTask ?? "qwen2-vl";
  let tokenizer = flags.tokenizer;
  if (typeof preset === "string" && existsSync(preset) && statSync(preset).isDirectory()) {
    // a checkpoint folder: its own constants, and its tokenizer when it has one
    if (tokenizer === undefined && existsSync(join(preset, "tokenizer.json"))) tokenizer = preset;
    preset = presetFromConfig(preset);
  }
  const columns: Record<string, string> = {};
  for (const c of flags.column) {
    const eq = c.indexOf("=");
    if (eq <= 0) throw new OmnispecError("input/invalid", "a column binding is written slot=column", { value: c, hint: "e.g. --column img=image_path" });
    columns[c.slice(0, eq)] = c.slice(eq + 1);
  }
  return {
    task,
    options: {
      preset,
      tokenizer,
      columns,
      maxTokens: integer("--max-tokens", flags.maxTokens, 0),
      minTokens: integer("--min-tokens", flags.minTokens, 0),
      sample: integer("--sample", flags.sample, 1),
      seed: integer("--seed", flags.seed, 0),
    },
  };
}

/**
 * Runs `datasetStats` with a progress bar on stderr (drawn only on a terminal).
 *
 * @example
 * const { task, options } = statsSetup("caption", { column: [] });
 * const { summary } = await statsWithProgress(task, "captions.jsonl", options, "stats");
 */
export async function statsWithProgress(task: Task, dataset: string, options: StatsOptions, label: string): Promise<StatsResult> {
  const bar = progress(label);
  let last = 0;
  const result = await datasetStats(task, dataset, {
    ...options,
    onProgress: (done) => {
      bar.tick(done - last);
      last = done;
    },
  });
  bar.done();
  return result;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => "  " + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("   ")).join("\n");
}

function distRow(name: string, d: Distribution): string[] {
  return [name, d.count > 0 ? d.mean.toFixed(1) : "-", fmt(d.p50), fmt(d.p90), fmt(d.p99), fmt(d.max), fmt(d.total)];
}

/**
 * The bad-row lines a person reads: the first few, then how many more.
 *
 * @example
 * badRowLines(await statsWithProgress(task, "data.jsonl", options, "stats")); // ["bad rows (2, skipped):", "  row 6: ...", ...]
 */
export function badRowLines(result: StatsResult, shown = 10): string[] {
  const { bad, bad_rows } = result.summary;
  if (bad === 0) return [];
  const lines = [`bad rows (${fmt(bad)}, skipped):`];
  for (const b of bad_rows.slice(0, shown)) lines.push(`  row ${b.row}: ${b.code}: ${b.message.split("\n")[0]}`);
  if (bad > shown) lines.push(`  … ${fmt(bad - shown)} more (--json lists the first ${bad_rows.length})`);
  return lines;
}

function report(r: StatsResult, taskName: string): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(`${taskName} on ${s.source} · preset ${s.preset} · text ${s.exact ? `exact (${s.tokenizer})` : `${s.tokenizer}: add --tokenizer for exact counts`}`);
  const filtered = s.filtered.below_min + s.filtered.above_max;
  out.push(
    `rows ${fmt(s.rows)} · planned ${fmt(s.planned)} · bad ${fmt(s.bad)}` +
      (filtered > 0 ? ` · filtered ${fmt(filtered)} (${fmt(s.filtered.below_min)} below min, ${fmt(s.filtered.above_max)} above max)` : "") +
      (s.subset ? ` · subset ${fmt(s.subset.size)} (seed ${s.subset.seed})` : "") +
      ` · counted ${fmt(s.samples)}`,
  );
  out.push("");
  const rows = [["tokens", "mean", "p50", "p90", "p99", "max", "total"], distRow("per sample", s.tokens), distRow("  source", s.source_tokens), distRow("  target", s.target_tokens)];
  for (const [k, d] of Object.entries(s.slots)) rows.push(distRow(`  ${k}`, d));
  out.push(table(rows));
  if (s.longest.length > 0) {
    out.push("");
    out.push(`longest: ${s.longest.slice(0, 5).map((l) => `row ${l.row} (${fmt(l.tokens)})`).join(", ")}`);
  }
  const bad = badRowLines(r);
  if (bad.length > 0) out.push("", ...bad);
  return out.join("\n");
}

/**
 * Registers `omnispec stats <task> <dataset>` on a commander program.
 *
 * @example
 * import { Command } from "commander";
 * const program = new Command();
 * registerStats(program);
 * await program.parseAsync(["node", "omnispec", "stats", "caption", "captions.jsonl", "--json"]);
 */
export function registerStats(program: Command): void {
  const cmd = program
    .command("stats")
    .description("count the tokens of every sample of a dataset from metadata only: per slot, per sample, percentiles, the longest rows")
    .argument("<task>", "an instruction line, or a task preset name (see `omnispec presets`)")
    .argument("<dataset>", "a .jsonl, .csv, .tsv or .parquet file, or an imagefolder-style folder");
  datasetOptions(cmd)
    .option("--histogram <file>", "draw the length histogram to a .png or .svg file")
    .addHelpText(
      "after",
      `
Examples:
  $ omnispec stats caption captions.jsonl --preset qwen2-vl --histogram lengths.png
  $ omnispec stats vqa_gen vqa.parquet --preset ./Qwen2-VL-2B-Instruct --max-tokens 4096 --json
  $ omnispec stats "[IMAGE:img] [TEXT:q] -> [TEXT:a]" data.csv --column img=path --sample 10000 --seed 1

Images are measured from their headers, videos and audio from probes; nothing is decoded. Bad rows are listed
with their row numbers and skipped. With --sample and no length filter, only the sampled rows are read.`,
    )
    .action(async (taskArg: string, dataset: string, flags: DatasetFlags & { histogram?: string }) => {
      const { task, options } = statsSetup(taskArg, flags);
      const result = await statsWithProgress(task, dataset, options, "stats");
      if (flags.histogram) {
        const t = result.summary.tokens;
        const { writeHistogram } = await import("../../dataset/histogram.js");
        await writeHistogram(result.lengths, flags.histogram, {
          title: `${task.name ?? "task"} · ${result.summary.preset} · ${dataset.split(/[\\/]/).pop()}`,
          markers: t.count > 0 ? [{ label: "p50", value: t.p50 }, { label: "p90", value: t.p90 }, { label: "p99", value: t.p99 }] : [],
        });
      }
      if (flags.json) process.stdout.write(JSON.stringify({ ...result.summary, ...(flags.histogram ? { histogram: flags.histogram } : {}) }) + "\n");
      else process.stdout.write(report(result, task.name ?? "task") + (flags.histogram ? `\n\nhistogram: ${flags.histogram}` : "") + "\n");
    });
}
