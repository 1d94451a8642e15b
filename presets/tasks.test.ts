import { describe, expect, it } from "vitest";
import { compile } from "../src/plan/compile.js";
import { defineTask, type TaskSlot } from "../src/task/define-task.js";
import { modelPresets } from "./models.js";
import { taskPresets, type TaskPreset } from "./tasks.js";

const all: readonly TaskPreset[] = Object.values(taskPresets);
const METRICS = new Set(["accuracy", "exactMatch", "vqaScore", "bleu", "rougeL", "ciderD", "iou", "wer", "cer"]);

/** a metadata-only value for a slot: nothing is decoded */
function valueFor(s: TaskSlot): unknown {
  switch (s.modality) {
    case "IMAGE":
      return "size:1280x720";
    case "VIDEO":
      return "meta:frames=240,fps=24,width=854,height=480";
    case "AUDIO":
      return "meta:seconds=11";
    case "BOX":
      return [100, 50, 600, 400];
    case "STRUCT":
      return [["name", "age"], ["ada", "36"]];
    case "CATEGORY":
      return Array.isArray(s.attrs.choices) ? (s.attrs.choices as string[])[0] : "yes";
    default:
      return `some ${s.name} text`;
  }
}

describe("task presets", () => {
  it("keep the 23 OFASys tasks and add the modern ones, each under its own name with a model preset", () => {
    expect(all.filter((t) => t.origin === "ofasys")).toHaveLength(23);
    for (const key of ["image_qa", "video_qa", "grounding", "referring_expression", "doc_qa", "asr", "audio_caption", "audio_video_qa", "preference"]) {
      expect(taskPresets).toHaveProperty(key);
    }
    for (const [key, t] of Object.entries(taskPresets)) {
      expect(t.name).toBe(key);
      expect(Object.keys(modelPresets)).toContain(t.model);
    }
  });

  it("name a metric omnispec computes for every modern task", () => {
    for (const t of all.filter((x) => x.origin === "modern")) expect(METRICS.has(t.metric), `${t.name}: ${t.metric}`).toBe(true);
    const used = new Set(all.map((t) => t.metric));
    for (const m of METRICS) expect(used.has(m), m).toBe(true);
  });

  it("parse with the real parser and plan their inputs on metadata with their model preset", async () => {
    for (const preset of all) {
      const task = defineTask(preset);
      expect(task.name).toBe(preset.name);
      const sample: Record<string, unknown> = {};
      for (const s of task.inputs) if (!s.optional) sample[s.name] = s.fields ? [Object.fromEntries(s.fields.map((f) => [f.name, valueFor(f)]))] : valueFor(s);
      const plan = await compile(task, sample, { preset: preset.model, metadataOnly: true });
      const json = plan.toJSON();
      expect(json.preset, preset.name).toBe(preset.model);
      // a modality with no planner yet (PHONE) is listed as unplanned rather than failing
      const unplanned = Object.values(json.slots).some((s) => s.steps.some((st) => st.op === "unplanned"));
      if (!unplanned) expect(json.source_tokens, preset.name).toBeGreaterThan(0);
      for (const s of task.inputs) {
        if (s.optional || s.fields) continue;
        const slot = json.slots[s.name];
        expect(slot, `${preset.name}.${s.name}`).toBeDefined();
        if (["IMAGE", "VIDEO", "AUDIO"].includes(s.modality)) expect(slot.tokens, `${preset.name}.${s.name}`).toBeGreaterThan(0);
      }
      if (preset.generative) {
        const generated = Object.values(json.slots).filter((s) => s.side === "target");
        expect(generated.length, preset.name).toBeGreaterThan(0);
      }
    }
  });

  it("write boxes in the model's convention: Qwen2.5-VL pixels of the resized image, Qwen2-VL 0..1000", async () => {
    const task = defineTask(taskPresets.referring_expression);
    const sample = { image: "size:1280x720", region: [0, 0, 1280, 720] };
    const rel = await compile(task, sample, { preset: "qwen2-vl", metadataOnly: true });
    const abs = await compile(task, sample, { preset: "qwen2.5-vl", metadataOnly: true });
    const model = (p: typeof rel) => (p.slots.region.box as { model: number[] }).model;
    expect(model(rel)).toEqual([0, 0, 1000, 1000]);
    const resized = abs.slots.image.resized as { width: number; height: number };
    expect(model(abs)).toEqual([0, 0, resized.width, resized.height]);
  });

  it("interleave the clip's own audio for audio+video QA on the Omni preset", async () => {
    const task = defineTask(taskPresets.audio_video_qa);
    const plan = await compile(task, { clip: "meta:frames=240,fps=24,width=854,height=480", question: "what plays?" }, { preset: "qwen2.5-omni", metadataOnly: true });
    expect(plan.slots.clip.steps.some((s) => s.op === "audio-track")).toBe(true);
    await expect(compile(task, { clip: "meta:frames=240,fps=24,width=854,height=480", question: "q" }, { preset: "qwen2-vl", metadataOnly: true })).rejects.toThrow(/audio=true needs a preset/);
  });

  it("truncate Qwen2-Audio at its 30 s window: 750 tokens for any longer clip", async () => {
    const task = defineTask(taskPresets.audio_caption);
    const at = async (seconds: number) => (await compile(task, { audio: `meta:seconds=${seconds}` }, { preset: "qwen2-audio", metadataOnly: true })).slots.audio.tokens;
    expect(await at(1)).toBe(25);
    expect(await at(30)).toBe(750);
    expect(await at(45)).toBe(750);
  });
});
