// model presets from a checkpoint's own config.json / preprocessor_config.json, with the registry values as defaults.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { OmnispecError } from "../src/errors.js";
import type { AudioConfig, ImageConfig, ModelPreset, Rgb, VideoConfig } from "../src/plan/preset.js";
import { modelPresets, type ModelPresetName } from "./models.js";

type Json = Record<string, unknown>;

/** A checkpoint's configuration files, already parsed. */
export interface ModelConfigFiles {
  /** config.json */
  config?: Json;
  /** preprocessor_config.json (image processor and/or audio feature extractor) */
  preprocessorConfig?: Json;
  /** video_preprocessor_config.json, where the checkpoint has one */
  videoPreprocessorConfig?: Json;
}

/** transformers `model_type` (and a few processor classes) -> the registry preset that supplies the defaults */
const FAMILIES: Readonly<Record<string, ModelPresetName>> = {
  ofa: "ofa",
  qwen2_vl: "qwen2-vl",
  qwen2_5_vl: "qwen2.5-vl",
  qwen3_vl: "qwen3-vl",
  qwen3_vl_moe: "qwen3-vl",
  qwen2_5_omni: "qwen2.5-omni",
  qwen2_5_omni_thinker: "qwen2.5-omni",
  qwen2_audio: "qwen2-audio",
  whisper: "whisper",
  internvl_chat: "internvl",
  internvl: "internvl",
  clip: "clip",
  WhisperFeatureExtractor: "whisper",
  CLIPImageProcessor: "clip",
};

function readJson(file: string): Json | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Json;
  } catch (e) {
    throw new OmnispecError("preset/invalid", `not valid JSON: ${(e as Error).message}`, { file, hint: "the checkpoint's config files must be JSON objects" });
  }
}

function obj(v: unknown): Json | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

/**
 * Builds a model preset from a checkpoint folder (or its parsed config files): patch and merge sizes, pixel budgets,
 * normalisation, tiles, mel bins and windows, and time ids per second come from the checkpoint; everything it does
 * not say comes from the registry preset of its `model_type` (or `base`).
 *
 * @example
 * import { presetFromConfig } from "omnispec/presets";
 * const preset = presetFromConfig("models/Qwen2-VL-2B-Instruct"); // image.maxPixels from its preprocessor_config.json
 * presetFromConfig({ preprocessorConfig: { max_pixels: 200704 } }, "qwen2-vl").image; // { ..., maxPixels: 200704 }
 */
export function presetFromConfig(source: string | ModelConfigFiles, base?: ModelPresetName | ModelPreset): ModelPreset {
  const where = typeof source === "string" ? source : "the given config";
  let files: ModelConfigFiles;
  if (typeof source === "string") {
    if (!existsSync(source) || !statSync(source).isDirectory()) {
      throw new OmnispecError("model/not-found", "model folder does not exist", { file: source, hint: "pass the folder that holds config.json and preprocessor_config.json" });
    }
    files = {
      config: readJson(join(source, "config.json")),
      preprocessorConfig: readJson(join(source, "preprocessor_config.json")),
      videoPreprocessorConfig: readJson(join(source, "video_preprocessor_config.json")),
    };
    if (!files.config && !files.preprocessorConfig) {
      throw new OmnispecError("preset/invalid", "the folder has neither config.json nor preprocessor_config.json", { file: source, hint: "point at a Hugging Face checkpoint folder" });
    }
  } else {
    files = source;
  }
  const config = files.config ?? {};
  const pp = files.preprocessorConfig ?? {};
  const modelType = typeof config.model_type === "string" ? config.model_type : undefined;
  const start = resolveBase(base, modelType, pp, where);
  const reader = new ConfigReader(where);
  const thinker = obj(config.thinker_config);
  const vision = obj(config.vision_config) ?? obj(thinker?.vision_config) ?? {};

  const preset: ModelPreset = {
    ...start,
    description: `${start.description} (constants from ${where})`,
    family: modelType ?? start.family,
  };
  if (start.image) preset.image = imageFrom(start.image, config, vision, pp, reader);
  if (start.video) preset.video = videoFrom(start.video, files.videoPreprocessorConfig, reader);
  if (start.audio) preset.audio = audioFrom(start.audio, pp, reader);
  const tps = reader.num(vision, "tokens_per_second") ?? reader.num(thinker ?? {}, "position_id_per_seconds");
  if (tps !== undefined || start.tokensPerSecond !== undefined) preset.tokensPerSecond = tps ?? start.tokensPerSecond;
  return preset;
}

function resolveBase(base: ModelPresetName | ModelPreset | undefined, modelType: string | undefined, pp: Json, where: string): ModelPreset {
  if (typeof base === "object") return base;
  const names = Object.keys(modelPresets);
  if (typeof base === "string") {
    const hit = (modelPresets as Record<string, ModelPreset>)[base];
    if (!hit) throw new OmnispecError("preset/unknown", `unknown model preset "${base}"`, { value: base, hint: `known presets: ${names.join(", ")}` });
    return hit;
  }
  const processor = [pp.image_processor_type, pp.feature_extractor_type].find((v): v is string => typeof v === "string" && v in FAMILIES);
  const key = (modelType && FAMILIES[modelType]) || (processor && FAMILIES[processor]);
  if (!key) {
    throw new OmnispecError("preset/unknown", `no registry preset for model_type "${modelType ?? "(none)"}"`, {
      file: where,
      value: modelType,
      hint: `name the closest preset as the base: presetFromConfig(folder, "qwen2-vl"); known presets: ${names.join(", ")}`,
    });
  }
  return modelPresets[key];
}

/** reads typed values out of config objects, naming the key in any error */
class ConfigReader {
  constructor(private readonly where: string) {}

  num(o: Json, key: string): number | undefined {
    let v = o[key];
    if (Array.isArray(v) && v.length > 0) v = v[0];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
      throw new OmnispecError("preset/invalid", `config key "${key}" must be a positive number`, { file: this.where, value: v, hint: "fix the checkpoint's config or pass a preset object" });
    }
    return v;
  }

  int(o: Json, key: string): number | undefined {
    const v = this.num(o, key);
    if (v !== undefined && !Number.isInteger(v)) {
      throw new OmnispecError("preset/invalid", `config key "${key}" must be an integer`, { file: this.where, value: v, hint: "fix the checkpoint's config" });
    }
    return v;
  }

  rgb(o: Json, key: string): Rgb | undefined {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
      throw new OmnispecError("preset/invalid", `config key "${key}" must be three numbers (one per RGB channel)`, { file: this.where, value: v });
    }
    return [v[0], v[1], v[2]] as const;
  }
}

function imageFrom(img: ImageConfig, config: Json, vision: Json, pp: Json, r: ConfigReader): ImageConfig {
  const size = obj(pp.size) ?? {};
  const mean = r.rgb(pp, "image_mean") ?? img.mean;
  const std = r.rgb(pp, "image_std") ?? img.std;
  if (img.resize === "smart") {
    // transformers: min_pixels / max_pixels win over size.shortest_edge / size.longest_edge
    return {
      ...img,
      mean,
      std,
      patchSize: r.int(pp, "patch_size") ?? r.int(vision, "patch_size") ?? img.patchSize,
      mergeSize: r.int(pp, "merge_size") ?? r.int(vision, "spatial_merge_size") ?? img.mergeSize,
      temporalPatchSize: r.int(pp, "temporal_patch_size") ?? r.int(vision, "temporal_patch_size") ?? img.temporalPatchSize,
      minPixels: r.int(pp, "min_pixels") ?? r.int(size, "shortest_edge") ?? img.minPixels,
      maxPixels: r.int(pp, "max_pixels") ?? r.int(size, "longest_edge") ?? img.maxPixels,
    };
  }
  if (img.resize === "tiles") {
    const tileSize = r.int(config, "force_image_size") ?? r.int(vision, "image_size") ?? r.int(size, "height") ?? img.tileSize;
    const patch = r.int(vision, "patch_size");
    const ratio = r.num(config, "downsample_ratio");
    const thumbnail = typeof config.use_thumbnail === "boolean" ? config.use_thumbnail : typeof pp.crop_to_patches === "boolean" ? pp.crop_to_patches : img.thumbnail;
    return {
      ...img,
      mean,
      std,
      tileSize,
      minTiles: r.int(config, "min_dynamic_patch") ?? r.int(pp, "min_patches") ?? img.minTiles,
      maxTiles: r.int(config, "max_dynamic_patch") ?? r.int(pp, "max_patches") ?? img.maxTiles,
      thumbnail,
      // InternVL: num_image_token = int((image_size // patch_size) ** 2 * downsample_ratio ** 2)
      tokensPerTile: patch !== undefined && ratio !== undefined ? Math.trunc(Math.floor(tileSize / patch) ** 2 * ratio ** 2) : img.tokensPerTile,
    };
  }
  const crop = obj(pp.crop_size) ?? {};
  const centerCrop = pp.do_center_crop !== false && img.shortestEdge !== undefined;
  const shortestEdge = r.int(size, "shortest_edge");
  const side = (centerCrop ? r.int(crop, "height") : undefined) ?? r.int(size, "height") ?? r.int(vision, "image_size") ?? img.size;
  const out = { ...img, mean, std, size: side, stride: r.int(vision, "patch_size") ?? img.stride };
  if (centerCrop && (shortestEdge ?? img.shortestEdge) !== undefined) out.shortestEdge = shortestEdge ?? img.shortestEdge;
  else delete out.shortestEdge;
  return out;
}

function videoFrom(video: VideoConfig, vpp: Json | undefined, r: ConfigReader): VideoConfig {
  if (!vpp) return video;
  return {
    ...video,
    fps: r.num(vpp, "fps") ?? video.fps,
    minFrames: r.int(vpp, "min_frames") ?? video.minFrames,
    maxFrames: r.int(vpp, "max_frames") ?? video.maxFrames,
  };
}

function audioFrom(audio: AudioConfig, pp: Json, r: ConfigReader): AudioConfig {
  const chunk = r.num(pp, "chunk_length");
  const out: AudioConfig = {
    ...audio,
    sampleRate: r.int(pp, "sampling_rate") ?? audio.sampleRate,
    nMels: r.int(pp, "feature_size") ?? audio.nMels,
  };
  if (chunk !== undefined && audio.chunkSeconds > 0) {
    // a preset that refuses audio beyond its window keeps doing so for the checkpoint's window
    if (audio.maxSeconds === audio.chunkSeconds) out.maxSeconds = chunk;
    out.chunkSeconds = chunk;
  }
  return out;
}
