// the runtime's public shapes: what run() takes and returns.
import type { PlanJSON } from "../plan/types.js";
import type { ModelPreset } from "../plan/preset.js";
import type { GenerationOptions, TokenStat } from "./sampling.js";

/** Where models come from. Local folders and absolute paths never touch the network. */
export interface ModelLocationOptions {
  /** no network access at all: hub ids must already be in `localModelPath` or the cache; default false */
  offline?: boolean;
  /** let transformers.js download hub ids (its `env.allowRemoteModels`); default true unless `offline` */
  allowRemoteModels?: boolean;
  /** folder that bare hub ids (`owner/name`) are looked up in first (transformers.js `env.localModelPath`) */
  localModelPath?: string;
  /** folder for downloaded files (transformers.js `env.cacheDir`) */
  cacheDir?: string;
}

export interface RunOptions extends ModelLocationOptions {
  /** a hub id, a local folder, or an absolute path; default: the embedded tiny model for the task's shape */
  model?: string;
  /** model preset for the plan; default: the model family's preset with the model's own processor config */
  preset?: string | ModelPreset;
  /** tokenizer for the plan's text counts; default: the model's tokenizer (exact counts) */
  tokenizer?: string;
  generation?: GenerationOptions;
  /** called with each new piece of generated text */
  stream?: (text: string) => void;
  /** return per generated token its log-probability and the entropy of the next-token distribution */
  returnTokenStats?: boolean;
  /** Qwen3-style thinking (`enable_thinking` of the chat template); default: the template's own default */
  thinking?: boolean;
  /** speech recognition: the spoken language as a Whisper code ("en", "de"); default: detected from the audio */
  language?: string;
  /** speech recognition: translate into English instead of transcribing */
  translate?: boolean;
  /** folder for the embedded tiny models; default `.omnispec/models` */
  modelsDir?: string;
  /** folder that relative media paths are resolved against */
  baseDir?: string;
}

/** Milliseconds spent in each phase of `run()`. */
export interface RunTimings {
  load: number;
  plan: number;
  materialize: number;
  prompt: number;
  /** model calls: vision/audio encoders, prefill and decoding */
  model: number;
  total: number;
}

/** What the model did, per output slot. */
export interface SlotTrace {
  /** "generate", "score-choices", "classify", "zero-shot", "transcribe" */
  method: string;
  /** generated text before it was parsed into the slot's type */
  text?: string;
  /** per choice: summed log-probability (generation routes), logit (image classifiers) or probability over the choices (text classification) */
  scores?: Record<string, number>;
  tokens?: number;
  /** speech recognition: the language token the decoder was given (or detected) */
  language?: string;
}

export interface RunResult<O = Record<string, unknown>> {
  /** the task's output slots, validated by `task.outputSchema` */
  outputs: O;
  plan: PlanJSON;
  timings: RunTimings;
  /** the model that ran (absolute folder or hub id) and the route that served it */
  model: { id: string; route: string; modelType: string };
  /** per output slot: how it was produced */
  trace: Record<string, SlotTrace>;
  /** the reasoning block of a thinking model, when it wrote one */
  thinking?: string;
  /** with `returnTokenStats`: one entry per generated token, across all generated slots */
  tokenStats?: TokenStat[];
  /** input length and ids after the chat template, for generation routes */
  input?: { tokens: number; ids: number[]; mediaTokens: Record<string, number> };
}

export type { GenerationOptions, TokenStat };
