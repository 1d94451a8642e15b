// the omnispec command line, run as a user runs it (through tsx, from the source).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const tmp = fileURLToPath(new URL("./tmp/cli/", import.meta.url));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => mkdirSync(tmp, { recursive: true }));

describe("omnispec CLI", () => {
  it("parse --json prints the slots of both sides", () => {
    const r = cli("parse", "[IMAGE:img] what is it? -> [CATEGORY:label,choices=yes|no]", "--json");
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { source: { kind: string; name?: string }[]; target: { kind: string; attrs?: { choices?: string[] } }[] };
    expect(json.source[0]).toMatchObject({ kind: "slot", modality: "IMAGE", name: "img", optional: false, list: false });
    expect(json.source[1]).toEqual({ kind: "text", text: "what is it?" });
    expect(json.target[0].attrs?.choices).toEqual(["yes", "no"]);
  });

  it("exits 2 with a positioned error for a bad instruction", () => {
    const r = cli("parse", "[IMGAE:x] -> [TEXT:y]");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("parse/unknown-modality");
    expect(r.stderr).toContain("IMAGE");
    expect(r.stderr).toMatch(/\n\s+\^+/);
  });

  it("plan prints a table, and --json the plan contract", () => {
    const table = cli("plan", "caption", "--preset", "qwen2-vl", "--input", "img=size:1920x1080");
    expect(table.status).toBe(0);
    expect(table.stdout).toContain("total");
    const r = cli("plan", "caption", "--preset", "qwen2-vl", "--input", "img=size:1920x1080", "--json");
    const plan = JSON.parse(r.stdout) as { preset: string; total_tokens: number; slots: { img: { grid_thw: number[]; resized: { height: number; width: number } } } };
    expect(plan.preset).toBe("qwen2-vl");
    expect(plan.slots.img.resized).toEqual({ height: 1092, width: 1932 });
    expect(plan.slots.img.grid_thw).toEqual([1, 78, 138]);
    expect(plan.total_tokens).toBeGreaterThan(2691);
  });

  it("--jsonl plans every line and reports bad ones with their line number, going on", () => {
    const file = `${tmp}samples.jsonl`;
    writeFileSync(
      file,
      [
        JSON.stringify({ image: "size:640x480", question: "what?" }),
        "{broken",
        JSON.stringify({ image: "size:0x480", question: "zero?" }),
        JSON.stringify({ question: "no image" }),
        JSON.stringify({ image: "size:1280x720", question: "and this?" }),
      ].join("\n"),
    );
    const r = cli("plan", "vqa_gen", "--preset", "qwen2-vl", "--jsonl", file);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(lines.map((l) => (l.error === undefined ? "ok" : `${String(l.line)}:${String(l.error)}`))).toEqual([
      "ok",
      "2:dataset/row",
      "3:media/degenerate",
      "4:input/missing",
      "ok",
    ]);
    expect(lines[3].slot).toBe("image");
    expect(r.stderr).toContain("3 of 5 lines failed");
  });

  it("has help a person can learn from", () => {
    const r = cli("--help");
    expect(r.stdout).toContain("parse");
    expect(r.stdout).toContain("plan");
    const p = cli("plan", "--help");
    expect(p.stdout).toContain("--jsonl");
    expect(p.stdout).toContain("Examples:");
  });
});
