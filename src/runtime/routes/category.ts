// CATEGORY outputs of classifier routes: the one slot they fill, the model's labels matched to the slot's choices.
import { OmnispecError } from "../../errors.js";
import type { TaskSlot } from "../../task/define-task.js";
import type { RouteContext, RouteResult } from "./route.js";

/** the single CATEGORY slot a classifier fills, or a typed error naming what the task asks for instead */
export function categorySlot(ctx: RouteContext, model: string): TaskSlot {
  const slot = ctx.outputs[0];
  if (ctx.outputs.length !== 1 || slot.modality !== "CATEGORY") {
    throw new OmnispecError("model/unsupported-task", `model "${model}" produces one CATEGORY; the task asks for ${ctx.outputs.map((s) => `${s.modality} "${s.name}"`).join(", ")}`, {
      slot: slot?.name,
      hint: "use a generative model (e.g. the Qwen2-VL family) for text outputs",
    });
  }
  return slot;
}

/** the slot's declared choices, if any */
export function declaredChoices(slot: TaskSlot): string[] | undefined {
  return Array.isArray(slot.attrs.choices) && slot.attrs.choices.length > 0 ? (slot.attrs.choices as string[]) : undefined;
}

/**
 * The index of each declared choice among the model's labels (case-insensitive); a typed error names the model, the
 * choices it has no label for and its labels.
 */
export function choiceIndex(slot: TaskSlot, choices: readonly string[], labels: readonly string[], model: string, hint: string): number[] {
  const index = choices.map((c) => labels.findIndex((l) => l.toLowerCase() === c.toLowerCase()));
  const unknown = choices.filter((_, i) => index[i] < 0);
  if (unknown.length > 0) {
    throw new OmnispecError("model/mismatch", `model "${model}" has no label ${unknown.map((u) => `"${u}"`).join(", ")} (its labels: ${labels.join(", ")})`, {
      slot: slot.name,
      value: unknown,
      hint: `its labels are: ${labels.join(", ")}; ${hint}`,
    });
  }
  return index;
}

/** the model's labels, from config.json's id2label (`LABEL_<i>` where it has none, as transformers does) */
export function modelLabels(id2label: unknown, count: number): string[] {
  const names = (id2label ?? {}) as Record<string, string>;
  return Array.from({ length: count }, (_, i) => names[String(i)] ?? `LABEL_${i}`);
}

/** the highest-scoring label fills the slot; the trace keeps every label's score */
export function pickBest(slot: TaskSlot, labels: readonly string[], scores: readonly number[], method: string): RouteResult {
  const best = scores.indexOf(Math.max(...scores));
  return { outputs: { [slot.name]: labels[best] }, trace: { [slot.name]: { method, scores: Object.fromEntries(labels.map((l, i) => [l, scores[i]])) } } };
}
