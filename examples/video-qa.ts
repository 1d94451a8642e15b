// npx tsx examples/video-qa.ts
// Video question answering, planned before any GPU hour: which frames the model sees and at what times, how they are
// resized and grouped into temporal patches, how many tokens that costs, and, for an omni model, how the clip's own
// sound is cut into chunks and interleaved with the frames. Each plan is drawn: a contact sheet, then a timeline.
import { join, relative } from "node:path";
import { compile, defineTask } from "../src/index.js";
import { presets } from "../presets/index.js";
import { exampleMedia, outDir } from "./example-media.js";

const media = await exampleMedia();
const fmt = (n: number): string => n.toLocaleString("en-US");
const show = (file: string): string => relative(process.cwd(), file);

// %% [markdown]
// The `video_qa` preset is multiple-choice video QA in Qwen3-VL's conventions (Video-MME, MVBench).

// %%
const videoQa = defineTask(presets.tasks.video_qa);
console.log(`video_qa: ${videoQa.instruction}\n`);
const question = "Which animal appears in the clip? (A) a rabbit (B) a bird (C) a fish (D) none";
const plan = await compile(videoQa, { video: media.clip, question }, { preset: "qwen3-vl" });
const v = plan.slots.video;
const frames = v.frames as { indices: number[]; timestamps: number[] };
const original = v.original as { width: number; height: number; frames: number; fps: number };
const resized = v.resized as { width: number; height: number };
console.log(`${original.width}x${original.height}, ${fmt(original.frames)} frames at ${original.fps} fps`);
console.log(`-> ${frames.indices.length} frames sampled at ${String(v.sample_fps)} fps, resized to ${resized.width}x${resized.height}, grid ${JSON.stringify(v.grid_thw)}`);
console.log(`   first frames at ${frames.timestamps.slice(0, 6).map((t) => `${t.toFixed(2)} s`).join(", ")}, ...`);
console.log(`-> ${fmt(v.tokens)} video tokens (Qwen3-VL puts a "<t seconds>" stamp before each temporal patch), ${fmt(plan.totalTokens)} in all`);

// %% [markdown]
// The contact sheet shows every sampled frame with its index and time; yellow frames pair into one temporal patch.

// %%
const sheet = join(outDir, "video-qa-frames.png");
await plan.render({ out: sheet });
console.log(`\nwrote ${show(sheet)}`);

// %% [markdown]
// A budget knob is one attribute on the slot: fewer frames, fewer tokens. The plan says exactly how many.

// %%
for (const attrs of ["", ",fps=1", ",max_frames=8"]) {
  const t = defineTask(`[VIDEO:video${attrs}] [TEXT:question] -> [TEXT:answer]`);
  const p = await compile(t, { video: media.clip, question }, { preset: "qwen3-vl", metadataOnly: true });
  const f = p.slots.video.frames as { indices: number[] };
  console.log(`[VIDEO:video${attrs}]`.padEnd(30), `${String(f.indices.length).padStart(3)} frames  ${fmt(p.slots.video.tokens).padStart(7)} video tokens`);
}

// %% [markdown]
// With sound: Qwen2.5-Omni hears the clip's own audio track. Frames and audio are cut into 2-second chunks and
// interleaved (TMRoPE); the timeline shows frames, waveform, log-mel and each chunk with its position ids.

// %%
const avQa = defineTask(presets.tasks.audio_video_qa);
const av = await compile(avQa, { clip: media.clip, question: "What do you see and hear?" }, { preset: "qwen2.5-omni" });
const chunks = av.segments.filter((s) => s.slot === "clip" && s.kind !== "special");
console.log(`\naudio_video_qa on qwen2.5-omni: ${chunks.length} interleaved chunks (${chunks.slice(0, 4).map((c) => `${c.kind} ${c.tokens}`).join(", ")}, ...)`);
console.log(`  ${fmt(av.slots.clip.tokens)} video + ${fmt(av.slots.clip.audio_tokens as number)} audio tokens, ${fmt(av.totalTokens)} in all`);
const timeline = join(outDir, "video-qa-timeline.png");
await av.render({ out: timeline });
console.log(`wrote ${show(timeline)}`);
