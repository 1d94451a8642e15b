// the plan's data: what every slot planner fills in and what toJSON() publishes (a public, stable contract).
import type { Side } from "../instruction/ast.js";

/** One preprocessing step of a slot, with its parameters: `{ op: "resize", params: { from: [480, 854], to: [476, 840] } }`. */
export interface PlanStep {
  op: string;
  params: Record<string, unknown>;
  note?: string;
}

/** Where a slot's value came from. */
export interface ValueSource {
  kind: "value" | "path" | "bytes" | "meta";
  file?: string;
  bytes?: number;
}

/** The plan of one slot. Modality planners add their own fields (`resized`, `grid_thw`, `frames`, `samples`, ...). */
export interface SlotPlanJSON {
  modality: string;
  side: Side;
  /** tokens this slot puts into the model's input (placeholder tokens for media; markers are separate segments) */
  tokens: number;
  /** false when any count is an estimate */
  exact: boolean;
  steps: PlanStep[];
  source?: ValueSource;
  /** list slots: the plans of the items, in order */
  items?: SlotPlanJSON[];
  [field: string]: unknown;
}

/** One span of the model's input, in order. `kind` is "text" (prompt text or a TEXT slot), "special", or a modality. */
export interface PlanSegment {
  kind: string;
  slot?: string;
  side: Side;
  tokens: number;
  /** prompt text and special tokens carry their text */
  text?: string;
}

export interface PlanJSON {
  preset: string;
  instruction: string;
  total_tokens: number;
  exact: boolean;
  /** per side totals */
  source_tokens: number;
  target_tokens: number;
  segments: PlanSegment[];
  slots: Record<string, SlotPlanJSON>;
  /** the position-id scheme and what it produced */
  positions?: Record<string, unknown>;
  /** how text was counted */
  tokenizer: string;
  warnings: string[];
}
