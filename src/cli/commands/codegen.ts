import { resolve } from "node:path";
import type { Command } from "commander";

export function registerCodegen(program: Command): void {
  program
    .command("codegen")
    .description("generate a typed dataset loader module for every defineTask(...) in a TypeScript file")
    .argument("<file>", "a .ts file with defineTask calls (read statically, never run)")
    .requiredOption("-o, --out <dir>", "folder for the generated modules")
    .option("--import-root <spec>", "module specifier for omnispec", "omnispec")
    .option("--import-dataset <spec>", "module specifier for omnispec/dataset", "omnispec/dataset")
    .addHelpText("after", `
Example:
  $ omnispec codegen src/tasks.ts --out src/loaders
  // src/tasks.ts:   export const caption = defineTask("[IMAGE:img] what does the image describe? -> [TEXT:cap]");
  // generates:      src/loaders/caption.ts exporting loadCaption(source, { columns, onError }) and CaptionSample`)
    .action(async (file: string, opts: { out: string; importRoot: string; importDataset: string }) => {
      // ts-morph (the TypeScript compiler) loads only for this command
      const [{ findTasks }, { writeLoaders }] = await Promise.all([import("../../../codegen/extract.js"), import("../../../codegen/emit.js")]);
      const tasks = findTasks(resolve(file));
      if (tasks.length === 0) {
        process.stderr.write(`no defineTask(...) calls found in ${file}\n`);
        process.exitCode = 1;
        return;
      }
      const files = writeLoaders(tasks, opts.out, { from: file, importRoot: opts.importRoot, importDataset: opts.importDataset });
      for (const f of files) process.stdout.write(`${f}\n`);
    });
}
