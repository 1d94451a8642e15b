// tiny-vit and tiny-clip through transformers.js, offline.
// tiny-vit  onnx/model.onnx: pixel_values [batch, 3, 224, 224] → logits [batch, 5].
// tiny-clip onnx/model.onnx: input_ids, attention_mask, pixel_values → logits_per_image, logits_per_text,
//   text_embeds, image_embeds; text_model.onnx → text_embeds; vision_model.onnx → image_embeds.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  AutoModelForImageClassification,
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  env,
  pipeline,
  RawImage,
} from "@huggingface/transformers";
import type { ImageClassificationPipeline, ZeroShotImageClassificationPipeline } from "@huggingface/transformers";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureTinyModels } from "./ensure.js";

const IMAGES = resolve("tests/tmp/tiny-models-images");
let paths: Partial<Record<"vit" | "clip", string>> = {};

async function gradientPng(name: string, channel: 0 | 1 | 2): Promise<string> {
  const width = 320;
  const height = 200;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      data[i + channel] = 255;
      data[i + ((channel + 1) % 3)] = Math.round((x / width) * 120);
    }
  }
  const file = join(IMAGES, name);
  await sharp(data, { raw: { width, height, channels: 3 } }).png().toFile(file);
  return file;
}

beforeAll(() => {
  env.allowRemoteModels = false;
  env.useFSCache = false;
  env.fetch = () => {
    throw new Error("network access during an offline test");
  };
  mkdirSync(IMAGES, { recursive: true });
  paths = ensureTinyModels("tests/tmp/models", { kinds: ["vit", "clip"] }).paths;
});

describe("tiny-vit with transformers.js", () => {
  it("classifies PNG files into the configured labels; a different image gives different scores", async () => {
    const red = await gradientPng("red.png", 0);
    const blue = await gradientPng("blue.png", 2);
    const classify = (await pipeline("image-classification", paths.vit ?? "")) as ImageClassificationPipeline;
    const a = (await classify(red, { top_k: 5 })) as { label: string; score: number }[];
    const b = (await classify(blue, { top_k: 5 })) as { label: string; score: number }[];
    expect(a.map((x) => x.label).sort()).toEqual(["black", "blue", "green", "red", "white"]);
    expect(a.reduce((s, x) => s + x.score, 0)).toBeCloseTo(1, 5);
    expect(a).not.toEqual(b);
    expect(await classify(red, { top_k: 5 })).toEqual(a);
  });

  it("loads with AutoModelForImageClassification and returns logits of the configured shape", async () => {
    const model = await AutoModelForImageClassification.from_pretrained(paths.vit ?? "");
    const processor = await AutoProcessor.from_pretrained(paths.vit ?? "");
    const image = await RawImage.read(await gradientPng("green.png", 1));
    const inputs = await processor([image, image]);
    expect(inputs.pixel_values.dims).toEqual([2, 3, 224, 224]);
    const { logits } = (await model(inputs)) as { logits: { dims: number[] } };
    expect(logits.dims).toEqual([2, 5]);
  });
});

describe("tiny-clip with transformers.js", () => {
  it("scores candidate labels for an image, differently for a different image", async () => {
    const classify = (await pipeline("zero-shot-image-classification", paths.clip ?? "")) as ZeroShotImageClassificationPipeline;
    const labels = ["red", "green", "blue"];
    const a = (await classify(await gradientPng("red-2.png", 0), labels)) as { label: string; score: number }[];
    const b = (await classify(await gradientPng("green-2.png", 1), labels)) as { label: string; score: number }[];
    expect(a.map((x) => x.label).sort()).toEqual([...labels].sort());
    expect(a.reduce((s, x) => s + x.score, 0)).toBeCloseTo(1, 5);
    expect(a).not.toEqual(b);
  });

  it("loads the separate text and vision towers with projection", async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(paths.clip ?? "");
    const text = await CLIPTextModelWithProjection.from_pretrained(paths.clip ?? "");
    const encoded = tokenizer(["a photo of a cat", "red"], { padding: true });
    const ids = encoded.input_ids.tolist() as bigint[][];
    expect(ids[0][0]).toBe(49406n);
    expect(ids[1].slice(-2)).toEqual([49407n, 49407n]);
    const { text_embeds } = (await text(encoded)) as { text_embeds: { dims: number[] } };
    expect(text_embeds.dims).toEqual([2, 16]);
    const vision = await CLIPVisionModelWithProjection.from_pretrained(paths.clip ?? "");
    const processor = await AutoProcessor.from_pretrained(paths.clip ?? "");
    const inputs = await processor(await RawImage.read(await gradientPng("blue-2.png", 2)));
    const { image_embeds } = (await vision(inputs)) as { image_embeds: { dims: number[] } };
    expect(image_embeds.dims).toEqual([1, 16]);
  });
});
