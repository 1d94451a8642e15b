import type { Command } from "commander";
import { modelPresets } from "../../../presets/models.js";
import { taskPresets } from "../../../presets/tasks.js";

export function registerPresets(program: Command): void {
  program
    .command("presets")
    .description("list the task presets (with their instructions and metrics) and the model presets")
    .option("--json", "print { tasks: [...], models: [...] }")
    .action((opts: { json?: boolean }) => {
      const tasks = Object.values(taskPresets);
      const models = Object.values(modelPresets).map((m) => ({ name: m.name, family: m.family, description: m.description }));
      if (opts.json) {
        process.stdout.write(JSON.stringify({ tasks, models }) + "\n");
        return;
      }
      process.stdout.write("task presets (use the name wherever a task is expected):\n");
      const w = Math.max(...tasks.map((t) => t.name.length));
      for (const t of tasks) {
        const flags = [("generative" in t && t.generative) ? "generative target" : "", ("pretrainOnly" in t && t.pretrainOnly) ? "pretraining" : ""].filter(Boolean).join(", ");
        process.stdout.write(`  ${t.name.padEnd(w)}  ${t.metric.padEnd(10)}  ${t.instruction}${flags ? `  [${flags}]` : ""}\n`);
      }
      process.stdout.write("\nmodel presets (--preset):\n");
      const mw = Math.max(...models.map((m) => m.name.length));
      for (const m of models) process.stdout.write(`  ${m.name.padEnd(mw)}  ${m.description}\n`);
    });
}
