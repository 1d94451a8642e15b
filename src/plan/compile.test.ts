import { describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { estimateCounter, type TextCounter } from "../modalities/text/tokenizer.js";
import { defineTask } from "../task/define-task.js";
import { taskPresets } from "../../presets/tasks.js";
import { compile } from "./compile.js";
import { planJsonSchema } from "./schema.js";

// a counter whose counts are easy to check by eye: one token per whitespace-separated word
const words: TextCounter = { exact: true, source: "words", count: (t) => t.split(/\s+/).filter(Boolean).length };

describe("compile: text and boxes", () => {
  it("orders segments as the instruction, counts every span, and sums the total", async () => {
    const task = defineTask('what is the summary of article " [TEXT:src] "? -> [TEXT:tgt]');
    const plan = await compile(task, { src: "one two three", tgt: "a b" }, { preset: "qwen2-vl", tokenizer: words });
    const json = plan.toJSON();
    expect(json.segments.map((s) => [s.kind, s.slot ?? null, s.side, s.tokens])).toEqual([
      ["text", null, "source", 7],
      ["text", "src", "source", 3],
      ["text", null, "source", 1],
      ["text", "tgt", "target", 2],
    ]);
    expect(json.total_tokens).toBe(13);
    expect(json.source_tokens).toBe(11);
    expect(json.exact).toBe(true);
    expect(planJsonSchema.safeParse(json).success).toBe(true);
  });

  it("wraps each text group in bos/eos for the ofa preset, split by non-text slots", async () => {
    const task = defineTask('[IMAGE:img] which region does the text " [TEXT:cap] " describe? -> [BOX:patch_boxes]');
    const plan = await compile(
      task,
      { img: "size:1800x1200", cap: "a red house", patch_boxes: [900, 300, 1800, 1200] },
      { preset: "ofa", tokenizer: words },
    );
    const kinds = plan.segments.map((s) => (s.kind === "special" ? s.text : s.kind));
    expect(kinds).toEqual(["image", "<s>", "text", "text", "text", "</s>", "<s>", "box", "</s>"]);
    const box = plan.slots.patch_boxes;
    expect(box.tokens).toBe(4);
    expect((box.box as { model: number[] }).model).toEqual([500, 250, 999, 999]);
    expect(plan.slots.img.tokens).toBe(900);
  });

  it("marks plans estimated when no tokenizer is loaded", async () => {
    const task = defineTask("[TEXT:q] -> [TEXT:a]");
    const plan = await compile(task, { q: "how many legs does a spider have?" });
    expect(plan.exact).toBe(false);
    expect(plan.toJSON().tokenizer).toMatch(/estimate/);
    expect(plan.totalTokens).toBe(estimateCounter(4).count("how many legs does a spider have?"));
  });

  it("plans a generated target without a value, and max_length truncates a given one", async () => {
    const task = defineTask("[TEXT:q] -> [TEXT:a,max_length=2]");
    const generated = await compile(task, { q: "x y" }, { tokenizer: words });
    expect(generated.slots.a.generated).toBe(true);
    expect(generated.slots.a.tokens).toBe(0);
    const given = await compile(task, { q: "x y", a: "one two three four" }, { tokenizer: words });
    expect(given.slots.a.tokens).toBe(2);
    expect(given.slots.a.steps.map((s) => s.op)).toContain("truncate");
  });

  it("names the missing slot, with a rename hint for a near miss", async () => {
    const task = defineTask("[IMAGE:img] [TEXT:question] -> [TEXT:answer]");
    await expect(compile(task, { img: "size:10x10", qestion: "hi" })).rejects.toMatchObject({
      code: "input/missing",
      slot: "question",
      hint: expect.stringContaining("qestion"),
    });
  });

  it("rejects an unknown preset with a suggestion", async () => {
    const task = defineTask("[TEXT:q] -> [TEXT:a]");
    const err = await compile(task, { q: "x" }, { preset: "qwen2vl" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OmnispecError);
    expect((err as OmnispecError).code).toBe("preset/unknown");
    expect((err as OmnispecError).hint).toContain('"qwen2-vl"');
  });

  it("plans list slots and repetition groups item by item", async () => {
    const det = defineTask("[TEXT:q] -> ( [BOX:box] [TEXT:label])*:objects");
    const plan = await compile(
      det,
      { q: "find", objects: [{ box: [0, 0, 1, 1], label: "cat" }, { box: [1, 1, 2, 2], label: "dog house" }] },
      { preset: "ofa", tokenizer: words },
    );
    expect(Object.keys(plan.slots)).toEqual(expect.arrayContaining(["objects[0].box", "objects[1].label"]));
    expect(plan.slots["objects[1].label"].tokens).toBe(2);
  });

  it("explains a plan as a table with every segment and the total", async () => {
    const task = defineTask(taskPresets.gigaword.instruction);
    const plan = await compile(task, { src: "stocks fell sharply on monday" }, { tokenizer: words });
    const text = plan.explain();
    expect(text).toContain("total");
    expect(text).toContain(String(plan.totalTokens));
    expect(text.split("\n").length).toBeGreaterThan(plan.segments.length);
  });
});
