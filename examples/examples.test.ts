// every example runs as a user runs it (tsx, offline, on generated media) and writes the pictures it promises.
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureTinyModels } from "../src/runtime/index.js";
import { exampleMedia, outDir } from "./example-media.js";

const root = fileURLToPath(new URL("..", import.meta.url));

const EXAMPLES: Record<string, { pictures: string[]; prints: RegExp[] }> = {
  "one-line-task": { pictures: ["one-line-task.png"], prints: [/parse\/unknown-modality: unknown modality "IMGAE"/, /did you mean max_length\?/, /"enum":\["low","medium","high"\]/] },
  "video-qa": { pictures: ["video-qa-frames.png", "video-qa-timeline.png"], prints: [/12 frames sampled at 2 fps/, /\[VIDEO:video,fps=1\]\s+6 frames/, /6 interleaved chunks/] },
  grounding: { pictures: ["grounding-reference-1.png", "grounding-reference-2.png", "grounding-predicted.png"], prints: [/qwen2-vl\s+image 1204x812\s+target \(167,325\),\(450,750\)/, /IoU with the reference \d\.\d{3}/] },
  "dataset-budget": {
    pictures: ["dataset-budget.png"],
    prints: [/2,000 samples, first/, /bad row 4: dataset\/row: no value in column "cap"/, /bad row 8: dataset\/path-escape/, /--max-tokens 4096 keeps/],
  },
  packing: { pictures: ["packing-chunks.png", "packing-lengths.png"], prints: [/3,000 samples/, /fill efficiency\s+9\d\.\d%/, /packing-index\.jsonl \([\d,]+ lines\)/] },
  evaluate: { pictures: ["evaluate-report.png"], prints: [/vqaScore = 0\.\d{3} over 4 samples, 0 errors/, /constant "yes" baseline would score 0\.250/] },
};

function runExample(name: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  delete env.OMNISPEC_MEDIA_DIR;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(root, "examples", `${name}.ts`)], { cwd: root, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  // shared by the examples that run at once: generate them before, not in a race between them
  delete process.env.OMNISPEC_MEDIA_DIR;
  await exampleMedia();
  ensureTinyModels(join(root, ".omnispec/models"));
});

describe.concurrent("examples", () => {
  for (const [name, expected] of Object.entries(EXAMPLES)) {
    it(`${name}.ts runs, prints what it explains and writes its pictures`, async () => {
      const started = Date.now();
      const r = await runExample(name);
      expect(r.stderr.replace(/npm warn.*\n/g, ""), name).toBe("");
      expect(r.code, r.stdout).toBe(0);
      for (const p of expected.prints) expect(r.stdout).toMatch(p);
      for (const picture of expected.pictures) {
        const file = join(outDir, picture);
        expect(statSync(file).mtimeMs, picture).toBeGreaterThanOrEqual(started - 1000);
        const meta = await sharp(file).metadata();
        expect(meta.format, picture).toBe("png");
        expect(meta.width, picture).toBeGreaterThan(300);
        expect(meta.height, picture).toBeGreaterThan(200);
      }
    });
  }
});
