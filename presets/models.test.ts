import { describe, expect, it } from "vitest";
import { VISION_CONSTANTS } from "../src/modalities/image/smart-resize.js";
import { fixedResize, tileGrid } from "../src/modalities/image/tiles.js";
import type { ModelPreset } from "../src/plan/preset.js";
import { modelPresets } from "./models.js";

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];
const presets: Record<string, ModelPreset> = modelPresets;

describe("model presets", () => {
  it("hold every model family of the registry, each under its own name", () => {
    expect(Object.keys(modelPresets).sort()).toEqual(
      ["clip", "internvl", "ofa", "qwen2-audio", "qwen2-vl", "qwen2.5-omni", "qwen2.5-vl", "qwen3-vl", "whisper"].sort(),
    );
    for (const [key, p] of Object.entries(presets)) expect(p.name).toBe(key);
  });

  it("match the Qwen vision constants (qwen-reference §2.1, §3.3, §6)", () => {
    for (const family of ["qwen2-vl", "qwen2.5-vl", "qwen2.5-omni", "qwen3-vl"] as const) {
      const c = VISION_CONSTANTS[family];
      const img = presets[family].image;
      const vid = presets[family].video;
      if (img?.resize !== "smart" || !vid) throw new Error(`${family} has no smart image or video config`);
      expect([img.patchSize, img.mergeSize, img.temporalPatchSize, img.patchSize * img.mergeSize]).toEqual([c.patchSize, c.mergeSize, c.temporalPatchSize, c.factor]);
      expect([img.minPixels, img.maxPixels]).toEqual([c.minPixels, c.maxPixels]);
      expect([vid.minPixels, vid.maxPixels, vid.totalPixels]).toEqual([c.videoFrameMinPixels, c.videoFrameMaxPixels, c.videoTotalPixels]);
      expect([vid.fps, vid.minFrames, vid.maxFrames]).toEqual([2, 4, 768]);
      const halves = family === "qwen3-vl";
      expect(img.mean).toEqual(halves ? [0.5, 0.5, 0.5] : CLIP_MEAN);
      expect(img.std).toEqual(halves ? [0.5, 0.5, 0.5] : CLIP_STD);
    }
    expect(presets["qwen2.5-vl"].tokensPerSecond).toBe(2);
    expect(presets["qwen2.5-omni"].tokensPerSecond).toBe(25);
    expect(presets["qwen2.5-omni"].image?.wrap).toEqual(["<|vision_bos|>", "<|vision_eos|>"]);
  });

  it("match the audio windows and mel bins (qwen-reference §5.1)", () => {
    const audio = (name: string) => presets[name].audio!;
    expect([audio("qwen2-audio").nMels, audio("qwen2-audio").chunkSeconds, audio("qwen2-audio").tokens]).toEqual([128, 30, "qwen-audio"]);
    expect([audio("qwen2.5-omni").nMels, audio("qwen2.5-omni").chunkSeconds]).toEqual([128, 300]);
    expect([audio("whisper").nMels, audio("whisper").chunkSeconds, audio("whisper").tokens]).toEqual([80, 30, "whisper-encoder"]);
    for (const name of ["qwen2-audio", "qwen2.5-omni", "whisper"]) {
      expect(audio(name).sampleRate).toBe(16000);
      expect(audio(name).features).toBe("whisper-log-mel");
    }
    expect(audio("qwen2-audio").wrap).toEqual(["<|audio_bos|>", "<|audio_eos|>"]);
    expect(audio("ofa").features).toBe("kaldi-fbank");
  });

  it("give InternVL 448 tiles, 1..12 with a thumbnail, 256 tokens each, ImageNet normalisation", () => {
    const img = presets.internvl.image;
    if (img?.resize !== "tiles") throw new Error("internvl is not tiled");
    expect([img.tileSize, img.minTiles, img.maxTiles, img.thumbnail, img.tokensPerTile]).toEqual([448, 1, 12, true, 256]);
    expect(img.mean).toEqual([0.485, 0.456, 0.406]);
    expect(img.std).toEqual([0.229, 0.224, 0.225]);
    expect([img.wrap, img.pad]).toEqual([["<img>", "</img>"], "<IMG_CONTEXT>"]);
    const g = tileGrid({ width: 1920, height: 1080, tileSize: img.tileSize, maxTiles: img.maxTiles, tokensPerTile: img.tokensPerTile });
    expect(g.tokens).toBe(g.numTiles * 256);
  });

  it("give CLIP ViT-B/32 a 224 crop after a shortest-edge resize: 7x7 patches + CLS = 50 tokens", () => {
    const img = presets.clip.image;
    if (img?.resize !== "fixed") throw new Error("clip is not fixed-size");
    expect([img.shortestEdge, img.size, img.stride, img.extraTokens]).toEqual([224, 224, 32, 1]);
    expect(fixedResize({ size: img.size, stride: img.stride }).tokens + (img.extraTokens ?? 0)).toBe(50);
    expect(img.mean).toEqual(CLIP_MEAN);
  });

  it("keep OFA at 480² through a stride-16 backbone (900 tokens) with 1000-bin boxes", () => {
    const img = presets.ofa.image;
    if (img?.resize !== "fixed") throw new Error("ofa is not fixed-size");
    expect(fixedResize({ size: img.size, stride: img.stride }).tokens).toBe(900);
    expect(img.shortestEdge).toBeUndefined();
    expect([presets.ofa.box.convention, presets.ofa.box.bins]).toEqual(["ofa-bins", 1000]);
  });
});
