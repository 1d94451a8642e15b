// tables as text, serialised the OFASys way: cells joined with " : ", rows with " | ", lower-cased.
import { OmnispecError } from "../../errors.js";
import type { SlotPlanner } from "../../plan/planners.js";
import { planText } from "../text/plan.js";

/**
 * Serialises a table (rows of cells) as OFASys's `table` preprocessor does.
 *
 * @example
 * import { serialiseTable } from "omnispec/modalities";
 * serialiseTable([["name", "age"], ["Ada", "36"]]); // "name : age | ada : 36"
 */
export function serialiseTable(rows: readonly (readonly unknown[])[]): string {
  return rows.map((r) => r.map((c) => String(c)).join(" : ")).join(" | ").toLowerCase();
}

export const structPlanner: SlotPlanner = {
  textLike: true,
  plan(slot, value, ctx) {
    if (value === undefined) return planText(slot, undefined, ctx, []);
    if (typeof value === "string") return planText(slot, value, ctx, []);
    if (Array.isArray(value) && value.every((r) => Array.isArray(r))) {
      return planText(slot, serialiseTable(value as unknown[][]), ctx, [{ op: "serialise-table", params: { rows: value.length } }]);
    }
    throw new OmnispecError("input/invalid", "a STRUCT value is a string or an array of rows", { slot: slot.name, value });
  },
  segments(slot, plan) {
    return [{ kind: "struct", slot: slot.name, tokens: plan.tokens }];
  },
};
