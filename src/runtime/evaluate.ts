// evaluate: run a task over a dataset on a model and score every output against its reference with the task's metric.
import { OmnispecError } from "../errors.js";
import { loadDataset, type LoaderOptions } from "../dataset/loader.js";
import { metrics, type MetricKey } from "../metrics/index.js";
import type { Task } from "../task/define-task.js";
import { progress } from "../util/progress.js";
import { run } from "./run.js";
import type { RunOptions } from "./types.js";

export interface EvaluateOptions extends RunOptions {
  /** metric key; default the task's own (`defineTask(presets.tasks.caption)` names ciderD) */
  metric?: MetricKey;
  /** the output slot scored; default the task's first output */
  slot?: string;
  /** dataset loading: column mapping, bad-row policy, limit */
  dataset?: LoaderOptions;
  /** called after each sample: done so far, and the running score; default a progress bar on stderr when it is a terminal */
  onProgress?: (done: number, score: number) => void;
}

export interface EvaluationSample {
  /** 1-based position among the samples that loaded */
  index: number;
  output: unknown;
  reference: unknown;
  reward: number;
}

export interface EvaluationResult {
  metric: MetricKey;
  slot: string;
  /** the corpus-level metric over every sample that ran */
  score: number;
  /** mean per-sample reward in [0, 1] */
  meanReward: number;
  samples: EvaluationSample[];
  /** rows that could not be read or run, with why */
  errors: { row?: number; index?: number; code: string; message: string }[];
  seconds: number;
}

/**
 * Runs `task` over a dataset on a model and scores the outputs with the task's metric (every metric is also a
 * per-sample reward). Bad rows and failed runs are reported and never stop the others.
 *
 * @example
 * import { defineTask } from "omnispec";
 * import { presets } from "omnispec/presets";
 * import { evaluate } from "omnispec/runtime";
 * const r = await evaluate(defineTask(presets.tasks.vqa_gen), "vqa.jsonl", { model: "./models/qwen2-vl" });
 * console.log(r.metric, r.score, r.errors.length);
 */
export async function evaluate(task: Task, dataset: string, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const key = (options.metric ?? task.metric) as MetricKey | undefined;
  if (!key || !(key in metrics)) {
    throw new OmnispecError("input/invalid", `no metric to evaluate with${key ? `: "${key}" is not one` : ""}`, {
      value: key,
      hint: `pass { metric } (${Object.keys(metrics).join(", ")}) or define the task from a preset that names one`,
    });
  }
  const slot = options.slot ?? task.outputs[0]?.name;
  if (!slot) throw new OmnispecError("input/invalid", "the task has no output slot to score", { hint: "an instruction with a target slot: ... -> [TEXT:answer]" });
  const metric = metrics[key] as unknown as { (o: readonly unknown[], r: readonly unknown[]): number; reward(o: unknown, r: unknown): number };
  const t0 = performance.now();
  const loader = loadDataset(task, dataset, { onError: "collect", ...options.dataset });
  const samples: EvaluationSample[] = [];
  const errors: EvaluationResult["errors"] = [];
  const bar = options.onProgress ? undefined : progress(`evaluating ${task.name ?? "task"} (${key})`);
  let index = 0;
  let rewardSum = 0;
  for await (const sample of loader) {
    index++;
    const reference = (sample as Record<string, unknown>)[slot];
    const inputs = Object.fromEntries(task.inputs.map((s) => [s.name, (sample as Record<string, unknown>)[s.name]]));
    try {
      const r = await run(task, inputs, options);
      const output = (r.outputs as Record<string, unknown>)[slot];
      const reward = metric.reward(output, reference);
      samples.push({ index, output, reference, reward });
      rewardSum += reward;
    } catch (e) {
      const err = e instanceof OmnispecError ? e : new OmnispecError("model/output", String(e));
      errors.push({ index, code: err.code, message: err.message });
    }
    options.onProgress?.(samples.length, samples.length ? rewardSum / samples.length : 0);
    bar?.tick();
  }
  bar?.done();
  for (const e of loader.errors) errors.push({ row: e.row, code: e.code, message: e.message });
  const score = samples.length > 0 ? metric(samples.map((s) => s.output), samples.map((s) => s.reference)) : 0;
  return { metric: key, slot, score, meanReward: samples.length ? rewardSum / samples.length : 0, samples, errors, seconds: (performance.now() - t0) / 1000 };
}
