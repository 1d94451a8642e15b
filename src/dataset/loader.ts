// typed dataset loading: rows from any source, columns bound to slots, media resolved safely, each sample validated.
import { resolve } from "node:path";
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { OmnispecError } from "../errors.js";
import { slotSchema, type Task, type TaskSlot } from "../task/define-task.js";
import { mediaCell } from "./media-cell.js";
import { readRowBatches, sourceFormat } from "./sources.js";

const MEDIA = new Set(["IMAGE", "AUDIO", "VIDEO"]);

export type OnError = "skip" | "collect" | "throw";

export interface LoaderOptions {
  /** slot name -> column name, where they differ */
  columns?: Record<string, string>;
  /** what a bad row does: skip it silently, collect its error in `loader.errors` (default), or throw */
  onError?: OnError;
  /** folder that relative media paths live in (default: the source's folder, or the folder itself) */
  root?: string;
  /** a Hugging Face `dataset_info.json` (or its `features` object): ClassLabel ids become names, media dicts become bytes */
  features?: string | Record<string, unknown>;
  /** stop after this many good samples */
  limit?: number;
}

interface Feature {
  _type?: string;
  names?: string[];
  dtype?: string;
}

/**
 * A dataset read as typed, validated samples. Iterate it with `for await`; bad rows never stop the good ones.
 *
 * @example
 * import { defineTask } from "omnispec";
 * import { loadDataset } from "omnispec/dataset";
 * const task = defineTask("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
 * const data = loadDataset(task, "captions.jsonl", { columns: { img: "file" } });
 * for await (const sample of data) console.log(sample.caption);
 * console.log(data.errors.length, "bad rows");
 */
export class DatasetLoader<T> implements AsyncIterable<T> {
  readonly errors: OmnispecError[] = [];
  readonly #task: Task;
  readonly #source: string;
  readonly #options: LoaderOptions;

  constructor(task: Task, source: string, options: LoaderOptions = {}) {
    this.#task = task;
    this.#source = source;
    this.#options = options;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const { task, bindings, onError, limit } = this.#prepare();
    let good = 0;
    for await (const batch of readRowBatches(this.#source)) {
      for (const r of batch) {
        let sample: T;
        try {
          if ("error" in r) throw r.error;
          sample = bind(r.values, r.row, bindings, this.#source) as T;
        } catch (e) {
          const err = e instanceof OmnispecError ? e : new OmnispecError("dataset/row", String(e), { file: this.#source, cause: e });
          if (onError === "throw") throw err;
          if (onError === "collect") this.errors.push(err);
          continue;
        }
        yield sample;
        if (++good >= limit) return;
      }
    }
    void task;
  }

  #prepare() {
    const format = sourceFormat(this.#source);
    const root = resolve(this.#options.root ?? (format === "folder" ? this.#source : resolve(this.#source, "..")));
    const features = loadFeatures(this.#options.features);
    const slots = [...this.#task.inputs, ...this.#task.outputs];
    const mediaSlots = slots.filter((s) => MEDIA.has(s.modality));
    const bindings = slots.map((slot) => {
      let column = this.#options.columns?.[slot.name] ?? slot.name;
      // imagefolder layout: the single media slot reads file_name unless told otherwise
      if (format === "folder" && !this.#options.columns?.[slot.name] && mediaSlots.length === 1 && slot === mediaSlots[0]) column = "file_name";
      const plainString = !slot.list && !slot.fields && slot.attrs.choices === undefined && (slot.modality === "TEXT" || MEDIA.has(slot.modality));
      return { slot, column, schema: slotSchema(slot, this.#task.outputs.includes(slot) ? "output" : "input"), root, feature: features?.[column] as Feature | undefined, plainString };
    });
    return { task: this.#task, bindings, onError: this.#options.onError ?? "collect", limit: this.#options.limit ?? Infinity };
  }
}

interface Binding {
  slot: TaskSlot;
  column: string;
  schema: z.ZodType;
  root: string;
  feature?: Feature;
  /** values of this type need no zod pass (plain text, resolved media paths) */
  plainString: boolean;
}

function bind(values: Record<string, unknown>, row: number, bindings: readonly Binding[], file: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const b of bindings) {
    let v = values[b.column];
    const where = { file, row, slot: b.slot.name, hint: `column "${b.column}"` };
    if (v === undefined || v === null || v === "") {
      if (b.slot.optional || b.slot.alternative) continue;
      throw new OmnispecError("dataset/row", `no value in column "${b.column}" for slot "${b.slot.name}"`, where);
    }
    if (b.feature?._type === "ClassLabel" && typeof v === "number" && b.feature.names) {
      const name = b.feature.names[v];
      if (name === undefined) throw new OmnispecError("dataset/row", `class id ${v} is outside the ${b.feature.names.length} names`, { ...where, value: v });
      v = name;
    }
    if (MEDIA.has(b.slot.modality)) v = b.slot.list && Array.isArray(v) ? v.map((x) => mediaCell(x, b.root, where)) : mediaCell(v, b.root, where);
    else if (b.slot.modality === "BOX" && typeof v === "string" && v.trim().startsWith("[")) v = parseJson(v, where);
    else if ((b.slot.list || b.slot.fields) && typeof v === "string") v = parseJson(v, where);
    if (b.plainString && typeof v === "string" && v.length > 0) {
      out[b.slot.name] = v;
      continue;
    }
    const parsed = b.schema.safeParse(v);
    if (!parsed.success) {
      throw new OmnispecError("dataset/row", `column "${b.column}" does not fit slot "${b.slot.name}" (${b.slot.modality}): ${parsed.error.issues[0]?.message ?? "invalid"}`, {
        ...where,
        value: typeof v === "string" && v.length > 200 ? v.slice(0, 200) + "…" : v,
      });
    }
    out[b.slot.name] = parsed.data;
  }
  return out;
}

function parseJson(v: string, where: { file: string; row: number; slot: string }): unknown {
  try {
    return JSON.parse(v);
  } catch {
    throw new OmnispecError("dataset/row", "value is not valid JSON", { ...where, value: v });
  }
}

function loadFeatures(f: LoaderOptions["features"]): Record<string, unknown> | undefined {
  if (f === undefined) return undefined;
  const json = typeof f === "string" ? (JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>) : f;
  // dataset_info.json may hold one config, or a map of configs
  const direct = json.features as Record<string, unknown> | undefined;
  if (direct) return direct;
  const first = Object.values(json).find((c) => typeof c === "object" && c !== null && "features" in c) as { features?: Record<string, unknown> } | undefined;
  return first?.features ?? json;
}

/**
 * Loads a dataset for a task: `AsyncIterable` of samples typed and validated against the task's slots.
 *
 * @example
 * import { defineTask } from "omnispec";
 * import { loadDataset } from "omnispec/dataset";
 * const vqa = defineTask("[IMAGE:image] [TEXT:question] -> [TEXT:answer]");
 * for await (const s of loadDataset(vqa, "vqa.parquet")) console.log(s.question);
 */
export function loadDataset<T = Record<string, unknown>>(task: Task, source: string, options: LoaderOptions = {}): DatasetLoader<T> {
  return new DatasetLoader<T>(task, source, options);
}

/**
 * Maps Hugging Face `features` to omnispec slots: Image, Audio, Video, Value(string), ClassLabel -> CATEGORY.
 *
 * @example
 * import { featuresToInstructionSlots } from "omnispec/dataset";
 * featuresToInstructionSlots({ image: { _type: "Image" }, label: { _type: "ClassLabel", names: ["cat", "dog"] } });
 * // ["[IMAGE:image]", "[CATEGORY:label,choices=cat|dog]"]
 */
export function featuresToInstructionSlots(features: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [name, raw] of Object.entries(features)) {
    const f = raw as Feature;
    const safe = name.replace(/[^A-Za-z0-9_]/g, "_");
    if (f._type === "Image") out.push(`[IMAGE:${safe}]`);
    else if (f._type === "Audio") out.push(`[AUDIO:${safe}]`);
    else if (f._type === "Video") out.push(`[VIDEO:${safe}]`);
    else if (f._type === "ClassLabel" && f.names) out.push(`[CATEGORY:${safe},choices=${f.names.map((n) => n.replace(/[^A-Za-z0-9_]/g, "_")).join("|")}]`);
    else if (f._type === "Value") out.push(`[TEXT:${safe}]`);
  }
  return out;
}
