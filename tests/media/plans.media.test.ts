// plans of the real media in $OMNISPEC_MEDIA_DIR, against the facts its README states.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, defineTask } from "../../src/index.js";
import { taskPresets } from "../../presets/tasks.js";

const media = process.env.OMNISPEC_MEDIA_DIR ?? "../shared/media";
const photos = readdirSync(join(media, "images")).filter((f) => f.endsWith(".jpg"));

describe("real photos", () => {
  const caption = defineTask(taskPresets.caption);
  it.each(photos.filter((p) => p.startsWith("exif_")))("%s plans upright", async (file) => {
    const plan = await compile(caption, { img: join(media, "images", file) }, { preset: "qwen2.5-vl" });
    const o = plan.slots.img.original as { width: number; height: number };
    if (file.includes("Landscape")) expect([o.width, o.height]).toEqual([1800, 1200]);
    else expect([o.width, o.height]).toEqual([1200, 1800]);
    const r = plan.slots.img.resized as { width: number; height: number };
    expect(r.width % 28).toBe(0);
    expect(plan.slots.img.tokens).toBe((r.width / 28) * (r.height / 28));
  });
});

describe("the film clip", () => {
  const file = join(media, "video/bbb_480p_30s.mp4");
  it("probes as the README says and samples 2 fps for Qwen2.5-VL", async () => {
    const task = defineTask("[VIDEO:clip] [TEXT:q] -> [TEXT:a]");
    const plan = await compile(task, { clip: file, q: "what happens?" }, { preset: "qwen2.5-vl" });
    const v = plan.slots.clip;
    expect(v.original).toMatchObject({ width: 854, height: 480, frames: 720, fps: 24 });
    const frames = v.frames as { indices: number[]; timestamps: number[] };
    expect(frames.indices).toHaveLength(60);
    expect(frames.indices[0]).toBe(0);
    expect(frames.indices[59]).toBe(719);
    expect(v.grid_thw).toEqual([30, 34, 60]);
    expect(v.second_per_grid_t).toBe(1);
    expect(v.audio_streams).toEqual([{ channels: 6, sampleRate: 48000 }]);
  });

  it("interleaves its own audio in 2-second chunks for Qwen2.5-Omni", async () => {
    const task = defineTask("[VIDEO:clip,audio=true] [TEXT:q] -> [TEXT:a]");
    const plan = await compile(task, { clip: file, q: "what do you hear?" }, { preset: "qwen2.5-omni" });
    const chunks = plan.segments.filter((s) => s.slot === "clip" && s.kind !== "special");
    expect(chunks.filter((c) => c.kind === "video")).toHaveLength(15);
    expect(chunks.filter((c) => c.kind === "audio").reduce((a, c) => a + c.tokens, 0)).toBe(plan.slots.clip.audio_tokens);
    expect(plan.toJSON().positions?.scheme).toBe("qwen2.5-omni");
  });
});

describe("the speech", () => {
  it("jfk.wav: 176,000 samples, 1,100 mel frames, 275 Omni audio tokens", async () => {
    const asr = defineTask(taskPresets.speech_to_text);
    const plan = await compile(asr, { wav: join(media, "audio/jfk.wav") }, { preset: "qwen2.5-omni" });
    expect(plan.slots.wav.samples).toBe(176000);
    expect(plan.slots.wav.feature_frames).toBe(1100);
    expect(plan.slots.wav.tokens).toBe(275);
    expect(plan.slots.wav.exact).toBe(true);
  });
});
