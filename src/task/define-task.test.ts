import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../plan/compile.js";
import { loadTokenizer } from "../modalities/text/tokenizer.js";
import { ensureTinyModels } from "../runtime/tiny-models/index.js";
import { taskPresets } from "../../presets/tasks.js";
import { defineTask } from "./define-task.js";

describe("defineTask", () => {
  it("splits inputs and outputs: no_loss targets are inputs, a name on both sides is one input", () => {
    const t = defineTask(taskPresets.snli_ve);
    expect(t.inputs.map((s) => s.name)).toEqual(["img", "cap", "hyp"]);
    expect(t.outputs.map((s) => s.name)).toEqual(["label"]);
    expect(t.name).toBe("snli_ve");
    expect(t.metric).toBe("accuracy");
  });

  it("validates samples with zod schemas built from the same slots", () => {
    const t = defineTask("[IMAGE:img] [BOX:region?] -> [CATEGORY:label,choices=yes|no]");
    expect(t.inputSchema.safeParse({ img: "a.jpg" }).success).toBe(true);
    expect(t.inputSchema.safeParse({ img: new Uint8Array([1]), region: [1, 2, 3, 4] }).success).toBe(true);
    expect(t.inputSchema.safeParse({ img: 5 }).success).toBe(false);
    expect(t.inputSchema.safeParse({ img: "a.jpg", region: [1, 2, 3] }).success).toBe(false);
    expect(t.outputSchema.safeParse({ label: "yes" }).success).toBe(true);
    expect(t.outputSchema.safeParse({ label: "maybe" }).success).toBe(false);
  });

  it("exports JSON Schema for inputs and outputs", () => {
    const t = defineTask("[TEXT:question] [TEXT:context?] -> [CATEGORY:label,choices=a|b|c]");
    const { input, output } = t.jsonSchema();
    expect(input).toMatchObject({ type: "object", required: ["question"], properties: { question: { type: "string" } } });
    expect(output).toMatchObject({ properties: { label: { enum: ["a", "b", "c"] } } });
  });
});

describe("text counts with a real tokenizer", () => {
  it("counts exactly with a tokenizer.json, and says so", async () => {
    const dir = fileURLToPath(new URL("../../tests/tmp/models-task/", import.meta.url));
    const models = ensureTinyModels(dir, { kinds: ["qwen2-vl"] });
    const tokPath = models.paths["qwen2-vl"]!;
    const tok = loadTokenizer(tokPath);
    const task = defineTask("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
    const plan = await compile(task, { img: "size:640x480" }, { preset: "qwen2-vl", tokenizer: tokPath });
    expect(plan.exact).toBe(true);
    const text = plan.segments.find((s) => s.kind === "text" && s.slot === undefined)!;
    expect(text.tokens).toBe(tok.encode!("what does the image describe?").length);
    expect(plan.toJSON().tokenizer).toContain("tokenizer.json");
  });
});
