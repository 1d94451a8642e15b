// image classifiers: a ViT-style head (image -> one of its labels) and CLIP zero-shot (image + declared choices).
// the pixels come from the plan (a fixed-size preset built from the model's processor config).
import { AutoModel, AutoModelForImageClassification, AutoTokenizer, Tensor } from "@huggingface/transformers";
import type { PreTrainedModel, PreTrainedTokenizer } from "@huggingface/transformers";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OmnispecError } from "../../errors.js";
import { modelPresets } from "../../../presets/models.js";
import type { ModelPreset } from "../../plan/preset.js";
import type { RawTensor } from "../decode.js";
import { requireFiles, type ModelConfig, type ResolvedModel } from "../resolve.js";
import { categorySlot, choiceIndex, declaredChoices, modelLabels, pickBest } from "./category.js";
import type { RouteContext, RuntimeRoute } from "./route.js";

type Forward = PreTrainedModel & { forward(inputs: Record<string, unknown>): Promise<Record<string, RawTensor>> };

interface Handle {
  model: Forward;
  processor: Record<string, unknown>;
  resolved: ResolvedModel;
  tokenizer?: PreTrainedTokenizer;
}

function readProcessor(resolved: ResolvedModel): Record<string, unknown> {
  const file = join(resolved.path, "preprocessor_config.json");
  return resolved.local && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
}

/** a fixed-size image preset from the model's processor config: resize to size x size, normalise */
function fixedPreset(config: ModelConfig, processor: Record<string, unknown>): ModelPreset {
  const size = processor.size as { height?: number; shortest_edge?: number } | number | undefined;
  const crop = processor.crop_size as { height?: number } | undefined;
  const side = typeof size === "number" ? size : (crop?.height ?? size?.height ?? size?.shortest_edge ?? 224);
  const vision = (config.vision_config ?? config) as { patch_size?: number };
  const rgb = (v: unknown, d: readonly [number, number, number]) => (Array.isArray(v) && v.length === 3 ? (v as unknown as [number, number, number]) : d);
  return {
    ...(modelPresets["qwen2-vl"] as ModelPreset),
    name: `fixed:${config.model_type}`,
    description: `${config.model_type}: ${side}x${side} input from the model's processor config`,
    family: config.model_type,
    image: {
      resize: "fixed",
      size: side,
      stride: vision.patch_size ?? 16,
      mean: rgb(processor.image_mean, [0.5, 0.5, 0.5]),
      std: rgb(processor.image_std, [0.5, 0.5, 0.5]),
      resample: "pil",
      wrap: [],
    },
    video: undefined,
    audio: undefined,
    positions: "1d",
  };
}

function onlyImage(ctx: RouteContext, model: string): { slot: string; data: Float32Array; dims: number[] } {
  const images = Object.values(ctx.inputs.images);
  if (images.length !== 1) {
    throw new OmnispecError("model/unsupported-task", `model "${model}" classifies exactly one image; the sample has ${images.length}`, { hint: "give the task one IMAGE input" });
  }
  return images[0];
}

/** ViT-style image classification: the label with the highest logit, among the task's choices when it declares some. */
export const vitRoute: RuntimeRoute<Handle> = {
  name: "image-classification",
  description: "ViT-style classifier: image to one of the model's labels (restricted to the task's choices)",
  matches: (c) => Array.isArray(c.architectures) && c.architectures.some((a) => a.endsWith("ForImageClassification")),
  inputs: ["IMAGE"],
  outputs: ["CATEGORY"],
  files: () => ["config.json", "preprocessor_config.json", "onnx/model.onnx"],
  async load(resolved) {
    requireFiles(resolved, this.files(resolved.config));
    const model = (await AutoModelForImageClassification.from_pretrained(resolved.path, resolved.hub)) as Forward;
    return { model, processor: readProcessor(resolved), resolved };
  },
  preset: (resolved, h) => fixedPreset(resolved.config, h.processor),
  async run(h, ctx) {
    const slot = categorySlot(ctx, h.resolved.id);
    const image = onlyImage(ctx, h.resolved.id);
    const out = await ctx.timeModel(() => h.model.forward({ pixel_values: new Tensor("float32", image.data, image.dims) }));
    const logits = Array.from(out.logits.data as Float32Array);
    const labels = modelLabels(h.resolved.config.id2label, logits.length);
    const choices = declaredChoices(slot);
    if (!choices) return pickBest(slot, labels, logits, "classify");
    const index = choiceIndex(slot, choices, labels, h.resolved.id, "for free-form labels use a zero-shot model such as CLIP");
    return pickBest(slot, choices, index.map((i) => logits[i]), "classify");
  },
};

/** CLIP zero-shot classification: scores "This is a photo of {choice}." against the image. */
export const clipRoute: RuntimeRoute<Handle> = {
  name: "zero-shot-image-classification",
  description: "CLIP-style zero-shot: image + the task's declared choices to one choice",
  matches: (c) => c.model_type === "clip" || c.model_type === "siglip",
  inputs: ["IMAGE"],
  outputs: ["CATEGORY"],
  files: () => ["config.json", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"],
  async load(resolved) {
    requireFiles(resolved, this.files(resolved.config));
    const tokenizer = await AutoTokenizer.from_pretrained(resolved.path, resolved.hub);
    const model = (await AutoModel.from_pretrained(resolved.path, resolved.hub)) as Forward;
    return { model, tokenizer, processor: readProcessor(resolved), resolved };
  },
  preset: (resolved, h) => fixedPreset(resolved.config, h.processor),
  async run(h, ctx) {
    const slot = categorySlot(ctx, h.resolved.id);
    const choices = declaredChoices(slot);
    if (!choices) {
      throw new OmnispecError("model/unsupported-task", `zero-shot model "${h.resolved.id}" needs the label set declared on the slot`, {
        slot: slot.name,
        hint: `write it as [CATEGORY:${slot.name},choices=cat|dog|bird]`,
      });
    }
    const image = onlyImage(ctx, h.resolved.id);
    const text = h.tokenizer!(choices.map((c) => `This is a photo of ${c}.`), { padding: true, truncation: true }) as Record<string, unknown>;
    const out = await ctx.timeModel(() => h.model.forward({ ...text, pixel_values: new Tensor("float32", image.data, image.dims) }));
    return pickBest(slot, choices, Array.from(out.logits_per_image.data as Float32Array), "zero-shot");
  },
};
