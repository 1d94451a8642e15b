// what a route is: one model family (or head) that serves tasks of some shapes. the registry is in ./index.ts.
import type { Task, TaskSlot } from "../../task/define-task.js";
import type { PlanJSON } from "../../plan/types.js";
import type { ModelPreset } from "../../plan/preset.js";
import type { Materialized } from "../../plan/materialize.js";
import type { ModelConfig, ResolvedModel } from "../resolve.js";
import type { RunOptions, SlotTrace, TokenStat } from "../types.js";

/** What a route gets for one sample. */
export interface RouteContext {
  task: Task;
  sample: Record<string, unknown>;
  plan: PlanJSON;
  preset: ModelPreset;
  inputs: Materialized;
  /** the slots to produce, in target order */
  outputs: readonly TaskSlot[];
  options: RunOptions;
  /** adds model time (ms) to the run's timings */
  timeModel<T>(work: () => Promise<T>): Promise<T>;
}

/** What a route returns for one sample (before the output schema check). */
export interface RouteResult {
  outputs: Record<string, unknown>;
  trace: Record<string, SlotTrace>;
  tokenStats?: TokenStat[];
  thinking?: string;
  input?: { tokens: number; ids: number[]; mediaTokens: Record<string, number> };
  /** ms spent building the prompt */
  promptMs?: number;
}

/** A model family the runtime can run. Adding a family is one entry in the registry. */
export interface RuntimeRoute<Handle = unknown> {
  name: string;
  description: string;
  /** the route serves this model (read from config.json) */
  matches(config: ModelConfig): boolean;
  /** input modalities it reads ("TEXT" always means prompt text too) */
  inputs: readonly string[];
  /** output modalities it produces */
  outputs: readonly string[];
  /** files a local folder must have */
  files(config: ModelConfig): string[];
  load(model: ResolvedModel): Promise<Handle>;
  /** the plan's preset for this model: the family preset with the model's own processor values */
  preset(model: ResolvedModel, handle: Handle): ModelPreset;
  run(handle: Handle, ctx: RouteContext): Promise<RouteResult>;
}
