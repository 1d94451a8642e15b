// tiny seeded models: generation time for every kind, the idle ensure, and load + one inference through transformers.js.
import { rmSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median, printResults, type BenchResult } from "./types.js";

const dir = fileURLToPath(new URL("../tests/tmp/bench/tiny-models/", import.meta.url));

export async function run(): Promise<BenchResult[]> {
  const { ensureTinyModels } = await import("../src/runtime/tiny-models/ensure.js");
  const { TINY_MODELS, TINY_MODEL_KINDS } = await import("../src/runtime/tiny-models/registry.js");
  const out: BenchResult[] = [];
  const all: number[] = [];
  for (let i = 0; i < 3; i++) {
    rmSync(dir, { recursive: true, force: true });
    all.push(ensureTinyModels(dir).ms);
  }
  const bytes = Object.values(ensureTinyModels(dir).bytes).reduce((a, b) => a + (b ?? 0), 0);
  out.push({ name: "generate all tiny models (write + manifest)", value: median(all), unit: "ms", target: "< 5000 ms", note: `${(bytes / 1024 / 1024).toFixed(2)} MiB on disk` });
  out.push({ name: "ensureTinyModels when up to date", value: median([1, 2, 3].map(() => ensureTinyModels(dir).ms)), unit: "ms" });
  for (const kind of TINY_MODEL_KINDS) {
    const t = performance.now();
    TINY_MODELS[kind].build(0);
    out.push({ name: `build ${kind} in memory`, value: performance.now() - t, unit: "ms" });
  }

  const { env, pipeline, RawImage } = await import("@huggingface/transformers");
  env.allowRemoteModels = false;
  env.useFSCache = false;
  const paths = ensureTinyModels(dir).paths;
  const image = new RawImage(new Uint8ClampedArray(320 * 200 * 3).fill(128), 320, 200, 3);
  const timed = async (name: string, load: () => Promise<(x: unknown) => Promise<unknown>>, input: unknown) => {
    let t = performance.now();
    const p = await load();
    const loadMs = performance.now() - t;
    t = performance.now();
    await p(input);
    out.push({ name: `${name}: load`, value: loadMs, unit: "ms" }, { name: `${name}: first call`, value: performance.now() - t, unit: "ms" });
  };
  const pipe = (task: string, path: string | undefined, options: Record<string, unknown> = {}) => async () => {
    const p = (await pipeline(task as "text-generation", path ?? "")) as unknown as (x: unknown, o?: unknown) => Promise<unknown>;
    return (x: unknown) => p(x, options);
  };
  await timed("qwen3 text-generation, 16 tokens", pipe("text-generation", paths.qwen3, { max_new_tokens: 16, do_sample: false }), "hello world");
  await timed("vit image-classification", pipe("image-classification", paths.vit), image);
  await timed("clip zero-shot, 3 labels", async () => {
    const p = (await pipeline("zero-shot-image-classification", paths.clip ?? "")) as unknown as (x: unknown, l: string[]) => Promise<unknown>;
    return (x: unknown) => p(x, ["red", "green", "blue"]);
  }, image);
  await timed("whisper asr, 3 s audio, 16 tokens", pipe("automatic-speech-recognition", paths.whisper, { max_new_tokens: 16, language: "english" }), new Float32Array(48000).fill(0.1));
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) printResults("tiny-models", await run());
