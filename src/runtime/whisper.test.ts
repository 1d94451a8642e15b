// the Whisper route on the tiny seeded Whisper, offline: omnispec's log-mel into the encoder, Whisper's forced tokens,
// token counts against the plan, and the same ids as transformers.js' own generate on the same features.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { env, Tensor, WhisperFeatureExtractor, WhisperForConditionalGeneration } from "@huggingface/transformers";
import { beforeAll, describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { ffmpegBinaries } from "../media/ffmpeg.js";
import { compile } from "../plan/compile.js";
import { materialize } from "../plan/materialize.js";
import { defineTask } from "../task/define-task.js";
import { loadModel, run } from "./run.js";
import { ensureTinyModels } from "./tiny-models/index.js";

const TMP = resolve("tests/tmp/runtime-whisper");
const MODELS = resolve("tests/tmp/models");
const asr = defineTask("[AUDIO:wav] -> [TEXT:text]");
let model = "";
let low = "";
let high = "";

function tone(file: string, source: string): string {
  const out = join(TMP, file);
  execFileSync(ffmpegBinaries().ffmpeg, ["-y", "-loglevel", "error", "-f", "lavfi", "-i", source, out]);
  return out;
}

beforeAll(() => {
  mkdirSync(TMP, { recursive: true });
  env.allowRemoteModels = false;
  env.useFSCache = false;
  model = ensureTinyModels(MODELS, { kinds: ["whisper"] }).paths.whisper!;
  // stereo at 44.1 kHz: the route must see the plan's downmix and resample
  low = tone("low.wav", "aevalsrc=0.5*sin(2*PI*300*t)|0.3*sin(2*PI*500*t):s=44100:d=2.5");
  high = tone("high.wav", "sine=frequency=2500:sample_rate=16000:duration=4");
});

const opts = { offline: true, modelsDir: MODELS, generation: { maxNewTokens: 8 } };

describe("Whisper ASR on the tiny model", () => {
  it("is deterministic, depends on the audio, and feeds the plan's features and encoder positions", async () => {
    const a = await run(asr, { wav: low }, { ...opts, language: "en", returnTokenStats: true });
    const again = await run(asr, { wav: low }, { ...opts, language: "en" });
    const b = await run(asr, { wav: high }, { ...opts, language: "en" });
    expect(a.model.route).toBe("asr");
    expect(again.outputs).toEqual(a.outputs);
    expect(b.trace.text.text).not.toEqual(a.trace.text.text);
    const wav = a.plan.slots.wav;
    expect(a.input?.mediaTokens.wav).toBe(wav.tokens);
    expect(wav.tokens).toBe(1500);
    expect(wav.samples).toBe(40000);
    expect(wav.feature_frames).toBe(250);
    // <|startoftranscript|> <|en|> <|transcribe|> <|notimestamps|>
    expect(a.input?.ids).toEqual([50258, 50259, 50359, 50363]);
    expect(a.trace.text.tokens).toBe(a.tokenStats!.length);
    expect(a.trace.text.tokens).toBeLessThanOrEqual(8);
    expect(a.outputs.text).toBe(a.trace.text.text?.trim());
    expect(a.plan.preset).toBe("whisper+model");
  });

  it("writes the same token ids as transformers.js' WhisperForConditionalGeneration.generate on the same features", async () => {
    const plan = await compile(asr, { wav: low }, { preset: (await loadModel(model, { offline: true })).preset });
    const { audios } = await materialize(plan, asr, { wav: low });
    const features = audios.wav.features!;
    expect(features.dims).toEqual([1, 80, 3000]);
    expect(features.validFrames).toBe(plan.slots.wav.feature_frames);
    // omnispec's front end against transformers.js' feature extractor on the same samples
    const extractor = await WhisperFeatureExtractor.from_pretrained(model, { local_files_only: true });
    const theirs = (await extractor(audios.wav.samples)).input_features as Tensor;
    const diff = (theirs.data as Float32Array).reduce((m, v, i) => Math.max(m, Math.abs(v - features.data[i])), 0);
    expect(diff).toBeLessThan(1e-5);
    const whisper = await WhisperForConditionalGeneration.from_pretrained(model, { local_files_only: true });
    for (const [language, translate] of [["de", false], ["fr", true]] as const) {
      const out = (await whisper.generate({
        inputs: new Tensor("float32", features.data, features.dims),
        language,
        task: translate ? "translate" : "transcribe",
        max_new_tokens: 8,
      } as never)) as unknown as { tolist(): bigint[][] };
      const ids = out.tolist()[0].map(Number);
      const ours = await run(asr, { wav: low }, { ...opts, model, language, translate, returnTokenStats: true });
      expect(ours.input?.ids).toEqual(ids.slice(0, 4));
      expect(ours.tokenStats!.length).toBeGreaterThan(0);
      expect(ours.tokenStats?.map((s) => s.id)).toEqual(ids.slice(4).filter((id) => id !== 50257));
    }
  });

  it("detects the language when none is given, with one decoder step after the start token", async () => {
    const r = await run(asr, { wav: low }, opts);
    const langs = (JSON.parse(readFileSync(join(model, "generation_config.json"), "utf8")) as { lang_to_id: Record<string, number> }).lang_to_id;
    expect(r.trace.text.language).toBeDefined();
    expect(r.input?.ids[1]).toBe(langs[`<|${r.trace.text.language}|>`]);
    expect(r.input?.ids).toHaveLength(4);
  });

  it("refuses an unknown language, an image task, and a second audio input, naming what is wrong", async () => {
    const err = async (work: Promise<unknown>): Promise<OmnispecError> => {
      const e = await work.then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(OmnispecError);
      return e as OmnispecError;
    };
    const lang = await err(run(asr, { wav: low }, { ...opts, language: "klingon" }));
    expect([lang.code, lang.value]).toEqual(["input/invalid", "klingon"]);
    const image = await err(run(defineTask("[IMAGE:img] -> [TEXT:caption]"), { img: low }, { ...opts, model }));
    expect([image.code, image.slot]).toEqual(["model/unsupported-task", "img"]);
    const two = await err(run(defineTask("[AUDIO:a] [AUDIO:b] -> [TEXT:text]"), { a: low, b: high }, { ...opts, model }));
    expect(two.code).toBe("model/unsupported-task");
  });
});
