// planning BOX slots: transform with the image they live in, then count in the preset's convention.
import type { PlanContext, SlotPlanner } from "../../plan/planners.js";
import type { PlanStep, SlotPlanJSON } from "../../plan/types.js";
import { boxText, boxToModel, parseBox, type BoxFrame } from "./convention.js";

/** The image a box lives in: the slot named by `image=`, else the first image planned on the sample. */
function frameFor(attrs: Record<string, unknown>, ctx: PlanContext): { frame?: BoxFrame; slot?: string } {
  const wanted = typeof attrs.image === "string" ? attrs.image : undefined;
  for (const [name, plan] of ctx.planned) {
    if (plan.modality !== "IMAGE" || (wanted !== undefined && name !== wanted)) continue;
    const original = plan.original as BoxFrame["original"] | undefined;
    const resized = plan.resized as BoxFrame["resized"] | undefined;
    if (original && resized) return { frame: { original, resized }, slot: name };
  }
  return {};
}

export const boxPlanner: SlotPlanner = {
  order: 10,
  textLike: true,
  plan(slot, value, ctx) {
    const { convention, bins } = ctx.preset.box;
    const steps: PlanStep[] = [];
    const markers = ctx.preset.box.wrap.length;
    const { frame, slot: image } = frameFor(slot.attrs, ctx);
    if (value === undefined) {
      const tokens = convention === "ofa-bins" ? 4 : 0;
      steps.push({ op: "generate", params: { convention }, note: "produced by the model, mapped back to original pixels" });
      return { modality: "BOX", side: slot.side, tokens, exact: convention === "ofa-bins", steps, generated: true, convention, image };
    }
    const box = parseBox(value, slot.name);
    let model = box;
    if (frame) {
      model = boxToModel(box, frame, { convention, bins });
      steps.push({ op: "transform", params: { convention, image, from: box, to: model } });
    } else {
      ctx.warnings.push(`box "${slot.name}" has no image with a known size on this sample; its coordinates are used as given`);
    }
    const text = boxText(model, convention);
    const tokens = convention === "ofa-bins" ? 4 : ctx.text.count(text);
    steps.push({ op: "tokenize", params: { text, tokens } });
    const plan: SlotPlanJSON = {
      modality: "BOX",
      side: slot.side,
      tokens,
      exact: frame !== undefined && (convention === "ofa-bins" || ctx.text.exact),
      steps,
      convention,
      image,
      box: { input: box, model, text },
      markers,
    };
    return plan;
  },
  segments(slot, plan, ctx) {
    const wrap = ctx.preset.box.wrap;
    const seg = { kind: "box", slot: slot.name, tokens: plan.tokens };
    return wrap.length === 0 ? [seg] : [{ kind: "special", text: wrap[0], tokens: 1 }, seg, { kind: "special", text: wrap[1], tokens: 1 }];
  },
};
