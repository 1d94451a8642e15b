// planning a JSONL stream of samples: one plan (or one error line) per input line, in order, in constant memory.
import { createReadStream, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Writable } from "node:stream";
import { OmnispecError } from "../errors.js";
import type { Task } from "../task/define-task.js";
import { compile, type CompileOptions } from "./compile.js";

export interface JsonlSummary {
  lines: number;
  planned: number;
  failed: number;
  total_tokens: number;
}

/**
 * Plans every line of a JSONL file and writes one JSON line per input line: the plan, or
 * `{ "line": N, "error": code, "message": ... }`. One bad sample never stops the run.
 *
 * @example
 * import { defineTask } from "omnispec";
 * import { planJsonl } from "omnispec/plan";
 * const task = defineTask("[IMAGE:img] [TEXT:q] -> [TEXT:a]");
 * const summary = await planJsonl(task, "samples.jsonl", process.stdout, { preset: "qwen2-vl", metadataOnly: true });
 */
export async function planJsonl(
  task: Task,
  file: string,
  out: Writable,
  options: CompileOptions & { onLine?: () => void } = {},
): Promise<JsonlSummary> {
  if (!existsSync(file)) throw new OmnispecError("dataset/source", "JSONL file does not exist", { file });
  const base: CompileOptions = { ...options, baseDir: options.baseDir ?? dirname(resolve(file)) };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  const summary: JsonlSummary = { lines: 0, planned: 0, failed: 0, total_tokens: 0 };
  let buffer = "";
  const flush = async () => {
    if (buffer.length === 0) return;
    const chunk = buffer;
    buffer = "";
    if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
  };
  for await (const line of lines) {
    summary.lines++;
    if (line.trim() === "") continue;
    try {
      let sample: unknown;
      try {
        sample = JSON.parse(line);
      } catch (e) {
        throw new OmnispecError("dataset/row", `not valid JSON: ${(e as Error).message}`, { row: summary.lines, file });
      }
      const plan = await compile(task, sample as Record<string, unknown>, base);
      summary.planned++;
      summary.total_tokens += plan.totalTokens;
      buffer += JSON.stringify(plan.toJSON()) + "\n";
    } catch (e) {
      summary.failed++;
      const err = e instanceof OmnispecError ? e.toJSON() : { error: "internal", message: String(e) };
      buffer += JSON.stringify({ line: summary.lines, ...err }) + "\n";
    }
    if (buffer.length > 1 << 16) await flush();
    options.onLine?.();
  }
  await flush();
  return summary;
}
