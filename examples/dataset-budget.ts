// npx tsx examples/dataset-budget.ts
// From a JSONL file to typed samples and a token budget: generate a typed loader for a task with `omnispec codegen`
// (here through its API), iterate the dataset through it with bad rows collected, then count every sample's tokens
// exactly from metadata (image sizes from file headers, no pixel decoded) and draw the length histogram.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { findTasks, writeLoaders } from "../codegen/index.js";
import type { DatasetLoader, LoaderOptions } from "../src/dataset/index.js";
import { writeHistogram } from "../src/dataset/histogram.js";
import { datasetStats } from "../src/dataset/stats.js";
import { defineTask, type TaskInput, type TaskOutput } from "../src/index.js";
import { presets } from "../presets/index.js";
import { seededRandom } from "../src/util/random.js";
import { exampleMedia, outDir } from "./example-media.js";

const media = await exampleMedia();
const root = fileURLToPath(new URL("..", import.meta.url));
const show = (file: string): string => relative(process.cwd(), file);
const fmt = (n: number): string => n.toLocaleString("en-US");

// %% [markdown]
// A captioning dataset as JSONL: real photos (linked into the dataset folder as `media/`) and, to make a realistic
// spread of sizes, rows whose image is given by its size alone (`size:WxH`, as a metadata-only index would).
// Two rows are broken on purpose: a missing caption, and a path that tries to leave the dataset folder.

// %%
const dir = join(outDir, "dataset");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
symlinkSync(media.dir, join(dir, "media"), "dir");
const random = seededRandom(7);
const sizes = [[640, 480], [1024, 768], [1920, 1080], [1080, 1920], [4032, 3024], [800, 800], [3000, 2000], [320, 240]];
const words = "a the dog cat red house near river under blue sky two people walking on beach with small boat".split(" ");
const rows: Record<string, unknown>[] = [];
for (let i = 0; i < 2000; i++) {
  const real = i % 50 === 0;
  const [w, h] = sizes[Math.floor(random() * sizes.length)];
  const scale = 0.5 + random();
  const img = real ? `media/${relative(media.dir, media.photos[(i / 50) % media.photos.length])}` : `size:${Math.round(w * scale)}x${Math.round(h * scale)}`;
  const cap = Array.from({ length: 4 + Math.floor(random() ** 3 * 60) }, () => words[Math.floor(random() * words.length)]).join(" ");
  rows.push({ img, cap });
}
rows.splice(3, 0, { img: "size:640x480" });
rows.splice(7, 0, { img: "../../../../etc/passwd", cap: "escape" });
const jsonl = join(dir, "captions.jsonl");
writeFileSync(jsonl, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
console.log(`wrote ${fmt(rows.length)} rows to ${show(jsonl)}`);

// %% [markdown]
// The task lives in your code as one line. `omnispec codegen tasks.ts --out loaders` reads it statically and writes
// `loaders/caption.ts`, exporting `loadCaption` and the `CaptionSample` type.

// %%
const tasksFile = join(dir, "tasks.ts");
writeFileSync(tasksFile, `import { defineTask } from "omnispec";\nimport { presets } from "omnispec/presets";\n\nexport const caption = defineTask(presets.tasks.caption);\n`);
const loaders = join(dir, "loaders");
const files = writeLoaders(findTasks(tasksFile), loaders, {
  from: tasksFile,
  // in your project the defaults ("omnispec", "omnispec/dataset") are right; here they point into this checkout
  importRoot: relative(loaders, join(root, "src/index.js")).split("\\").join("/"),
  importDataset: relative(loaders, join(root, "src/dataset/index.js")).split("\\").join("/"),
});
console.log(`\ngenerated ${files.map(show).join(", ")}:\n`);
console.log(readFileSync(join(loaders, "caption.ts"), "utf8").split("\n").slice(0, 11).join("\n"));

// %% [markdown]
// In a project you would `import { loadCaption } from "./loaders/caption.js"`; this script imports the module it just
// wrote. Every sample is typed `{ img: ImageInput; cap: string }`; bad rows land in `.errors` with row and column.

// %%
const caption = defineTask(presets.tasks.caption);
type CaptionSample = TaskInput<typeof caption> & TaskOutput<typeof caption>;
const generated = (await import(pathToFileURL(join(loaders, "caption.ts")).href)) as {
  loadCaption(source: string, options?: LoaderOptions): DatasetLoader<CaptionSample>;
};
const data = generated.loadCaption(jsonl);
let count = 0;
let first: CaptionSample | undefined;
for await (const sample of data) {
  first ??= sample;
  count++;
}
console.log(`\n${fmt(count)} samples, first ${JSON.stringify({ img: relative(dir, String(first?.img)), cap: first?.cap })}`);
for (const e of data.errors) console.log(`  bad row ${e.row}: ${e.code}: ${e.message.split("\n")[0]}`);

// %% [markdown]
// The token budget under Qwen2-VL: every row planned from metadata only (image headers, never pixels).

// %%
const { summary, lengths } = await datasetStats(caption, jsonl, { preset: "qwen2-vl" });
const t = summary.tokens;
console.log(`\n${fmt(summary.samples)} samples, ${fmt(summary.bad)} bad, ${fmt(t.total)} tokens (${summary.exact ? "exact" : "text estimated"})`);
console.log(`per sample: mean ${fmt(Math.round(t.mean))}, p50 ${fmt(t.p50)}, p90 ${fmt(t.p90)}, p99 ${fmt(t.p99)}, max ${fmt(t.max)}`);
for (const [slot, d] of Object.entries(summary.slots)) console.log(`  ${slot.padEnd(12)} mean ${fmt(Math.round(d.mean)).padStart(6)}  max ${fmt(d.max).padStart(6)}`);
for (const b of summary.bad_rows) console.log(`  bad row ${b.row}: ${b.code}`);
console.log(`longest rows: ${summary.longest.slice(0, 3).map((l) => `#${l.row} (${fmt(l.tokens)})`).join(", ")}`);

// %% [markdown]
// A length cap is a filter over the same pass: how much of the data fits a 4,096-token context?

// %%
const capped = await datasetStats(caption, jsonl, { preset: "qwen2-vl", maxTokens: 4096 });
console.log(`\n--max-tokens 4096 keeps ${fmt(capped.summary.samples)} of ${fmt(capped.summary.planned)} samples (${fmt(capped.summary.filtered.above_max)} longer)`);
const picture = join(outDir, "dataset-budget.png");
await writeHistogram(lengths, picture, {
  title: `caption · qwen2-vl · ${fmt(summary.samples)} samples`,
  markers: [
    { label: "p50", value: t.p50 },
    { label: "p99", value: t.p99 },
    { label: "context", value: 4096 },
  ],
});
console.log(`wrote ${show(picture)}${existsSync(picture) ? "" : " (missing!)"}`);
