// tiny-whisper through transformers.js, offline: pipeline("automatic-speech-recognition") and
// WhisperForConditionalGeneration.generate.
// onnx/encoder_model.onnx: input_features [batch, 80, 3000] → last_hidden_state [batch, 1500, 32].
// onnx/decoder_model_merged.onnx: input_ids, encoder_hidden_states, use_cache_branch,
//   past_key_values.{i}.decoder|encoder.key|value → logits [batch, seq, 51865], present.{i}.decoder|encoder.key|value.
import { AutoProcessor, env, pipeline, Tensor, WhisperForConditionalGeneration } from "@huggingface/transformers";
import type { AutomaticSpeechRecognitionPipeline } from "@huggingface/transformers";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureTinyModels } from "./ensure.js";

let path = "";

function tone(hz: number, seconds = 2): Float32Array {
  return Float32Array.from({ length: 16000 * seconds }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / 16000));
}

beforeAll(() => {
  env.allowRemoteModels = false;
  env.useFSCache = false;
  env.fetch = () => {
    throw new Error("network access during an offline test");
  };
  path = ensureTinyModels("tests/tmp/models", { kinds: ["whisper"] }).paths.whisper ?? "";
});

describe("tiny-whisper with transformers.js", () => {
  it("transcribes a generated tone deterministically, with a language option and with timestamps", async () => {
    const asr = (await pipeline("automatic-speech-recognition", path)) as AutomaticSpeechRecognitionPipeline;
    const run = async (audio: Float32Array, options: Record<string, unknown> = {}) =>
      ((await asr(audio, { language: "english", max_new_tokens: 8, ...options })) as { text: string }).text;
    const a = await run(tone(440));
    expect(a.length).toBeGreaterThan(0);
    expect(await run(tone(440))).toBe(a);
    expect((await run(tone(440), { language: "french" })).length).toBeGreaterThan(0);
    const stamped = (await asr(tone(440), { language: "english", max_new_tokens: 8, return_timestamps: true })) as { chunks?: unknown[] };
    expect(Array.isArray(stamped.chunks)).toBe(true);
  });

  it("puts the start, language, task and no-timestamps tokens first and generates max_new_tokens more", async () => {
    const processor = await AutoProcessor.from_pretrained(path);
    const model = await WhisperForConditionalGeneration.from_pretrained(path);
    const { input_features } = await processor(tone(300));
    expect(input_features.dims).toEqual([1, 80, 3000]);
    const out = (await model.generate({ inputs: input_features, language: "de", task: "transcribe", max_new_tokens: 5 })) as unknown as {
      tolist(): bigint[][];
    };
    const ids = out.tolist()[0];
    // <|startoftranscript|> <|de|> <|transcribe|> <|notimestamps|>, the multilingual checkpoints' ids
    expect(ids.slice(0, 4)).toEqual([50258n, 50261n, 50359n, 50363n]);
    expect(ids).toHaveLength(4 + 5);
  });

  it("gives different first-step logits for different audio", async () => {
    const processor = await AutoProcessor.from_pretrained(path);
    const model = await WhisperForConditionalGeneration.from_pretrained(path);
    const prefix = new Tensor("int64", BigInt64Array.from([50258n, 50259n, 50359n, 50363n]), [1, 4]);
    const logits = async (audio: Float32Array): Promise<number[]> => {
      const { input_features } = await processor(audio);
      const out = (await model({ input_features, decoder_input_ids: prefix })) as { logits: { dims: number[]; data: Float32Array } };
      expect(out.logits.dims).toEqual([1, 4, 51865]);
      return Array.from(out.logits.data.subarray(3 * 51865, 3 * 51865 + 512));
    };
    expect(await logits(tone(880))).not.toEqual(await logits(tone(440)));
  });
});
