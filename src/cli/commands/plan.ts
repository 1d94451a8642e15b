import type { Command } from "commander";
import { OmnispecError } from "../../errors.js";
import { compile, type CompileOptions } from "../../plan/compile.js";
import { planJsonl } from "../../plan/jsonl.js";
import { modelPresets } from "../../../presets/models.js";
import { sampleFromFlags } from "../inputs.js";
import { progress } from "../../util/progress.js";
import { taskFromArg } from "../task-arg.js";

interface PlanFlags {
  preset: string;
  input: string[];
  json?: boolean;
  jsonl?: string;
  tokenizer?: string;
  metadataOnly?: boolean;
  render?: string;
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
    .option("--render <file>", "also draw what the model will see into a .png or .svg file")
    .addHelpText(
      "after",
      `
Examples:
  $ omnispec plan caption --preset qwen2-vl --input img=size:1920x1080
  $ omnispec plan "[IMAGE:img] [TEXT:q] -> [TEXT:a]" -i img=photo.jpg -i "q=what is it?" --json
  $ omnispec plan vqa_gen --preset ofa --jsonl samples.jsonl > plans.jsonl
  $ omnispec plan caption --preset qwen2.5-vl -i img=photo.jpg --render plan.png

Media values: a file path, size:1920x1080 (image), meta:frames=720,fps=24,width=854,height=480 (video),
meta:seconds=11 (audio). In --jsonl mode a bad line prints {"line": N, "error": ...} and the run goes on.`,
    )
    .action(async (taskArg: string, flags: PlanFlags) => {
      const task = taskFromArg(taskArg);
      const options: CompileOptions = { preset: flags.preset, tokenizer: flags.tokenizer, metadataOnly: flags.metadataOnly };
      if (flags.jsonl) {
        if (flags.render) throw new OmnispecError("input/invalid", "--render draws one sample and cannot be used with --jsonl", { hint: "plan the sample you want to see with -i name=value --render out.png" });
        await planJsonlCommand(task, flags.jsonl, options);
        return;
      }
      const sample = sampleFromFlags(flags.input, task);
      const plan = await compile(task, sample, options);
      process.stdout.write((flags.json ? JSON.stringify(plan.toJSON()) : plan.explain()) + "\n");
      if (flags.render) {
        await plan.render({ out: flags.render, sample });
        process.stderr.write(`picture written to ${flags.render}\n`);
      }
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
