import type { Command } from "commander";
import { compile, type CompileOptions } from "../../plan/compile.js";
import { planJsonl } from "../../plan/jsonl.js";
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
        await planJsonlCommand(task, flags.jsonl, options);
        return;
      }
      const plan = await compile(task, sampleFromFlags(flags.input, task), options);
      process.stdout.write((flags.json ? JSON.stringify(plan.toJSON()) : plan.explain()) + "\n");
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function planJsonlCommand(task: ReturnType<typeof taskFromArg>, file: string, options: CompileOptions): Promise<void> {
  const bar = progress("planning");
  const summary = await planJsonl(task, file, process.stdout, { ...options, onLine: () => bar.tick() });
  bar.done();
  if (summary.failed > 0) process.stderr.write(`${summary.failed} of ${summary.lines} lines failed (see their error lines)\n`);
}
