// planning a JSONL stream of samples: one plan (or one error line) per input line, in order, in constant memory,
// on every core.
import { createReadStream, existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";
import { Worker } from "node:worker_threads";
import { OmnispecError } from "../errors.js";
import type { Task } from "../task/define-task.js";
import { compile, type CompileOptions } from "./compile.js";

export interface JsonlSummary {
  lines: number;
  planned: number;
  failed: number;
  total_tokens: number;
}

/** lines handed to a worker: their 1-based numbers and text */
export interface Batch {
  id: number;
  first: number;
  lines: string[];
}

export interface BatchResult {
  id: number;
  out: string;
  planned: number;
  failed: number;
  tokens: number;
  lines: number;
}

export interface WorkerInit {
  instruction: string;
  name?: string;
  metric?: string;
  options: CompileOptions;
}

const BATCH = 256;

/** Plans a batch of lines into their JSON output lines (shared by the in-process path and the workers). */
export async function planLines(task: Task, batch: Batch, options: CompileOptions, file?: string): Promise<BatchResult> {
  let out = "";
  let planned = 0;
  let failed = 0;
  let tokens = 0;
  for (let i = 0; i < batch.lines.length; i++) {
    const line = batch.lines[i];
    const n = batch.first + i;
    if (line.trim() === "") continue;
    try {
      let sample: unknown;
      try {
        sample = JSON.parse(line);
      } catch (e) {
        throw new OmnispecError("dataset/row", `not valid JSON: ${(e as Error).message}`, { row: n, file });
      }
      const plan = await compile(task, sample as Record<string, unknown>, options);
      planned++;
      tokens += plan.totalTokens;
      out += JSON.stringify(plan.toJSON()) + "\n";
    } catch (e) {
      failed++;
      const err = e instanceof OmnispecError ? e.toJSON() : { error: "internal", message: String(e) };
      out += JSON.stringify({ line: n, ...err }) + "\n";
    }
  }
  return { id: batch.id, out, planned, failed, tokens, lines: batch.lines.length };
}

export interface PlanJsonlOptions extends CompileOptions {
  /** called once per input line */
  onLine?: () => void;
  /** planning threads; default: one per core when the tokenizer is a path (or none) and there is more than one core */
  workers?: number;
}

/**
 * Plans every line of a JSONL file and writes one JSON line per input line, in input order: the plan, or
 * `{ "line": N, "error": code, "message": ... }`. One bad sample never stops the run; memory stays bounded
 * (a few batches in flight), and the work spreads over every core.
 *
 * @example
 * import { defineTask } from "omnispec";
 * import { planJsonl } from "omnispec/plan";
 * const task = defineTask("[IMAGE:img] [TEXT:q] -> [TEXT:a]");
 * const summary = await planJsonl(task, "samples.jsonl", process.stdout, { preset: "qwen2-vl", metadataOnly: true });
 */
export async function planJsonl(task: Task, file: string, out: Writable, options: PlanJsonlOptions = {}): Promise<JsonlSummary> {
  if (!existsSync(file)) throw new OmnispecError("dataset/source", "JSONL file does not exist", { file });
  const { onLine, workers: wanted, ...rest } = options;
  const compileOptions: CompileOptions = { ...rest, baseDir: rest.baseDir ?? dirname(resolve(file)) };
  const shareable = typeof compileOptions.tokenizer !== "object" && typeof compileOptions.preset !== "object";
  const threads = wanted ?? (shareable ? availableParallelism() : 1);
  const summary: JsonlSummary = { lines: 0, planned: 0, failed: 0, total_tokens: 0 };
  const write = async (chunk: string) => {
    if (chunk.length > 0 && !out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
  };
  const add = (r: BatchResult) => {
    summary.planned += r.planned;
    summary.failed += r.failed;
    summary.total_tokens += r.tokens;
  };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });

  if (threads <= 1 || !shareable) {
    let batch: Batch = { id: 0, first: 1, lines: [] };
    for await (const line of lines) {
      summary.lines++;
      batch.lines.push(line);
      onLine?.();
      if (batch.lines.length >= BATCH) {
        const r = await planLines(task, batch, compileOptions, file);
        add(r);
        await write(r.out);
        batch = { id: batch.id + 1, first: summary.lines + 1, lines: [] };
      }
    }
    const r = await planLines(task, batch, compileOptions, file);
    add(r);
    await write(r.out);
    return summary;
  }

  const init: WorkerInit = { instruction: task.instruction, name: task.name, metric: task.metric, options: compileOptions };
  const here = import.meta.url;
  const script = new URL(here.endsWith(".ts") ? "./jsonl-worker.ts" : "./jsonl-worker.js", here);
  // from the sources (tests, tsx), the worker registers tsx before loading its TypeScript entry
  const spawn = () =>
    here.endsWith(".ts")
      ? new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`, { eval: true, workerData: init })
      : new Worker(script, { workerData: init });
  const pool = Array.from({ length: threads }, spawn);
  const done = new Map<number, BatchResult>();
  let nextToWrite = 0;
  let sent = 0;
  let waiting: (() => void) | undefined;
  let failure: unknown;
  for (const w of pool) {
    w.on("message", (r: BatchResult) => {
      done.set(r.id, r);
      waiting?.();
    });
    w.on("error", (e) => {
      failure = e;
      waiting?.();
    });
  }
  const flushReady = async () => {
    for (let r = done.get(nextToWrite); r; r = done.get(nextToWrite)) {
      done.delete(nextToWrite++);
      add(r);
      for (let i = 0; i < r.lines; i++) onLine?.();
      await write(r.out);
    }
  };
  // at most a few batches per worker in flight: memory stays bounded whatever the file's length
  const wait = async (limit: number) => {
    await flushReady();
    while (sent - nextToWrite > limit) {
      if (failure) throw failure;
      await new Promise<void>((r) => (waiting = r));
      waiting = undefined;
      await flushReady();
    }
  };
  try {
    let batch: Batch = { id: 0, first: 1, lines: [] };
    for await (const line of lines) {
      summary.lines++;
      batch.lines.push(line);
      if (batch.lines.length >= BATCH) {
        pool[batch.id % threads].postMessage(batch);
        sent++;
        batch = { id: batch.id + 1, first: summary.lines + 1, lines: [] };
        await wait(threads * 4);
      }
    }
    pool[batch.id % threads].postMessage(batch);
    sent++;
    await wait(0);
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return summary;
}
