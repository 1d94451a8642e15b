// tiny-qwen2-vl, tiny-qwen2.5-vl and tiny-qwen3-vl through transformers.js, offline:
// AutoProcessor + AutoModelForImageTextToText (the Qwen*VLForConditionalGeneration classes) + generate.
// onnx/embed_tokens.onnx: input_ids → inputs_embeds.
// onnx/vision_encoder.onnx: pixel_values [patches, 3·2·p²] + grid_thw (qwen2_vl) | image_grid_thw → image_features.
// onnx/decoder_model_merged.onnx: inputs_embeds, attention_mask, position_ids [3, batch, seq], past_key_values.*,
//   num_logits_to_keep → logits [batch, kept, 151936], present.*.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { AutoModelForImageTextToText, AutoProcessor, env, RawImage } from "@huggingface/transformers";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureTinyModels } from "./ensure.js";
import { QWEN_VL_VARIANTS } from "./qwen-vl.js";

const IMAGES = resolve("tests/tmp/tiny-models-images");
const KINDS = ["qwen2-vl", "qwen2.5-vl", "qwen3-vl"] as const;
const CLASSES = {
  "qwen2-vl": ["Qwen2VLProcessor", "Qwen2VLForConditionalGeneration"],
  "qwen2.5-vl": ["Qwen2_5_VLProcessor", "Qwen2_5_VLForConditionalGeneration"],
  "qwen3-vl": ["Qwen3VLProcessor", "Qwen3VLForConditionalGeneration"],
};
let paths: Partial<Record<(typeof KINDS)[number], string>> = {};
const images: string[] = [];

interface Tensor {
  dims: number[];
  tolist(): unknown[];
  slice(...ranges: (number[] | null)[]): Tensor;
}

beforeAll(async () => {
  env.allowRemoteModels = false;
  env.useFSCache = false;
  env.fetch = () => {
    throw new Error("network access during an offline test");
  };
  mkdirSync(IMAGES, { recursive: true });
  for (const [name, rgb] of [["vl-a.png", [200, 30, 30]], ["vl-b.png", [20, 40, 220]]] as const) {
    const file = join(IMAGES, name);
    await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
      .composite([{ input: { create: { width: 100, height: 80, channels: 3, background: { r: rgb[2], g: 255, b: rgb[0] } } }, top: 20, left: 40 }])
      .png()
      .toFile(file);
    images.push(file);
  }
  paths = ensureTinyModels("tests/tmp/models", { kinds: [...KINDS] }).paths;
});

describe.each(KINDS)("tiny %s with transformers.js", (kind) => {
  const variant = QWEN_VL_VARIANTS[kind];
  const messages = [{ role: "user", content: [{ type: "image" }, { type: "text", text: "Describe this image." }] }];

  it("loads the family's processor and model classes and expands the image placeholder to its patch grid", async () => {
    const processor = await AutoProcessor.from_pretrained(paths[kind] ?? "");
    const model = await AutoModelForImageTextToText.from_pretrained(paths[kind] ?? "");
    expect([processor.constructor.name, model.constructor.name]).toEqual(CLASSES[kind]);
    const prompt = processor.apply_chat_template(messages, { add_generation_prompt: true }) as string;
    expect(prompt).toContain("<|vision_start|><|image_pad|><|vision_end|>Describe this image.");
    const inputs = (await processor(prompt, await RawImage.read(images[0]))) as Record<string, Tensor>;
    const [[t, h, w]] = inputs.image_grid_thw.tolist() as bigint[][];
    const factor = variant.patchSize * 2;
    const pixels = Number(h) * Number(w) * variant.patchSize ** 2;
    expect(pixels).toBeGreaterThanOrEqual(variant.minPixels);
    expect(pixels).toBeLessThanOrEqual(variant.maxPixels);
    expect((Number(h) * variant.patchSize) % factor).toBe(0);
    expect(inputs.pixel_values.dims).toEqual([Number(t * h * w), 3 * 2 * variant.patchSize ** 2]);
    const ids = (inputs.input_ids.tolist() as bigint[][])[0];
    expect(ids.filter((id) => id === 151655n)).toHaveLength(Number(t * h * w) / 4);
    expect(ids.filter((id) => id === 151652n)).toHaveLength(1);
  });

  it("generates a fixed number of tokens, the same each time; a different image changes the logits", async () => {
    const processor = await AutoProcessor.from_pretrained(paths[kind] ?? "");
    const model = await AutoModelForImageTextToText.from_pretrained(paths[kind] ?? "");
    const prompt = processor.apply_chat_template(messages, { add_generation_prompt: true }) as string;
    const run = async (file: string): Promise<bigint[]> => {
      const inputs = (await processor(prompt, await RawImage.read(file))) as Record<string, Tensor>;
      const out = (await model.generate({ ...inputs, max_new_tokens: 4, do_sample: false })) as unknown as Tensor;
      expect(out.dims).toEqual([1, inputs.input_ids.dims[1] + 4]);
      return ((out.tolist() as bigint[][])[0]).slice(inputs.input_ids.dims[1]);
    };
    const a = await run(images[0]);
    expect(await run(images[0])).toEqual(a);
    const lastLogits = async (file: string): Promise<number[]> => {
      const inputs = (await processor(prompt, await RawImage.read(file))) as Record<string, Tensor>;
      const { logits } = (await model({ ...inputs })) as unknown as { logits: Tensor & { data: Float32Array } };
      expect(logits.dims).toEqual([1, inputs.input_ids.dims[1], 151936]);
      return Array.from(logits.data.subarray(logits.data.length - 151936, logits.data.length - 151936 + 512));
    };
    expect(await lastLogits(images[1])).not.toEqual(await lastLogits(images[0]));
    expect(processor.batch_decode([a.map(Number)], { skip_special_tokens: true })[0].length).toBeGreaterThan(0);
  });

  it("answers a text-only turn with the same model", async () => {
    const processor = await AutoProcessor.from_pretrained(paths[kind] ?? "");
    const model = await AutoModelForImageTextToText.from_pretrained(paths[kind] ?? "");
    const prompt = processor.apply_chat_template([{ role: "user", content: [{ type: "text", text: "hello" }] }], {
      add_generation_prompt: true,
    }) as string;
    const inputs = (await processor(prompt)) as Record<string, Tensor>;
    const out = (await model.generate({ ...inputs, max_new_tokens: 3, do_sample: false })) as unknown as Tensor;
    expect(out.dims).toEqual([1, inputs.input_ids.dims[1] + 3]);
  });
});
