// the public root: the task API. everything else is a subpath export (omnispec/plan, omnispec/positions, ...).
export { defineTask, type Task, type TaskInput, type TaskOutput, type TaskSlot, type TaskSpec } from "./task/define-task.js";
export { compile, type CompileOptions } from "./plan/compile.js";
export type { Plan } from "./plan/plan.js";
export type { PlanJSON, PlanSegment, PlanStep, SlotPlanJSON } from "./plan/types.js";
export { OmnispecError, type OmnispecErrorCode } from "./errors.js";
export type { Infer, ModalityTypes } from "./instruction/index.js";
