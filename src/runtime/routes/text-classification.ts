// sequence classification (BERT and every *ForSequenceClassification export): the task's TEXT inputs, one text or a
// pair, through the model's tokenizer and head; the logits of the declared choices become probabilities over them.
import { AutoModelForSequenceClassification, AutoTokenizer } from "@huggingface/transformers";
import type { PreTrainedModel, PreTrainedTokenizer } from "@huggingface/transformers";
import { OmnispecError } from "../../errors.js";
import type { RawTensor } from "../decode.js";
import { requireFiles, type ResolvedModel } from "../resolve.js";
import { categorySlot, choiceIndex, declaredChoices, modelLabels, pickBest } from "./category.js";
import { textPreset } from "./qwen-vl.js";
import type { RouteContext, RuntimeRoute } from "./route.js";

type Forward = PreTrainedModel & { forward(inputs: Record<string, unknown>): Promise<Record<string, RawTensor>> };

interface Handle {
  model: Forward;
  tokenizer: PreTrainedTokenizer;
  resolved: ResolvedModel;
}

/** the values of the task's TEXT inputs, in slot order: what the classifier reads (the instruction's own words are not) */
function texts(ctx: RouteContext, model: string): [string] | [string, string] {
  const slots = ctx.task.inputs.flatMap((s) => (s.fields ? [...s.fields] : [s])).filter((s) => s.modality === "TEXT");
  const values = slots.flatMap((s) => {
    const v = ctx.sample[s.name];
    return v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
  });
  if (values.length === 0 || values.length > 2) {
    throw new OmnispecError("model/unsupported-task", `sequence classifier "${model}" reads one text or a text pair; the sample has ${values.length} texts`, {
      slot: slots[2]?.name ?? slots[0]?.name,
      value: values.length,
      hint: "give the task one or two TEXT inputs, or use a generative model (e.g. Qwen3) that reads a whole prompt",
    });
  }
  return values as [string] | [string, string];
}

function softmax(xs: readonly number[]): number[] {
  const max = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** Sequence classification: the label with the highest logit; scores are probabilities over the task's choices (or all labels). */
export const textClassificationRoute: RuntimeRoute<Handle> = {
  name: "text-classification",
  description: "BERT-style sequence classifier: one text or a text pair to one of the model's labels (restricted to the task's choices)",
  matches: (c) => Array.isArray(c.architectures) && c.architectures.some((a) => a.endsWith("ForSequenceClassification")),
  inputs: ["TEXT"],
  outputs: ["CATEGORY"],
  files: () => ["config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx"],
  async load(resolved) {
    requireFiles(resolved, this.files(resolved.config));
    const tokenizer = await AutoTokenizer.from_pretrained(resolved.path, resolved.hub);
    const model = (await AutoModelForSequenceClassification.from_pretrained(resolved.path, resolved.hub)) as Forward;
    return { model, tokenizer, resolved };
  },
  preset: (resolved) => textPreset(resolved.config),
  async run(h, ctx) {
    const slot = categorySlot(ctx, h.resolved.id);
    const tPrompt = performance.now();
    const [text, pair] = texts(ctx, h.resolved.id);
    const encoded = h.tokenizer(text, { text_pair: pair ?? null, truncation: true }) as unknown as Record<string, RawTensor>;
    const ids = Array.from(encoded.input_ids.data, Number);
    const promptMs = performance.now() - tPrompt;
    const out = await ctx.timeModel(() => h.model.forward(encoded));
    const logits = Array.from(out.logits.data as Float32Array);
    const labels = modelLabels(h.resolved.config.id2label, logits.length);
    const choices = declaredChoices(slot);
    const index = choices ? choiceIndex(slot, choices, labels, h.resolved.id, "declare choices among them, or omit choices to get the model's own label") : labels.map((_, i) => i);
    const picked = pickBest(slot, choices ?? labels, softmax(index.map((i) => logits[i])), "classify");
    return { ...picked, promptMs, input: { tokens: ids.length, ids, mediaTokens: {} } };
  },
};
