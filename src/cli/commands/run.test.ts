// `omnispec run` as a user runs it (a spawned process through tsx), on the embedded tiny models generated into tests/tmp.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { ffmpegBinaries } from "../../media/ffmpeg.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const tmp = join(root, "tests/tmp/cli-run");
const models = join(root, "tests/tmp/models");

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let photo = "";
let speech = "";

beforeAll(async () => {
  mkdirSync(tmp, { recursive: true });
  photo = join(tmp, "photo.png");
  await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 200, g: 60, b: 40 } } }).png().toFile(photo);
  speech = join(tmp, "tone.wav");
  execFileSync(ffmpegBinaries().ffmpeg, ["-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=700:sample_rate=16000:duration=2", speech]);
});

interface RunJson {
  outputs: Record<string, unknown>;
  plan: { preset: string; total_tokens: number; slots: Record<string, { tokens: number; grid_thw?: number[] }> };
  timings: Record<string, number>;
  model: { id: string; route: string; modelType?: string };
}

describe("omnispec run", () => {
  it("--json prints the typed outputs, the plan the model saw and the timings, the same twice", () => {
    const args = ["run", "caption", "--input", `img=${photo}`, "--json", "--offline", "--models-dir", models, "--max-new-tokens", "6"];
    const a = cli(...args);
    expect(a.stderr).toBe("");
    expect(a.status).toBe(0);
    const r = JSON.parse(a.stdout) as RunJson;
    expect(Object.keys(r.outputs)).toEqual(["cap"]);
    expect(typeof r.outputs.cap).toBe("string");
    expect(r.model.route).toBe("qwen-vl");
    expect(r.model.id).toBe(join(models, "tiny-qwen2-vl"));
    const [t, h, w] = r.plan.slots.img.grid_thw!;
    expect(r.plan.slots.img.tokens).toBe((t * h * w) / 4);
    expect(r.plan.total_tokens).toBeGreaterThan(r.plan.slots.img.tokens);
    for (const k of ["load", "plan", "materialize", "model", "total"]) expect(r.timings[k]).toBeGreaterThanOrEqual(0);
    expect(r.timings.total).toBeGreaterThanOrEqual(r.timings.model);
    expect((JSON.parse(cli(...args).stdout) as RunJson).outputs).toEqual(r.outputs);
  });

  it("prints one line per output slot and a summary on stderr; a model folder that is not there exits 1 naming it", () => {
    const r = cli("run", "[IMAGE:img] is it red? -> [CATEGORY:yn,choices=yes|no]", "-i", `img=${photo}`, "--offline", "--models-dir", models);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^yn: (yes|no)\n$/);
    expect(r.stderr).toMatch(/model .*tiny-qwen2-vl \(qwen-vl\) · \d+ plan tokens · \d+ ms/);
    const missing = join(tmp, "no-such-model");
    const bad = cli("run", "caption", "-i", `img=${photo}`, "--offline", "--model", missing);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("model/not-found");
    expect(bad.stderr).toContain(missing);
  });

  it("classifies a text on the tiny BERT: the declared choice, the text's plan, the classifier route", () => {
    const review = "a wonderful film, I loved it";
    const r = cli("run", "[TEXT:review] -> [CATEGORY:sentiment,choices=negative|positive]", "--input", `review=${review}`, "--json", "--offline", "--models-dir", models);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as RunJson & { plan: { slots: { review: { text: string; tokens: number } } } };
    expect(Object.keys(out)).toEqual(["outputs", "plan", "timings", "model"]);
    expect(Object.keys(out.outputs)).toEqual(["sentiment"]);
    expect(["negative", "positive"]).toContain(out.outputs.sentiment);
    expect(out.model).toEqual({ id: join(models, "tiny-bert"), route: "text-classification", modelType: "bert" });
    expect(out.plan.slots.review).toMatchObject({ text: review });
    expect(out.plan.slots.review.tokens).toBeGreaterThan(0);
    for (const k of ["load", "plan", "materialize", "prompt", "model", "total"]) expect(out.timings[k]).toBeGreaterThanOrEqual(0);
    expect(out.timings.total).toBeGreaterThanOrEqual(out.timings.model);
  });

  it("transcribes with the asr preset on the tiny Whisper, with the language token the user asked for", () => {
    const r = cli("run", "asr", "-i", `audio=${speech}`, "--json", "--offline", "--models-dir", models, "--language", "de", "--max-new-tokens", "5");
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as RunJson & { plan: { slots: { audio: { samples: number; feature_frames: number } } } };
    expect(typeof out.outputs.transcript).toBe("string");
    expect(out.model.route).toBe("asr");
    expect(out.plan.slots.audio).toMatchObject({ tokens: 1500, samples: 32000, feature_frames: 200 });
  });
});
