// npm run demo [-- --media DIR]: omnispec end to end, offline, on media it generates (or on a folder of real files).
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { compile, defineTask, OmnispecError, type Task } from "../src/index.js";
import type { PlanJSON } from "../src/plan/types.js";
import type { RunOptions } from "../src/runtime/index.js";
import { taskPresets } from "../presets/tasks.js";
import { sampleMedia } from "./sample-media.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const mediaArg = args.includes("--media") ? args[args.indexOf("--media") + 1] : undefined;

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const section = (s: string) => console.log(`\n${bold(`== ${s} `.padEnd(100, "="))}\n`);
const fmt = (n: number) => n.toLocaleString("en-US");

function findMedia(dir: string): { photos: string[]; clip?: string; audio?: string } {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  return {
    photos: files.filter((f) => /\.(jpe?g|png|webp)$/i.test(f)),
    clip: files.find((f) => /\.(mp4|mov|mkv|webm)$/i.test(f)),
    audio: files.find((f) => /\.(wav|flac)$/i.test(f)) ?? files.find((f) => /\.(mp3|ogg|m4a)$/i.test(f)),
  };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  section("1. one line, typed: the instruction language");
  for (const t of Object.values(taskPresets)) {
    const task = defineTask(t.instruction);
    const ins = task.inputs.map((s) => `${s.name}:${s.modality}`).join(", ");
    const outs = task.outputs.map((s) => `${s.name}:${s.modality}`).join(", ");
    console.log(`${t.name.padEnd(36)} (${ins}) -> (${outs})`);
  }
  console.log("\nand where OFASys would silently turn a malformed slot into text, omnispec says why:\n");
  for (const bad of ["[IMGAE:img] what is it? -> [TEXT:answer]", "[IMAGE:img] [TEXT:q,max_lenght=5] -> [TEXT:a]", "[IMAGE:img] what is it? [TEXT:answer]"]) {
    try {
      defineTask(bad);
    } catch (e) {
      if (!(e instanceof OmnispecError)) throw e;
      console.log(`${e.code}: ${e.message}\n`);
    }
  }

  section("2. media");
  const media = mediaArg
    ? findMedia(mediaArg)
    : await sampleMedia(join(root, ".omnispec/demo-media")).then((m) => ({ photos: [m.photo], clip: m.clip, audio: m.audio }));
  const show = (p?: string) => (p ? relative(process.cwd(), p) : "(none)");
  console.log(`photos: ${media.photos.map(show).join(", ")}\nclip:   ${show(media.clip)}\naudio:  ${show(media.audio)}`);

  section("3. plans: what each model will see, before any GPU hour");
  const photo = media.photos.find((p) => /Portrait_6|exif6/i.test(p)) ?? media.photos[0];
  const caption = defineTask(taskPresets.caption);
  const plan = await compile(caption, { img: photo }, { preset: "qwen2.5-vl" });
  console.log(plan.explain());

  console.log(`\nthe same photo under every vision preset:\n`);
  for (const preset of ["qwen2-vl", "qwen2.5-vl", "qwen3-vl", "qwen2.5-omni", "ofa"]) {
    const p = await compile(caption, { img: photo }, { preset });
    const s = p.slots.img;
    const r = s.resized as { width: number; height: number };
    console.log(`${preset.padEnd(14)} ${String(r.width).padStart(5)}x${String(r.height).padEnd(5)} image tokens ${fmt(s.tokens).padStart(6)}   total ${fmt(p.totalTokens)}`);
  }

  const refcoco = defineTask(taskPresets.refcoco);
  const o = (await compile(caption, { img: photo }, { preset: "qwen2.5-vl" })).slots.img.original as { width: number; height: number };
  const box = [Math.round(o.width * 0.15), Math.round(o.height * 0.4), Math.round(o.width * 0.45), Math.round(o.height * 0.75)];
  console.log(`\ngrounding: a box given in original pixels ${JSON.stringify(box)} lands in each model's convention:`);
  for (const preset of ["ofa", "qwen2-vl", "qwen2.5-vl"]) {
    const p = await compile(refcoco, { img: photo, cap: "the red house", patch_boxes: box }, { preset });
    const b = p.slots.patch_boxes.box as { text: string };
    console.log(`  ${preset.padEnd(12)} ${b.text}`);
  }

  if (media.clip) {
    console.log("");
    const vqa = defineTask("[VIDEO:clip] [TEXT:question] -> [TEXT:answer]");
    for (const preset of ["qwen2.5-vl", "qwen3-vl"]) {
      const p = await compile(vqa, { clip: media.clip, question: "what happens in the video?" }, { preset });
      const v = p.slots.clip;
      const f = v.frames as { indices: number[]; timestamps: number[] };
      console.log(`${preset}: ${f.indices.length} frames at ${(v.sample_fps as number).toFixed(2)} fps, grid ${JSON.stringify(v.grid_thw)}, ${fmt(v.tokens)} video tokens, total ${fmt(p.totalTokens)}`);
      console.log(`  frames at ${f.timestamps.slice(0, 6).map((t) => `${t.toFixed(2)}s`).join(", ")}, …`);
    }
    const av = defineTask("[VIDEO:clip,audio=true] [TEXT:question] -> [TEXT:answer]");
    const p = await compile(av, { clip: media.clip, question: "what do you see and hear?" }, { preset: "qwen2.5-omni" });
    const chunks = p.segments.filter((s) => s.slot === "clip" && s.kind !== "special");
    console.log(`qwen2.5-omni with the clip's own audio: ${chunks.length} interleaved 2-second chunks (${chunks.slice(0, 4).map((c) => `${c.kind} ${c.tokens}`).join(", ")}, …), total ${fmt(p.totalTokens)} tokens, rope delta ${String(p.toJSON().positions?.delta)}`);
  }

  if (media.audio) {
    const asr = defineTask(taskPresets.speech_to_text);
    console.log("");
    for (const preset of ["qwen2.5-omni", "ofa"]) {
      const p = await compile(asr, { wav: media.audio }, { preset });
      const a = p.slots.wav;
      console.log(`${preset.padEnd(13)} ${fmt(a.samples as number)} samples -> ${fmt(a.feature_frames as number)} feature frames -> ${fmt(a.tokens)} audio tokens (total ${fmt(p.totalTokens)})`);
    }
  }

  console.log("\npictures of what the models will see (open them):");
  const pictures = join(root, ".omnispec/demo-out");
  mkdirSync(pictures, { recursive: true });
  const draw = async (name: string, plan: Awaited<ReturnType<typeof compile>>) => {
    const file = join(pictures, name);
    await plan.render({ out: file });
    console.log(`  ${relative(process.cwd(), file)}`);
  };
  await draw("photo-grid-and-box.png", await compile(refcoco, { img: photo, cap: "the red house", patch_boxes: box }, { preset: "qwen2.5-vl" }));
  if (media.clip) {
    await draw("video-frames.png", await compile(defineTask("[VIDEO:clip] what happens? -> [TEXT:a]"), { clip: media.clip }, { preset: "qwen3-vl" }));
    await draw("video-audio-timeline.png", await compile(defineTask("[VIDEO:clip,audio=true] what happens? -> [TEXT:a]"), { clip: media.clip }, { preset: "qwen2.5-omni" }));
  }
  if (media.audio) await draw("speech-timeline.png", await compile(defineTask(taskPresets.speech_to_text), { wav: media.audio }, { preset: "qwen2.5-omni" }));

  section("4. token budgets from metadata alone");
  const vqa = defineTask(taskPresets.vqa_gen);
  let total = 0;
  const sizes = ["size:640x480", "size:1920x1080", "size:4032x3024", "size:1080x1920", "size:300x200"];
  for (const [i, size] of sizes.entries()) {
    const p = await compile(vqa, { image: size, question: `question number ${i}?` }, { preset: "qwen2-vl", metadataOnly: true });
    total += p.totalTokens;
    console.log(`${size.padEnd(16)} ${fmt(p.totalTokens).padStart(6)} tokens`);
  }
  console.log(`${"total".padEnd(16)} ${fmt(total).padStart(6)} tokens  (no pixel was read)`);

  await runStage(media, photo);

  console.log(`\ndemo finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// stage 5: the same kinds of tasks run end to end on the embedded tiny models (transformers.js, offline).
async function runStage(media: { clip?: string; audio?: string }, photo: string): Promise<void> {
  section("5. run: the tasks on small local models, offline");
  const { run, loadModel, textCounter } = await import("../src/runtime/index.js");
  console.log("the embedded tiny models have random weights: the outputs show the plumbing (exact plans in, typed outputs out), not meaning.\n");
  const out = join(root, ".omnispec/demo-out");
  mkdirSync(out, { recursive: true });
  const options = { offline: true, modelsDir: join(root, ".omnispec/models"), generation: { maxNewTokens: 12 } };
  const describe = (plan: PlanJSON, slot: string): string => {
    const s = plan.slots[slot];
    const o = s.original as { width?: number; height?: number; seconds?: number } | undefined;
    const r = s.resized as { width: number; height: number } | undefined;
    const f = s.frames as { indices: number[] } | undefined;
    const parts = [
      o?.width !== undefined && r ? `${o.width}x${o.height} -> ${r.width}x${r.height}` : "",
      f ? `${f.indices.length} frames` : "",
      typeof s.samples === "number" ? `${fmt(s.samples)} samples, ${fmt(s.feature_frames as number)} mel frames` : "",
      s.grid_thw ? `grid ${(s.grid_thw as number[]).join("x")}` : "",
      `${fmt(s.tokens)} ${s.modality.toLowerCase()} tokens`,
    ];
    return parts.filter(Boolean).join(", ");
  };
  const show = async (label: string, task: Task, sample: Record<string, unknown>, media: string, extra: Partial<RunOptions> = {}) => {
    const r = await run(task, sample, { ...options, ...extra });
    const t = r.timings;
    console.log(`${bold(label)}  ${r.model.route} · ${relative(root, r.model.id)}`);
    console.log(`  plan    ${r.plan.preset} · ${fmt(r.plan.total_tokens)} tokens · ${media}: ${describe(r.plan, media)}`);
    for (const [slot, value] of Object.entries(r.outputs as Record<string, unknown>)) console.log(`  output  ${slot} = ${JSON.stringify(value)}`);
    console.log(`  time    ${t.total.toFixed(0)} ms (load ${t.load.toFixed(0)}, plan ${t.plan.toFixed(0)}, tensors ${t.materialize.toFixed(0)}, model ${t.model.toFixed(0)})\n`);
    return r;
  };

  await show("caption", defineTask(taskPresets.caption), { img: photo }, "img");
  await show("vqa", defineTask(taskPresets.vqa_gen), { image: photo, question: "what colour is the roof?" }, "image");
  const grounding = defineTask(taskPresets.grounding);
  const g = await show("grounding", grounding, { image: photo, phrase: "the house" }, "image");
  // the predicted box goes back into the plan as the target's value, and the plan draws it on the photo
  const model = await loadModel(g.model.id, options);
  const drawn = await compile(grounding, { image: photo, phrase: "the house", box: g.outputs.box }, { preset: model.preset, tokenizer: textCounter(model) });
  const picture = join(out, "grounding.png");
  await drawn.render({ out: picture });
  console.log(`  the predicted box on the photo: ${relative(process.cwd(), picture)}\n`);
  if (media.audio) await show("asr", defineTask(taskPresets.asr), { audio: media.audio }, "audio", { language: "en" });
  if (media.clip) await show("video", defineTask("[VIDEO:clip] what happens in the video? -> [TEXT:answer]"), { clip: media.clip }, "clip");
}

main().catch((e: unknown) => {
  console.error(e instanceof OmnispecError ? `omnispec: ${e.code}: ${e.message}` : e);
  process.exit(1);
});
