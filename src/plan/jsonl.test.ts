import { mkdirSync, writeFileSync } from "node:fs";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defineTask } from "../task/define-task.js";
import { planJsonl } from "./jsonl.js";

const dir = fileURLToPath(new URL("../../tests/tmp/jsonl/", import.meta.url));
const task = defineTask("[IMAGE:image] [TEXT:question] -> [TEXT:answer]");

function collect(): { sink: Writable; text: () => string } {
  const parts: Buffer[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (parts.push(c), cb()) });
  return { sink, text: () => Buffer.concat(parts).toString("utf8") };
}

async function planText(name: string, content: string, workers: number) {
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${name}`;
  writeFileSync(file, content);
  const { sink, text } = collect();
  let ticks = 0;
  const summary = await planJsonl(task, file, sink, { preset: "qwen2-vl", metadataOnly: true, workers, onLine: () => ticks++ });
  // the progress callback fires once per input line, blank ones included
  expect(ticks).toBe(summary.lines);
  return { summary, lines: text().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("planJsonl", () => {
  // long enough for several blocks, with multi-byte text that straddles block boundaries
  const rows = Array.from({ length: 3000 }, (_, i) =>
    i % 997 === 5 ? "{not json" : JSON.stringify({ image: `size:${300 + i}x${200 + (i % 50)}`, question: `¿qué hay en la imagen ${i}? 图片 ${"é".repeat(i % 40)}` }),
  );

  it("keeps input order across workers, writes an error line with its line number for a bad row, and goes on", async () => {
    const one = await planText("order.jsonl", rows.join("\n") + "\n", 1);
    const two = await planText("order.jsonl", rows.join("\n") + "\n", 2);
    expect(two.lines).toEqual(one.lines);
    expect(one.summary).toMatchObject({ lines: 3000, planned: 2996, failed: 4 });
    expect(one.lines).toHaveLength(3000);
    const bad = one.lines.map((l, i) => [l, i] as const).filter(([l]) => l.error !== undefined);
    expect(bad.map(([l, i]) => [l.line, i + 1, l.error])).toEqual([
      [6, 6, "dataset/row"],
      [1003, 1003, "dataset/row"],
      [2000, 2000, "dataset/row"],
      [2997, 2997, "dataset/row"],
    ]);
    expect(bad[0][0].file).toBe(`${dir}order.jsonl`);
    const slots = one.lines[2999].slots as Record<string, { original?: { width: number }; text?: string }>;
    expect(slots.image.original?.width).toBe(3299);
    expect(slots.question.text).toBe(JSON.parse(rows[2999]).question);
  });

  it("reads CRLF line ends, blank lines and a last line without a newline the way readline does", async () => {
    const content = [rows[0], "", rows[1], "   ", rows[2]].join("\r\n");
    for (const workers of [1, 2]) {
      const { summary, lines } = await planText(`crlf-${workers}.jsonl`, content, workers);
      expect(summary).toMatchObject({ lines: 5, planned: 3, failed: 0 });
      expect(lines.map((l) => (l.slots as Record<string, { text?: string }>).question.text)).toEqual(rows.slice(0, 3).map((r) => JSON.parse(r).question));
    }
  });

  it("plans an empty file to nothing", async () => {
    const { summary, lines } = await planText("empty.jsonl", "", 2);
    expect(summary).toEqual({ lines: 0, planned: 0, failed: 0, total_tokens: 0 });
    expect(lines).toEqual([]);
  });
});
