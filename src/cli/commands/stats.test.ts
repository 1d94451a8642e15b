import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import sharp from "sharp";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { taskPresets } from "../../../presets/tasks.js";
import { ensureTinyModels } from "../../runtime/tiny-models/index.js";
import type { PackSummary } from "./pack.js";
import { registerPack } from "./pack.js";
import { presetsListing, registerPresets } from "./presets.js";
import { registerStats } from "./stats.js";
import type { StatsSummary } from "../../dataset/stats.js";

const DIR = "tests/tmp/cli-stats";
const DATA = join(DIR, "data.jsonl");
const LINES: string[] = [];

beforeAll(async () => {
  mkdirSync(DIR, { recursive: true });
  await sharp({ create: { width: 800, height: 600, channels: 3, background: "#3366aa" } }).png().toFile(join(DIR, "a.png"));
  for (let i = 0; i < 30; i++) {
    const img = i % 2 === 0 ? "a.png" : `size:${200 + 97 * i}x${150 + 61 * i}`;
    LINES.push(JSON.stringify({ img, cap: "word ".repeat(1 + i) }));
  }
  LINES.push(JSON.stringify({ img: "nope.png", cap: "x" }));
  writeFileSync(DATA, LINES.join("\n") + "\n");
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function cli(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerStats(program);
  registerPack(program);
  registerPresets(program);
  let out = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  await program.parseAsync(["node", "omnispec", ...args]);
  vi.restoreAllMocks();
  return out;
}

describe("omnispec stats", () => {
  it("prints the per-slot table, the longest rows and the bad row by number", async () => {
    const out = await cli(["stats", "caption", DATA, "--preset", "qwen2-vl"]);
    expect(out).toMatch(/rows 31 · planned 30 · bad 1/);
    expect(out).toMatch(/^\s+img\s/m);
    expect(out).toMatch(/^\s+cap\s+\d+\.\d/m);
    expect(out).toMatch(/longest: row \d+ \(/);
    expect(out).toMatch(/row 31: media\/not-found/);
  });

  it("prints JSON with the subset, filters and histogram it was asked for", async () => {
    const png = join(DIR, "lengths.png");
    const def = JSON.parse(await cli(["stats", "caption", DATA, "--json"])) as StatsSummary;
    expect(def.preset).toBe(taskPresets.caption.model);
    const all = JSON.parse(await cli(["stats", "caption", DATA, "-p", "qwen2-vl", "--json"])) as StatsSummary;
    const s = JSON.parse(await cli(["stats", "caption", DATA, "-p", "qwen2-vl", "--max-tokens", String(all.tokens.p90), "--sample", "5", "--seed", "3", "--histogram", png, "--json"])) as StatsSummary & { histogram: string };
    expect(s.samples).toBe(5);
    expect(s.subset).toEqual({ size: 5, seed: 3 });
    expect(s.tokens.max).toBeLessThanOrEqual(all.tokens.p90);
    expect(s.histogram).toBe(png);
    expect((await sharp(png).metadata()).format).toBe("png");
  });

  it("reads the constants of a checkpoint folder given as --preset", async () => {
    const model = join(DIR, "model");
    mkdirSync(model, { recursive: true });
    writeFileSync(join(model, "config.json"), JSON.stringify({ model_type: "qwen2_vl" }));
    writeFileSync(join(model, "preprocessor_config.json"), JSON.stringify({ min_pixels: 3136, max_pixels: 28 * 28 * 64 }));
    const s = JSON.parse(await cli(["stats", "caption", DATA, "--preset", model, "--json"])) as StatsSummary;
    expect(s.slots.img.max).toBeLessThanOrEqual(64);
  });

  it("counts text exactly with the tokenizer of a checkpoint folder given as --preset", async () => {
    const folder = ensureTinyModels("tests/tmp/presets-models", { kinds: ["qwen2-vl"] }).paths["qwen2-vl"]!;
    const s = JSON.parse(await cli(["stats", "caption", DATA, "--preset", folder, "--json"])) as StatsSummary;
    expect(s.exact).toBe(true);
    expect(s.tokenizer).toContain("tokenizer.json");
    const estimated = JSON.parse(await cli(["stats", "caption", DATA, "--preset", "qwen2-vl", "--json"])) as StatsSummary;
    expect(estimated.exact).toBe(false);
  });

  it("refuses a malformed number with the flag's name", async () => {
    await expect(cli(["stats", "caption", DATA, "--max-tokens", "lots"])).rejects.toThrow(/--max-tokens takes an integer/);
  });
});

describe("omnispec pack", () => {
  it("writes a packing index that covers every token of every sample once, and prints the summary as JSON", async () => {
    const out = join(DIR, "pack.jsonl");
    const chunk = 512;
    const s = JSON.parse(await cli(["pack", "caption", DATA, "--preset", "qwen2-vl", "--chunk", String(chunk), "--out", out, "--json"])) as PackSummary;
    expect(s.samples).toBe(30);
    expect(s.bad).toBe(1);
    expect(existsSync(out)).toBe(true);
    const lines = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { chunk: number; tokens: number; pieces: { row: number; start: number; end: number }[] });
    expect(lines.length).toBe(s.chunks);
    const covered = new Map<number, number>();
    for (const c of lines) {
      expect(c.tokens).toBeLessThanOrEqual(chunk);
      expect(c.tokens).toBe(c.pieces.reduce((a, p) => a + p.end - p.start, 0));
      for (const p of c.pieces) covered.set(p.row, (covered.get(p.row) ?? 0) + p.end - p.start);
    }
    const stats = JSON.parse(await cli(["stats", "caption", DATA, "--preset", "qwen2-vl", "--json"])) as StatsSummary;
    expect([...covered.values()].reduce((a, b) => a + b, 0)).toBe(stats.tokens.total);
    expect(s.tokens).toBe(stats.tokens.total);
    expect(s.fill_efficiency).toBeCloseTo(s.tokens / (s.chunks * chunk), 10);
    expect(s.fill_efficiency).toBeGreaterThanOrEqual(s.padding_efficiency!);
  });

  it("prints packing beside first-fit decreasing and padding", async () => {
    const out = await cli(["pack", "caption", DATA, "--chunk", "8192"]);
    expect(out).toMatch(/chunk packing\s+\d+\.\d+%/);
    expect(out).toMatch(/first-fit decreasing\s+\d+\.\d+%/);
    expect(out).toMatch(/padding to longest\s+\d+\.\d+%/);
  });

  it("refuses a chunk that is not a positive integer", async () => {
    await expect(cli(["pack", "caption", DATA, "--chunk", "0"])).rejects.toThrow(/--chunk takes a positive integer/);
  });
});

describe("omnispec presets", () => {
  it("groups the tasks by origin and group, and lists every task and model once", () => {
    const text = presetsListing();
    expect(text.indexOf("OFASys example tasks (23)")).toBeLessThan(text.indexOf("modern tasks ("));
    for (const t of Object.values(taskPresets)) expect(text.split("\n").filter((l) => l.trim().startsWith(t.name + " ")).length, t.name).toBe(1);
    expect(text).toMatch(/image_gen .*\[generative target/);
  });

  it("keeps --json machine-readable", async () => {
    const j = JSON.parse(await cli(["presets", "--json"])) as { tasks: { name: string; model: string }[]; models: { name: string }[] };
    expect(j.tasks.length).toBe(Object.keys(taskPresets).length);
    expect(j.models.map((m) => m.name)).toContain("internvl");
  });
});
