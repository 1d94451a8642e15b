// npx tsx examples/packing.ts
// Packing a video QA dataset into fixed-size training chunks, the ChunkFlow way: samples longer than a chunk are split
// into chained pieces, short ones are consolidated, so chunks run nearly full. The lengths are exact plan token counts
// from metadata; the result is a packing index (one JSON line per chunk) and a picture of the first chunks.
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import sharp from "sharp";
import { packChunks, type PackedChunk } from "../src/dataset/index.js";
import { writeHistogram } from "../src/dataset/histogram.js";
import { datasetStats } from "../src/dataset/stats.js";
import { defineTask } from "../src/index.js";
import { presets } from "../presets/index.js";
import { seededRandom } from "../src/util/random.js";
import { exampleMedia, outDir } from "./example-media.js";

const media = await exampleMedia();
const show = (file: string): string => relative(process.cwd(), file);
const fmt = (n: number): string => n.toLocaleString("en-US");
const pct = (x: number | undefined): string => `${((x ?? 0) * 100).toFixed(1)}%`;

// %% [markdown]
// 3,000 video questions: the clip itself once, the rest described by metadata (`meta:frames=...,fps=...`), as an index
// of a large video corpus would be. Durations are long-tailed: mostly short clips, a few minutes-long ones.

// %%
const random = seededRandom(11);
const shapes = [[640, 360], [854, 480], [1280, 720], [1920, 1080]];
const lines = [JSON.stringify({ video: media.clip, question: "what happens?", answer: "A" })];
for (let i = 1; i < 3000; i++) {
  // log-normal: median 8 s, a tail of clips of several minutes
  const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const seconds = Math.min(600, Math.max(1, Math.exp(Math.log(8) + 1.3 * gaussian)));
  const [w, h] = shapes[Math.floor(random() * shapes.length)];
  lines.push(JSON.stringify({ video: `meta:frames=${Math.round(seconds * 24)},fps=24,width=${w},height=${h}`, question: `question ${i}: which option is right?`, answer: "B" }));
}
const dataset = join(outDir, "packing-videos.jsonl");
writeFileSync(dataset, lines.join("\n") + "\n");
const task = defineTask(presets.tasks.video_qa);
const { summary, lengths, rows } = await datasetStats(task, dataset, { preset: "qwen2.5-vl" });
console.log(`${fmt(summary.samples)} samples, ${fmt(summary.tokens.total)} tokens; p50 ${fmt(summary.tokens.p50)}, p99 ${fmt(summary.tokens.p99)}, max ${fmt(summary.tokens.max)}`);

// %% [markdown]
// Pack into 8,192-token chunks. The baselines: padding every sample to the longest one, and first-fit decreasing
// without splitting (which must truncate every sample longer than a chunk).

// %%
const chunk = 8192;
const samples = Array.from(lengths, (tokens, i) => ({ id: rows[i], tokens }));
const { chunks, stats } = packChunks(samples, { chunk });
console.log(`\nchunk ${fmt(chunk)}: ${fmt(stats.chunks)} chunks, ${fmt(stats.split_samples)} samples split into chained pieces`);
console.log(`  fill efficiency            ${pct(stats.fill_efficiency)}`);
console.log(`  first-fit decreasing       ${pct(stats.ffd_efficiency)} (${fmt(stats.ffd_bins ?? 0)} bins, ${fmt(stats.ffd_dropped_tokens ?? 0)} tokens truncated away)`);
console.log(`  padding to the longest     ${pct(stats.padding_efficiency)}`);

// %% [markdown]
// The chunk size is a trade-off the plan makes measurable.

// %%
for (const size of [4096, 16384, 32768]) {
  const s = packChunks(samples, { chunk: size }).stats;
  console.log(`chunk ${fmt(size).padStart(6)}: ${fmt(s.chunks).padStart(5)} chunks, fill ${pct(s.fill_efficiency)}, ${fmt(s.split_samples)} split`);
}

// %% [markdown]
// The packing index a data loader reads: one line per chunk, each piece a row of the dataset and its token range.

// %%
const index = join(outDir, "packing-index.jsonl");
writeFileSync(index, chunks.map((c, i) => JSON.stringify({ chunk: i, tokens: c.reduce((n, p) => n + p.end - p.start, 0), pieces: c.map((p) => ({ row: p.sample, start: p.start, end: p.end })) })).join("\n") + "\n");
console.log(`\nwrote ${show(index)} (${fmt(chunks.length)} lines)`);

// %% [markdown]
// A picture of some chunks (the packer emits the full pieces of long samples first, consolidated chunks last): one bar
// per chunk, one block per piece; dark outlined blocks are pieces of a split sample, chained by their token ranges.

// %%
function chunksSvg(shown: readonly (readonly [number, PackedChunk])[], size: number): string {
  const width = 1000;
  const left = 70;
  const bar = 18;
  const scale = (width - left - 20) / size;
  const split = new Set<string>();
  for (const c of chunks) for (const p of c) if (p.start > 0) split.add(String(p.sample));
  const hue = (id: string | number): number => (Number(id) * 47) % 360;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${shown.length * (bar + 6) + 50}" font-family="DejaVu Sans, sans-serif" font-size="11">`];
  out.push(`<rect width="100%" height="100%" fill="#ffffff"/>`, `<text x="${left}" y="20" font-size="14" font-weight="bold">${shown.length} of ${fmt(chunks.length)} chunks · ${fmt(size)} tokens each · fill ${pct(stats.fill_efficiency)}</text>`);
  shown.forEach(([n, c], i) => {
    const y = 34 + i * (bar + 6);
    out.push(`<text x="${left - 8}" y="${y + 13}" text-anchor="end" fill="#555">#${n}</text>`, `<rect x="${left}" y="${y}" width="${size * scale}" height="${bar}" fill="#eeeeee"/>`);
    let x = left;
    for (const p of c) {
      const w = (p.end - p.start) * scale;
      const chained = split.has(String(p.sample));
      out.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(0.5, w - 0.5).toFixed(1)}" height="${bar}" fill="hsl(${hue(p.sample)},55%,${chained ? 45 : 65}%)"${chained ? ` stroke="#222" stroke-width="1.2"` : ""}/>`);
      if (w > 60) out.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 13}" fill="#fff">row ${p.sample}${chained ? ` ${p.start}-${p.end}` : ""}</text>`);
      x += w;
    }
  });
  out.push("</svg>");
  return out.join("\n");
}
const picture = join(outDir, "packing-chunks.png");
const step = Math.max(1, Math.floor(chunks.length / 20));
const shown = [0, 1, 2, 3, ...Array.from({ length: 20 }, (_, i) => chunks.length - 1 - i * step)].filter((n, i, all) => n >= 0 && all.indexOf(n) === i).sort((a, b) => a - b);
await sharp(Buffer.from(chunksSvg(shown.map((n) => [n, chunks[n]] as const), chunk))).png().toFile(picture);
const histogram = join(outDir, "packing-lengths.png");
await writeHistogram(lengths, histogram, { title: `video_qa · qwen2.5-vl · ${fmt(summary.samples)} samples`, markers: [{ label: "chunk", value: chunk }] });
console.log(`wrote ${show(picture)} and ${show(histogram)}`);
