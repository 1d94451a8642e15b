// npm run bench [-- area ...]: runs every bench/<area>.ts (or the named ones) and prints their tables.
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { printResults, type BenchResult } from "./types.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const wanted = process.argv.slice(2);
const areas = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "types.ts"].includes(f))
  .map((f) => f.slice(0, -3))
  .filter((a) => wanted.length === 0 || wanted.includes(a))
  .sort();

for (const area of areas) {
  const mod = (await import(pathToFileURL(`${here}${area}.ts`).href)) as { run?: () => Promise<BenchResult[]> };
  if (typeof mod.run !== "function") continue;
  try {
    printResults(area, await mod.run());
  } catch (e) {
    console.log(`\n## ${area}\nfailed: ${(e as Error).message}`);
    process.exitCode = 1;
  }
}
