// where a model is: a local folder (never any network) or a hub id transformers.js resolves; its config and files.
import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { AutoConfig, env } from "@huggingface/transformers";
import { OmnispecError } from "../errors.js";
import type { ModelLocationOptions } from "./types.js";

/** The parts of a model's config.json the runtime reads. */
export interface ModelConfig {
  model_type: string;
  architectures?: string[];
  text_config?: Record<string, unknown>;
  vision_config?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A model found on disk or on the hub, with its config read. */
export interface ResolvedModel {
  /** what the user asked for */
  id: string;
  /** what transformers.js is given: an absolute folder or a hub id */
  path: string;
  /** a folder on this machine: every file is checked before loading and no network is used */
  local: boolean;
  config: ModelConfig;
  /** options every from_pretrained call gets */
  hub: { local_files_only: boolean; cache_dir?: string };
}

// transformers.js treats these as hub ids (owner/name); anything else is a path (see offline-models.md §2)
const HUB_ID = /^(\b[\w\-.]+\b\/)?\b[\w\-.]{1,96}\b$/;

function looksLikePath(model: string): boolean {
  return isAbsolute(model) || model.startsWith("./") || model.startsWith("../") || model.startsWith("~") || !HUB_ID.test(model);
}

/** Applies the location options to transformers.js' process-wide `env` (only the ones given). */
export function applyLocation(options: ModelLocationOptions): void {
  if (options.offline) env.allowRemoteModels = false;
  else if (options.allowRemoteModels !== undefined) env.allowRemoteModels = options.allowRemoteModels;
  if (options.localModelPath !== undefined) env.localModelPath = resolve(options.localModelPath) + "/";
  if (options.cacheDir !== undefined) env.cacheDir = resolve(options.cacheDir);
}

function readConfig(dir: string, id: string): ModelConfig {
  const file = join(dir, "config.json");
  if (!existsSync(file)) {
    throw new OmnispecError("model/not-found", `model "${id}" has no config.json`, {
      file: dir,
      hint: "a model folder holds config.json, the tokenizer or processor configs, and onnx/*.onnx (the transformers.js layout)",
    });
  }
  let config: ModelConfig;
  try {
    config = JSON.parse(readFileSync(file, "utf8")) as ModelConfig;
  } catch (e) {
    throw new OmnispecError("model/mismatch", `config.json of model "${id}" is not valid JSON`, { file, cause: e });
  }
  if (typeof config.model_type !== "string") {
    throw new OmnispecError("model/mismatch", `config.json of model "${id}" has no model_type`, { file, hint: "add the transformers model_type, e.g. \"qwen2_vl\"" });
  }
  return config;
}

/**
 * Finds a model: an existing folder or absolute path (read from disk, never from the network), a name inside
 * `localModelPath`, or a hub id that transformers.js downloads unless `offline` or `allowRemoteModels: false`.
 *
 * @example
 * import { resolveModel } from "omnispec/runtime";
 * const m = await resolveModel("/abs/.omnispec/models/tiny-vit", { offline: true });
 * m.config.model_type; // "vit"
 */
export async function resolveModel(model: string, options: ModelLocationOptions = {}): Promise<ResolvedModel> {
  applyLocation(options);
  const cache_dir = options.cacheDir === undefined ? undefined : resolve(options.cacheDir);
  const local = (dir: string): ResolvedModel => ({
    id: model,
    path: dir,
    local: true,
    config: readConfig(dir, model),
    hub: { local_files_only: true, cache_dir },
  });
  if (looksLikePath(model) || existsSync(model)) {
    const dir = resolve(model.startsWith("~") ? model.replace(/^~/, process.env.HOME ?? "~") : model);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new OmnispecError("model/not-found", `no model folder at "${model}"`, {
        file: dir,
        value: model,
        hint: "pass a folder with config.json and onnx/, a hub id such as onnx-community/Qwen2-VL-2B-Instruct, or omit --model for the embedded tiny model",
      });
    }
    return local(dir);
  }
  if (options.localModelPath !== undefined && existsSync(join(options.localModelPath, model, "config.json"))) {
    return local(resolve(options.localModelPath, model));
  }
  const remote = !options.offline && (options.allowRemoteModels ?? env.allowRemoteModels) !== false;
  let config: ModelConfig;
  try {
    const c = await AutoConfig.from_pretrained(model, { local_files_only: !remote, cache_dir });
    config = c as unknown as ModelConfig;
  } catch (e) {
    if (!remote) {
      throw new OmnispecError("model/offline", `model "${model}" is not on this machine and downloads are off`, {
        value: model,
        hint:
          `download it once with network access (or place its folder in localModelPath${options.localModelPath ? ` = ${options.localModelPath}` : ""}), ` +
          "or pass an absolute path to a local copy",
        cause: e,
      });
    }
    throw new OmnispecError("model/not-found", `model "${model}" could not be fetched: ${(e as Error).message.split("\n")[0]}`, {
      value: model,
      hint: "check the hub id (an ONNX export such as onnx-community/...), your network, or pass a local folder",
      cause: e,
    });
  }
  return { id: model, path: model, local: false, config, hub: { local_files_only: !remote, cache_dir } };
}

/**
 * Checks that a local model folder has every file a route needs, naming the first missing one.
 *
 * @example
 * import { requireFiles } from "omnispec/runtime";
 * requireFiles(model, ["tokenizer.json", "onnx/model.onnx"]);
 */
export function requireFiles(model: ResolvedModel, files: readonly string[]): void {
  if (!model.local) return;
  const missing = files.filter((f) => !existsSync(join(model.path, f)));
  if (missing.length > 0) {
    throw new OmnispecError("model/not-found", `model "${model.id}" (${model.config.model_type}) is missing ${missing.join(", ")}`, {
      file: join(model.path, missing[0]),
      hint: `a ${model.config.model_type} folder for transformers.js needs: ${files.join(", ")}`,
    });
  }
}

/** A config field from the top level or the nested text config (Qwen2.5-VL and later nest the language model's). */
export function configValue(config: ModelConfig, ...keys: string[]): unknown {
  for (const k of keys) {
    if (config[k] !== undefined) return config[k];
    if (config.text_config?.[k] !== undefined) return config.text_config[k];
  }
  return undefined;
}

/**
 * Checks that the decoder graph has one cache input pair per layer the config declares (`num_hidden_layers`,
 * `n_layer` or `decoder_layers`), the mismatch transformers.js would otherwise report as missing inputs mid-run.
 *
 * @example
 * import { checkLayerCount } from "omnispec/runtime";
 * checkLayerCount(model, session.inputNames, "onnx/decoder_model_merged.onnx");
 */
export function checkLayerCount(model: ResolvedModel, inputNames: readonly string[], graph: string): void {
  const layers = new Set<number>();
  for (const name of inputNames) {
    const m = /^past_key_values\.(\d+)\./.exec(name);
    if (m) layers.add(Number(m[1]));
  }
  if (layers.size === 0) return;
  const key = ["num_hidden_layers", "n_layer", "decoder_layers", "num_layers"].find((k) => configValue(model.config, k) !== undefined);
  const declared = key === undefined ? undefined : Number(configValue(model.config, key));
  if (declared !== layers.size) {
    throw new OmnispecError("model/mismatch", `model "${model.id}": config.json declares ${key ?? "no layer count"} = ${declared ?? "?"} but ${graph} has ${layers.size} cached layers`, {
      file: model.local ? join(model.path, "config.json") : undefined,
      value: { config: declared, graph: layers.size },
      hint: `set ${key ?? "num_hidden_layers"} to ${layers.size} in config.json, or use the ONNX export that matches this config`,
    });
  }
}
