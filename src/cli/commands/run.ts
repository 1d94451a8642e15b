import type { Command } from "commander";
import { sampleFromFlags } from "../inputs.js";
import { taskFromArg } from "../task-arg.js";

interface RunFlags {
  model?: string;
  preset?: string;
  input: string[];
  json?: boolean;
  maxNewTokens: string;
  sample?: boolean;
  temperature?: string;
  topP?: string;
  seed: string;
  stream?: boolean;
  thinking?: boolean;
  offline?: boolean;
  tokenStats?: boolean;
  modelsDir?: string;
  language?: string;
  translate?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run a task on one sample with a local model (the embedded tiny model for the task's shape by default)")
    .argument("<task>", "an instruction line, or a task preset name (see `omnispec presets`)")
    .option("-m, --model <id or path>", "a hub id, a model folder or an absolute path (default: the embedded tiny model)")
    .option("-p, --preset <name>", "model preset for the plan (default: the model family's, with the model's processor config)")
    .option("-i, --input <name=value>", "a slot value; repeat for several slots (media: a file path)", collect, [])
    .option("--json", 'print { "outputs": {...}, "plan": {...}, "timings": {...} }')
    .option("--max-new-tokens <n>", "tokens to generate at most", "32")
    .option("--sample", "sample instead of greedy decoding")
    .option("--temperature <t>", "sampling temperature")
    .option("--top-p <p>", "nucleus sampling threshold")
    .option("--seed <n>", "sampling seed (same seed, same output)", "0")
    .option("--stream", "print text as it is generated")
    .option("--thinking", "Qwen3-style thinking on (--no-thinking: off)")
    .option("--no-thinking", "Qwen3-style thinking off")
    .option("--offline", "never use the network (hub ids must already be local)")
    .option("--token-stats", "with --json: per generated token its log-probability and entropy")
    .option("--language <code>", "speech recognition: the spoken language (Whisper code such as en, de); default: detected")
    .option("--translate", "speech recognition: translate into English")
    .option("--models-dir <folder>", "where the embedded tiny models are generated", ".omnispec/models")
    .addHelpText(
      "after",
      `
Examples:
  $ omnispec run caption -i img=photo.jpg
  $ omnispec run "[IMAGE:img] is it a cat? -> [CATEGORY:yn,choices=yes|no]" -i img=cat.jpg --json
  $ omnispec run "[VIDEO:clip] what happens? -> [TEXT:answer]" -i clip=film.mp4 --model ./models/qwen2-vl-2b
  $ omnispec run "[AUDIO:wav] -> [TEXT:text]" -i wav=speech.wav
  $ omnispec models        (the embedded defaults and how to use real models)`,
    )
    .action(async (taskArg: string, flags: RunFlags) => {
      const { run } = await import("../../runtime/index.js");
      const task = taskFromArg(taskArg);
      const streaming = flags.stream === true && flags.json !== true;
      const result = await run(task, sampleFromFlags(flags.input, task), {
        model: flags.model,
        preset: flags.preset,
        offline: flags.offline,
        modelsDir: flags.modelsDir,
        language: flags.language,
        translate: flags.translate,
        thinking: flags.thinking,
        returnTokenStats: flags.tokenStats,
        stream: streaming ? (text) => process.stdout.write(text) : undefined,
        generation: {
          maxNewTokens: Number(flags.maxNewTokens),
          greedy: flags.sample !== true,
          temperature: flags.temperature === undefined ? undefined : Number(flags.temperature),
          topP: flags.topP === undefined ? undefined : Number(flags.topP),
          seed: Number(flags.seed),
        },
      });
      if (flags.json) {
        const out: Record<string, unknown> = { outputs: result.outputs, plan: result.plan, timings: result.timings, model: result.model };
        if (result.tokenStats) out.tokenStats = result.tokenStats;
        process.stdout.write(JSON.stringify(out) + "\n");
        return;
      }
      if (streaming) process.stdout.write("\n");
      for (const [name, value] of Object.entries(result.outputs as Record<string, unknown>)) {
        process.stdout.write(`${name}: ${typeof value === "string" ? value : JSON.stringify(value)}\n`);
      }
      const t = result.timings;
      process.stderr.write(
        `model ${result.model.id} (${result.model.route}) · ${result.plan.total_tokens} plan tokens · ` +
          `${t.total.toFixed(0)} ms (load ${t.load.toFixed(0)}, plan ${t.plan.toFixed(0)}, pixels ${t.materialize.toFixed(0)}, model ${t.model.toFixed(0)})\n`,
      );
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
