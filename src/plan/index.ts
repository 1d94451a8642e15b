// omnispec/plan: the compiler, the plan object, its JSON schema, presets and the planner registry.
export { compile, resolvePreset, type CompileOptions } from "./compile.js";
export { Plan } from "./plan.js";
export { planJsonSchema } from "./schema.js";
export { registerPlanner, getPlanner, defaultLimits, wrapped } from "./planners.js";
export type { MediaLimits, PlanContext, SlotPlanner, SegmentDraft } from "./planners.js";
export type * from "./types.js";
export type * from "./preset.js";
export { planJsonl, type JsonlSummary } from "./jsonl.js";
export { planPositionIds, positionsSummary, inputIdsOf, type PositionsSummary } from "./positions.js";
