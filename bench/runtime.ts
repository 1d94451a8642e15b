// runtime overhead: run() on the tiny ViT and the tiny Qwen2-VL vs transformers.js called directly on the same inputs
// (pipeline; processor + generate), in one process; and cold start, from process start to the first caption.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AutoModelForImageTextToText, AutoProcessor, env, pipeline, RawImage } from "@huggingface/transformers";
import type { ImageClassificationPipeline } from "@huggingface/transformers";
import sharp from "sharp";
import { run as runTask } from "../src/runtime/run.js";
import { ensureTinyModels } from "../src/runtime/tiny-models/index.js";
import { defineTask } from "../src/task/define-task.js";
import { printResults, type BenchResult } from "./types.js";

const DIR = resolve("tests/tmp/bench-runtime");
const MODELS = resolve(".omnispec/models");

const PROMPT = "Describe this image.";
const caption = defineTask(`[IMAGE:img] ${PROMPT} -> [TEXT:caption]`);
const classify = defineTask("[IMAGE:img] -> [CATEGORY:label]");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(n: number, work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await work();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await work();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

function overhead(name: string, ours: number, peer: string, theirs: number): BenchResult {
  const added = ours - theirs;
  const ok = added <= Math.max(0.05 * theirs, 2);
  return {
    name,
    value: ours,
    unit: "ms",
    peer,
    peerValue: theirs,
    ratio: theirs / ours,
    target: "added <= 5% or < 2 ms",
    note: `added ${added.toFixed(2)} ms (${((added / theirs) * 100).toFixed(1)}%) ${ok ? "met" : "NOT met"}`,
  };
}

async function coldStart(image: string): Promise<number> {
  const script = fileURLToPath(import.meta.url);
  const start = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, "--cold", image], { stdio: ["ignore", "pipe", "inherit"] });
    child.stdout.once("data", () => done(performance.now() - start));
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? undefined : fail(new Error(`cold start exited ${code}`))));
  });
}

export async function run(): Promise<BenchResult[]> {
  mkdirSync(DIR, { recursive: true });
  env.allowRemoteModels = false;
  const paths = ensureTinyModels(MODELS, { kinds: ["vit", "qwen2-vl"] }).paths;
  const image = join(DIR, "photo.png");
  await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 180, g: 60, b: 40 } } })
    .composite([{ input: { create: { width: 200, height: 150, channels: 3, background: { r: 30, g: 200, b: 90 } } }, top: 100, left: 220 }])
    .png()
    .toFile(image);
  const results: BenchResult[] = [];
  const opts = { offline: true, generation: { maxNewTokens: 8 } };

  const vit = (await pipeline("image-classification", paths.vit!, { local_files_only: true })) as ImageClassificationPipeline;
  const vitDirect = await time(30, () => vit(image));
  const vitOurs = await time(30, () => runTask(classify, { img: image }, { ...opts, model: paths.vit }));
  results.push(overhead("run() tiny ViT classify (640x480 PNG)", vitOurs, "transformers.js pipeline", vitDirect));

  const processor = await AutoProcessor.from_pretrained(paths["qwen2-vl"]!, { local_files_only: true });
  const model = await AutoModelForImageTextToText.from_pretrained(paths["qwen2-vl"]!, { local_files_only: true });
  const messages = [{ role: "user", content: [{ type: "image" }, { type: "text", text: PROMPT }] }];
  const direct = async () => {
    const prompt = processor.apply_chat_template(messages as never, { add_generation_prompt: true }) as unknown as string;
    const inputs = await processor(prompt, await RawImage.read(image));
    return model.generate({ ...inputs, max_new_tokens: 8, do_sample: false });
  };
  const vlDirect = await time(20, direct);
  const vlOurs = await time(20, () => runTask(caption, { img: image }, { ...opts, model: paths["qwen2-vl"] }));
  results.push(overhead("run() tiny Qwen2-VL caption, 8 tokens", vlOurs, "processor + generate", vlDirect));

  const cold = [await coldStart(image), await coldStart(image), await coldStart(image)];
  results.push({ name: "cold start: process start to first caption (tiny Qwen2-VL)", value: median(cold), unit: "ms", note: "node + tsx, models already generated; median of 3" });
  return results;
}

if (process.argv[2] === "--cold") {
  const r = await runTask(caption, { img: process.argv[3] }, { offline: true, generation: { maxNewTokens: 8 } });
  process.stdout.write(JSON.stringify(r.outputs) + "\n");
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printResults("runtime", await run());
}
