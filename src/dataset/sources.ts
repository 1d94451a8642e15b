// dataset sources: JSONL, CSV/TSV, Parquet, a media folder with a metadata file, each read as numbered rows.
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { createInterface } from "node:readline";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { OmnispecError } from "../errors.js";
import { readCsvRows } from "./csv.js";

/** One row of a dataset: its 1-based number (line in JSONL, data row in CSV, row in Parquet) and its values. */
export interface Row {
  row: number;
  values: Record<string, unknown>;
}

/** A row that could not be read at all (bad JSON, a short CSV line). */
export interface RowFailure {
  row: number;
  error: OmnispecError;
}

export type SourceFormat = "jsonl" | "csv" | "tsv" | "parquet" | "folder";

/** What a source yields: rows, or failures that must not stop the good rows. */
export type RowOrFailure = Row | RowFailure;

/**
 * The format of a dataset source, from its extension (or a folder).
 *
 * @example
 * import { sourceFormat } from "omnispec/dataset";
 * sourceFormat("train.jsonl"); // "jsonl"
 */
export function sourceFormat(path: string): SourceFormat {
  if (!existsSync(path)) throw new OmnispecError("dataset/source", "dataset source does not exist", { file: path });
  if (statSync(path).isDirectory()) return "folder";
  const ext = extname(path).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".csv") return "csv";
  if (ext === ".tsv") return "tsv";
  if (ext === ".parquet") return "parquet";
  throw new OmnispecError("dataset/source", `unknown dataset format "${ext}"`, {
    file: path,
    hint: "use .jsonl, .csv, .tsv, .parquet, or a folder with metadata.jsonl/metadata.csv",
  });
}

/**
 * Reads any supported source as numbered rows; malformed rows come out as failures, in place.
 *
 * @example
 * import { readRows } from "omnispec/dataset";
 * for await (const r of readRows("train.csv")) if ("values" in r) console.log(r.row, r.values);
 */
export async function* readRows(path: string): AsyncGenerator<RowOrFailure> {
  const format = sourceFormat(path);
  if (format === "jsonl") yield* readJsonl(path);
  else if (format === "csv" || format === "tsv") yield* readCsv(path, format === "tsv" ? "\t" : ",");
  else if (format === "parquet") yield* readParquet(path);
  else yield* readFolder(path);
}

/**
 * Reads any supported source as batches of numbered rows; JSONL is split in memory chunk by chunk (no await per line).
 *
 * @example
 * import { readRowBatches } from "omnispec/dataset";
 * for await (const batch of readRowBatches("train.jsonl")) console.log(batch.length);
 */
export async function* readRowBatches(path: string): AsyncGenerator<RowOrFailure[]> {
  if (sourceFormat(path) === "jsonl") {
    yield* jsonlBatches(path);
    return;
  }
  let batch: RowOrFailure[] = [];
  for await (const r of readRows(path)) {
    batch.push(r);
    if (batch.length >= 512) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function jsonlRow(file: string, n: number, line: string): RowOrFailure | undefined {
  if (line.trim() === "") return undefined;
  try {
    const v = JSON.parse(line) as unknown;
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("a line must hold a JSON object");
    return { row: n, values: v as Record<string, unknown> };
  } catch (e) {
    return { row: n, error: new OmnispecError("dataset/row", `line is not a JSON object: ${(e as Error).message}`, { file, row: n }) };
  }
}

async function* jsonlBatches(file: string): AsyncGenerator<RowOrFailure[]> {
  let rest = "";
  let n = 0;
  for await (const chunk of createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 18 })) {
    const text = rest + (chunk as string);
    const lines = text.split("\n");
    rest = lines.pop() ?? "";
    const batch: RowOrFailure[] = [];
    for (const raw of lines) {
      const r = jsonlRow(file, ++n, raw.endsWith("\r") ? raw.slice(0, -1) : raw);
      if (r) batch.push(r);
    }
    if (batch.length > 0) yield batch;
  }
  const last = jsonlRow(file, ++n, rest);
  if (last) yield [last];
}

async function* readJsonl(file: string): AsyncGenerator<RowOrFailure> {
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    n++;
    if (line.trim() === "") continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error("a line must hold a JSON object");
      yield { row: n, values: v as Record<string, unknown> };
    } catch (e) {
      yield { row: n, error: new OmnispecError("dataset/row", `line is not a JSON object: ${(e as Error).message}`, { file, row: n }) };
    }
  }
}

async function* readCsv(file: string, delimiter: string): AsyncGenerator<RowOrFailure> {
  let header: string[] | undefined;
  let n = 0;
  for await (const cells of readCsvRows(file, delimiter)) {
    if (!header) {
      header = cells.map((c) => c.trim());
      continue;
    }
    n++;
    if (cells.length === 1 && cells[0] === "") continue;
    if (cells.length !== header.length) {
      yield {
        row: n,
        error: new OmnispecError("dataset/row", `row has ${cells.length} fields, the header has ${header.length}`, { file, row: n }),
      };
      continue;
    }
    const values: Record<string, unknown> = {};
    header.forEach((h, i) => (values[h] = cells[i]));
    yield { row: n, values };
  }
}

async function* readParquet(file: string): AsyncGenerator<RowOrFailure> {
  const buffer = await asyncBufferFromFile(file);
  const meta = await parquetMetadataAsync(buffer);
  let start = 0;
  let n = 0;
  // one row group at a time keeps memory bounded by the largest group
  for (const group of meta.row_groups) {
    const end = start + Number(group.num_rows);
    const rows = (await parquetReadObjects({ file: buffer, metadata: meta, rowStart: start, rowEnd: end })) as Record<string, unknown>[];
    for (const values of rows) yield { row: ++n, values };
    start = end;
  }
}

/** A folder in the Hugging Face `imagefolder` layout: media files plus metadata.jsonl/.csv with a `file_name` column. */
async function* readFolder(dir: string): AsyncGenerator<RowOrFailure> {
  const meta = ["metadata.jsonl", "metadata.csv", "metadata.tsv", "metadata.parquet"].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (meta) {
    yield* readRows(meta);
    return;
  }
  // no metadata: one row per media file, labelled by its sub-folder as imagefolder does
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isDirectory()) {
      for (const f of readdirSync(join(dir, entry.name)).sort()) yield { row: ++n, values: { file_name: join(entry.name, f), label: entry.name } };
    } else if (!entry.name.startsWith(".")) yield { row: ++n, values: { file_name: entry.name } };
  }
}
