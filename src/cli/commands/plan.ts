import { createReadStream, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { OmnispecError } from "../../errors.js";
import { compile, type CompileOptions } from "../../plan/compile.js";
import { modelPresets } from "../../../presets/models.js";
import { sampleFromFlags } from "../inputs.js";
import { progress } from "../progress.js";
import { taskFromArg } from "../task-arg.js";

interface PlanFlags {
  preset: string;
  input: string[];
  json?: boolean;
  jsonl?: string;
  tokenizer?: string;
  metadataOnly?: boolean;
}

export function registerPlan(program: Command): void {
  program
    .command("plan")
    .description("compile a sample into a plan: what the model will see, step by step, and its exact token count")
    .argument("<task>", "an instruction line, or a task preset name (see `omnispec presets`)")
    .option("-p, --preset <name>", `model preset: ${Object.keys(modelPresets).join(", ")}`, "qwen2-vl")
    .option("-i, --input <name=value>", "a slot value; repeat for several slots (media: a path, size:WxH, meta:...)", collect, [])
    .option("--json", "print the plan as JSON (plan.toJSON())")
    .option("--jsonl <file>", "plan every line of a JSONL file of samples; one JSON plan (or error) per line")
    .option("--tokenizer <path>", "tokenizer.json or a model folder, for exact text counts")
    .option("--metadata-only", "never decode media: plan from sizes, probes and headers")
    .addHelpText(
      "after",
      `
Examples:
  $ omnispec plan caption --preset qwen2-vl --input img=size:1920x1080
  $ omnispec plan "[IMAGE:img] [TEXT:q] -> [TEXT:a]" -i img=photo.jpg -i "q=what is it?" --json
  $ omnispec plan vqa_gen --preset ofa --jsonl samples.jsonl > plans.jsonl

Media values: a file path, size:1920x1080 (image), meta:frames=720,fps=24,width=854,height=480 (video),
meta:seconds=11 (audio). In --jsonl mode a bad line prints {"line": N, "error": ...} and the run goes on.`,
    )
    .action(async (taskArg: string, flags: PlanFlags) => {
      const task = taskFromArg(taskArg);
      const options: CompileOptions = { preset: flags.preset, tokenizer: flags.tokenizer, metadataOnly: flags.metadataOnly };
      if (flags.jsonl) {
        await planJsonl(task, flags.jsonl, options);
        return;
      }
      const plan = await compile(task, sampleFromFlags(flags.input, task), options);
      process.stdout.write((flags.json ? JSON.stringify(plan.toJSON()) : plan.explain()) + "\n");
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function planJsonl(task: ReturnType<typeof taskFromArg>, file: string, options: CompileOptions): Promise<void> {
  if (!existsSync(file)) throw new OmnispecError("dataset/source", "JSONL file does not exist", { file });
  const base: CompileOptions = { ...options, baseDir: options.baseDir ?? dirname(resolve(file)) };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  const bar = progress("planning", undefined);
  let buffer = "";
  let n = 0;
  let failed = 0;
  const flush = () => {
    if (buffer.length > 0) process.stdout.write(buffer);
    buffer = "";
  };
  for await (const line of lines) {
    n++;
    if (line.trim() === "") continue;
    try {
      let sample: unknown;
      try {
        sample = JSON.parse(line);
      } catch (e) {
        throw new OmnispecError("dataset/row", `not valid JSON: ${(e as Error).message}`, { row: n, file });
      }
      const plan = await compile(task, sample as Record<string, unknown>, base);
      buffer += JSON.stringify(plan.toJSON()) + "\n";
    } catch (e) {
      failed++;
      const err = e instanceof OmnispecError ? e.toJSON() : { error: "internal", message: String(e) };
      buffer += JSON.stringify({ line: n, ...err }) + "\n";
    }
    if (buffer.length > 1 << 16) flush();
    bar.tick();
  }
  flush();
  bar.done();
  if (failed > 0) process.stderr.write(`${failed} of ${n} lines failed (see their error lines)\n`);
}
