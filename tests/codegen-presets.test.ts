// codegen over every task preset: loaders generated from a user file, type-checked by tsc --strict, run through tsx.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parquetWriteFile } from "hyparquet-writer";
import { beforeAll, describe, expect, it } from "vitest";
import { findTasks, writeLoaders, type FoundTask } from "../codegen/index.js";
import { taskPresets } from "../presets/tasks.js";
import { defineTask } from "../src/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dir = fileURLToPath(new URL("./tmp/codegen-presets/", import.meta.url));
const rel = (from: string, to: string): string => relative(from, to).split("\\").join("/");

// literal tasks beside the presets: CATEGORY choices with an optional slot, a list slot, a repetition group
const LITERAL: Record<string, string> = {
  triage: "[IMAGE:scan] [TEXT:notes?] is it urgent? -> [CATEGORY:urgency,choices=low|medium|high]",
  album: "[IMAGE:photos[]] [TEXT:question] -> [TEXT:answer]",
  detect: "[IMAGE:img] find them -> ( [BOX:box] is a [TEXT:label] )*:objects",
};

const TASKS_FILE = [
  `import { defineTask } from "omnispec";`,
  `import { presets } from "omnispec/presets";`,
  ``,
  ...Object.keys(taskPresets).map((k) => `export const ${k} = defineTask(presets.tasks.${k});`),
  ``,
  `export const triage = defineTask(${JSON.stringify(LITERAL.triage)});`,
  `export const album = defineTask({ instruction: ${JSON.stringify(LITERAL.album)}, name: "album" });`,
  `const DETECT = ${JSON.stringify(LITERAL.detect)} as const;`,
  `export const detect = defineTask(DETECT);`,
  `const videoQaAgain = defineTask(presets.tasks["video_qa"]);`,
  ``,
].join("\n");

const outA = join(dir, "out-a");
const outA2 = join(dir, "out-a2");
const outB = join(dir, "out-b");
const relativeImports = (out: string) => ({ importRoot: `${rel(out, join(root, "src"))}/index.js`, importDataset: `${rel(out, join(root, "src/dataset"))}/index.js` });
let found: FoundTask[] = [];
let filesA: string[] = [];

function generatedText(out: string): Map<string, string> {
  return new Map(readdirSync(out).sort().map((f) => [f, readFileSync(join(out, f), "utf8")]));
}

// type-level checks written from the run-time task: slot keys agree, no `any`, choices and optionality reach the type
function checksFile(tasks: readonly FoundTask[]): string {
  const pascal = (s: string) => s.replace(/(^|_)([a-zA-Z0-9])/g, (_, __, c: string) => c.toUpperCase());
  const lines = [
    `import type * as a from "./out-a/index.js";`,
    `import type * as b from "./out-b/index.js";`,
    `type Equal<X, Y> = (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false;`,
    `type Expect<T extends true> = T;`,
    `type IsAny<T> = 0 extends 1 & T ? true : false;`,
    `type AnyIn<V> = IsAny<V> extends true ? true : V extends readonly (infer E)[] ? (IsAny<E> extends true ? true : E extends object ? true extends { [J in keyof E]-?: IsAny<E[J]> }[keyof E] ? true : false : false) : false;`,
    `type AnyKeys<S> = { [K in keyof S]-?: AnyIn<S[K]> extends true ? K : never }[keyof S];`,
    `export type Checks = [`,
  ];
  for (const t of tasks) {
    const task = defineTask(t.instruction);
    const keys = [...task.inputs, ...task.outputs].map((s) => JSON.stringify(s.name)).join(" | ") || "never";
    const S = `a.${pascal(t.name)}Sample`;
    lines.push(`  Expect<Equal<keyof ${S}, ${keys}>>,`, `  Expect<Equal<AnyKeys<${S}>, never>>,`, `  Expect<Equal<${S}, b.${pascal(t.name)}Sample>>,`);
  }
  lines.push(
    `  Expect<Equal<a.TriageSample["urgency"], "low" | "medium" | "high">>,`,
    `  Expect<{} extends Pick<a.TriageSample, "notes"> ? true : false>,`,
    `  Expect<a.AlbumSample["photos"] extends readonly unknown[] ? true : false>,`,
    `  Expect<Equal<keyof a.DetectSample["objects"][number], "box" | "label">>,`,
    `  Expect<Equal<a.PreferenceSample["preferred"], "chosen" | "rejected">>,`,
    `];`,
    ``,
  );
  return lines.join("\n");
}

// a consumer of one generated loader: type-checked with the modules, then run through tsx on three formats
const CONSUMER = `import { loadTriage, type TriageSample } from "./out-a/triage.js";

type Urgency = "low" | "medium" | "high";
const report: Record<string, unknown> = {};
for (const file of process.argv.slice(2)) {
  const data = loadTriage(file, { columns: file.endsWith(".csv") ? { scan: "file" } : {} });
  const samples: TriageSample[] = [];
  for await (const s of data) {
    const u: Urgency = s.urgency;
    // @ts-expect-error urgency is a closed set
    const wrong: "critical" = s.urgency;
    void wrong;
    samples.push({ ...s, urgency: u });
  }
  report[file.slice(file.lastIndexOf(".") + 1)] = {
    samples: samples.map((s) => ({ scan: s.scan, notes: s.notes ?? null, urgency: s.urgency })),
    errors: data.errors.map((e) => ({ row: e.row, code: e.code, slot: e.slot ?? null })),
  };
}
let thrown: unknown = null;
try {
  for await (const s of loadTriage(process.argv[2], { onError: "throw" })) void s;
} catch (e) {
  thrown = e instanceof Error && "code" in e ? { code: e.code, row: (e as { row?: number }).row } : String(e);
}
report.thrown = thrown;
process.stdout.write(JSON.stringify(report));
`;

beforeAll(() => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "tasks.ts"), TASKS_FILE);
  found = findTasks(join(dir, "tasks.ts"));
  filesA = writeLoaders(found, outA, { from: join(dir, "tasks.ts"), ...relativeImports(outA) });
  writeLoaders(findTasks(join(dir, "tasks.ts")), outA2, { from: join(dir, "tasks.ts"), ...relativeImports(outA) });
  writeLoaders(found, outB, { from: join(dir, "tasks.ts") });
  writeFileSync(join(dir, "checks.ts"), checksFile(found));
  writeFileSync(join(dir, "use-triage.ts"), CONSUMER);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2023"],
          types: ["node"],
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          verbatimModuleSyntax: true,
          // out-b keeps the default specifiers; they map to this checkout's sources
          paths: { omnispec: [rel(dir, join(root, "src/index.ts"))], "omnispec/dataset": [rel(dir, join(root, "src/dataset/index.ts"))] },
        },
        files: ["out-a/index.ts", "out-b/index.ts", "checks.ts", "use-triage.ts"],
      },
      null,
      2,
    ),
  );
  // the same bad row in each format: row 3's urgency is outside the choices
  const rows = [
    { scan: "scans/a.png", notes: "fell from a ladder", urgency: "high" },
    { scan: "scans/b.png", notes: null, urgency: "low" },
    { scan: "scans/c.png", notes: "itchy", urgency: "critical" },
    { scan: "scans/d.png", notes: "cough", urgency: "medium" },
  ];
  writeFileSync(join(dir, "triage.jsonl"), rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  writeFileSync(join(dir, "triage.csv"), "file,notes,urgency\n" + rows.map((r) => `${r.scan},"${r.notes ?? ""}",${r.urgency}`).join("\n") + "\n");
  parquetWriteFile({
    filename: join(dir, "triage.parquet"),
    columnData: [
      { name: "scan", data: rows.map((r) => r.scan), type: "STRING" },
      { name: "notes", data: rows.map((r) => r.notes), type: "STRING" },
      { name: "urgency", data: rows.map((r) => r.urgency), type: "STRING" },
    ],
  });
});

describe("codegen over every task preset", () => {
  it("finds every preset and literal task by its variable name, with the preset's exact instruction", () => {
    const presetKeys = Object.keys(taskPresets);
    expect(found.length).toBe(presetKeys.length + 4);
    for (const k of presetKeys) expect(found.find((t) => t.name === k)?.instruction).toBe(taskPresets[k as keyof typeof taskPresets].instruction);
    for (const [k, instruction] of Object.entries(LITERAL)) expect(found.find((t) => t.name === k)).toMatchObject({ instruction, exported: true });
    const again = found.find((t) => t.name === "videoQaAgain");
    expect(again).toMatchObject({ instruction: taskPresets.video_qa.instruction, exported: false });
  });

  it("writes one module per task plus an index, each with the generated header and no any", () => {
    expect(filesA.length).toBe(found.length + 1);
    const text = generatedText(outA);
    expect([...text.keys()]).toEqual([...found.map((t) => `${t.name}.ts`), "index.ts"].sort());
    for (const [file, src] of text) {
      expect(src.split("\n")[0], file).toMatch(/^\/\/ generated by omnispec codegen from tasks\.ts: do not edit\.$/);
      const code = src.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      expect(code, file).not.toMatch(/\bany\b/);
    }
    expect(text.get("triage.ts")).toContain("export function loadTriage(source: string, options: dataset.LoaderOptions = {}): dataset.DatasetLoader<TriageSample>");
    expect(text.get("index.ts")).toContain(`export * from "./video_question_answering_generative.js";`);
  });

  it("is deterministic: a second generation is byte-identical", () => {
    const a = generatedText(outA);
    const a2 = generatedText(outA2);
    expect([...a2.keys()]).toEqual([...a.keys()]);
    for (const [f, src] of a) expect(Buffer.from(a2.get(f) ?? "").equals(Buffer.from(src)), f).toBe(true);
  });

  it("type-checks under tsc --strict with the slot keys of the run-time parser and no any in any sample type", () => {
    const tsc = join(root, "node_modules/typescript/bin/tsc");
    const r = spawnSync(process.execPath, [tsc, "--strict", "--noEmit", "-p", join(dir, "tsconfig.json")], { cwd: dir, encoding: "utf8" });
    const out = r.stdout + r.stderr;
    // errors in the generated modules, the checks or the consumer first; then the whole program must be clean
    expect(out.split("\n").filter((l) => /^(out-a|out-b|checks|use-triage)/.test(l))).toEqual([]);
    expect(r.status, out).toBe(0);
  });

  it("a generated loader runs under tsx on JSONL, CSV and Parquet, collecting the bad row and going on", () => {
    const files = ["triage.jsonl", "triage.csv", "triage.parquet"].map((f) => join(dir, f));
    const r = spawnSync(process.execPath, ["--import", "tsx", join(dir, "use-triage.ts"), ...files], { cwd: dir, encoding: "utf8" });
    expect(r.stderr.replace(/npm warn.*\n/g, "")).toBe("");
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, { samples: { scan: string; notes: string | null; urgency: string }[]; errors: { row: number; code: string; slot: string }[] }> & {
      thrown: { code: string; row: number };
    };
    for (const format of ["jsonl", "csv", "parquet"]) {
      const { samples, errors } = report[format];
      expect(samples.map((s) => s.urgency), format).toEqual(["high", "low", "medium"]);
      expect(samples.map((s) => s.notes), format).toEqual(["fell from a ladder", null, "cough"]);
      expect(samples[0].scan, format).toBe(join(dir, "scans/a.png"));
      expect(errors, format).toEqual([{ row: 3, code: "dataset/row", slot: "urgency" }]);
    }
    expect(report.thrown).toEqual({ code: "dataset/row", row: 3 });
  });
});
