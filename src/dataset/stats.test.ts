import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { compile } from "../plan/compile.js";
import { defineTask } from "../task/define-task.js";
import { smartResize } from "../modalities/image/smart-resize.js";
import { ffmpegBinaries } from "../media/ffmpeg.js";
import { datasetStats, distribution, Reservoir } from "./stats.js";

const DIR = resolve("tests/tmp/dataset-stats");
const task = defineTask("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
const SIZES = [
  [640, 480],
  [1920, 1080],
  [300, 2000],
  [50, 50],
] as const;

// rows: real image files, size: rows, and three kinds of bad row
const ROWS: string[] = [];

beforeAll(async () => {
  mkdirSync(join(DIR, "img"), { recursive: true });
  for (const [w, h] of SIZES) {
    await sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 80, b: 40 } } }).jpeg().toFile(join(DIR, "img", `${w}x${h}.jpg`));
  }
  for (let i = 0; i < 40; i++) {
    const [w, h] = SIZES[i % SIZES.length];
    const img = i % 3 === 0 ? `size:${w * 2}x${h}` : `img/${w}x${h}.jpg`;
    ROWS.push(JSON.stringify({ img, caption: "a red square ".repeat(1 + (i % 5)) }));
  }
  ROWS.splice(5, 0, "{not json");
  ROWS.splice(9, 0, JSON.stringify({ img: "img/missing.jpg", caption: "x" }));
  ROWS.splice(14, 0, JSON.stringify({ caption: "no image" }));
  writeFileSync(join(DIR, "data.jsonl"), ROWS.join("\n") + "\n");
});

describe("datasetStats", () => {
  it("refuses a media path that leaves the dataset root, as the typed loaders do, and counts the other rows", async () => {
    const rows = [
      JSON.stringify({ img: "img/640x480.jpg", caption: "inside" }),
      JSON.stringify({ img: "../../../etc/passwd", caption: "outside" }),
      JSON.stringify({ img: "/etc/hostname", caption: "absolute, outside" }),
      JSON.stringify({ img: { path: "img/../img/50x50.jpg" }, caption: "inside, through .." }),
    ];
    writeFileSync(join(DIR, "escape.jsonl"), rows.join("\n") + "\n");
    const { summary, rows: planned } = await datasetStats(task, join(DIR, "escape.jsonl"), { preset: "qwen2-vl" });
    expect(summary.bad_rows.map((b) => [b.row, b.code, b.slot])).toEqual([
      [2, "dataset/path-escape", "img"],
      [3, "dataset/path-escape", "img"],
    ]);
    expect([...planned]).toEqual([1, 4]);
  });

  it("counts every good row as compile does, per slot and per sample, and reports bad rows by number", async () => {
    const { summary, lengths, rows } = await datasetStats(task, join(DIR, "data.jsonl"), { preset: "qwen2-vl" });
    expect(summary.rows).toBe(43);
    expect(summary.bad).toBe(3);
    expect(summary.bad_rows.map((b) => [b.row, b.code])).toEqual([
      [6, "dataset/row"],
      [10, "media/not-found"],
      [15, "input/missing"],
    ]);
    expect(summary.bad_rows[2].slot).toBe("img");
    expect(summary.samples).toBe(40);
    expect(summary.exact).toBe(false); // no tokenizer: text is estimated
    // each sample equals its own plan
    let imageTotal = 0;
    for (let i = 0; i < rows.length; i++) {
      const sample = JSON.parse(ROWS[rows[i] - 1]) as Record<string, unknown>;
      const plan = await compile(task, sample, { preset: "qwen2-vl", metadataOnly: true, baseDir: DIR });
      expect(lengths[i]).toBe(plan.totalTokens);
      imageTotal += plan.slots.img.tokens;
    }
    expect(summary.slots.img.total).toBe(imageTotal);
    expect(summary.tokens.total).toBe(summary.slots.img.total + summary.slots.caption.total + summary.slots["(template)"].total);
    expect(summary.tokens.total).toBe(summary.source_tokens.total + summary.target_tokens.total);
    // the image tokens of a 1920x1080 file follow from smart_resize: (h/14)(w/14)/4
    const r = smartResize({ height: 1080, width: 1920, factor: 28, minPixels: 3136, maxPixels: 12845056 });
    const row1920 = rows.findIndex((row) => ROWS[row - 1].includes("img/1920x1080.jpg"));
    const plan = await compile(task, JSON.parse(ROWS[rows[row1920] - 1]) as Record<string, unknown>, { preset: "qwen2-vl", metadataOnly: true, baseDir: DIR });
    expect(plan.slots.img.tokens).toBe((r.height / 14) * (r.width / 14) / 4);
    // longest first, with their rows
    expect(summary.longest[0].tokens).toBe(Math.max(...lengths));
    expect(lengths[rows.indexOf(summary.longest[0].row)]).toBe(summary.longest[0].tokens);
  });

  it("applies length filters and says how many each one dropped", async () => {
    const all = await datasetStats(task, join(DIR, "data.jsonl"));
    const p50 = all.summary.tokens.p50;
    const capped = await datasetStats(task, join(DIR, "data.jsonl"), { maxTokens: p50 });
    expect(capped.summary.samples).toBe(Array.from(all.lengths).filter((l) => l <= p50).length);
    expect(Math.max(...capped.lengths)).toBeLessThanOrEqual(p50);
    expect(capped.summary.filtered.above_max).toBe(40 - capped.summary.samples);
    const floor = await datasetStats(task, join(DIR, "data.jsonl"), { minTokens: p50 + 1 });
    expect(floor.summary.samples + capped.summary.samples).toBe(40);
  });

  it("draws seeded subsets: the same rows for the same seed, other rows for another seed", async () => {
    const a = await datasetStats(task, join(DIR, "data.jsonl"), { sample: 10, seed: 7 });
    const b = await datasetStats(task, join(DIR, "data.jsonl"), { sample: 10, seed: 7 });
    const c = await datasetStats(task, join(DIR, "data.jsonl"), { sample: 10, seed: 8 });
    expect(a.summary.subset).toEqual({ size: 10, seed: 7 });
    expect([...a.rows]).toEqual([...b.rows]);
    expect([...a.rows]).not.toEqual([...c.rows]);
    expect(a.rows.length).toBeLessThanOrEqual(10);
    expect([...a.rows]).toEqual([...a.rows].sort((x, y) => x - y));
    // with a filter the subset is drawn among the samples that pass it
    const f = await datasetStats(task, join(DIR, "data.jsonl"), { sample: 5, seed: 1, maxTokens: 1000 });
    expect(f.rows.length).toBe(5);
    expect(Math.max(...f.lengths)).toBeLessThanOrEqual(1000);
  });

  it("reads slots from other columns", async () => {
    writeFileSync(join(DIR, "renamed.jsonl"), JSON.stringify({ path: "size:640x480", text: "a cat" }) + "\n");
    const { summary } = await datasetStats(task, join(DIR, "renamed.jsonl"), { columns: { img: "path", caption: "text" } });
    expect(summary.bad).toBe(0);
    const r = smartResize({ height: 480, width: 640, factor: 28, minPixels: 3136, maxPixels: 12845056 });
    expect(summary.slots.img.total).toBe((r.height / 28) * (r.width / 28));
  });
});

describe("datasetStats on CSV", () => {
  it("reads boxes written as JSON text and reports a malformed one by row", async () => {
    const grounding = defineTask("[IMAGE:img] where is the [TEXT:what] ? -> [BOX:box]");
    writeFileSync(join(DIR, "boxes.csv"), 'img,what,box\nsize:1000x500,cat,"[10,20,300,400]"\nsize:1000x500,dog,"[1,2,3"\nsize:1000x500,cow,"10,20,30,40"\n');
    const { summary } = await datasetStats(grounding, join(DIR, "boxes.csv"), { preset: "qwen2-vl" });
    expect(summary.samples).toBe(2);
    expect(summary.bad_rows.map((b) => [b.row, b.code, b.slot])).toEqual([[2, "dataset/row", "box"]]);
    expect(summary.slots.box.min).toBeGreaterThan(0);
  });
});

describe("datasetStats on video and audio files", () => {
  it("probes durations and frame counts (nothing decoded) and counts as compile does", async () => {
    const ff = ffmpegBinaries().ffmpeg;
    const clip = join(DIR, "clip.mp4");
    const tone = join(DIR, "tone.wav");
    if (!existsSync(clip)) {
      execFileSync(ff, ["-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=3", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=3", "-pix_fmt", "yuv420p", "-shortest", clip]);
    }
    if (!existsSync(tone)) execFileSync(ff, ["-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=7", "-ac", "1", tone]);
    const av = defineTask("[VIDEO:clip,audio=true] [AUDIO:note] [TEXT:question] -> [TEXT:answer]");
    const rows = [
      { clip: "clip.mp4", note: "tone.wav", question: "what plays?", answer: "a tone" },
      { clip: "meta:frames=300,fps=30,width=640,height=360", note: "meta:seconds=4", question: "and here?", answer: "nothing" },
    ];
    writeFileSync(join(DIR, "av.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const { summary, lengths } = await datasetStats(av, join(DIR, "av.jsonl"), { preset: "qwen2.5-omni" });
    expect(summary.bad).toBe(0);
    for (let i = 0; i < rows.length; i++) {
      const plan = await compile(av, rows[i], { preset: "qwen2.5-omni", metadataOnly: true, baseDir: DIR });
      expect(lengths[i]).toBe(plan.totalTokens);
    }
    // 7 s of 16 kHz audio: 700 mel frames, 175 tokens (qwen-reference §5.2)
    expect(summary.slots.note.max).toBe(175);
    expect(summary.slots.clip.min).toBeGreaterThan(0);
  });
});

describe("Reservoir", () => {
  it("keeps every item of a short stream, in order", () => {
    const r = new Reservoir<number>(5, 1);
    for (let i = 0; i < 3; i++) r.offer(i);
    expect(r.items()).toEqual([0, 1, 2]);
  });

  it("picks each item with probability size/n", () => {
    const hits = new Array<number>(20).fill(0);
    for (let seed = 0; seed < 2000; seed++) {
      const r = new Reservoir<number>(5, seed);
      for (let i = 0; i < 20; i++) r.offer(i);
      for (const i of r.items()) hits[i]++;
    }
    // expected 2000 * 5 / 20 = 500 each; 4 sigma is about 77
    for (const h of hits) expect(Math.abs(h - 500)).toBeLessThan(80);
  });

  it("refuses a size that is not a positive integer", () => {
    expect(() => new Reservoir(0)).toThrow(/positive integer/);
  });
});

describe("distribution", () => {
  it("gives nearest-rank percentiles", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    const d = distribution(values);
    expect([d.min, d.p50, d.p90, d.p99, d.max]).toEqual([1, 50, 90, 99, 100]);
    expect(d.mean).toBe(50.5);
    expect(distribution([]).count).toBe(0);
  });
});
