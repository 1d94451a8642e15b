import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";

export function registerModels(program: Command): void {
  program
    .command("models")
    .description("list the embedded tiny models (the defaults of `omnispec run`) and how to point at real ones")
    .option("--dir <folder>", "where the tiny models are generated", ".omnispec/models")
    .option("--generate", "generate every tiny model now (otherwise `omnispec run` generates the one it needs)")
    .option("--json", "print the list as JSON")
    .action(async (flags: { dir: string; generate?: boolean; json?: boolean }) => {
      const { TINY_MODELS, TINY_MODEL_KINDS, tinyModelPath, listRoutes, ensureTinyModels } = await import("../../runtime/index.js");
      const made = flags.generate ? ensureTinyModels(flags.dir) : undefined;
      const rows = TINY_MODEL_KINDS.map((kind) => {
        const folder = tinyModelPath(kind, flags.dir);
        return { kind, folder, generated: existsSync(join(folder, "config.json")), task: TINY_MODELS[kind].task, description: TINY_MODELS[kind].description };
      });
      const routes = listRoutes().map((r) => ({ name: r.name, inputs: r.inputs, outputs: r.outputs, description: r.description }));
      if (flags.json) {
        process.stdout.write(JSON.stringify({ embedded: rows, routes, ...(made ? { generated: made.generated, ms: made.ms } : {}) }) + "\n");
        return;
      }
      const out: string[] = ["embedded defaults (random weights, generated on first use; they test plumbing, not meaning):"];
      const width = Math.max(...rows.map((r) => r.kind.length));
      for (const r of rows) out.push(`  ${r.kind.padEnd(width)}  ${r.generated ? "ready    " : "not yet  "}${r.description}`);
      out.push("", "model families omnispec runs (--model picks one by its config.json):");
      for (const r of routes) out.push(`  ${r.name.padEnd(32)} ${r.inputs.join("+")} -> ${r.outputs.join("|")}: ${r.description}`);
      out.push(
        "",
        "real models: pass a transformers.js (ONNX) model with --model:",
        "  a hub id        omnispec run caption -i img=photo.jpg --model onnx-community/Qwen2-VL-2B-Instruct",
        "  a local folder  omnispec run caption -i img=photo.jpg --model ./models/Qwen2-VL-2B-Instruct --offline",
        "  in code         run(task, sample, { model, offline, allowRemoteModels, localModelPath, cacheDir })",
        `tiny models live in ${flags.dir} (omnispec run generates the one it needs; --generate makes them all now).`,
      );
      process.stdout.write(out.join("\n") + "\n");
    });
}
