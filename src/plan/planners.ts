// the slot-planner registry: each modality registers how to plan its slots; the compiler never switches on modality names.
import type { SlotNode } from "../instruction/ast.js";
import type { TextCounter } from "../modalities/text/tokenizer.js";
import type { ModelPreset } from "./preset.js";
import type { PlanSegment, SlotPlanJSON } from "./types.js";

/** Bounds for work on untrusted media. */
export interface MediaLimits {
  /** largest image (width × height) decoded or accepted from metadata */
  maxPixels: number;
  /** largest file read, in bytes */
  maxBytes: number;
  maxFrames: number;
  maxSeconds: number;
  timeoutMs: number;
}

export const defaultLimits: MediaLimits = {
  maxPixels: 178_956_970,
  maxBytes: 2 * 1024 ** 3,
  maxFrames: 4096,
  maxSeconds: 3 * 3600,
  timeoutMs: 600_000,
};

export interface PlanContext {
  preset: ModelPreset;
  text: TextCounter;
  /** slots planned so far on this sample, by name (media are planned before the boxes that refer to them) */
  planned: Map<string, SlotPlanJSON>;
  /** true: plan from metadata and file headers only, decode nothing */
  metadataOnly: boolean;
  limits: MediaLimits;
  warnings: string[];
  /** base folder for relative media paths */
  baseDir?: string;
}

export type SegmentDraft = Omit<PlanSegment, "side">;

export interface SlotPlanner {
  /** planning order: lower first (media 0, boxes after the images they live in) */
  order?: number;
  /** tokens join the text stream (OFA merges such runs into one bos…eos group) */
  textLike?: boolean;
  /** plan one value of a slot; `value` is undefined for a target slot the model will generate */
  plan(slot: SlotNode, value: unknown, ctx: PlanContext): SlotPlanJSON | Promise<SlotPlanJSON>;
  /** the spans this slot contributes, in order; default: one span of `plan.tokens` */
  segments?(slot: SlotNode, plan: SlotPlanJSON, ctx: PlanContext): SegmentDraft[];
}

const planners = new Map<string, SlotPlanner>();

/**
 * Registers how slots of one modality are planned. A new modality is one `registerModality` plus one `registerPlanner`.
 *
 * @example
 * import { registerPlanner } from "omnispec/plan";
 * registerPlanner("MOTION", { plan: (slot, value) => ({ modality: "MOTION", side: slot.side, tokens: 0, exact: true, steps: [] }) });
 */
export function registerPlanner(modality: string, planner: SlotPlanner): void {
  planners.set(modality, planner);
}

/** The planner of a modality, or undefined when none is registered. */
export function getPlanner(modality: string): SlotPlanner | undefined {
  return planners.get(modality);
}

/** Wraps a run of placeholder tokens in the preset's markers: `<|vision_start|>` N×pad `<|vision_end|>`. */
export function wrapped(
  kind: string,
  slot: string,
  tokens: number,
  wrap: readonly [string, string] | readonly [],
): SegmentDraft[] {
  if (wrap.length === 0) return [{ kind, slot, tokens }];
  return [
    { kind: "special", text: wrap[0], tokens: 1 },
    { kind, slot, tokens },
    { kind: "special", text: wrap[1], tokens: 1 },
  ];
}
