import { createHash } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OmnispecError } from "../../errors.js";
import { ensureTinyModels, tinyModelPath, TINY_MODELS_VERSION } from "./ensure.js";
import { TINY_MODEL_KINDS, TINY_MODELS } from "./registry.js";

const DIR = "tests/tmp/models-ensure";
const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

describe("tiny model builders", () => {
  it("give byte-identical files for the same seed and different weights for another seed", () => {
    for (const kind of TINY_MODEL_KINDS) {
      const a = TINY_MODELS[kind].build(7);
      const b = TINY_MODELS[kind].build(7);
      const c = TINY_MODELS[kind].build(8);
      expect([...a.keys()]).toEqual([...b.keys()]);
      for (const [rel, bytes] of a) expect(Buffer.from(bytes).equals(Buffer.from(b.get(rel) ?? new Uint8Array()))).toBe(true);
      const onnx = [...a.keys()].filter((rel) => rel.endsWith(".onnx"));
      expect(onnx.length).toBeGreaterThan(0);
      for (const rel of onnx) expect(Buffer.from(a.get(rel) ?? []).equals(Buffer.from(c.get(rel) ?? []))).toBe(false);
    }
  });

  it("write the family's file layout, each model under a few MB", () => {
    const layout = (kind: (typeof TINY_MODEL_KINDS)[number]) => [...TINY_MODELS[kind].build(0).keys()].sort();
    expect(layout("qwen3")).toEqual(["config.json", "generation_config.json", "onnx/model.onnx", "tokenizer.json", "tokenizer_config.json"]);
    expect(layout("vit")).toEqual(["config.json", "onnx/model.onnx", "preprocessor_config.json"]);
    for (const vl of ["qwen2-vl", "qwen2.5-vl", "qwen3-vl"] as const) {
      expect(layout(vl)).toEqual([
        "config.json", "generation_config.json", "onnx/decoder_model_merged.onnx", "onnx/embed_tokens.onnx",
        "onnx/vision_encoder.onnx", "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json",
      ]);
    }
    expect(layout("whisper")).toEqual([
      "config.json", "generation_config.json", "onnx/decoder_model_merged.onnx", "onnx/encoder_model.onnx",
      "preprocessor_config.json", "tokenizer.json", "tokenizer_config.json",
    ]);
    expect(layout("clip")).toContain("onnx/text_model.onnx");
    expect(layout("bert")).toEqual(["config.json", "onnx/model.onnx", "tokenizer.json", "tokenizer_config.json"]);
    for (const kind of TINY_MODEL_KINDS) {
      const total = [...TINY_MODELS[kind].build(0).values()].reduce((n, b) => n + b.length, 0);
      expect(total).toBeLessThan(3 * 1024 * 1024);
    }
  });
});

describe("ensureTinyModels", () => {
  it("generates what is missing, reuses what is fresh, and rebuilds a changed file", () => {
    rmSync(DIR, { recursive: true, force: true });
    const first = ensureTinyModels(DIR, { seed: 3, kinds: ["vit", "clip"] });
    expect(first.generated).toEqual(["vit", "clip"]);
    expect(first.paths.vit).toBe(tinyModelPath("vit", DIR));
    const manifest = JSON.parse(readFileSync(join(DIR, "tiny-models.json"), "utf8"));
    expect(manifest.version).toBe(TINY_MODELS_VERSION);
    expect(manifest.seed).toBe(3);
    expect(manifest.models.vit.files["onnx/model.onnx"]).toBe(sha(join(first.paths.vit ?? "", "onnx/model.onnx")));

    const second = ensureTinyModels(DIR, { seed: 3, kinds: ["vit", "clip"] });
    expect(second.generated).toEqual([]);
    expect(second.reused).toEqual(["vit", "clip"]);

    const model = join(first.paths.clip ?? "", "onnx/model.onnx");
    const good = sha(model);
    writeFileSync(model, "corrupt");
    const third = ensureTinyModels(DIR, { seed: 3, kinds: ["vit", "clip"] });
    expect(third.generated).toEqual(["clip"]);
    expect(sha(model)).toBe(good);

    const other = ensureTinyModels(DIR, { seed: 4, kinds: ["vit"] });
    expect(other.generated).toEqual(["vit"]);
    expect(sha(join(first.paths.vit ?? "", "onnx/model.onnx"))).not.toBe(manifest.models.vit.files["onnx/model.onnx"]);
  });

  it("names the kinds it knows when given an unknown one", () => {
    try {
      ensureTinyModels(DIR, { kinds: ["gpt5"] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OmnispecError);
      expect((e as OmnispecError).code).toBe("model/not-found");
      expect((e as OmnispecError).hint).toContain("qwen2-vl");
    }
  });
});
