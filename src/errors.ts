/**
 * Every error omnispec throws on purpose is an `OmnispecError` with a stable `code`.
 * Codes are grouped by prefix: `parse/…`, `input/…`, `media/…`, `plan/…`, `model/…`, `dataset/…`, `preset/…`.
 */
export type OmnispecErrorCode =
  // the instruction language
  | "parse/missing-arrow"
  | "parse/multiple-arrows"
  | "parse/unclosed-bracket"
  | "parse/unexpected-bracket"
  | "parse/unknown-modality"
  | "parse/bad-slot"
  | "parse/bad-name"
  | "parse/unknown-attribute"
  | "parse/bad-attribute-value"
  | "parse/duplicate-slot"
  | "parse/bad-pattern"
  | "parse/too-long"
  // samples and their values
  | "input/missing"
  | "input/invalid"
  | "input/unknown-slot"
  // media files
  | "media/not-found"
  | "media/unreadable"
  | "media/unsupported"
  | "media/too-large"
  | "media/no-stream"
  | "media/degenerate"
  | "media/aspect-ratio"
  | "media/too-small"
  | "media/frame-count"
  | "media/timeout"
  // planning and presets
  | "plan/unsupported"
  | "plan/mismatch"
  | "preset/unknown"
  | "preset/invalid"
  // models and the runtime
  | "model/not-found"
  | "model/mismatch"
  | "model/unsupported-task"
  | "model/offline"
  | "model/output"
  // datasets and loaders
  | "dataset/row"
  | "dataset/source"
  | "dataset/path-escape"
  // tools
  | "tool/missing";

/** Facts that locate an error: which slot, which file, which column of an instruction or row of a dataset. */
export interface OmnispecErrorDetails {
  slot?: string;
  file?: string;
  /** 1-based column in an instruction. */
  column?: number;
  /** 1-based line (JSONL) or row (CSV) in a dataset. */
  row?: number;
  /** the offending value, as written */
  value?: unknown;
  /** what to do about it */
  hint?: string;
  /** the instruction an error points into; used to draw the caret */
  instruction?: string;
  /** length of the offending text at `column` (for the caret underline) */
  length?: number;
  cause?: unknown;
}

/**
 * The documented error class. `message` is for people; `code` and the detail fields are for programs.
 *
 * @example
 * import { OmnispecError } from "omnispec";
 * try { defineTask("[IMGAE:x] -> [TEXT:y]"); } catch (e) {
 *   if (e instanceof OmnispecError) console.log(e.code, e.column); // "parse/unknown-modality" 2
 * }
 */
export class OmnispecError extends Error {
  readonly code: OmnispecErrorCode;
  readonly slot?: string;
  readonly file?: string;
  readonly column?: number;
  readonly row?: number;
  readonly value?: unknown;
  readonly hint?: string;
  readonly instruction?: string;

  constructor(code: OmnispecErrorCode, message: string, details: OmnispecErrorDetails = {}) {
    super(formatMessage(message, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "OmnispecError";
    this.code = code;
    this.slot = details.slot;
    this.file = details.file;
    this.column = details.column;
    this.row = details.row;
    this.value = details.value;
    this.hint = details.hint;
    this.instruction = details.instruction;
  }

  /** A plain object for JSON error lines (`--jsonl` runs, dataset error reports). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { error: this.code, message: this.message };
    for (const key of ["slot", "file", "column", "row", "value", "hint"] as const) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    return out;
  }
}

function formatMessage(message: string, d: OmnispecErrorDetails): string {
  const where: string[] = [];
  if (d.slot !== undefined) where.push(`slot "${d.slot}"`);
  if (d.file !== undefined) where.push(`file ${d.file}`);
  if (d.row !== undefined) where.push(`row ${d.row}`);
  let out = where.length > 0 ? `${message} (${where.join(", ")})` : message;
  if (d.instruction !== undefined && d.column !== undefined) out += "\n" + caret(d.instruction, d.column, d.length ?? 1);
  if (d.hint !== undefined) out += `\n${d.hint}`;
  return out;
}

/** Draws the instruction (windowed to 100 characters around the column) with a caret line under the offending text. */
export function caret(instruction: string, column: number, length = 1): string {
  const window = 100;
  let start = 0;
  if (instruction.length > window) start = Math.max(0, Math.min(column - 1 - window / 2, instruction.length - window));
  const shown = instruction.slice(start, start + window);
  const prefix = start > 0 ? "…" : "";
  const suffix = start + window < instruction.length ? "…" : "";
  const pad = " ".repeat(prefix.length + column - 1 - start);
  const under = "^".repeat(Math.max(1, Math.min(length, shown.length - (column - 1 - start))));
  return `  ${prefix}${shown.replace(/[\r\n\t]/g, " ")}${suffix}\n  ${pad}${under}`;
}

/** True for errors omnispec raised on purpose. */
export function isOmnispecError(e: unknown): e is OmnispecError {
  return e instanceof OmnispecError;
}
