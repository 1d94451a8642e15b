// the Qwen2-VL family (Qwen2-VL, Qwen2.5-VL, Qwen3-VL) and plain causal LMs: omnispec builds the input ids, the
// pixel patches and the 3-D position ids from its plan, and drives the sessions (embed_tokens, vision_encoder,
// decoder_model_merged) itself, so video goes in through the same vision encoder transformers.js uses for images.
import { AutoModelForCausalLM, AutoModelForImageTextToText, AutoTokenizer, Tensor } from "@huggingface/transformers";
import type { PreTrainedModel, PreTrainedTokenizer } from "@huggingface/transformers";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { OmnispecError } from "../../errors.js";
import { modelPresets } from "../../../presets/models.js";
import type { ModelPreset, SmartImageConfig } from "../../plan/preset.js";
import { ropeIndex } from "../../positions/index.js";
import type { GridThw, RopeScheme } from "../../positions/types.js";
import { int64, lastRows, nextPast, prefill, type RawTensor, type StepFn } from "../decode.js";
import { buildPrompt, targetPrefix } from "../prompt.js";
import { checkLayerCount, configValue, requireFiles, type ModelConfig, type ResolvedModel } from "../resolve.js";
import { generativeOutputs } from "./generative.js";
import type { RuntimeRoute } from "./route.js";

interface Handle {
  model: PreTrainedModel;
  tokenizer: PreTrainedTokenizer;
  processor: Record<string, unknown>;
  eos: Set<number>;
  resolved: ResolvedModel;
}

type ForwardModel = PreTrainedModel & {
  forward(inputs: Record<string, unknown>): Promise<Record<string, RawTensor>>;
  encode_text(inputs: Record<string, unknown>): Promise<RawTensor>;
  encode_image(inputs: Record<string, unknown>): Promise<RawTensor>;
  sessions: Record<string, { inputNames: string[] }>;
};

const VL_TYPES: Record<string, keyof typeof modelPresets> = { qwen2_vl: "qwen2-vl", qwen2_5_vl: "qwen2.5-vl", qwen3_vl: "qwen3-vl" };

function eosIds(resolved: ResolvedModel, tokenizer: PreTrainedTokenizer): Set<number> {
  const ids = new Set<number>();
  const add = (v: unknown) => {
    if (typeof v === "number") ids.add(v);
    else if (Array.isArray(v)) v.forEach(add);
  };
  add(configValue(resolved.config, "eos_token_id"));
  if (resolved.local) {
    const file = join(resolved.path, "generation_config.json");
    if (existsSync(file)) add((JSON.parse(readFileSync(file, "utf8")) as { eos_token_id?: unknown }).eos_token_id);
  }
  if (typeof tokenizer.eos_token_id === "number") ids.add(tokenizer.eos_token_id);
  return ids;
}

function readProcessor(resolved: ResolvedModel): Record<string, unknown> {
  const file = join(resolved.path, "preprocessor_config.json");
  return resolved.local && existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : {};
}

/** the family preset with the model's own image processor values (pixel budget, patch geometry, mean/std) */
export function vlPreset(config: ModelConfig, processor: Record<string, unknown>): ModelPreset {
  const base = modelPresets[VL_TYPES[config.model_type]] as ModelPreset;
  const image = base.image as SmartImageConfig;
  const size = processor.size as { shortest_edge?: number; longest_edge?: number } | undefined;
  const num = (v: unknown, d: number) => (typeof v === "number" ? v : d);
  const rgb = (v: unknown, d: SmartImageConfig["mean"]) => (Array.isArray(v) && v.length === 3 ? (v as unknown as SmartImageConfig["mean"]) : d);
  return {
    ...base,
    name: `${base.name}+model`,
    image: {
      ...image,
      patchSize: num(processor.patch_size, image.patchSize),
      mergeSize: num(processor.merge_size, image.mergeSize),
      temporalPatchSize: num(processor.temporal_patch_size, image.temporalPatchSize),
      minPixels: num(processor.min_pixels, num(size?.shortest_edge, image.minPixels)),
      maxPixels: num(processor.max_pixels, num(size?.longest_edge, image.maxPixels)),
      mean: rgb(processor.image_mean, image.mean),
      std: rgb(processor.image_std, image.std),
    },
  };
}

/** a text-only preset for a model family: no image, video or audio processing, 1-D positions */
export function textPreset(config: ModelConfig): ModelPreset {
  const base = modelPresets["qwen2-vl"] as ModelPreset;
  return { ...base, name: `text:${config.model_type}`, family: config.model_type, image: undefined, video: undefined, audio: undefined, positions: "1d" };
}

/** The 3-D position ids of the prompt, laid out `[3, 1, L]`, and the offset decode steps continue from (what the route feeds). */
export function positions(ids: readonly number[], scheme: RopeScheme, images: GridThw[], videos: GridThw[], spg: number[], tokensPerSecond: number | undefined, merge: number): { data: BigInt64Array; delta: number } {
  const r = ropeIndex({ scheme, inputIds: ids, imageGridThw: images, videoGridThw: videos, secondPerGridTs: spg, tokensPerSecond, mergeSize: merge, typed: true });
  const L = ids.length;
  const data = new BigInt64Array(3 * L);
  const rows = r.positionIds.length === 1 ? [r.positionIds[0], r.positionIds[0], r.positionIds[0]] : r.positionIds;
  for (let k = 0; k < 3; k++) for (let i = 0; i < L; i++) data[k * L + i] = BigInt(rows[k][i]);
  return { data, delta: r.delta };
}

function ones(n: number): Tensor {
  return new Tensor("int64", new BigInt64Array(n).fill(1n), [1, n]);
}

function route(kind: "vl" | "text"): RuntimeRoute<Handle> {
  const vl = kind === "vl";
  return {
    name: vl ? "qwen-vl" : "causal-lm",
    description: vl
      ? "Qwen2-VL / Qwen2.5-VL / Qwen3-VL: image, video and text to text; omnispec supplies patches, grids and 3-D positions"
      : "decoder-only causal LM: text to text through the model's chat template",
    matches: (c) => (vl ? c.model_type in VL_TYPES : Array.isArray(c.architectures) && c.architectures.some((a) => /ForCausalLM$|LMHeadModel$/.test(a))),
    inputs: vl ? ["TEXT", "IMAGE", "VIDEO", "BOX", "CATEGORY"] : ["TEXT", "BOX", "CATEGORY"],
    outputs: ["TEXT", "CATEGORY", "BOX", "STRUCT"],
    files: () =>
      vl
        ? ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/embed_tokens.onnx", "onnx/vision_encoder.onnx", "onnx/decoder_model_merged.onnx"]
        : ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"],
    async load(resolved) {
      requireFiles(resolved, this.files(resolved.config));
      const tokenizer = await AutoTokenizer.from_pretrained(resolved.path, resolved.hub);
      const Model = vl ? AutoModelForImageTextToText : AutoModelForCausalLM;
      const model = await Model.from_pretrained(resolved.path, resolved.hub);
      const sessions = (model as ForwardModel).sessions;
      const decoder = vl ? "decoder_model_merged" : "model";
      checkLayerCount(resolved, sessions[decoder]?.inputNames ?? [], `onnx/${decoder}.onnx`);
      return { model, tokenizer, processor: readProcessor(resolved), eos: eosIds(resolved, tokenizer), resolved };
    },
    preset: (resolved, h) => (vl ? vlPreset(resolved.config, h.processor) : textPreset(resolved.config)),
    async run(h, ctx) {
      const model = h.model as ForwardModel;
      const t0 = performance.now();
      const names = new Set(ctx.outputs.map((s) => s.name));
      const prompt = buildPrompt(ctx.plan, ctx.sample, {
        tokenizer: h.tokenizer,
        preset: ctx.preset,
        model: h.resolved.id,
        media: vl,
        thinking: ctx.options.thinking,
        assistantPrefix: targetPrefix(ctx.plan, names),
      });
      const ids = prompt.ids;
      const images: GridThw[] = [];
      const videos: GridThw[] = [];
      const spg: number[] = [];
      for (const span of prompt.media) {
        const planned = ctx.plan.slots[span.slot]?.tokens;
        if (span.positions.length !== planned) {
          throw new OmnispecError("model/mismatch", `the prompt holds ${span.positions.length} placeholder tokens for "${span.slot}" but the plan counts ${planned}`, { slot: span.slot });
        }
        if (span.kind === "image") images.push(ctx.inputs.images[span.slot].gridThw!);
        else if (span.kind === "video") {
          videos.push(ctx.inputs.videos[span.slot].gridThw);
          spg.push(ctx.inputs.videos[span.slot].secondPerGridT);
        } else throw new OmnispecError("model/unsupported-task", `model "${h.resolved.id}" takes no ${span.kind}`, { slot: span.slot });
      }
      const merge = vl ? ((ctx.preset.image as SmartImageConfig | undefined)?.mergeSize ?? 2) : 2;
      const scheme: RopeScheme = vl ? ctx.preset.positions : "1d";
      const pos = positions(ids, scheme, images, videos, spg, ctx.preset.tokensPerSecond, merge);
      const promptMs = performance.now() - t0;

      const step: StepFn = async (newIds, past, pastLength, keep) => {
        const n = newIds.length;
        const total = pastLength + n;
        const inputs: Record<string, unknown> = {
          attention_mask: ones(total),
          past_key_values: past ?? null,
          num_logits_to_keep: new Tensor("int64", [BigInt(keep)], []),
        };
        if (past === undefined) {
          inputs.position_ids = vl ? new Tensor("int64", pos.data, [3, 1, n]) : new Tensor("int64", pos.data.subarray(0, n), [1, n]);
        } else {
          const p = BigInt64Array.from({ length: n }, (_, j) => BigInt(pastLength + j + pos.delta));
          inputs.position_ids = vl ? new Tensor("int64", BigInt64Array.from({ length: 3 * n }, (_, i) => p[i % n]), [3, 1, n]) : new Tensor("int64", p, [1, n]);
        }
        if (vl) inputs.inputs_embeds = past === undefined ? await promptEmbeds() : await model.encode_text({ input_ids: int64(newIds, [1, n]) });
        else inputs.input_ids = int64(newIds, [1, n]);
        const out = await model.forward(inputs);
        const { rows, vocab } = lastRows(out.logits, keep);
        return { logits: rows, vocab, past: nextPast(out, past) };
      };

      const promptEmbeds = async (): Promise<RawTensor> => {
        const embeds = await model.encode_text({ input_ids: int64(ids, [1, ids.length]) });
        const hidden = embeds.dims[2];
        const target = embeds.data as Float32Array;
        for (const span of prompt.media) {
          const media = span.kind === "image" ? ctx.inputs.images[span.slot] : ctx.inputs.videos[span.slot];
          const features = await model.encode_image({
            pixel_values: new Tensor("float32", media.data, media.dims),
            image_grid_thw: int64([...media.gridThw!], [1, 3]),
          });
          if (features.dims[0] !== span.positions.length) {
            throw new OmnispecError("model/mismatch", `the vision encoder of model "${h.resolved.id}" gave ${features.dims[0]} features for "${span.slot}", the plan counts ${span.positions.length} tokens`, {
              slot: span.slot,
              hint: "the model's patch or merge size differs from the preset's: pass the matching preset",
            });
          }
          const f = features.data as Float32Array;
          span.positions.forEach((p, k) => target.set(f.subarray(k * hidden, (k + 1) * hidden), p * hidden));
        }
        return embeds;
      };

      const state = await ctx.timeModel(() => prefill(step, ids));
      const r = await generativeOutputs(ctx, { id: h.resolved.id, tokenizer: h.tokenizer, step, eos: h.eos }, state);
      return {
        ...r,
        promptMs,
        input: { tokens: ids.length, ids, mediaTokens: Object.fromEntries(prompt.media.map((s) => [s.slot, s.positions.length])) },
      };
    },
  };
}

/** Qwen2-VL, Qwen2.5-VL and Qwen3-VL: image, video and text to text. */
export const qwenVlRoute = route("vl");
/** Decoder-only causal LMs: text to text. */
export const causalLmRoute = route("text");
