import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parquetWriteFile } from "hyparquet-writer";
import { beforeAll, describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { defineTask } from "../task/define-task.js";
import { featuresToInstructionSlots, loadDataset } from "./loader.js";

const dir = fileURLToPath(new URL("../../tests/tmp/dataset/", import.meta.url));
const task = defineTask("[IMAGE:img] [TEXT:question] -> [TEXT:answer]");

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

beforeAll(() => {
  mkdirSync(join(dir, "media/images"), { recursive: true });
  writeFileSync(
    join(dir, "vqa.jsonl"),
    [
      JSON.stringify({ img: "media/images/a.jpg", question: "what?", answer: "a cat" }),
      "{not json",
      JSON.stringify({ img: "../../etc/passwd", question: "escape?", answer: "no" }),
      JSON.stringify({ img: "size:640x480", question: 42, answer: "x" }),
      "",
      JSON.stringify({ img: "media/images/b.jpg", question: "who?", answer: "a dog" }),
    ].join("\n"),
  );
  writeFileSync(join(dir, "vqa.csv"), 'picture,question,answer\nmedia/a.jpg,"what, exactly?","a ""quoted"" cat"\nmedia/b.jpg,"multi\nline",dog\nshort,row\n');
  parquetWriteFile({
    filename: join(dir, "vqa.parquet"),
    columnData: [
      { name: "img", data: ["media/a.jpg", "media/b.jpg", "media/c.jpg"], type: "STRING" },
      { name: "question", data: ["q1", "q2", "q3"], type: "STRING" },
      { name: "answer", data: ["a1", "a2", "a3"], type: "STRING" },
    ],
  });
});

describe("loadDataset", () => {
  it("yields validated samples from JSONL and collects each bad row with its row number and column", async () => {
    const data = loadDataset(task, join(dir, "vqa.jsonl"));
    const samples = await collect(data);
    expect(samples.map((s) => s.answer)).toEqual(["a cat", "a dog"]);
    expect(samples[0].img).toBe(join(dir, "media/images/a.jpg"));
    expect(data.errors.map((e) => [e.row, e.code])).toEqual([
      [2, "dataset/row"],
      [3, "dataset/path-escape"],
      [4, "dataset/row"],
    ]);
    expect(data.errors[2].slot).toBe("question");
    expect(data.errors[2].value).toBe(42);
    expect(data.errors[2].message).toContain('column "question"');
  });

  it("reads CSV with quotes, doubled quotes and newlines in fields; maps columns to slots", async () => {
    const data = loadDataset(task, join(dir, "vqa.csv"), { columns: { img: "picture" } });
    const samples = await collect(data);
    expect(samples.map((s) => s.question)).toEqual(["what, exactly?", "multi\nline"]);
    expect(samples[0].answer).toBe('a "quoted" cat');
    expect(data.errors).toHaveLength(1);
    expect(data.errors[0].row).toBe(3);
  });

  it("reads Parquet and honours limit", async () => {
    const samples = await collect(loadDataset(task, join(dir, "vqa.parquet"), { limit: 2 }));
    expect(samples.map((s) => s.question)).toEqual(["q1", "q2"]);
  });

  it("throws on the first bad row with onError: throw, and skips silently with skip", async () => {
    await expect(collect(loadDataset(task, join(dir, "vqa.jsonl"), { onError: "throw" }))).rejects.toBeInstanceOf(OmnispecError);
    const skip = loadDataset(task, join(dir, "vqa.jsonl"), { onError: "skip" });
    expect(await collect(skip)).toHaveLength(2);
    expect(skip.errors).toHaveLength(0);
  });

  it("maps Hugging Face features: ClassLabel ids become names, media dicts become bytes", async () => {
    const cls = defineTask("[IMAGE:image] -> [CATEGORY:label,choices=cat|dog]");
    writeFileSync(
      join(dir, "hf.jsonl"),
      [JSON.stringify({ image: { bytes: Buffer.from("abc").toString("base64"), path: null }, label: 1 }), JSON.stringify({ image: "size:4x4", label: 7 })].join("\n"),
    );
    const features = { image: { _type: "Image" }, label: { _type: "ClassLabel", names: ["cat", "dog"] } };
    const data = loadDataset(cls, join(dir, "hf.jsonl"), { features: { features } });
    const samples = await collect(data);
    expect(samples).toHaveLength(1);
    expect(samples[0].label).toBe("dog");
    expect(Buffer.from(samples[0].image as Uint8Array).toString()).toBe("abc");
    expect(data.errors[0].message).toContain("class id 7");
    expect(featuresToInstructionSlots(features)).toEqual(["[IMAGE:image]", "[CATEGORY:label,choices=cat|dog]"]);
  });
});
