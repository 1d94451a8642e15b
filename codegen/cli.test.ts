// omnispec codegen as a user runs it: through tsx, from the source.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { findTasks } from "./extract.js";
import { writeLoaders } from "./emit.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = fileURLToPath(new URL("../tests/tmp/codegen-cli/", import.meta.url));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "src/cli/main.ts"), ...args], { cwd: dir, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "tasks.ts"),
    [
      `import { defineTask } from "omnispec";`,
      `import { presets } from "omnispec/presets";`,
      `export const caption = defineTask(presets.tasks.caption);`,
      `export const triage = defineTask("[IMAGE:scan] [TEXT:notes?] -> [CATEGORY:urgency,choices=low|high]");`,
      ``,
    ].join("\n"),
  );
  writeFileSync(join(dir, "empty.ts"), `export const x = 1;\n`);
  writeFileSync(join(dir, "dynamic.ts"), `import { defineTask } from "omnispec";\nexport const make = (line: string) => defineTask(line);\n`);
});

describe("omnispec codegen", () => {
  it("writes the same modules as writeLoaders and lists them, in order", () => {
    const options = ["--import-root", "../src/index.js", "--import-dataset", "../src/dataset/index.js"];
    const r = cli("codegen", "tasks.ts", "--out", "loaders", ...options);
    expect(r.stderr.replace(/npm warn.*\n/g, "")).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual(["loaders/caption.ts", "loaders/triage.ts", "loaders/index.ts"]);
    const expected = writeLoaders(findTasks(join(dir, "tasks.ts")), join(dir, "api"), { from: "tasks.ts", importRoot: "../src/index.js", importDataset: "../src/dataset/index.js" });
    for (const f of expected) {
      const name = f.slice(join(dir, "api").length + 1);
      expect(readFileSync(join(dir, "loaders", name), "utf8"), name).toBe(readFileSync(f, "utf8"));
    }
    expect(readFileSync(join(dir, "loaders/triage.ts"), "utf8")).toContain(`import * as omnispec from "../src/index.js";`);
  });

  it("uses the package's own specifiers by default", () => {
    const r = cli("codegen", "tasks.ts", "-o", "default");
    expect(r.status).toBe(0);
    const src = readFileSync(join(dir, "default/caption.ts"), "utf8");
    expect(src).toContain(`import * as omnispec from "omnispec";`);
    expect(src).toContain(`import * as dataset from "omnispec/dataset";`);
  });

  it("exits 1 when the file defines no task, and when an instruction is not static, naming the line", () => {
    const none = cli("codegen", "empty.ts", "--out", "none");
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("no defineTask(...) calls found in empty.ts");
    const dynamic = cli("codegen", "dynamic.ts", "--out", "dyn");
    expect(dynamic.status).toBe(1);
    expect(dynamic.stderr).toMatch(/omnispec: dataset\/source: cannot read the instruction of defineTask\(\.\.\.\) statically: "line" is not a literal/);
    expect(dynamic.stderr).toContain("dynamic.ts:2");
  });

  it("--help shows an example", () => {
    const r = cli("codegen", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("omnispec codegen src/tasks.ts --out src/loaders");
  });
});
