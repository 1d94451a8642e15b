// npm run bench [-- area ...]: runs every bench/<area>.ts (or the named ones) and prints their tables. Each area runs
// in a node process of its own: the heap one area leaves behind would slow the next one (forking ffmpeg from a 1.5 GB
// process costs about 60 ms a spawn here, against 1 ms from a fresh one).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { printResults, type BenchResult } from "./types.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const args = process.argv.slice(2);

if (args[0] === "--area") {
  const area = args[1];
  const mod = (await import(pathToFileURL(`${here}${area}.ts`).href)) as { run?: () => Promise<BenchResult[]> };
  if (typeof mod.run === "function") {
    try {
      printResults(area, await mod.run());
    } catch (e) {
      console.log(`\n## ${area}\nfailed: ${(e as Error).message}`);
      process.exitCode = 1;
    }
  }
} else {
  const areas = readdirSync(here)
    .filter((f) => f.endsWith(".ts") && !["run.ts", "types.ts"].includes(f))
    .map((f) => f.slice(0, -3))
    .filter((a) => args.length === 0 || args.includes(a))
    .sort();
  for (const area of areas) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--area", area], { stdio: "inherit" });
    if (r.status !== 0) process.exitCode = 1;
  }
}
