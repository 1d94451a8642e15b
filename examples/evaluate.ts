// npx tsx examples/evaluate.ts
// Evaluating a preset on a model: evaluate(task, dataset, { model }) loads the dataset through the task's typed loader,
// runs each sample, and scores outputs with the preset's metric. Every metric is also a reward (output, reference) ->
// [0, 1], the form RL fine-tuning with verifiable rewards wants. Here the models are the embedded tiny ones (random
// weights, offline): the scores are near zero, the plumbing is real.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import sharp, { type OverlayOptions } from "sharp";
import { defineTask } from "../src/index.js";
import { iou, vqaScore, wer } from "../src/metrics/index.js";
import { evaluate, type EvaluationResult } from "../src/runtime/index.js";
import { presets } from "../presets/index.js";
import { exampleMedia, outDir } from "./example-media.js";

const media = await exampleMedia();
const root = fileURLToPath(new URL("..", import.meta.url));
const show = (file: string): string => relative(process.cwd(), file);
const models = { offline: true, modelsDir: join(root, ".omnispec/models") };

// %% [markdown]
// Metrics first, on hand-checkable cases. VQA accuracy counts how many of the 10 human answers agree (3 is enough);
// WER is word edits over reference words; IoU is the overlap of two boxes.

// %%
const humans = ["2", "2", "two", "3", "2", "2", "2", "2", "2", "2"];
console.log(`vqaScore.reward("Two", humans) = ${vqaScore.reward("Two", humans)}`);
console.log(`vqaScore.reward("3", humans)   = ${vqaScore.reward("3", humans).toFixed(2)}  (one human said 3)`);
console.log(`wer(["the cat sat on mat"], ["the cat sat on the mat"]) = ${wer(["the cat sat on mat"], ["the cat sat on the mat"]).toFixed(4)}  (1 deletion / 6 words)`);
console.log(`iou.reward([0, 0, 10, 10], [5, 0, 15, 10]) = ${iou.reward([0, 0, 10, 10], [5, 0, 15, 10]).toFixed(4)}  (50 / 150)`);

// %% [markdown]
// A small VQA set as JSONL, media linked into the dataset folder. The `vqa_gen` preset names its metric (vqaScore).

// %%
const dir = join(outDir, "evaluate");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
symlinkSync(media.dir, join(dir, "media"), "dir");
const questions = [
  { question: "what is in the picture?", answer: media.real ? "waterfall" : "house" },
  { question: "what colour is the sky?", answer: "blue" },
  { question: "is it daytime?", answer: "yes" },
  { question: "how many suns are there?", answer: media.real ? "0" : "1" },
];
const rows = questions.map((q, i) => ({ image: `media/${relative(media.dir, media.photos[i % media.photos.length])}`, ...q }));
const vqaFile = join(dir, "vqa.jsonl");
writeFileSync(vqaFile, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");

const vqa = defineTask(presets.tasks.vqa_gen);
const result = await evaluate(vqa, vqaFile, { ...models, generation: { maxNewTokens: 8 }, onProgress: (done, score) => console.log(`  ${done}/${rows.length} done, mean reward ${score.toFixed(3)}`) });
console.log(`\nvqa_gen on ${show(vqaFile)}: ${result.metric} = ${result.score.toFixed(3)} over ${result.samples.length} samples, ${result.errors.length} errors, ${result.seconds.toFixed(1)} s`);
for (const s of result.samples) console.log(`  #${s.index} ${JSON.stringify(s.output).padEnd(24)} reference ${JSON.stringify(s.reference).padEnd(12)} reward ${s.reward.toFixed(2)}`);
// for contrast: a model that always answers "yes" gets exactly the yes/no question right
const always = vqaScore(result.samples.map(() => "yes"), result.samples.map((s) => s.reference as string));
console.log(`  a constant "yes" baseline would score ${always.toFixed(3)}`);

// %% [markdown]
// Speech: the `asr` preset (Whisper conventions) scored with WER, on the real speech when it is there.

// %%
let asr: EvaluationResult | undefined;
if (media.transcript) {
  const asrFile = join(dir, "asr.jsonl");
  writeFileSync(asrFile, JSON.stringify({ audio: `media/${relative(media.dir, media.audio)}`, transcript: media.transcript }) + "\n");
  asr = await evaluate(defineTask(presets.tasks.asr), asrFile, { ...models, language: "en", generation: { maxNewTokens: 16 } });
  console.log(`\nasr: ${asr.metric} = ${asr.score.toFixed(3)}, reward ${asr.samples[0]?.reward.toFixed(3)}; the tiny model wrote ${JSON.stringify(asr.samples[0]?.output)}`);
} else {
  console.log("\n(asr skipped: the generated audio is a chirp with no transcript; set OMNISPEC_MEDIA_DIR for real speech)");
}

// %% [markdown]
// The report as a picture: each image with the question, the model's answer, the reference and the reward.

// %%
const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const thumb = 96;
const width = 900;
const height = 60 + result.samples.length * (thumb + 12) + (asr ? 40 : 0);
const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif" font-size="13">`, `<rect width="100%" height="100%" fill="#ffffff"/>`];
parts.push(`<text x="16" y="28" font-size="16" font-weight="bold">vqa_gen · ${escape(result.metric)} ${result.score.toFixed(3)} · ${result.samples.length} samples · tiny model, random weights</text>`);
const thumbs: OverlayOptions[] = [];
for (const [i, s] of result.samples.entries()) {
  const y = 48 + i * (thumb + 12);
  const row = rows[s.index - 1];
  thumbs.push({ input: await sharp(join(dir, row.image)).rotate().resize(thumb, thumb, { fit: "cover" }).png().toBuffer(), left: 16, top: y });
  parts.push(
    `<text x="${thumb + 32}" y="${y + 20}" font-weight="bold">${escape(row.question)}</text>`,
    `<text x="${thumb + 32}" y="${y + 44}">model: ${escape(JSON.stringify(s.output))}</text>`,
    `<text x="${thumb + 32}" y="${y + 66}">reference: ${escape(JSON.stringify(s.reference))}</text>`,
    `<rect x="${width - 136}" y="${y + 30}" width="${Math.max(1, 120 * s.reward)}" height="14" fill="#4c8dff"/><rect x="${width - 136}" y="${y + 30}" width="120" height="14" fill="none" stroke="#888"/>`,
    `<text x="${width - 136}" y="${y + 22}" fill="#555">reward ${s.reward.toFixed(2)}</text>`,
  );
}
if (asr) parts.push(`<text x="16" y="${height - 16}">asr · wer ${asr.score.toFixed(3)} · ${escape(JSON.stringify(asr.samples[0]?.output ?? ""))}</text>`);
parts.push("</svg>");
const picture = join(outDir, "evaluate-report.png");
await sharp(Buffer.from(parts.join("\n"))).composite(thumbs).png().toFile(picture);
console.log(`\nwrote ${show(picture)}`);
