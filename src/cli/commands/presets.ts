import type { Command } from "commander";
import { modelPresets } from "../../../presets/models.js";
import { taskPresets, type TaskPreset } from "../../../presets/tasks.js";

const ORIGINS = [
  ["ofasys", "OFASys example tasks"],
  ["modern", "modern tasks"],
] as const;

/**
 * The grouped listing `omnispec presets` prints: by origin, then by group; each task with its metric and model.
 *
 * @example
 * console.log(presetsListing()); // "task presets ...\n\nOFASys example tasks (23)\n  text\n    glue ..."
 */
export function presetsListing(): string {
  const tasks: readonly TaskPreset[] = Object.values(taskPresets);
  const nameW = Math.max(...tasks.map((t) => t.name.length));
  const metricW = Math.max(...tasks.map((t) => t.metric.length));
  const modelW = Math.max(...tasks.map((t) => t.model.length));
  const out: string[] = ["task presets (use the name wherever a task is expected; metric; model preset it is written for):"];
  for (const [origin, title] of ORIGINS) {
    const mine = tasks.filter((t) => t.origin === origin);
    out.push("", `${title} (${mine.length})`);
    const groups = [...new Set(mine.map((t) => t.group))];
    for (const g of groups) {
      out.push(`  ${g}`);
      for (const t of mine.filter((x) => x.group === g)) {
        const flags = [t.generative ? "generative target: plans its inputs only" : "", t.pretrainOnly ? "pretraining" : ""].filter(Boolean).join(", ");
        out.push(`    ${t.name.padEnd(nameW)}  ${t.metric.padEnd(metricW)}  ${t.model.padEnd(modelW)}  ${t.instruction}${flags ? `  [${flags}]` : ""}`);
      }
    }
  }
  out.push("", "model presets (--preset, or a checkpoint folder):");
  const models = Object.values(modelPresets);
  const mw = Math.max(...models.map((m) => m.name.length));
  for (const m of models) out.push(`  ${m.name.padEnd(mw)}  ${m.description}`);
  return out.join("\n");
}

/**
 * Registers `omnispec presets [--json]` on a commander program.
 *
 * @example
 * import { Command } from "commander";
 * const program = new Command();
 * registerPresets(program);
 * await program.parseAsync(["node", "omnispec", "presets", "--json"]);
 */
export function registerPresets(program: Command): void {
  program
    .command("presets")
    .description("list the task presets (grouped, with their instructions, metrics and models) and the model presets")
    .option("--json", "print { tasks: [...], models: [...] }")
    .action((opts: { json?: boolean }) => {
      if (opts.json) {
        const models = Object.values(modelPresets).map((m) => ({ name: m.name, family: m.family, description: m.description }));
        process.stdout.write(JSON.stringify({ tasks: Object.values(taskPresets), models }) + "\n");
        return;
      }
      process.stdout.write(presetsListing() + "\n");
    });
}
