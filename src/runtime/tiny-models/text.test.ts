// tiny-qwen3 through transformers.js, offline: pipeline("text-generation") and AutoModelForCausalLM.
// onnx/model.onnx I/O: input_ids, attention_mask, position_ids, past_key_values.{i}.key|value, num_logits_to_keep
// → logits [batch, kept, 151936], present.{i}.key|value.
import { AutoModelForCausalLM, AutoTokenizer, env, pipeline } from "@huggingface/transformers";
import type { TextGenerationPipeline } from "@huggingface/transformers";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureTinyModels } from "./ensure.js";

let path = "";
let otherSeed = "";

beforeAll(() => {
  env.allowRemoteModels = false;
  env.useFSCache = false;
  env.fetch = () => {
    throw new Error("network access during an offline test");
  };
  path = ensureTinyModels("tests/tmp/models", { kinds: ["qwen3"] }).paths.qwen3 ?? "";
  otherSeed = ensureTinyModels("tests/tmp/models-seed-1", { seed: 1, kinds: ["qwen3"] }).paths.qwen3 ?? "";
});

async function generate(folder: string, prompt: string, tokens = 6): Promise<string> {
  const gen = (await pipeline("text-generation", folder)) as TextGenerationPipeline;
  const out = (await gen(prompt, { max_new_tokens: tokens, do_sample: false })) as { generated_text: string }[];
  return out[0].generated_text;
}

describe("tiny-qwen3 with transformers.js", () => {
  it("generates greedily from an absolute path, deterministically, and depends on the prompt and the seed", async () => {
    const a = await generate(path, "hello world, the cat");
    expect(a.startsWith("hello world, the cat")).toBe(true);
    expect(a.length).toBeGreaterThan("hello world, the cat".length);
    expect(await generate(path, "hello world, the cat")).toBe(a);
    expect(await generate(path, "the dog is red")).not.toBe(a.replace("hello world, the cat", "the dog is red"));
    expect(await generate(otherSeed, "hello world, the cat")).not.toBe(a);
  });

  it("emits exactly max_new_tokens tokens with Qwen's special-token ids and renders the chat template", async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(path);
    const model = await AutoModelForCausalLM.from_pretrained(path);
    expect(model.constructor.name).toBe("Qwen3ForCausalLM");
    expect(tokenizer.convert_tokens_to_ids("<|im_start|>")).toBe(151644);
    expect(tokenizer.convert_tokens_to_ids("<think>")).toBe(151667);
    const messages = [{ role: "user", content: "hello" }];
    const plain = tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true }) as string;
    expect(plain).toBe("<|im_start|>user\nhello<|im_end|>\n<|im_start|>assistant\n");
    // extra options reach the template as variables (Qwen3's enable_thinking)
    const thinkingOff = { tokenize: false, add_generation_prompt: true, enable_thinking: false } as const;
    const noThinking = tokenizer.apply_chat_template(messages, thinkingOff) as string;
    expect(noThinking).toBe(plain + "<think>\n\n</think>\n\n");
    const inputs = tokenizer(plain);
    expect(inputs.input_ids.tolist()[0][0]).toBe(151644n);
    const out = (await model.generate({ ...inputs, max_new_tokens: 5, do_sample: false })) as { dims: number[]; tolist(): bigint[][] };
    expect(out.dims).toEqual([1, inputs.input_ids.dims[1] + 5]);
    const logits = (await model({ ...inputs })) as { logits: { dims: number[] } };
    expect(logits.logits.dims).toEqual([1, inputs.input_ids.dims[1], 151936]);
  });

  it("runs batched and chat-message inputs", async () => {
    const gen = (await pipeline("text-generation", path)) as TextGenerationPipeline;
    const batch = (await gen(["the dog", "a red image is on"], { max_new_tokens: 4, do_sample: false })) as { generated_text: string }[][];
    expect(batch).toHaveLength(2);
    const chat = (await gen([{ role: "user", content: "hello" }], { max_new_tokens: 4, do_sample: false })) as {
      generated_text: { role: string; content: string }[];
    }[];
    expect(chat[0].generated_text.at(-1)?.role).toBe("assistant");
  });
});
