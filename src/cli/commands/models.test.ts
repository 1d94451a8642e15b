// `omnispec models` as a user runs it: the embedded defaults, whether each is generated, and the routes.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const dir = join(root, "tests/tmp/cli-models");

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { cwd: root, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface ModelsJson {
  embedded: { kind: string; folder: string; generated: boolean; task: string }[];
  routes: { name: string; inputs: string[]; outputs: string[] }[];
  generated?: string[];
}

describe("omnispec models", () => {
  it("lists every tiny model with its folder and state, generates them on --generate, and lists the routes", () => {
    rmSync(dir, { recursive: true, force: true });
    const before = JSON.parse(cli("models", "--dir", dir, "--json").stdout) as ModelsJson;
    expect(before.embedded.map((m) => m.kind)).toEqual(["qwen3", "vit", "qwen2-vl", "qwen2.5-vl", "qwen3-vl", "whisper", "clip", "bert"]);
    expect(before.embedded.every((m) => !m.generated && m.folder.startsWith(dir))).toBe(true);
    const made = JSON.parse(cli("models", "--dir", dir, "--generate", "--json").stdout) as ModelsJson;
    expect(made.generated).toEqual(before.embedded.map((m) => m.kind));
    expect(made.embedded.every((m) => m.generated && existsSync(join(m.folder, "config.json")))).toBe(true);
    const routes = new Map(made.routes.map((r) => [r.name, r]));
    expect(routes.get("qwen-vl")?.inputs).toContain("VIDEO");
    expect(routes.get("asr")?.inputs).toEqual(["AUDIO"]);
    expect(routes.get("text-classification")).toMatchObject({ inputs: ["TEXT"], outputs: ["CATEGORY"] });
    const text = cli("models", "--dir", dir);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("random weights");
    expect(text.stdout).toMatch(/whisper\s+ready/);
    expect(text.stdout).toMatch(/bert\s+ready\s+BERT-shaped text classifier/);
  });
});
