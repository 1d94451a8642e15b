// omnispec/runtime: run tasks on local models with transformers.js (the core never imports it).
export { run, loadModel, clearLoadedModels, defaultModelKind, textCounter, type LoadedModel } from "./run.js";
export { resolveModel, requireFiles, checkLayerCount, applyLocation, type ModelConfig, type ResolvedModel } from "./resolve.js";
export { registerRoute, listRoutes, routeFor } from "./routes/index.js";
export type { RuntimeRoute, RouteContext, RouteResult } from "./routes/index.js";
export { seededRandom, chooseToken, logitStats } from "./sampling.js";
export type { GenerationOptions, TokenStat } from "./sampling.js";
export type { ModelLocationOptions, RunOptions, RunResult, RunTimings, SlotTrace } from "./types.js";
export { DEFAULT_MODELS_DIR, ensureTinyModels, TINY_MODELS_VERSION, tinyModelPath, TINY_MODEL_KINDS, TINY_MODELS } from "./tiny-models/index.js";
export type { TinyModelEntry, TinyModelKind, TinyModelsResult } from "./tiny-models/index.js";
export { evaluate, type EvaluateOptions, type EvaluationResult, type EvaluationSample } from "./evaluate.js";
export { materialize, slotFrameView, slotImagePixels } from "../plan/materialize.js";
export type { Materialized, MaterializedAudio, MaterializedImage, MaterializedVideo, MaterializeOptions } from "../plan/materialize.js";
