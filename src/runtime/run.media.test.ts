// run() on the real media, offline: the speech through the tiny Whisper (the same ids as transformers.js' generate on
// omnispec's features) and the film clip through the tiny Qwen2-VL (video tokens and positions equal the plan's).
import { join, resolve } from "node:path";
import { AutoModelForImageTextToText, env, Tensor, WhisperForConditionalGeneration } from "@huggingface/transformers";
import { beforeAll, describe, expect, it } from "vitest";
import { compile } from "../plan/compile.js";
import { materialize } from "../plan/materialize.js";
import { defineTask } from "../task/define-task.js";
import { positions } from "./routes/qwen-vl.js";
import { loadModel, run } from "./run.js";
import { ensureTinyModels } from "./tiny-models/index.js";

const MEDIA = resolve(process.env.OMNISPEC_MEDIA_DIR ?? "../shared/media");
const MODELS = resolve("tests/tmp/models");
let paths: Record<string, string> = {};

beforeAll(() => {
  env.allowRemoteModels = false;
  env.useFSCache = false;
  paths = ensureTinyModels(MODELS, { kinds: ["whisper", "qwen2-vl"] }).paths as Record<string, string>;
});

describe("the speech through the tiny Whisper", () => {
  const asr = defineTask("[AUDIO:wav] -> [TEXT:text]");

  it("plans 176,000 samples and 1,100 mel frames for jfk.wav and writes transformers.js' ids on omnispec's features", async () => {
    const wav = join(MEDIA, "audio/jfk.wav");
    const r = await run(asr, { wav }, { offline: true, model: paths.whisper, language: "en", generation: { maxNewTokens: 10 }, returnTokenStats: true });
    expect(r.plan.slots.wav).toMatchObject({ samples: 176000, feature_frames: 1100, tokens: 1500 });
    const plan = await compile(asr, { wav }, { preset: (await loadModel(paths.whisper, { offline: true })).preset });
    const features = (await materialize(plan, asr, { wav })).audios.wav.features!;
    const whisper = await WhisperForConditionalGeneration.from_pretrained(paths.whisper, { local_files_only: true });
    const out = (await whisper.generate({ inputs: new Tensor("float32", features.data, features.dims), language: "en", task: "transcribe", max_new_tokens: 10 } as never)) as unknown as { tolist(): bigint[][] };
    const ids = out.tolist()[0].map(Number);
    expect(r.input?.ids).toEqual(ids.slice(0, 4));
    expect(r.tokenStats?.map((s) => s.id)).toEqual(ids.slice(4).filter((id) => id !== 50257));
  });

  it("gives the MP3 of the same speech a plan of the same length", async () => {
    const r = await run(asr, { wav: join(MEDIA, "audio/jfk.mp3") }, { offline: true, model: paths.whisper, language: "en", generation: { maxNewTokens: 4 } });
    expect(Math.abs((r.plan.slots.wav.samples as number) - 176000)).toBeLessThan(16000 * 0.1);
    expect(typeof r.outputs.text).toBe("string");
  });
});

describe("the film clip through the tiny Qwen2-VL", () => {
  it("feeds as many video tokens as the plan counts, at transformers.js' positions", async () => {
    const task = defineTask("[VIDEO:clip] what happens? -> [TEXT:answer]");
    const r = await run(task, { clip: join(MEDIA, "video/bbb_480p_30s.mp4") }, { offline: true, model: paths["qwen2-vl"], generation: { maxNewTokens: 4 } });
    const [t, h, w] = r.plan.slots.clip.grid_thw as [number, number, number];
    expect((r.plan.slots.clip.frames as { indices: number[] }).indices).toHaveLength(2 * t);
    expect(r.input?.mediaTokens.clip).toBe(r.plan.slots.clip.tokens);
    const ids = r.input!.ids;
    const model = (await AutoModelForImageTextToText.from_pretrained(paths["qwen2-vl"], { local_files_only: true })) as unknown as {
      get_rope_index(ids: Tensor, image: null, video: Tensor, mask: Tensor): [Tensor, Tensor];
    };
    const [theirs] = model.get_rope_index(
      new Tensor("int64", BigInt64Array.from(ids, BigInt), [1, ids.length]),
      null,
      new Tensor("int64", BigInt64Array.from([t, h, w], BigInt), [1, 3]),
      new Tensor("int64", new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
    );
    expect(Array.from(positions(ids, "qwen2-vl", [], [[t, h, w]], [1], undefined, 2).data, Number)).toEqual(Array.from(theirs.data as BigInt64Array, Number));
  });
});
