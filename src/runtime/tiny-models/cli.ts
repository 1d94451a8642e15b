// generates the tiny seeded models: npx tsx src/runtime/tiny-models/cli.ts --out .omnispec/models [--seed 0] [--force] [--kinds vit,clip]
import { parseArgs } from "node:util";
import { isOmnispecError } from "../../errors.js";
import { DEFAULT_MODELS_DIR, ensureTinyModels } from "./ensure.js";
import { TINY_MODEL_KINDS, TINY_MODELS } from "./registry.js";

/**
 * Runs the generator from command-line arguments and prints one line per model; returns the exit code.
 *
 * @example
 * import { main } from "./cli.js";
 * process.exitCode = main(["--out", ".omnispec/models", "--seed", "0"]);
 */
export function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: "string", default: DEFAULT_MODELS_DIR },
      seed: { type: "string", default: "0" },
      kinds: { type: "string" },
      force: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(`usage: tsx src/runtime/tiny-models/cli.ts [--out DIR] [--seed N] [--kinds ${TINY_MODEL_KINDS.join(",")}] [--force]`);
    return 0;
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) {
    console.error(`--seed must be a non-negative integer, got "${values.seed}"`);
    return 2;
  }
  try {
    const r = ensureTinyModels(values.out, { seed, kinds: values.kinds?.split(","), force: values.force });
    for (const kind of [...r.generated, ...r.reused]) {
      const state = r.generated.includes(kind) ? "generated" : "up to date";
      const kib = ((r.bytes[kind] ?? 0) / 1024).toFixed(0).padStart(5);
      console.log(`${kind.padEnd(11)} ${kib} KiB  ${state.padEnd(10)}  ${TINY_MODELS[kind].task.padEnd(30)} ${r.paths[kind]}`);
    }
    console.log(`seed ${r.seed}, ${r.generated.length} generated, ${r.reused.length} up to date, ${r.ms.toFixed(0)} ms`);
    return 0;
  } catch (e) {
    if (isOmnispecError(e)) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) process.exitCode = main(process.argv.slice(2));
