// typed loading throughput: a 1,000,000-row JSONL with text + image-path columns, validated, vs plain JSON.parse.
import { createReadStream, mkdirSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { printResults, type BenchResult } from "./types.js";

const tmp = fileURLToPath(new URL("../tests/tmp/bench/", import.meta.url));

function writeRows(file: string, n: number): void {
  mkdirSync(tmp, { recursive: true });
  const chunk: string[] = [];
  writeFileSync(file, "");
  for (let i = 0; i < n; i++) {
    chunk.push(JSON.stringify({ img: `images/${i % 1000}/photo_${i}.jpg`, question: `what is shown in photo ${i}?`, answer: `answer ${i % 97}` }));
    if (chunk.length === 50_000) {
      writeFileSync(file, chunk.join("\n") + "\n", { flag: "a" });
      chunk.length = 0;
    }
  }
  if (chunk.length) writeFileSync(file, chunk.join("\n") + "\n", { flag: "a" });
}

export async function run(): Promise<BenchResult[]> {
  const file = `${tmp}loader-1m.jsonl`;
  writeRows(file, 1_000_000);
  const dist = new URL("../dist/src/", import.meta.url).href;
  const { defineTask } = (await import(`${dist}task/define-task.js`).catch(() => import("../src/task/define-task.js"))) as typeof import("../src/task/define-task.js");
  const { loadDataset } = (await import(`${dist}dataset/loader.js`).catch(() => import("../src/dataset/loader.js"))) as typeof import("../src/dataset/loader.js");
  const task = defineTask("[IMAGE:img] [TEXT:question] -> [TEXT:answer]");

  let t0 = performance.now();
  let plain = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) if (line) plain += JSON.parse(line) ? 1 : 0;
  const plainRate = plain / ((performance.now() - t0) / 1000);

  t0 = performance.now();
  let typed = 0;
  const data = loadDataset(task, file);
  for await (const sample of data) if (sample) typed++;
  const typedRate = typed / ((performance.now() - t0) / 1000);
  if (typed !== 1_000_000 || data.errors.length > 0) throw new Error(`loaded ${typed} rows, ${data.errors.length} errors`);
  return [
    { name: "typed loader, 1M JSONL rows (validated, paths resolved)", value: typedRate, unit: "rows/s", peer: "readline + JSON.parse", peerValue: plainRate, ratio: typedRate / plainRate, target: ">= 0.5x" },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) printResults("loader", await run());
