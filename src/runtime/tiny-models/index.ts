// tiny seeded models for offline tests and demos.
export { DEFAULT_MODELS_DIR, ensureTinyModels, TINY_MODELS_VERSION, tinyModelPath } from "./ensure.js";
export type { TinyModelsResult } from "./ensure.js";
export { TINY_MODEL_KINDS, TINY_MODELS } from "./registry.js";
export type { TinyModelEntry, TinyModelKind } from "./registry.js";
export type { ModelFiles } from "./files.js";
export { BERT_LABELS } from "./bert.js";
