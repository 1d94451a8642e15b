import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { OmnispecError } from "../src/errors.js";
import { taskPresets } from "../presets/tasks.js";
import { findTasks } from "./extract.js";

const dir = fileURLToPath(new URL("../tests/tmp/codegen-extract/", import.meta.url));
const file = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

beforeAll(() => mkdirSync(dir, { recursive: true }));

describe("findTasks", () => {
  it("reads literals, presets by property or key, spec objects and constants, without running the file", () => {
    const f = file(
      "tasks.ts",
      [
        `import { defineTask } from "omnispec";`,
        `import * as omni from "omnispec";`,
        `import { presets, taskPresets } from "omnispec/presets";`,
        `throw new Error("never run");`,
        `export const vqa = defineTask("[IMAGE:img] [TEXT:q] -> [TEXT:a]");`,
        `export const cap = defineTask(presets.tasks.caption);`,
        `export const asr = omni.defineTask(presets.tasks["asr"], { name: "asr" });`,
        `const ocr = defineTask(taskPresets.ocr satisfies { instruction: string });`,
        "const LINE = `[TEXT:src] -> [TEXT:tgt]` as const;",
        `export const copy = defineTask({ instruction: LINE, name: "copy" });`,
        `export const wrapped = (defineTask("[TEXT:x] -> [TEXT:y]"));`,
      ].join("\n"),
    );
    expect(findTasks(f)).toEqual([
      { name: "vqa", instruction: "[IMAGE:img] [TEXT:q] -> [TEXT:a]", exported: true, line: 5 },
      { name: "cap", instruction: taskPresets.caption.instruction, exported: true, line: 6 },
      { name: "asr", instruction: taskPresets.asr.instruction, exported: true, line: 7 },
      { name: "ocr", instruction: taskPresets.ocr.instruction, exported: false, line: 8 },
      { name: "copy", instruction: "[TEXT:src] -> [TEXT:tgt]", exported: true, line: 10 },
      { name: "wrapped", instruction: "[TEXT:x] -> [TEXT:y]", exported: true, line: 11 },
    ]);
  });

  it("names a call that is not a variable's whole initializer by its line, so two never share a name", () => {
    const f = file("array.ts", `import { defineTask } from "omnispec";\nexport const all = [\n  defineTask("[TEXT:a] -> [TEXT:b]"),\n  defineTask("[TEXT:c] -> [TEXT:d]"),\n];\n`);
    expect(findTasks(f).map((t) => [t.name, t.exported])).toEqual([
      ["task3", false],
      ["task4", false],
    ]);
  });

  it("refuses what it cannot read statically, naming the file and line and what to write instead", () => {
    const cases: [string, RegExp][] = [
      [`export function make(line: string) {\n  return defineTask(line);\n}`, /"line" is not a literal/],
      ["const t = defineTask(`[TEXT:${'${x}'}] -> [TEXT:y]`);", /is not a literal/],
      [`const t = defineTask(presets.tasks.captoin);`, /"presets\.tasks\.captoin" is not a known task preset \(known: glue, /],
      [`const t = defineTask(presets.models.qwen2_vl);`, /is not a literal or presets\.tasks\.<name>/],
      [`const t = defineTask({ name: "x" });`, /no `instruction: \.\.\.` property/],
      [`const t = defineTask();`, /no argument/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const f = file(`bad-${i}.ts`, text);
      let err: unknown;
      try {
        findTasks(f);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(OmnispecError);
      const e = err as OmnispecError;
      expect(e.code).toBe("dataset/source");
      expect(e.message, text).toMatch(message);
      expect(e.file).toBe(`${f}:${text.includes("\n") ? 2 : 1}`);
      expect(e.hint).toContain("presets.tasks.<name>");
    }
  });
});
