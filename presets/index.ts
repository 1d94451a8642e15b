// every preset, as one typed registry per kind: `presets.tasks.caption`, `presets.models["qwen2-vl"]`.
import { modelPresets } from "./models.js";
import { taskPresets } from "./tasks.js";

export { modelPresets, type ModelPresetName } from "./models.js";
export { presetFromConfig, type ModelConfigFiles } from "./from-config.js";
export { taskPresets, type TaskGroup, type TaskPreset, type TaskPresetName } from "./tasks.js";

export const presets = { tasks: taskPresets, models: modelPresets } as const;
