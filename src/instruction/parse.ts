// the run-time parser: strict, linear, positioned errors with suggestions; OFASys-compatible slot naming.
import type { z } from "zod";
import { OmnispecError, type OmnispecErrorCode } from "../errors.js";
import { getModality, hasModality, legacyAttrs, modalityNames } from "../modalities/index.js";
import { suggest } from "../util/suggest.js";
import type { AttrValue, ChoiceNode, ParsedInstruction, ParseWarning, RepeatNode, Segment, Side, SlotNode, TextNode } from "./ast.js";
import { MAX_INSTRUCTION_LENGTH, TOKENS } from "./tokens.js";

// NAME_CHAR as char codes: [A-Za-z0-9_]
const isName = (c: string | undefined): boolean => {
  if (c === undefined || c.length !== 1) return false;
  const k = c.charCodeAt(0);
  return (k >= 97 && k <= 122) || (k >= 65 && k <= 90) || (k >= 48 && k <= 57) || k === 95;
};

interface State {
  text: string;
  /** global position counter, OFASys style: every slot and every non-empty text run takes one */
  position: number;
  warnings: ParseWarning[];
  /** name -> modality, for the duplicate check */
  names: Map<string, { modality: string; column: number }>;
}

function fail(code: OmnispecErrorCode, message: string, st: { text: string }, at: number, length = 1, hint?: string, value?: unknown): never {
  throw new OmnispecError(code, message, { instruction: st.text, column: at + 1, length, hint, value });
}

const cache = new Map<string, ParsedInstruction>();

/**
 * Parses an instruction `source -> target` into its slots and text, strictly: a malformed slot is an error with its
 * column, a caret and a suggestion, never silently text.
 *
 * @example
 * import { parseInstruction } from "omnispec/instruction";
 * const p = parseInstruction("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
 * p.source[0]; // { kind: "slot", modality: "IMAGE", name: "img", ... }
 */
export function parseInstruction(instruction: string): ParsedInstruction {
  const hit = cache.get(instruction);
  if (hit) return hit;
  const parsed = parseUncached(instruction);
  if (cache.size >= 1024) cache.delete(cache.keys().next().value as string);
  cache.set(instruction, parsed);
  return parsed;
}

function parseUncached(text: string): ParsedInstruction {
  if (typeof text !== "string") throw new OmnispecError("parse/bad-slot", "an instruction is a string", { value: text });
  if (text.length > MAX_INSTRUCTION_LENGTH) {
    throw new OmnispecError("parse/too-long", `instruction is ${text.length} characters, over the limit of ${MAX_INSTRUCTION_LENGTH}`, {
      hint: "an instruction is one line; put long content in slot values, not in the instruction",
    });
  }
  const st: State = { text, position: 0, warnings: [], names: new Map() };
  const first = text.indexOf(TOKENS.arrow);
  if (first < 0) {
    fail("parse/missing-arrow", `an instruction needs "${TOKENS.arrow}" between source and target`, st, Math.max(0, text.length - 1), 1, 'e.g. "[IMAGE:img] what does the image describe? -> [TEXT:caption]"');
  }
  const second = text.indexOf(TOKENS.arrow, first + TOKENS.arrow.length);
  if (second >= 0) {
    fail("parse/multiple-arrows", `an instruction has exactly one "${TOKENS.arrow}"; this one has another`, st, second, 2, "put literal arrows in slot values, not in the instruction");
  }
  const source = parseSide(st, 0, first, "source");
  const target = parseSide(st, first + TOKENS.arrow.length, text.length, "target");
  return { instruction: text, source, target, warnings: st.warnings };
}

/**
 * For each "(": the ")" of a group it opens, or -1. A group's ")" is followed by "*" and a "[" lies between.
 * one backward pass, so parsing stays linear.
 */
function groupCloses(text: string, from: number, to: number): Int32Array | undefined {
  const first = text.indexOf(TOKENS.groupOpen, from);
  if (first < 0 || first >= to) return undefined;
  const next = new Int32Array(to - from + 1).fill(-1);
  let close = -1;
  let bracket = -1;
  for (let i = to - 1; i >= from; i--) {
    const c = text[i];
    if (c === ")") close = text[i + 1] === "*" ? i : -1;
    else if (c === TOKENS.open) bracket = i;
    else if (c === TOKENS.groupOpen) next[i - from] = close > i && bracket > i && bracket < close ? close : -1;
  }
  return next;
}

function parseSide(st: State, from: number, to: number, side: Side): Segment[] {
  const out: Segment[] = [];
  const closes = groupCloses(st.text, from, to);
  let textStart = from;
  let i = from;
  const flush = (end: number) => {
    pushText(st, out, textStart, end, side);
  };
  while (i < to) {
    const c = st.text[i];
    if (c === TOKENS.open) {
      flush(i);
      if (st.text[i + 1] === TOKENS.open) {
        const { node, end } = parseChoice(st, i, to, side);
        out.push(node);
        i = end;
      } else {
        const { node, end } = parseSlot(st, i, to, side);
        out.push(node);
        i = end;
      }
      textStart = i;
      continue;
    }
    if (c === TOKENS.close) fail("parse/unexpected-bracket", `"${TOKENS.close}" closes no slot`, st, i, 1, `slots look like [TEXT:name]; remove the stray "${TOKENS.close}"`);
    if (c === TOKENS.groupOpen && closes) {
      const close = closes[i - from];
      if (close > i) {
        flush(i);
        const { node, end } = parseGroup(st, i, close, to, side);
        out.push(node);
        i = end;
        textStart = i;
        continue;
      }
    }
    i++;
  }
  flush(to);
  return out;
}

function pushText(st: State, out: Segment[], start: number, end: number, side: Side): void {
  const raw = st.text.slice(start, end);
  const trimmed = raw.trim();
  if (trimmed === "") return;
  // like OFASys, every non-empty text run takes a position (unnamed slots are named by position)
  st.position++;
  let cleaned = trimmed;
  for (const marker of [TOKENS.bos, TOKENS.eos]) {
    let k = cleaned.indexOf(marker);
    while (k >= 0) {
      st.warnings.push({ code: "bos-eos", message: `${marker} is added automatically and was dropped`, column: start + raw.indexOf(marker) + 1 });
      cleaned = cleaned.slice(0, k) + cleaned.slice(k + marker.length);
      k = cleaned.indexOf(marker);
    }
  }
  cleaned = cleaned.replace(/\s{2,}/g, " ").trim();
  if (cleaned === "") return;
  const lead = raw.length - raw.trimStart().length;
  const node: TextNode = { kind: "text", text: cleaned, side, span: [start + lead, start + lead + trimmed.length] };
  out.push(node);
}

/** finds the "]" that closes the slot opened at `open`; a "[" before it (other than a `name[]` marker) is an error */
function slotEnd(st: State, open: number, to: number): number {
  for (let k = open + 1; k < to; k++) {
    const c = st.text[k];
    if (c === TOKENS.close) return k;
    if (c === TOKENS.open) {
      if (st.text[k + 1] === TOKENS.close) {
        k++;
        continue;
      }
      break;
    }
  }
  return fail("parse/unclosed-bracket", `"${TOKENS.open}" is never closed`, st, open, 1, `close the slot with "${TOKENS.close}"`);
}

function parseSlot(st: State, open: number, to: number, side: Side, inGroup?: { position: () => number }): { node: SlotNode; end: number } {
  const close = slotEnd(st, open, to);
  const body = st.text.slice(open + 1, close);
  const at = open + 1;
  if (body.length === 0) fail("parse/bad-slot", "empty slot", st, open, 2, 'a slot names its modality: "[TEXT:name]"');
  // modality
  let k = 0;
  while (k < body.length && body[k] !== TOKENS.name && body[k] !== TOKENS.attr) k++;
  const modality = body.slice(0, k);
  if (!hasModality(modality)) {
    const upper = modality.trim().toUpperCase();
    const near = hasModality(upper) ? upper : suggest(upper, modalityNames());
    fail(
      "parse/unknown-modality",
      `unknown modality "${modality}"`,
      st,
      at,
      Math.max(1, modality.length),
      near ? `did you mean ${near}?` : `modalities: ${modalityNames().join(", ")}`,
      modality,
    );
  }
  // name, with ? or [] after it
  let name: string | undefined;
  let optional = false;
  let list = false;
  if (body[k] === TOKENS.name) {
    const start = ++k;
    while (k < body.length && isName(body[k])) k++;
    name = body.slice(start, k);
    if (name.length === 0) {
      const hint = body[k] === " " ? "no spaces inside a slot" : "a name is letters, digits and _";
      fail("parse/bad-name", "a slot name is missing or malformed", st, at + start, 1, hint, body.slice(start));
    }
    if (body.startsWith(TOKENS.optional, k)) {
      optional = true;
      k += TOKENS.optional.length;
    } else if (body.startsWith(TOKENS.list, k)) {
      list = true;
      k += TOKENS.list.length;
    }
    if (k < body.length && body[k] !== TOKENS.attr) {
      const hint = body[k] === " " ? "no spaces inside a slot" : "a name is letters, digits and _, then optionally ? or []";
      fail("parse/bad-name", `unexpected "${body[k]}" in the slot name`, st, at + k, 1, hint, body);
    }
  }
  // attributes
  const raw: { key: string; value?: string; at: number; valueAt: number }[] = [];
  while (k < body.length) {
    k++; // the ","
    const keyStart = k;
    while (k < body.length && body[k] !== TOKENS.assign && body[k] !== TOKENS.attr) k++;
    const key = body.slice(keyStart, k);
    let value: string | undefined;
    let valueAt = keyStart;
    if (body[k] === TOKENS.assign) {
      valueAt = ++k;
      while (k < body.length && body[k] !== TOKENS.attr) k++;
      value = body.slice(valueAt, k);
    }
    let ok = key.length > 0;
    for (let q = 0; ok && q < key.length; q++) ok = isName(key[q]);
    if (!ok) {
      fail("parse/bad-slot", `malformed attribute "${key}"`, st, at + keyStart, Math.max(1, key.length), "attributes are key or key=value, separated by commas, without spaces", key);
    }
    raw.push({ key, value, at: at + keyStart, valueAt: at + valueAt });
  }
  const attrs = typedAttrs(st, modality, raw);
  const position = inGroup ? inGroup.position() : st.position++;
  const node: SlotNode = {
    kind: "slot",
    modality,
    name: name ?? String(position),
    named: name !== undefined,
    attrs,
    optional,
    list,
    side,
    position,
    span: [open, close + 1],
  };
  if (!inGroup && node.named) {
    const prev = st.names.get(node.name);
    if (prev && prev.modality !== modality) {
      fail("parse/duplicate-slot", `slot "${node.name}" is ${prev.modality} at column ${prev.column} and ${modality} here`, st, open, close + 1 - open, "one name, one modality: rename one of them", node.name);
    }
    if (!prev) st.names.set(node.name, { modality, column: open + 1 });
  }
  return { node, end: close + 1 };
}

type FieldKind = "number" | "integer" | "boolean" | "array" | "string";

const kinds = new WeakMap<z.ZodType, FieldKind>();

function kindOf(schema: z.ZodType): FieldKind {
  let k = kinds.get(schema);
  if (k === undefined) {
    k = computeKind(schema);
    kinds.set(schema, k);
  }
  return k;
}

function computeKind(schema: z.ZodType): FieldKind {
  let s = schema as unknown as { _zod: { def: { type: string; innerType?: unknown; checks?: { _zod: { def: { check: string; format?: string } } }[] } } };
  while (s._zod.def.type === "optional" || s._zod.def.type === "default" || s._zod.def.type === "nullable") s = s._zod.def.innerType as typeof s;
  const t = s._zod.def.type;
  if (t === "number") return s._zod.def.checks?.some((c) => c._zod.def.format === "safeint") ? "integer" : "number";
  if (t === "boolean" || t === "array") return t;
  return "string";
}

function typedAttrs(st: State, modality: string, raw: { key: string; value?: string; at: number; valueAt: number }[]): Record<string, AttrValue> {
  const def = getModality(modality);
  const shape = def.attrs.shape as Record<string, z.ZodType>;
  const out: Record<string, AttrValue> = {};
  for (const a of raw) {
    if (legacyAttrs.includes(a.key)) {
      st.warnings.push({ code: "legacy-attribute", message: `${a.key} is an OFASys v0.1.0 attribute; BOS/EOS are added automatically, so it was ignored`, column: a.at + 1 });
      continue;
    }
    const field = shape[a.key];
    if (!field) {
      const near = suggest(a.key, Object.keys(shape));
      fail("parse/unknown-attribute", `${modality} has no attribute "${a.key}"`, st, a.at, a.key.length, near ? `did you mean ${near}?` : `${modality} attributes: ${Object.keys(shape).join(", ")}`, a.key);
    }
    const kind = kindOf(field);
    let value: AttrValue;
    const bad = (expected: string): never =>
      fail("parse/bad-attribute-value", `${a.key} takes ${expected}, not "${a.value ?? ""}"`, st, a.value === undefined ? a.at : a.valueAt, Math.max(1, (a.value ?? a.key).length), undefined, a.value);
    if (kind === "boolean") {
      if (a.value === undefined || a.value === "true") value = true;
      else if (a.value === "false") value = false;
      else return bad("no value (a flag) or true/false");
    } else if (a.value === undefined || a.value === "") {
      return bad(kind === "array" ? "a list like a|b|c" : `a ${kind}`);
    } else if (kind === "number" || kind === "integer") {
      const n = Number(a.value);
      if (!Number.isFinite(n) || (kind === "integer" && !Number.isInteger(n))) return bad(kind === "integer" ? "a whole number" : "a number");
      value = n;
    } else if (kind === "array") {
      value = a.value.split(TOKENS.alt);
    } else value = a.value;
    const checked = field.safeParse(value);
    if (!checked.success) return bad(checked.error.issues[0]?.message.replace(/^Invalid input: /, "").toLowerCase() ?? "another value");
    out[a.key] = checked.data as AttrValue;
  }
  return out;
}

function parseChoice(st: State, open: number, to: number, side: Side): { node: ChoiceNode; end: number } {
  const options: SlotNode[] = [];
  let k = open + 1;
  for (;;) {
    if (st.text[k] !== TOKENS.open) fail("parse/bad-pattern", `alternatives look like [[IMAGE:a]${TOKENS.alt}[VIDEO:b]]`, st, k, 1);
    const { node, end } = parseSlot(st, k, to, side);
    options.push(node);
    k = end;
    while (st.text[k] === " ") k++;
    if (st.text[k] === TOKENS.alt) {
      k++;
      while (st.text[k] === " ") k++;
      continue;
    }
    if (st.text[k] === TOKENS.close) break;
    fail("parse/unclosed-bracket", `"${TOKENS.open}" of the alternatives is never closed`, st, open, 1, `alternatives look like [[IMAGE:a]${TOKENS.alt}[VIDEO:b]]`);
  }
  if (options.length < 2) fail("parse/bad-pattern", "alternatives need at least two slots", st, open, k + 1 - open);
  return { node: { kind: "choice", side, options, span: [open, k + 1] }, end: k + 1 };
}

function parseGroup(st: State, open: number, close: number, to: number, side: Side): { node: RepeatNode; end: number } {
  const position = st.position++;
  let inner = 0;
  const segments: (SlotNode | TextNode)[] = [];
  let k = open + 1;
  let textStart = k;
  const innerNames = new Set<string>();
  const flushText = (end: number) => {
    const t = st.text.slice(textStart, end).trim();
    if (t !== "") {
      const lead = st.text.slice(textStart, end).length - st.text.slice(textStart, end).trimStart().length;
      segments.push({ kind: "text", text: t, side, span: [textStart + lead, textStart + lead + t.length] });
      inner++;
    }
  };
  while (k < close) {
    if (st.text[k] === TOKENS.open) {
      flushText(k);
      const { node, end } = parseSlot(st, k, close, side, { position: () => inner++ });
      if (innerNames.has(node.name)) fail("parse/duplicate-slot", `slot "${node.name}" appears twice in the group`, st, k, end - k);
      innerNames.add(node.name);
      segments.push(node);
      k = end;
      textStart = k;
    } else if (st.text[k] === TOKENS.groupOpen) {
      fail("parse/bad-pattern", "groups do not nest", st, k, 1);
    } else k++;
  }
  flushText(close);
  let end = close + TOKENS.groupClose.length;
  let name: string | undefined;
  if (st.text[end] === TOKENS.name && isName(st.text[end + 1])) {
    const start = end + 1;
    end = start;
    while (end < to && isName(st.text[end])) end++;
    name = st.text.slice(start, end);
  }
  const node: RepeatNode = { kind: "repeat", name: name ?? String(position), named: name !== undefined, side, position, segments, span: [open, end] };
  return { node, end };
}

/** The canonical text of a parsed instruction (attributes typed, BOS/EOS dropped). */
export function formatInstruction(parsed: ParsedInstruction): string {
  const seg = (s: Segment): string => {
    if (s.kind === "text") return s.text;
    if (s.kind === "slot") {
      const attrs = Object.entries(s.attrs).map(([k, v]) => (v === true ? k : `${k}=${Array.isArray(v) ? v.join(TOKENS.alt) : String(v)}`));
      const flag = s.optional ? TOKENS.optional : s.list ? TOKENS.list : "";
      const head = s.named ? `${s.modality}${TOKENS.name}${s.name}${flag}` : s.modality;
      return `${TOKENS.open}${[head, ...attrs].join(TOKENS.attr)}${TOKENS.close}`;
    }
    if (s.kind === "choice") return `${TOKENS.open}${s.options.map(seg).join(TOKENS.alt)}${TOKENS.close}`;
    return `${TOKENS.groupOpen}${s.segments.map(seg).join(" ")}${TOKENS.groupClose}${s.named ? `${TOKENS.name}${s.name}` : ""}`;
  };
  return `${parsed.source.map(seg).join(" ")} ${TOKENS.arrow} ${parsed.target.map(seg).join(" ")}`.trim();
}

export type SegmentJSON =
  | { kind: "text"; text: string }
  | { kind: "slot"; modality: string; name: string; attrs: Record<string, AttrValue>; optional: boolean; list: boolean }
  | { kind: "repeat"; name: string; segments: SegmentJSON[] }
  | { kind: "choice"; options: SegmentJSON[] };

/**
 * The JSON form `omnispec parse --json` prints: `{ source: [...], target: [...] }`.
 *
 * @example
 * import { parseInstruction, instructionToJSON } from "omnispec/instruction";
 * instructionToJSON(parseInstruction("[TEXT:q] -> [TEXT:a]")).target; // [{ kind: "slot", modality: "TEXT", name: "a", ... }]
 */
export function instructionToJSON(parsed: ParsedInstruction): { source: SegmentJSON[]; target: SegmentJSON[] } {
  const seg = (s: Segment): SegmentJSON => {
    if (s.kind === "text") return { kind: "text", text: s.text };
    if (s.kind === "slot") return { kind: "slot", modality: s.modality, name: s.name, attrs: s.attrs, optional: s.optional, list: s.list };
    if (s.kind === "repeat") return { kind: "repeat", name: s.name, segments: s.segments.map(seg) };
    return { kind: "choice", options: s.options.map(seg) };
  };
  return { source: parsed.source.map(seg), target: parsed.target.map(seg) };
}
