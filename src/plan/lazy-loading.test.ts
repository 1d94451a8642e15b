import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));

// a child process that plans from metadata only and reports which heavy modules got loaded
const child = `
import { register } from "node:module";
const seen = new Set();
register("data:text/javascript," + encodeURIComponent(\`
  export async function resolve(spec, ctx, next) {
    if (spec === "sharp" || spec === "fluent-ffmpeg" || spec === "@huggingface/transformers") console.error("LOADED " + spec);
    return next(spec, ctx);
  }\`));
const { defineTask, compile } = await import("./src/index.ts");
const task = defineTask("[IMAGE:img] [VIDEO:clip] [AUDIO:speech] [TEXT:q] -> [TEXT:a]");
const plan = await compile(task, { img: "size:640x480", clip: "meta:frames=720,fps=24,width=854,height=480", speech: "meta:seconds=11", q: "what happens?" }, { preset: "qwen2.5-omni", metadataOnly: true });
const libvips = process.report.getReport().sharedObjects.some((s) => /vips|sharp/.test(s));
console.log(JSON.stringify({ tokens: plan.totalTokens, libvips }));
`;

describe("planning from metadata", () => {
  it("never loads libvips, ffmpeg's wrapper or transformers.js", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", child], { cwd: root, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { tokens: number; libvips: boolean };
    expect(out.tokens).toBeGreaterThan(0);
    expect(out.libvips).toBe(false);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("LOADED"))).toEqual([]);
  });
});
