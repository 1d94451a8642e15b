// a closed label set: planned like text; the runtime scores each declared choice instead of generating freely.
import type { SlotPlanner } from "../../plan/planners.js";
import { planText } from "../text/plan.js";

export const categoryPlanner: SlotPlanner = {
  textLike: true,
  plan(slot, value, ctx) {
    const choices = Array.isArray(slot.attrs.choices) ? (slot.attrs.choices as string[]) : undefined;
    return planText(slot, value === undefined ? undefined : String(value), ctx, [], choices ? { choices } : {});
  },
  segments(slot, plan) {
    return [{ kind: "category", slot: slot.name, tokens: plan.tokens }];
  },
};
