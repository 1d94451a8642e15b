// `omnispec stats` over 100,000 image samples from headers only: samples/s, against planning the same rows one by one.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { datasetStats } from "../src/dataset/stats.js";
import { planJsonl } from "../src/plan/jsonl.js";
import { defineTask } from "../src/task/define-task.js";
import { printResults, type BenchResult } from "./types.js";

const DIR = resolve("tests/tmp/bench-stats");
const IMAGES = 300;
const ROWS = 100_000;
const PEER_ROWS = 20_000;

/** a few hundred small real images of varied sizes and formats, and JSONL files whose rows point at them (1 in 5 a size: row) */
async function fixtures(): Promise<{ all: string; head: string }> {
  const all = join(DIR, `rows-${ROWS}.jsonl`);
  const head = join(DIR, `rows-${PEER_ROWS}.jsonl`);
  if (existsSync(all) && existsSync(head)) return { all, head };
  mkdirSync(join(DIR, "img"), { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const width = 64 + ((i * 37) % 400);
    const height = 64 + ((i * 53) % 300);
    const ext = ["jpg", "png", "webp"][i % 3];
    const name = `img/${i}.${ext}`;
    const img = sharp({ create: { width, height, channels: 3, background: { r: i % 256, g: 90, b: 160 } } });
    await (ext === "jpg" ? img.jpeg() : ext === "png" ? img.png() : img.webp()).toFile(join(DIR, name));
    files.push(name);
  }
  const lines: string[] = [];
  for (let r = 0; r < ROWS; r++) {
    const img = r % 5 === 4 ? `size:${320 + (r % 1600)}x${240 + (r % 900)}` : files[(r * 7919) % IMAGES];
    lines.push(JSON.stringify({ img, caption: `a photo number ${r} of something in the street` }));
  }
  writeFileSync(all, lines.join("\n") + "\n");
  writeFileSync(head, lines.slice(0, PEER_ROWS).join("\n") + "\n");
  return { all, head };
}

export async function run(): Promise<BenchResult[]> {
  const { all, head } = await fixtures();
  const task = defineTask("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
  // warm up sharp, the planners and the file cache
  await datasetStats(task, head, { preset: "qwen2-vl", sample: 2000, seed: 1 });

  let t0 = performance.now();
  const { summary } = await datasetStats(task, all, { preset: "qwen2-vl" });
  const statsSecs = (performance.now() - t0) / 1000;
  const rate = summary.samples / statsSecs;

  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  t0 = performance.now();
  const peer = await planJsonl(task, head, sink, { preset: "qwen2-vl", metadataOnly: true });
  const peerRate = peer.planned / ((performance.now() - t0) / 1000);

  // the ceiling: sharp's header reads alone on the same files, 64 at a time as stats does
  const files = readFileSync(head, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { img: string }).img).filter((f) => !f.startsWith("size:"));
  t0 = performance.now();
  for (let i = 0; i < files.length; i += 64) await Promise.all(files.slice(i, i + 64).map((f) => sharp(join(DIR, f)).metadata()));
  const headerRate = files.length / ((performance.now() - t0) / 1000);

  return [
    {
      name: "image header reads alone (sharp.metadata, 64 in flight)",
      value: headerRate,
      unit: "files/s",
      note: "the ceiling for file-backed rows; size: rows cost no I/O",
    },
    {
      name: `stats, ${ROWS.toLocaleString("en-US")} image samples from headers`,
      value: rate,
      unit: "samples/s",
      peer: `plan --jsonl --metadata-only, ${PEER_ROWS.toLocaleString("en-US")} rows`,
      peerValue: peerRate,
      ratio: rate / peerRate,
      note: `${statsSecs.toFixed(1)} s; ${IMAGES} files + size: rows; p50 ${summary.tokens.p50}, p99 ${summary.tokens.p99}, ${summary.bad} bad`,
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  printResults("stats", await run());
}
