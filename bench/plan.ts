// metadata-only planning of a 100,000-sample JSONL (text + image size) through the streaming planner; peak memory vs length.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { peakRssMb, printResults, type BenchResult } from "./types.js";

const tmp = fileURLToPath(new URL("../tests/tmp/bench/", import.meta.url));

function writeJsonl(file: string, n: number): void {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const w = 200 + ((i * 7919) % 3800);
    const h = 200 + ((i * 104729) % 2800);
    out.push(JSON.stringify({ image: `size:${w}x${h}`, question: `what is in picture number ${i}?` }));
  }
  writeFileSync(file, out.join("\n") + "\n");
}

/** plans the file in this process; returns samples/s */
export async function planFile(file: string): Promise<{ rate: number; seconds: number; maxRssMb: number }> {
  // the built package when present (what users run; npm run bench builds first)
  const dist = new URL("../dist/src/", import.meta.url).href;
  const { defineTask } = (await import(`${dist}task/define-task.js`).catch(() => import("../src/task/define-task.js"))) as typeof import("../src/task/define-task.js");
  const { planJsonl } = (await import(`${dist}plan/jsonl.js`).catch(() => import("../src/plan/jsonl.js"))) as typeof import("../src/plan/jsonl.js");
  const task = defineTask("[IMAGE:image] [TEXT:question] -> [TEXT:answer]");
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const t0 = performance.now();
  const s = await planJsonl(task, file, sink, { preset: "qwen2-vl", metadataOnly: true });
  const seconds = (performance.now() - t0) / 1000;
  if (s.failed > 0) throw new Error(`${s.failed} samples failed`);
  return { rate: s.planned / seconds, seconds, maxRssMb: peakRssMb() };
}

function child(file: string, capped = false): { rate: number; seconds: number; maxRssMb: number } {
  // capped: a 64 MB old space; if planning needed memory in proportion to the file, the long file would fail or grow
  const flags = capped ? ["--max-old-space-size=64"] : [];
  const r = spawnSync(process.execPath, [...flags, "--import", "tsx", fileURLToPath(import.meta.url), "--child", file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as { rate: number; seconds: number; maxRssMb: number };
}

export async function run(): Promise<BenchResult[]> {
  mkdirSync(tmp, { recursive: true });
  const small = `${tmp}plan-100k.jsonl`;
  const big = `${tmp}plan-400k.jsonl`;
  writeJsonl(small, 100_000);
  writeJsonl(big, 400_000);
  const b = child(small);
  const m1 = child(small, true);
  const m4 = child(big, true);
  // peer: reading and JSON.parse of the same lines, no planning
  const { createInterface } = await import("node:readline");
  const { createReadStream } = await import("node:fs");
  const t0 = performance.now();
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(small) })) if (line) n += JSON.parse(line) ? 1 : 0;
  const parseRate = n / ((performance.now() - t0) / 1000);
  return [
    { name: "plan 100k samples (metadata only)", value: b.rate, unit: "samples/s", peer: "read + JSON.parse only", peerValue: parseRate, ratio: b.rate / parseRate, target: ">= 50,000/s" },
    { name: "peak RSS, 100k-line file (64 MB heap cap)", value: m1.maxRssMb, unit: "MB", note: "main thread and planning workers" },
    { name: "peak RSS, 400k-line file (64 MB heap cap)", value: m4.maxRssMb, unit: "MB", note: `ratio to 100k: ${(m4.maxRssMb / m1.maxRssMb).toFixed(2)} (streaming: independent of length)` },
  ];
}

if (process.argv[2] === "--child") {
  const r = await planFile(process.argv[3]);
  console.log(JSON.stringify(r));
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printResults("plan", await run());
}
