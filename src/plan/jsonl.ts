// planning a JSONL stream of samples: one plan (or one error line) per input line, in order, in constant memory,
// on every core. The main thread cuts the file into blocks of whole lines and plans its share; workers plan the rest.
import { createReadStream, existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
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

/** a block of whole lines handed to a worker: the 1-based number of its first line and its UTF-8 bytes */
export interface Batch {
  id: number;
  first: number;
  bytes: Uint8Array;
}

export interface BatchResult {
  id: number;
  /** one UTF-8 JSON line per input line */
  out: Uint8Array;
  planned: number;
  failed: number;
  tokens: number;
  /** input lines in the block, blank ones included */
  lines: number;
}

export interface WorkerInit {
  instruction: string;
  name?: string;
  metric?: string;
  options: CompileOptions;
  /** the JSONL file, named in error lines */
  file: string;
}

/** bytes of input per block: big enough that messaging costs nothing, small enough to keep memory flat */
const BLOCK = 1 << 17;
const NEWLINE = 10;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Plans a block of lines into its JSON output lines (shared by the in-process path and the workers). */
export async function planBlock(task: Task, batch: Batch, options: CompileOptions, file?: string): Promise<BatchResult> {
  const lines = decoder.decode(batch.bytes).split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  let out = "";
  let planned = 0;
  let failed = 0;
  let tokens = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
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
  return { id: batch.id, out: encoder.encode(out), planned, failed, tokens, lines: lines.length };
}

/** Cuts a file into blocks of whole lines (a final line without a newline included), counting lines as it goes. */
async function* blocks(file: string): AsyncGenerator<Batch & { lines: number }> {
  let carry: Buffer | undefined;
  let id = 0;
  let first = 1;
  const emit = (bytes: Buffer) => {
    let lines = 0;
    for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) lines++;
    if (bytes.length > 0 && bytes[bytes.length - 1] !== NEWLINE) lines++;
    const b = { id: id++, first, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), lines };
    first += lines;
    return b;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: BLOCK })) {
    const data: Buffer = carry ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    const end = data.lastIndexOf(NEWLINE) + 1;
    carry = end < data.length ? Buffer.from(data.subarray(end)) : undefined;
    // a copy, so that the block owns its memory and can move to a worker
    if (end > 0) yield emit(Buffer.from(data.subarray(0, end)));
  }
  if (carry) yield emit(carry);
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
 * (a few blocks in flight), and the work spreads over every core.
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
  const write = async (r: BatchResult) => {
    summary.planned += r.planned;
    summary.failed += r.failed;
    summary.total_tokens += r.tokens;
    if (onLine) for (let i = 0; i < r.lines; i++) onLine();
    if (r.out.length > 0 && !out.write(r.out)) await new Promise<void>((done) => out.once("drain", () => done()));
  };

  if (threads <= 1 || !shareable) {
    for await (const b of blocks(file)) {
      summary.lines += b.lines;
      await write(await planBlock(task, b, compileOptions, file));
    }
    return summary;
  }

  const init: WorkerInit = { instruction: task.instruction, name: task.name, metric: task.metric, options: compileOptions, file };
  const here = import.meta.url;
  const script = new URL(here.endsWith(".ts") ? "./jsonl-worker.ts" : "./jsonl-worker.js", here);
  // from the sources (tests, tsx), the worker registers tsx before loading its TypeScript entry
  const spawn = () =>
    here.endsWith(".ts")
      ? new Worker(`import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`, { eval: true, workerData: init })
      : new Worker(script, { workerData: init });
  // the main thread plans its share too: one worker fewer to start, and cutting the file costs it little
  const pool = Array.from({ length: threads - 1 }, spawn);
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
      await write(r);
    }
  };
  // at most a few blocks per worker in flight: memory stays bounded whatever the file's length
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
    for await (const b of blocks(file)) {
      summary.lines += b.lines;
      const { lines: _, ...batch } = b;
      const worker = pool[b.id % threads];
      if (worker) worker.postMessage(batch, [batch.bytes.buffer as ArrayBuffer]);
      else done.set(b.id, await planBlock(task, batch, compileOptions, file));
      sent++;
      await wait(threads * 3);
    }
    await wait(0);
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return summary;
}
