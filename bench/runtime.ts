// runtime overhead: run() on the tiny ViT, Qwen2-VL, Whisper and BERT vs transformers.js called directly on the same inputs
// (pipeline; processor + generate), in one process; what omnispec itself spends per call (plan, tensors, prompt); and
// cold start, from process start to the first output of the demo's first task through the CLI.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AutoModelForImageTextToText, AutoProcessor, env, pipeline, RawImage } from "@huggingface/transformers";
import type { AutomaticSpeechRecognitionPipeline, ImageClassificationPipeline, TextClassificationPipeline } from "@huggingface/transformers";
import { sampleMedia } from "../examples/sample-media.js";
import { decodeAudio } from "../src/modalities/audio/decode.js";
import { run as runTask } from "../src/runtime/run.js";
import type { RunResult } from "../src/runtime/types.js";
import { ensureTinyModels } from "../src/runtime/tiny-models/index.js";
import { defineTask } from "../src/task/define-task.js";
import { median, printResults, type BenchResult } from "./types.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MODELS = resolve(ROOT, ".omnispec/models");

const PROMPT = "Describe this image.";
// resample=transformersjs: the same pixels as the peer, so the difference is omnispec's overhead alone
const caption = defineTask(`[IMAGE:img,resample=transformersjs] ${PROMPT} -> [TEXT:caption]`);
const classify = defineTask("[IMAGE:img,resample=transformersjs] -> [CATEGORY:label]");
// the default: Pillow-exact pixels, as the Python reference computes them
const captionExact = defineTask(`[IMAGE:img] ${PROMPT} -> [TEXT:caption]`);
const classifyExact = defineTask("[IMAGE:img] -> [CATEGORY:label]");
const asr = defineTask("[AUDIO:wav] -> [TEXT:text]");
const sentiment = defineTask("[TEXT:review] -> [CATEGORY:sentiment]");
const REVIEW = "A wonderful film: the story drags a little in the middle, but the acting and the music are great.";

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

/** runs `work` n times (after warm-up) and returns the median total and the median of omnispec's own phases */
async function timeRun(n: number, work: () => Promise<RunResult>): Promise<{ total: number; own: number; model: number }> {
  for (let i = 0; i < 3; i++) await work();
  const total: number[] = [];
  const own: number[] = [];
  const model: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await work();
    total.push(performance.now() - t);
    own.push(r.timings.plan + r.timings.materialize + r.timings.prompt);
    model.push(r.timings.model);
  }
  return { total: median(total), own: median(own), model: median(model) };
}

function overhead(name: string, ours: { total: number; own: number; model: number }, peer: string, theirs: number): BenchResult {
  const added = ours.total - theirs;
  const ok = added <= Math.max(0.05 * theirs, 2);
  return {
    name,
    value: ours.total,
    unit: "ms",
    peer,
    peerValue: theirs,
    ratio: theirs / ours.total,
    target: "added <= 5% or < 2 ms",
    note:
      `added ${added.toFixed(2)} ms (${((added / theirs) * 100).toFixed(1)}%) ${ok ? "met" : "NOT met"}; ` +
      `omnispec's own work ${ours.own.toFixed(1)} ms (plan + tensors + prompt), model ${ours.model.toFixed(1)} ms`,
  };
}

/** what exact Pillow pixels cost over the transformers.js resampler */
function exact(name: string, ours: { total: number; own: number }, fast: { total: number; own: number }): BenchResult {
  return { name, value: ours.total, unit: "ms", note: `Pillow bicubic in JS: +${(ours.total - fast.total).toFixed(1)} ms over the transformers.js resampler (own work ${ours.own.toFixed(1)} ms)` };
}

/** ms from spawning the CLI to its first byte of output */
function coldStart(args: string[]): Promise<number> {
  const start = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.stdout.once("data", () => done(performance.now() - start));
    child.on("error", fail);
    child.on("exit", (code) => (code === 0 ? undefined : fail(new Error(`cold start exited ${code}: ${err}`))));
  });
}

export async function run(): Promise<BenchResult[]> {
  env.allowRemoteModels = false;
  const paths = ensureTinyModels(MODELS, { kinds: ["vit", "qwen2-vl", "whisper", "bert"] }).paths;
  const media = await sampleMedia(join(ROOT, ".omnispec/demo-media"));
  const dir = join(ROOT, "tests/tmp/bench-runtime");
  mkdirSync(dir, { recursive: true });
  const image = media.photo;
  const results: BenchResult[] = [];
  const opts = { offline: true, generation: { maxNewTokens: 8 } };

  const vit = (await pipeline("image-classification", paths.vit!, { local_files_only: true })) as ImageClassificationPipeline;
  const vitDirect = await time(30, () => vit(image));
  const vitOurs = await timeRun(30, () => runTask(classify, { img: image }, { ...opts, model: paths.vit }));
  results.push(overhead("run() tiny ViT classify (1200x800 JPEG), transformers.js resampler", vitOurs, "transformers.js pipeline", vitDirect));
  const vitExact = await timeRun(30, () => runTask(classifyExact, { img: image }, { ...opts, model: paths.vit }));
  results.push(exact("run() tiny ViT classify, Pillow-exact pixels (default)", vitExact, vitOurs));

  const processor = await AutoProcessor.from_pretrained(paths["qwen2-vl"]!, { local_files_only: true });
  const model = await AutoModelForImageTextToText.from_pretrained(paths["qwen2-vl"]!, { local_files_only: true });
  const messages = [{ role: "user", content: [{ type: "image" }, { type: "text", text: PROMPT }] }];
  const direct = async () => {
    const prompt = processor.apply_chat_template(messages as never, { add_generation_prompt: true }) as unknown as string;
    const inputs = await processor(prompt, await RawImage.read(image));
    return model.generate({ ...inputs, max_new_tokens: 8, min_new_tokens: 8, do_sample: false });
  };
  const vlDirect = await time(20, direct);
  const vlOurs = await timeRun(20, () => runTask(caption, { img: image }, { ...opts, model: paths["qwen2-vl"] }));
  results.push(overhead("run() tiny Qwen2-VL caption, 8 tokens, transformers.js resampler", vlOurs, "processor + generate", vlDirect));
  const vlExact = await timeRun(20, () => runTask(captionExact, { img: image }, { ...opts, model: paths["qwen2-vl"] }));
  results.push(exact("run() tiny Qwen2-VL caption, Pillow-exact pixels (default)", vlExact, vlOurs));

  const whisper = (await pipeline("automatic-speech-recognition", paths.whisper!, { local_files_only: true })) as AutomaticSpeechRecognitionPipeline;
  // the peer gets the same decoder (transformers.js in Node reads no audio files itself)
  const asrDirect = await time(20, async () => whisper((await decodeAudio(media.audio, { sampleRate: 16000 })).samples, { language: "en", max_new_tokens: 8 } as never));
  const asrOurs = await timeRun(20, () => runTask(asr, { wav: media.audio }, { ...opts, model: paths.whisper, language: "en" }));
  results.push(overhead("run() tiny Whisper ASR, 3 s, 8 tokens", asrOurs, "decodeAudio + ASR pipeline", asrDirect));

  const bert = (await pipeline("text-classification", paths.bert!, { local_files_only: true })) as TextClassificationPipeline;
  const bertDirect = await time(50, () => bert(REVIEW, { top_k: null }));
  const bertOurs = await timeRun(50, () => runTask(sentiment, { review: REVIEW }, { ...opts, model: paths.bert }));
  results.push(overhead("run() tiny BERT text classification, 20 words", bertOurs, "text-classification pipeline", bertDirect));

  const cli = ["run", "caption", "-i", `img=${image}`, "--offline", "--max-new-tokens", "8"];
  const source = [await coldStart(["--import", "tsx", "src/cli/main.ts", ...cli]), await coldStart(["--import", "tsx", "src/cli/main.ts", ...cli]), await coldStart(["--import", "tsx", "src/cli/main.ts", ...cli])];
  results.push({ name: "cold start: `omnispec run caption` to first output (tsx)", value: median(source), unit: "ms", note: "demo's first task, tiny Qwen2-VL, models already generated; median of 3" });
  const built = join(ROOT, "dist/src/cli/main.js");
  if (existsSync(built)) {
    const times = [await coldStart([built, ...cli]), await coldStart([built, ...cli]), await coldStart([built, ...cli])];
    results.push({ name: "cold start: `omnispec run caption` to first output (built)", value: median(times), unit: "ms", note: "node dist/src/cli/main.js; median of 3" });
  }
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printResults("runtime", await run());
}
