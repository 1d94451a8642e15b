// token accounting over a whole dataset: every sample compiled from metadata only, counted per slot, summarised.
import { dirname, resolve } from "node:path";
import { OmnispecError } from "../errors.js";
import { mediaCell } from "./media-cell.js";
import { compile, resolvePreset, type CompileOptions } from "../plan/compile.js";
import { estimateCounter, loadTokenizer } from "../modalities/text/tokenizer.js";
import type { ModelPreset } from "../plan/preset.js";
import type { Task } from "../task/define-task.js";
import { readRows, sourceFormat, type Row } from "./sources.js";
import { seededRandom } from "../util/random.js";

const MEDIA = new Set(["IMAGE", "AUDIO", "VIDEO"]);

export interface StatsOptions {
  /** model preset name or object; default "qwen2-vl" */
  preset?: string | ModelPreset;
  /** tokenizer.json or a model folder for exact text counts; without one text is estimated (`exact: false`) */
  tokenizer?: CompileOptions["tokenizer"];
  limits?: CompileOptions["limits"];
  /** slot name -> column name, where they differ */
  columns?: Record<string, string>;
  /** keep only samples with at least / at most this many tokens */
  minTokens?: number;
  maxTokens?: number;
  /** a seeded uniform random subset of this many samples (reservoir sampling, one pass) */
  sample?: number;
  /** seed of the subset; default 0 */
  seed?: number;
  /** how many of the longest samples to report; default 10 */
  longest?: number;
  /** samples compiled at once (header reads overlap in the thread pool); default 64 */
  concurrency?: number;
  /** called after each row is read or planned, with the number done so far */
  onProgress?: (done: number) => void;
}

/** The token count of one sample. `slots` has one entry per slot plus `(template)`: prompt text, special tokens, media markers. */
export interface SampleTokens {
  /** 1-based row (JSONL line, CSV data row, Parquet row) */
  row: number;
  tokens: number;
  source: number;
  target: number;
  slots: Record<string, number>;
  exact: boolean;
}

/** A row that could not be planned; the run goes on. */
export interface BadRow {
  row: number;
  code: string;
  message: string;
  slot?: string;
  file?: string;
}

/** count, sum and order statistics (nearest-rank percentiles) of one quantity over the kept samples */
export interface Distribution {
  count: number;
  total: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** What `omnispec stats --json` prints. */
export interface StatsSummary {
  source: string;
  preset: string;
  tokenizer: string;
  /** rows read, good and bad */
  rows: number;
  /** samples planned without error (after sampling, before length filters) */
  planned: number;
  bad: number;
  /** samples dropped by `minTokens` / `maxTokens` */
  filtered: { below_min: number; above_max: number };
  /** samples counted in the distributions */
  samples: number;
  /** true when every counted sample's count is exact (text through a real tokenizer) */
  exact: boolean;
  estimated_samples: number;
  subset?: { size: number; seed: number };
  tokens: Distribution;
  source_tokens: Distribution;
  target_tokens: Distribution;
  slots: Record<string, Distribution>;
  longest: { row: number; tokens: number }[];
  /** the first 1000 bad rows */
  bad_rows: BadRow[];
}

export interface StatsResult {
  summary: StatsSummary;
  /** every counted sample's total tokens, in row order */
  lengths: Uint32Array;
  /** the row number of each entry of `lengths` */
  rows: Uint32Array;
}

const MAX_BAD_ROWS = 1000;


/**
 * A seeded uniform sample of `size` items from a stream of unknown length, in one pass and O(size) memory
 * (Vitter's algorithm R). Items come back in arrival order.
 *
 * @example
 * import { Reservoir } from "omnispec/dataset";
 * const r = new Reservoir<number>(3, 42);
 * for (let i = 0; i < 100; i++) r.offer(i);
 * r.items(); // three numbers in increasing order, the same for seed 42 every time
 */
export class Reservoir<T> {
  readonly #size: number;
  readonly #random: () => number;
  readonly #kept: { order: number; item: T }[] = [];
  #seen = 0;

  constructor(size: number, seed = 0) {
    if (!Number.isInteger(size) || size < 1) {
      throw new OmnispecError("input/invalid", "a subset size must be a positive integer", { value: size, hint: "e.g. --sample 1000" });
    }
    this.#size = size;
    this.#random = seededRandom(seed);
  }

  /** Offers the next item of the stream. */
  offer(item: T): void {
    const order = this.#seen++;
    if (this.#kept.length < this.#size) this.#kept.push({ order, item });
    else {
      const j = Math.floor(this.#random() * (order + 1));
      if (j < this.#size) this.#kept[j] = { order, item };
    }
  }

  /** How many items were offered. */
  get seen(): number {
    return this.#seen;
  }

  /** The sampled items, in the order they arrived. */
  items(): T[] {
    return [...this.#kept].sort((a, b) => a.order - b.order).map((k) => k.item);
  }
}

/**
 * Order statistics of a list of numbers: total, mean, nearest-rank p50/p90/p99, min, max.
 *
 * @example
 * import { distribution } from "omnispec/dataset";
 * distribution([1, 2, 3, 4, 100]); // { count: 5, total: 110, mean: 22, min: 1, p50: 3, p90: 100, p99: 100, max: 100 }
 */
export function distribution(values: ArrayLike<number>): Distribution {
  const n = values.length;
  if (n === 0) return { count: 0, total: 0, mean: 0, min: 0, p50: 0, p90: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  let total = 0;
  for (let i = 0; i < n; i++) total += sorted[i];
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * n) - 1)];
  return { count: n, total, mean: total / n, min: sorted[0], p50: rank(50), p90: rank(90), p99: rank(99), max: sorted[n - 1] };
}

/** `objects[3].box` -> `objects[].box`: one key per slot, whatever the item */
function slotKey(slot: string): string {
  return slot.replace(/\[\d+\]/g, "[]");
}

/** a media cell as Hugging Face stores it (`{ bytes, path }`) or a data URL becomes a value the planners read */
type Outcome = { ok: SampleTokens } | { bad: BadRow };

/**
 * Counts the tokens of every sample of a dataset for a task and a model preset, from metadata only (image sizes from
 * headers, video and audio from probes, never pixels): per slot and per sample, with totals, mean, percentiles and the
 * longest rows. Bad rows are reported with their row numbers and never stop the run. Length filters and a seeded
 * random subset narrow what is counted; without length filters the subset is drawn before planning, so only the
 * chosen rows are read.
 *
 * @example
 * import { defineTask } from "omnispec";
 * import { datasetStats } from "omnispec/dataset";
 * const task = defineTask("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
 * const { summary } = await datasetStats(task, "captions.jsonl", { preset: "qwen2-vl", maxTokens: 4096 });
 * console.log(summary.tokens.p99, summary.longest[0]);
 */
export async function datasetStats(task: Task, source: string, options: StatsOptions = {}): Promise<StatsResult> {
  const format = sourceFormat(source);
  const preset = resolvePreset(options.preset);
  const baseDir = format === "folder" ? resolve(source) : dirname(resolve(source));
  const compileOptions: CompileOptions = { preset, tokenizer: options.tokenizer, metadataOnly: true, limits: options.limits, baseDir };
  const tok = options.tokenizer;
  const counter = tok === undefined ? estimateCounter(preset.text.charsPerToken) : typeof tok === "string" ? loadTokenizer(tok) : tok;
  compileOptions.tokenizer = counter;
  const toSample = sampleBuilder(task, options.columns, format === "folder", baseDir, source);
  const filtering = options.minTokens !== undefined || options.maxTokens !== undefined;
  const concurrency = Math.max(1, options.concurrency ?? 64);
  let done = 0;
  const progress = () => options.onProgress?.(++done);

  const plan = async (r: Row): Promise<Outcome> => {
    try {
      const p = await compile(task, toSample(r.values, r.row), compileOptions);
      const slots: Record<string, number> = {};
      for (const s of p.segments) {
        const key = s.slot !== undefined ? slotKey(s.slot) : "(template)";
        slots[key] = (slots[key] ?? 0) + s.tokens;
      }
      const d = p.toJSON();
      return { ok: { row: r.row, tokens: d.total_tokens, source: d.source_tokens, target: d.target_tokens, slots, exact: d.exact } };
    } catch (e) {
      return { bad: badRow(r.row, e) };
    }
  };

  const bad: BadRow[] = [];
  let badCount = 0;
  const addBad = (b: BadRow) => {
    badCount++;
    if (bad.length < MAX_BAD_ROWS) bad.push(b);
  };
  let rows = 0;
  let planned = 0;
  const kept: SampleTokens[] = [];
  const filtered = { below_min: 0, above_max: 0 };
  const after = options.sample !== undefined && filtering ? new Reservoir<SampleTokens>(options.sample, options.seed ?? 0) : undefined;
  const accept = (s: SampleTokens) => {
    planned++;
    if (options.minTokens !== undefined && s.tokens < options.minTokens) filtered.below_min++;
    else if (options.maxTokens !== undefined && s.tokens > options.maxTokens) filtered.above_max++;
    else if (after) after.offer(s);
    else kept.push(s);
  };

  // in-order pipeline: up to `concurrency` samples are being planned while rows keep streaming in
  const queue: Promise<Outcome>[] = [];
  const drain = async (limit: number) => {
    while (queue.length > limit) {
      const o = await queue.shift()!;
      if ("ok" in o) accept(o.ok);
      else addBad(o.bad);
      progress();
    }
  };
  const before = options.sample !== undefined && !filtering ? new Reservoir<Row>(options.sample, options.seed ?? 0) : undefined;
  for await (const r of readRows(source)) {
    rows++;
    if ("error" in r) {
      addBad(badRow(r.row, r.error));
      progress();
      continue;
    }
    if (before) {
      before.offer(r);
      progress();
      continue;
    }
    queue.push(plan(r));
    await drain(concurrency - 1);
  }
  if (before) for (const r of before.items()) {
    queue.push(plan(r));
    await drain(concurrency - 1);
  }
  await drain(0);
  const counted = after ? after.items() : kept;

  const slotNames = new Set<string>();
  for (const s of counted) for (const k of Object.keys(s.slots)) slotNames.add(k);
  const slots: Record<string, Distribution> = {};
  for (const k of [...slotNames].sort(bySlot)) slots[k] = distribution(counted.map((s) => s.slots[k] ?? 0));
  const lengths = Uint32Array.from(counted, (s) => s.tokens);
  const longestN = options.longest ?? 10;
  const longest = [...counted]
    .sort((a, b) => b.tokens - a.tokens || a.row - b.row)
    .slice(0, longestN)
    .map((s) => ({ row: s.row, tokens: s.tokens }));
  const estimated = counted.filter((s) => !s.exact).length;
  const summary: StatsSummary = {
    source,
    preset: preset.name,
    tokenizer: counter.source,
    rows,
    planned,
    bad: badCount,
    filtered,
    samples: counted.length,
    exact: estimated === 0,
    estimated_samples: estimated,
    ...(options.sample !== undefined ? { subset: { size: options.sample, seed: options.seed ?? 0 } } : {}),
    tokens: distribution(lengths),
    source_tokens: distribution(counted.map((s) => s.source)),
    target_tokens: distribution(counted.map((s) => s.target)),
    slots,
    longest,
    bad_rows: bad,
  };
  return { summary, lengths, rows: Uint32Array.from(counted, (s) => s.row) };
}

/** slots first in name order, the template last */
function bySlot(a: string, b: string): number {
  if (a === "(template)") return 1;
  if (b === "(template)") return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function badRow(row: number, e: unknown): BadRow {
  if (e instanceof OmnispecError) {
    const out: BadRow = { row, code: e.code, message: e.message };
    if (e.slot !== undefined) out.slot = e.slot;
    if (e.file !== undefined) out.file = e.file;
    return out;
  }
  return { row, code: "internal", message: e instanceof Error ? e.message : String(e) };
}

function sampleBuilder(
  task: Task,
  columns: Record<string, string> | undefined,
  folder: boolean,
  root: string,
  file: string,
): (values: Record<string, unknown>, row: number) => Record<string, unknown> {
  const slots = [...task.inputs, ...task.outputs];
  const media = slots.filter((s) => MEDIA.has(s.modality));
  const mapping = slots.map((s) => {
    let column = columns?.[s.name] ?? s.name;
    // imagefolder layout: the single media slot reads file_name unless told otherwise
    if (folder && !columns?.[s.name] && media.length === 1 && s === media[0]) column = "file_name";
    // CSV cells hold boxes, lists and groups as JSON text, as the typed loaders read them
    const json = s.modality === "BOX" || s.list || s.fields !== undefined;
    return { name: s.name, column, media: MEDIA.has(s.modality), list: s.list, json };
  });
  return (values, row) => {
    const sample: Record<string, unknown> = {};
    for (const m of mapping) {
      let v = values[m.column];
      if (v === undefined || v === null || v === "") continue;
      if (m.json && typeof v === "string" && /^\s*[[{]/.test(v)) {
        try {
          v = JSON.parse(v) as unknown;
        } catch {
          throw new OmnispecError("dataset/row", `column "${m.column}" is not valid JSON`, { slot: m.name, value: v, hint: "write boxes as [x0, y0, x1, y1]" });
        }
      }
      if (m.media) {
        const where = { file, row, slot: m.name };
        v = m.list && Array.isArray(v) ? v.map((x) => mediaCell(x, root, where)) : mediaCell(v, root, where);
      }
      sample[m.name] = v;
    }
    return sample;
  };
}
