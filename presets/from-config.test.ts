import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SlotNode } from "../src/instruction/ast.js";
import { imagePlanner } from "../src/modalities/image/plan.js";
import { smartResize } from "../src/modalities/image/smart-resize.js";
import { estimateCounter } from "../src/modalities/text/tokenizer.js";
import { defaultLimits, type PlanContext } from "../src/plan/planners.js";
import type { ModelPreset } from "../src/plan/preset.js";
import { ensureTinyModels } from "../src/runtime/tiny-models/index.js";
import { presetFromConfig } from "./from-config.js";
import { modelPresets } from "./models.js";

const DIR = "tests/tmp/presets-models";
let paths: Record<string, string> = {};
const json = (folder: string, file: string) => JSON.parse(readFileSync(join(folder, file), "utf8")) as Record<string, unknown>;

beforeAll(() => {
  paths = ensureTinyModels(DIR, { kinds: ["qwen2-vl", "qwen2.5-vl", "qwen3-vl", "whisper", "clip"] }).paths as Record<string, string>;
});

const slot: SlotNode = { kind: "slot", modality: "IMAGE", name: "img", named: true, attrs: {}, optional: false, list: false, side: "source", position: 0, span: [0, 11] };
const ctxFor = (preset: ModelPreset): PlanContext => ({ preset, text: estimateCounter(4), planned: new Map(), metadataOnly: true, limits: defaultLimits, warnings: [] });

describe("presetFromConfig on the tiny checkpoints", () => {
  it("takes Qwen2-VL's lower pixel cap from its preprocessor_config.json and keeps the registry's other values", () => {
    const folder = paths["qwen2-vl"];
    const pp = json(folder, "preprocessor_config.json");
    const p = presetFromConfig(folder);
    const img = p.image;
    if (img?.resize !== "smart") throw new Error("not a smart-resize preset");
    expect(img.maxPixels).toBe(pp.max_pixels);
    expect(img.maxPixels).toBeLessThan((modelPresets["qwen2-vl"].image as { maxPixels: number }).maxPixels);
    expect([img.minPixels, img.patchSize, img.mergeSize, img.temporalPatchSize]).toEqual([pp.min_pixels, pp.patch_size, pp.merge_size, pp.temporal_patch_size]);
    expect(img.wrap).toEqual(modelPresets["qwen2-vl"].image.wrap);
    expect([p.name, p.family, p.positions]).toEqual(["qwen2-vl", "qwen2_vl", "qwen2-vl"]);
    expect(p.description).toContain(folder);
    expect(p.video).toEqual(modelPresets["qwen2-vl"].video);
  });

  it("plans a large image within the checkpoint's own budget", async () => {
    const p = presetFromConfig(paths["qwen2-vl"]);
    const plan = await imagePlanner.plan(slot, "size:1920x1080", ctxFor(p));
    const max = (p.image as { maxPixels: number }).maxPixels;
    const r = smartResize({ height: 1080, width: 1920, factor: 28, minPixels: 3136, maxPixels: max });
    expect(plan.tokens).toBe((r.height / 28) * (r.width / 28));
    expect(plan.tokens).toBeLessThanOrEqual(max / (28 * 28));
    const hub = await imagePlanner.plan(slot, "size:1920x1080", ctxFor(modelPresets["qwen2-vl"]));
    expect(plan.tokens).toBeLessThan(hub.tokens);
  });

  it("reads Qwen3-VL's size.shortest_edge / longest_edge as its pixel bounds", () => {
    const folder = paths["qwen3-vl"];
    const size = json(folder, "preprocessor_config.json").size as { shortest_edge: number; longest_edge: number };
    const img = presetFromConfig(folder).image;
    if (img?.resize !== "smart") throw new Error("not a smart-resize preset");
    expect([img.minPixels, img.maxPixels, img.patchSize]).toEqual([size.shortest_edge, size.longest_edge, 16]);
    expect(img.mean).toEqual([0.5, 0.5, 0.5]);
  });

  it("reads Qwen2.5-VL's tokens_per_second from the vision config", () => {
    const folder = paths["qwen2.5-vl"];
    const vision = json(folder, "config.json").vision_config as { tokens_per_second: number };
    const p = presetFromConfig(folder);
    expect(p.tokensPerSecond).toBe(vision.tokens_per_second);
    expect(p.box.convention).toBe("qwen2.5-vl-abs");
  });

  it("reads Whisper's mel bins and window from the feature extractor", () => {
    const folder = paths.whisper;
    const pp = json(folder, "preprocessor_config.json");
    const p = presetFromConfig(folder);
    expect([p.audio?.nMels, p.audio?.chunkSeconds, p.audio?.sampleRate]).toEqual([pp.feature_size, pp.chunk_length, pp.sampling_rate]);
    expect(p.audio?.tokens).toBe("whisper-encoder");
  });

  it("reads CLIP's shortest edge, crop and patch size, and plans 50 tokens for any image", async () => {
    const folder = paths.clip;
    const pp = json(folder, "preprocessor_config.json") as { size: { shortest_edge: number }; crop_size: { height: number } };
    const p = presetFromConfig(folder);
    const img = p.image;
    if (img?.resize !== "fixed") throw new Error("not a fixed-size preset");
    expect([img.shortestEdge, img.size, img.stride]).toEqual([pp.size.shortest_edge, pp.crop_size.height, (json(folder, "config.json").vision_config as { patch_size: number }).patch_size]);
    const plan = await imagePlanner.plan(slot, "size:640x480", ctxFor(p));
    expect(plan.tokens).toBe((224 / 32) ** 2 + 1);
    const resize = plan.steps.find((s) => s.op === "resize");
    expect(resize?.params.to).toEqual([Math.trunc((224 * 640) / 480), 224]);
    expect(plan.steps.find((s) => s.op === "center-crop")?.params.to).toEqual([224, 224]);
  });
});

describe("presetFromConfig on given configs", () => {
  it("derives InternVL tiles and tokens per tile from config.json", () => {
    const p = presetFromConfig({
      config: { model_type: "internvl_chat", force_image_size: 448, max_dynamic_patch: 6, min_dynamic_patch: 1, use_thumbnail: false, downsample_ratio: 0.5, vision_config: { patch_size: 14, image_size: 448 } },
    });
    const img = p.image;
    if (img?.resize !== "tiles") throw new Error("not tiled");
    expect([img.tileSize, img.minTiles, img.maxTiles, img.thumbnail, img.tokensPerTile]).toEqual([448, 1, 6, false, 256]);
    expect(p.name).toBe("internvl");
  });

  it("lets min_pixels / max_pixels win over size, as transformers does", () => {
    const img = presetFromConfig({ preprocessorConfig: { min_pixels: 1000, max_pixels: 50000, size: { shortest_edge: 3136, longest_edge: 12845056 } } }, "qwen2.5-vl").image;
    expect(img).toMatchObject({ minPixels: 1000, maxPixels: 50000 });
  });

  it("moves Omni's window (and its refusal limit) with chunk_length", () => {
    const p = presetFromConfig({ config: { model_type: "qwen2_5_omni", thinker_config: { position_id_per_seconds: 25 } }, preprocessorConfig: { feature_size: 128, chunk_length: 30 } });
    expect([p.audio?.chunkSeconds, p.audio?.maxSeconds, p.tokensPerSecond]).toEqual([30, 30, 25]);
  });

  it("says which base to name when the model_type is unknown", () => {
    expect(() => presetFromConfig({ config: { model_type: "llava" } })).toThrow(/name the closest preset as the base/);
    expect(presetFromConfig({ config: { model_type: "llava" } }, "qwen2-vl").family).toBe("llava");
  });

  it("refuses malformed constants, naming the key", () => {
    expect(() => presetFromConfig({ preprocessorConfig: { patch_size: "14" } }, "qwen2-vl")).toThrow(/"patch_size" must be a positive number/);
    expect(() => presetFromConfig({ preprocessorConfig: { image_mean: [0.5, 0.5] } }, "qwen2-vl")).toThrow(/"image_mean" must be three numbers/);
    expect(() => presetFromConfig("tests/tmp/no-such-model")).toThrow(/model folder does not exist/);
  });
});
