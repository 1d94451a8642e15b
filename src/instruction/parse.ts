// the run-time parser: strict, linear, positioned errors with suggestions; OFASys-compatible slot naming.
import type { z } from "zod";
import { OmnispecError, type OmnispecErrorCode } from "../errors.js";
import { getModality, hasModality, legacyAttrs, modalityNames } from "../modalities/builtin.js";
import { suggest } from "../util/suggest.js";
import type { AttrValue, ChoiceNode, ParsedInstruction, ParseWarning, RepeatNode, Segment, Side, SlotNode, TextNode } from "./ast.js";
import { MAX_INSTRUCTION_LENGTH, MAX_SLOT_ATTRIBUTES, NAME_CHARS, PARSE_CACHE_SIZE, SPACES, TOKENS } from "./tokens.js";

const at0 = (s: string): number => s.charCodeAt(0);
const OPEN = at0(TOKENS.open);
const CLOSE = at0(TOKENS.close);
const NAME_SEP = at0(TOKENS.name);
const ATTR = at0(TOKENS.attr);
const ASSIGN = at0(TOKENS.assign);
const OPTIONAL = at0(TOKENS.optional);
const ALT = at0(TOKENS.alt);
const GROUP_OPEN = at0(TOKENS.groupOpen);
const GROUP_CLOSE = at0(TOKENS.groupClose);
const GROUP_STAR = TOKENS.groupClose.charCodeAt(1);
const MARKER_START = at0(TOKENS.bos);

const NAME_TABLE = new Uint8Array(128);
for (const c of NAME_CHARS) NAME_TABLE[at0(c)] = 1;
const SPACE_LOW = new Uint8Array(128);
const SPACE_HIGH = new Set<number>();
for (const c of SPACES) {
  const k = at0(c);
  if (k < 128) SPACE_LOW[k] = 1;
  else SPACE_HIGH.add(k);
}

const isName = (k: number): boolean => k < 128 && NAME_TABLE[k] === 1;
const isSpace = (k: number): boolean => (k < 128 ? SPACE_LOW[k] === 1 : SPACE_HIGH.has(k));

/** position counter of one naming scope: the instruction, or the inside of a repetition group */
interface Scope {
  pos: number;
  names: Map<string, { modality: string; list: boolean; column: number; named: boolean }>;
}

interface State {
  text: string;
  warnings: ParseWarning[];
  top: Scope;
}

interface RawAttr {
  key: string;
  value: string | undefined;
  /** offsets of the key and of the value in the instruction */
  at: number;
  valueAt: number;
}

/** a value short enough to print in a message */
function shown(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function fail(code: OmnispecErrorCode, message: string, st: State, at: number, length = 1, hint?: string, value?: unknown): never {
  throw new OmnispecError(code, message, {
    instruction: st.text,
    column: at + 1,
    length: Math.max(1, length),
    hint,
    value: typeof value === "string" ? shown(value) : value,
  });
}

// two generations: a hit in the older one is promoted; when the newer fills, the older is dropped whole.
// (deleting a Map's oldest key one by one leaves tombstones that keys().next() walks over, so evictions grow slow.)
let recent = new Map<string, ParsedInstruction>();
let older = new Map<string, ParsedInstruction>();

function cached(instruction: string): ParsedInstruction | undefined {
  const hit = recent.get(instruction);
  if (hit !== undefined) return hit;
  const old = older.get(instruction);
  if (old !== undefined) remember(instruction, old);
  return old;
}

function remember(instruction: string, parsed: ParsedInstruction): void {
  if (recent.size >= PARSE_CACHE_SIZE / 2) {
    older = recent;
    recent = new Map();
  }
  recent.set(instruction, parsed);
}

/**
 * Parses an instruction `source -> target` into its slots and text, strictly: a malformed slot is an error with its
 * column, a caret and a suggestion, never silently text. Results are cached (and frozen); parsing is linear in the length.
 *
 * @example
 * import { parseInstruction } from "omnispec/instruction";
 * const p = parseInstruction("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
 * p.source[0]; // { kind: "slot", modality: "IMAGE", name: "img", ... }
 */
export function parseInstruction(instruction: string): ParsedInstruction {
  if (typeof instruction !== "string") {
    throw new OmnispecError("parse/bad-pattern", `an instruction is a string, not ${instruction === null ? "null" : typeof instruction}`, {
      value: instruction,
      hint: 'e.g. "[IMAGE:img] what does the image describe? -> [TEXT:caption]"',
    });
  }
  if (instruction.length > MAX_INSTRUCTION_LENGTH) {
    throw new OmnispecError("parse/too-long", `instruction is ${instruction.length} characters, over the limit of ${MAX_INSTRUCTION_LENGTH}`, {
      hint: "an instruction is one line; put long content in slot values, not in the instruction",
    });
  }
  const hit = cached(instruction);
  if (hit !== undefined) return hit;
  const parsed = freezeParsed(parseUncached(instruction));
  remember(instruction, parsed);
  return parsed;
}

/**
 * Parses without reading or filling the cache (benchmarks; callers that must not retain the text). The result is not frozen.
 *
 * @example
 * import { parseInstructionUncached } from "omnispec/instruction";
 * parseInstructionUncached("[TEXT:q] -> [TEXT:a]").target.length; // 1
 */
export function parseInstructionUncached(instruction: string): ParsedInstruction {
  if (typeof instruction !== "string" || instruction.length > MAX_INSTRUCTION_LENGTH) return parseInstruction(instruction);
  return parseUncached(instruction);
}

/** freezes what the parser built (not a generic deep freeze: it knows the shape, which keeps cold parses fast) */
function freezeSegment(s: Segment): void {
  Object.freeze(s.span);
  if (s.kind === "slot") Object.freeze(s.attrs);
  else if (s.kind === "repeat") {
    for (const x of s.segments) freezeSegment(x);
    Object.freeze(s.segments);
  } else if (s.kind === "choice") {
    for (const x of s.options) freezeSegment(x);
    Object.freeze(s.options);
  }
  Object.freeze(s);
}

function freezeParsed(p: ParsedInstruction): ParsedInstruction {
  for (const s of p.source) freezeSegment(s);
  for (const s of p.target) freezeSegment(s);
  for (const w of p.warnings) Object.freeze(w);
  Object.freeze(p.source);
  Object.freeze(p.target);
  Object.freeze(p.warnings);
  return Object.freeze(p);
}

function parseUncached(text: string): ParsedInstruction {
  const st: State = { text, warnings: [], top: { pos: 0, names: new Map() } };
  const first = text.indexOf(TOKENS.arrow);
  if (first < 0) {
    fail("parse/missing-arrow", `an instruction needs "${TOKENS.arrow}" between source and target`, st, Math.max(0, text.length - 1), 1, 'e.g. "[IMAGE:img] what does the image describe? -> [TEXT:caption]"; a side may be empty');
  }
  const second = text.indexOf(TOKENS.arrow, first + TOKENS.arrow.length);
  if (second >= 0) {
    fail("parse/multiple-arrows", `an instruction has exactly one "${TOKENS.arrow}"; this one has another`, st, second, TOKENS.arrow.length, "put literal arrows in slot values, not in the instruction");
  }
  const source = parseSide(st, 0, first, "source");
  const target = parseSide(st, first + TOKENS.arrow.length, text.length, "target");
  return { instruction: text, source, target, warnings: st.warnings };
}

/**
 * For each "(" in [from, to): the offset of the ")*" closing the group it opens, or -1. A "(" opens a group when the
 * first ")" after it is followed by "*" and a slot starts in between. one backward pass keeps parsing linear.
 */
function groupCloses(text: string, from: number, to: number): Int32Array {
  const next = new Int32Array(to - from).fill(-1);
  let close = -1;
  let bracket = -1;
  for (let i = to - 1; i >= from; i--) {
    const c = text.charCodeAt(i);
    if (c === GROUP_CLOSE) close = i + 1 < to && text.charCodeAt(i + 1) === GROUP_STAR ? i : -1;
    else if (c === OPEN) bracket = i;
    else if (c === GROUP_OPEN && close > i && bracket > i && bracket < close) next[i - from] = close;
  }
  return next;
}

function parseSide(st: State, from: number, to: number, side: Side): Segment[] {
  const { text } = st;
  const out: Segment[] = [];
  let closes: Int32Array | undefined;
  const paren = text.indexOf(TOKENS.groupOpen, from);
  if (paren >= 0 && paren < to) closes = groupCloses(text, from, to);
  let textStart = from;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === OPEN) {
      pushText(st, st.top, out, textStart, i, side);
      if (i + 1 < to && text.charCodeAt(i + 1) === OPEN) {
        const { node, end } = parseChoice(st, i, to, side);
        out.push(node);
        i = end;
      } else {
        const { node, end } = parseSlot(st, st.top, i, to, side);
        out.push(node);
        i = end;
      }
      textStart = i;
    } else if (c === CLOSE) {
      fail("parse/unexpected-bracket", `"${TOKENS.close}" closes no slot`, st, i, 1, `slots look like [TEXT:name]; remove the stray "${TOKENS.close}"`);
    } else if (c === GROUP_OPEN && closes !== undefined && closes[i - from] > i) {
      pushText(st, st.top, out, textStart, i, side);
      const { node, end } = parseGroup(st, i, closes[i - from], to, side);
      out.push(node);
      i = end;
      textStart = i;
    } else i++;
  }
  pushText(st, st.top, out, textStart, to, side);
  return out;
}

/** a text run, stripped as Python strips (OFASys); a non-empty run takes a position, even if only BOS/EOS markers */
function pushText(st: State, scope: Scope, out: (Segment | TextNode)[], start: number, end: number, side: Side): void {
  const { text } = st;
  let s = start;
  let e = end;
  while (s < e && isSpace(text.charCodeAt(s))) s++;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  if (s === e) return;
  scope.pos++;
  let value = text.slice(s, e);
  if (value.indexOf("<") >= 0) value = dropMarkers(st, s, e);
  if (value === "") return;
  out.push({ kind: "text", text: value, side, span: [s, e] });
}

/** removes <BOS>/<EOS> (OFASys v0.1.0) with a warning each; the pieces around them are stripped and joined by a space */
function dropMarkers(st: State, s: number, e: number): string {
  const { text } = st;
  const pieces: string[] = [];
  let piece = s;
  let k = s;
  while (k < e) {
    if (text.charCodeAt(k) === MARKER_START) {
      const marker = text.startsWith(TOKENS.bos, k) ? TOKENS.bos : text.startsWith(TOKENS.eos, k) ? TOKENS.eos : undefined;
      if (marker !== undefined && k + marker.length <= e) {
        pieces.push(text.slice(piece, k));
        st.warnings.push({ code: "bos-eos", message: `${marker} is added automatically (OFASys patch1 and later); it was dropped`, column: k + 1 });
        k += marker.length;
        piece = k;
        continue;
      }
    }
    k++;
  }
  pieces.push(text.slice(piece, e));
  let out = "";
  for (const p of pieces) {
    let a = 0;
    let b = p.length;
    while (a < b && isSpace(p.charCodeAt(a))) a++;
    while (b > a && isSpace(p.charCodeAt(b - 1))) b--;
    if (a < b) out = out === "" ? p.slice(a, b) : `${out} ${p.slice(a, b)}`;
  }
  return out;
}

/** the "]" closing the slot opened at `open`; a "[" before it (other than a `name[]` marker) means it is unclosed */
function slotEnd(st: State, open: number, to: number): number {
  const { text } = st;
  let k = open + 1;
  for (; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === CLOSE) return k;
    if (c === OPEN) {
      if (k + 1 < to && text.charCodeAt(k + 1) === CLOSE && (isName(text.charCodeAt(k - 1)) || text.charCodeAt(k - 1) === OPTIONAL)) {
        k++;
        continue;
      }
      break;
    }
  }
  let head = open + 1;
  while (head < to && (isName(text.charCodeAt(head)) || text.charCodeAt(head) === NAME_SEP || text.charCodeAt(head) === ATTR || text.charCodeAt(head) === ASSIGN)) head++;
  const hint = head > open + 1 ? `close the slot: "${shown(text.slice(open, head))}${TOKENS.close}"` : `close the slot with "${TOKENS.close}"`;
  return fail("parse/unclosed-bracket", `"${TOKENS.open}" is never closed`, st, open, 1, hint);
}

const charName = (c: string): string => (c === " " ? "a space" : c === "\t" ? "a tab" : `"${c}"`);

function parseSlot(st: State, scope: Scope, open: number, to: number, side: Side): { node: SlotNode; end: number } {
  const { text } = st;
  const close = slotEnd(st, open, to);
  let k = open + 1;
  // modality
  while (k < close && isName(text.charCodeAt(k))) k++;
  const modality = text.slice(open + 1, k);
  if (modality === "") {
    if (k === close) fail("parse/bad-slot", "empty slot", st, open, 2, 'a slot names its modality: "[TEXT:name]"');
    fail("parse/bad-slot", `a slot starts with its modality, not ${charName(text[k])}`, st, k, 1, isSpace(text.charCodeAt(k)) ? "no spaces inside a slot" : 'e.g. "[TEXT:name]"');
  }
  if (!hasModality(modality)) unknownModality(st, modality, open + 1);
  // name, then [] and/or ?
  let name: string | undefined;
  let optional = false;
  let list = false;
  if (text.charCodeAt(k) === NAME_SEP) {
    const start = ++k;
    while (k < close && isName(text.charCodeAt(k))) k++;
    if (k === start) {
      const c = text[k];
      const hint = c === undefined || k === close ? "write the name after the colon, or drop the colon for an unnamed slot" : isSpace(text.charCodeAt(k)) ? "no spaces inside a slot" : "a name is letters, digits and _";
      fail("parse/bad-name", "a slot name is missing or malformed", st, k, 1, hint, text.slice(start, close));
    }
    name = text.slice(start, k);
    if (text.charCodeAt(k) === OPEN) {
      list = true;
      k += TOKENS.list.length;
    }
    if (text.charCodeAt(k) === OPTIONAL) {
      optional = true;
      k++;
      if (text.charCodeAt(k) === OPEN) fail("parse/bad-name", `write an optional list as "${name}${TOKENS.list}${TOKENS.optional}"`, st, k - 1, 3, undefined, text.slice(start, close));
    }
  }
  if (k < close && text.charCodeAt(k) !== ATTR) {
    const c = text[k];
    let hint = "after the modality come :name, then ,attributes";
    if (isSpace(text.charCodeAt(k))) hint = "no spaces inside a slot";
    else if (name === undefined && c === "=") hint = `attributes follow a comma: [${modality},key=value]`;
    else if (name === undefined && (c === TOKENS.open || c === TOKENS.optional)) hint = `a list or optional slot needs a name: [${modality}:name${c === TOKENS.open ? TOKENS.list : TOKENS.optional}]`;
    fail(name === undefined ? "parse/bad-slot" : "parse/bad-name", `unexpected ${charName(c)} in the slot`, st, k, 1, hint, text.slice(open, close + 1));
  }
  // attributes
  const raw: RawAttr[] = [];
  while (k < close) {
    k++; // the ","
    const keyStart = k;
    while (k < close && isName(text.charCodeAt(k))) k++;
    const key = text.slice(keyStart, k);
    if (key === "") {
      const hint = k < close && isSpace(text.charCodeAt(k)) ? "no spaces inside a slot" : "attributes are key or key=value, separated by commas";
      fail("parse/bad-slot", k === close || text.charCodeAt(k) === ATTR ? "an attribute is missing after the comma" : `malformed attribute at ${charName(text[k])}`, st, keyStart, 1, hint);
    }
    let value: string | undefined;
    let valueAt = k;
    const c = text.charCodeAt(k);
    if (c === ASSIGN) {
      valueAt = ++k;
      while (k < close && text.charCodeAt(k) !== ATTR) k++;
      value = text.slice(valueAt, k);
      checkValueText(st, key, value, valueAt);
    } else if (k < close && c !== ATTR) {
      fail("parse/bad-slot", `malformed attribute "${shown(key + text.slice(k, close).split(TOKENS.attr)[0])}"`, st, k, 1, isSpace(c) ? "no spaces inside a slot" : "attribute keys are letters, digits and _; values follow =");
    }
    if (raw.length > 0 && raw.some((r) => r.key === key)) fail("parse/bad-slot", `attribute ${key} is given twice`, st, keyStart, key.length, "keep one of them");
    if (raw.length >= MAX_SLOT_ATTRIBUTES) fail("parse/bad-slot", `a slot takes at most ${MAX_SLOT_ATTRIBUTES} attributes`, st, keyStart, key.length);
    raw.push({ key, value, at: keyStart, valueAt });
  }
  const attrs = typedAttrs(st, modality, raw);
  const position = scope.pos++;
  const finalName = name ?? String(position);
  claim(st, scope, finalName, modality, list, name !== undefined, open, close + 1);
  const node: SlotNode = { kind: "slot", modality, name: finalName, named: name !== undefined, attrs, optional, list, side, position, span: [open, close + 1] };
  return { node, end: close + 1 };
}

function unknownModality(st: State, modality: string, at: number): never {
  const known = modalityNames();
  const upper = modality.toUpperCase();
  const near = hasModality(upper) ? upper : suggest(upper, known);
  const hint = near ? `did you mean ${near}?` : `modalities: ${known.join(", ")} (square brackets are reserved for slots)`;
  return fail("parse/unknown-modality", `unknown modality "${shown(modality)}"`, st, at, modality.length, hint, modality);
}

function checkValueText(st: State, key: string, value: string, at: number): void {
  if (value === "") fail("parse/bad-attribute-value", `${key}= needs a value`, st, at - 1, 1, `write ${key}=<value>, or drop the "=" for a flag`);
  for (let q = 0; q < value.length; q++) {
    const c = value.charCodeAt(q);
    if (c === ASSIGN || c < 32 || c === 127 || ((q === 0 || q === value.length - 1) && isSpace(c))) {
      const what = c === ASSIGN ? `"${TOKENS.assign}"` : isSpace(c) ? "a space" : "a control character";
      fail("parse/bad-attribute-value", `the value of ${key} contains ${what}`, st, at + q, 1, "values are written without surrounding spaces, =, or control characters", value);
    }
  }
}

/** records a slot name in its scope: one name, one modality (and one list-ness), as OFASys binds one value per name */
function claim(st: State, scope: Scope, name: string, modality: string, list: boolean, named: boolean, start: number, end: number): void {
  const prev = scope.names.get(name);
  if (prev === undefined) {
    scope.names.set(name, { modality, list, column: start + 1, named });
    return;
  }
  if (prev.modality === modality && prev.list === list) return;
  const what = (m: string, l: boolean, n: boolean) => `${m === "REPEAT" ? "a repeated group" : m}${l && m !== "REPEAT" ? " list" : ""}${n ? "" : " (unnamed: named by its position)"}`;
  fail(
    "parse/duplicate-slot",
    `slot "${name}" is ${what(prev.modality, prev.list, prev.named)} at column ${prev.column} and ${what(modality, list, named)} here`,
    st,
    start,
    end - start,
    "a name binds one value: rename one of them",
    name,
  );
}

type FieldKind = "number" | "integer" | "boolean" | "array" | "string" | "mixed";
interface FieldInfo {
  kind: FieldKind;
  options?: string[];
}

type ZodInternals = { _zod: { def: { type: string; innerType?: unknown; entries?: Record<string, string>; checks?: { _zod: { def: { check: string; format?: string } } }[] } } };

const fields = new WeakMap<z.ZodType, FieldInfo>();

/** what kind of text an attribute schema reads (zod's def is its public structural description) */
function fieldInfo(schema: z.ZodType): FieldInfo {
  let info = fields.get(schema);
  if (info === undefined) {
    let s = schema as unknown as ZodInternals;
    while (["optional", "default", "nullable", "prefault", "readonly"].includes(s._zod.def.type) && s._zod.def.innerType) s = s._zod.def.innerType as ZodInternals;
    const t = s._zod.def.type;
    if (t === "number") info = { kind: s._zod.def.checks?.some((c) => c._zod.def.format === "safeint") ? "integer" : "number" };
    else if (t === "boolean" || t === "array" || t === "string") info = { kind: t };
    else if (t === "enum") info = { kind: "string", options: Object.values(s._zod.def.entries ?? {}) };
    else info = { kind: "mixed" };
    fields.set(schema, info);
  }
  return info;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** the typed candidates for one attribute's text, most specific first */
function candidates(kind: FieldKind, value: string | undefined): AttrValue[] {
  if (value === undefined) return kind === "boolean" || kind === "mixed" ? [true] : [];
  const out: AttrValue[] = [];
  if ((kind === "boolean" || kind === "mixed") && (value === "true" || value === "false")) out.push(value === "true");
  if ((kind === "number" || kind === "integer" || kind === "mixed") && NUMBER.test(value)) out.push(Number(value));
  if (kind === "array" || kind === "mixed") out.push(value.split(TOKENS.alt));
  if (kind === "string" || kind === "mixed") out.push(value);
  return out;
}

const EXPECTED: Record<FieldKind, string> = {
  number: "a number",
  integer: "a whole number",
  boolean: "no value (a flag) or true/false",
  array: `a list like a${TOKENS.alt}b${TOKENS.alt}c`,
  string: "a value",
  mixed: "another value",
};

function typedAttrs(st: State, modality: string, raw: RawAttr[]): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  if (raw.length === 0) return out;
  const shape = getModality(modality).attrs.shape as Record<string, z.ZodType>;
  for (const a of raw) {
    if (legacyAttrs.includes(a.key)) {
      st.warnings.push({ code: "legacy-attribute", message: `${a.key} is an OFASys v0.1.0 attribute; BOS/EOS are added automatically, so it was ignored`, column: a.at + 1 });
      continue;
    }
    const field = Object.hasOwn(shape, a.key) ? shape[a.key] : undefined;
    if (!field) {
      const known = Object.keys(shape);
      const near = suggest(a.key, known);
      fail("parse/unknown-attribute", `${modality} has no attribute "${shown(a.key)}"`, st, a.at, a.key.length, near ? `did you mean ${near}?` : `${modality} attributes: ${known.join(", ")}`, a.key);
    }
    const info = fieldInfo(field);
    let issue: string | undefined;
    let ok = false;
    for (const v of candidates(info.kind, a.value)) {
      const checked = field.safeParse(v);
      if (checked.success) {
        out[a.key] = checked.data as AttrValue;
        ok = true;
        break;
      }
      issue ??= checked.error.issues[0]?.message;
    }
    if (ok) continue;
    const where = a.value === undefined ? a.at : a.valueAt;
    const len = (a.value ?? a.key).length;
    const written = a.value === undefined ? `${a.key} (a flag)` : `"${shown(a.value)}"`;
    if (info.options) {
      const near = a.value === undefined ? undefined : suggest(a.value, info.options);
      fail("parse/bad-attribute-value", `${a.key} takes one of ${info.options.join(", ")}, not ${written}`, st, where, len, near ? `did you mean ${a.key}=${near}?` : undefined, a.value);
    }
    const hint = a.value === undefined ? `write ${a.key}=<${EXPECTED[info.kind]}>` : issue?.replace(/^Invalid input: /, "");
    fail("parse/bad-attribute-value", `${a.key} takes ${EXPECTED[info.kind]}, not ${written}`, st, where, len, hint, a.value);
  }
  return out;
}

function parseChoice(st: State, open: number, to: number, side: Side): { node: ChoiceNode; end: number } {
  const { text } = st;
  const options: SlotNode[] = [];
  let k = open + 1;
  for (;;) {
    const { node, end } = parseSlot(st, st.top, k, to, side);
    options.push(node);
    k = end;
    while (k < to && isSpace(text.charCodeAt(k))) k++;
    const c = text.charCodeAt(k);
    if (c === ALT) {
      k++;
      while (k < to && isSpace(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) === OPEN) continue;
      fail("parse/bad-pattern", `"${TOKENS.alt}" is followed by another slot in alternatives`, st, k, 1, `alternatives look like [[IMAGE:a]${TOKENS.alt}[VIDEO:b]]`);
    }
    if (c === CLOSE) break;
    fail("parse/unclosed-bracket", `the "${TOKENS.open}" of these alternatives is never closed`, st, open, 1, `alternatives look like [[IMAGE:a]${TOKENS.alt}[VIDEO:b]]`);
  }
  if (options.length < 2) fail("parse/bad-pattern", "alternatives need at least two slots", st, open, k + 1 - open, `e.g. [[IMAGE:a]${TOKENS.alt}[VIDEO:b]]`);
  return { node: { kind: "choice", side, options, span: [open, k + 1] }, end: k + 1 };
}

function parseGroup(st: State, open: number, close: number, to: number, side: Side): { node: RepeatNode; end: number } {
  const { text } = st;
  const position = st.top.pos++;
  const inner: Scope = { pos: 0, names: new Map() };
  const segments: (SlotNode | TextNode)[] = [];
  let k = open + 1;
  let textStart = k;
  while (k < close) {
    const c = text.charCodeAt(k);
    if (c === OPEN) {
      pushText(st, inner, segments, textStart, k, side);
      if (text.charCodeAt(k + 1) === OPEN) fail("parse/bad-pattern", "alternatives inside a repeated group are not supported", st, k, 2, "repeat plain slots: ( [BOX:box] [TEXT:label] )*");
      const { node, end } = parseSlot(st, inner, k, close, side);
      segments.push(node);
      k = end;
      textStart = k;
    } else if (c === GROUP_OPEN) {
      fail("parse/bad-pattern", "repeated groups do not nest", st, k, 1, "flatten the group, or name a list slot with []");
    } else if (c === CLOSE) {
      fail("parse/unexpected-bracket", `"${TOKENS.close}" closes no slot`, st, k, 1, `slots look like [TEXT:name]; remove the stray "${TOKENS.close}"`);
    } else k++;
  }
  pushText(st, inner, segments, textStart, close, side);
  let end = close + TOKENS.groupClose.length;
  let name: string | undefined;
  if (end + 1 < to && text.charCodeAt(end) === NAME_SEP && isName(text.charCodeAt(end + 1))) {
    const start = end + 1;
    end = start;
    while (end < to && isName(text.charCodeAt(end))) end++;
    name = text.slice(start, end);
  }
  const finalName = name ?? String(position);
  claim(st, st.top, finalName, "REPEAT", true, name !== undefined, open, end);
  const node: RepeatNode = { kind: "repeat", name: finalName, named: name !== undefined, side, position, segments, span: [open, end] };
  return { node, end };
}

/**
 * The canonical text of a parsed instruction: typed attributes, BOS/EOS dropped, one space between segments. It parses
 * back to the same slots; an unnamed slot whose position would change is written with its name.
 *
 * @example
 * import { formatInstruction, parseInstruction } from "omnispec/instruction";
 * formatInstruction(parseInstruction("[IMAGE:img,orient=true]  what is it?->[TEXT:a]")); // "[IMAGE:img,orient] what is it? -> [TEXT:a]"
 */
export function formatInstruction(parsed: ParsedInstruction): string {
  const scope = { pos: 0 };
  const slot = (s: SlotNode, at: { pos: number }): string => {
    const attrs = Object.entries(s.attrs).map(([k, v]) => (v === true ? k : `${k}${TOKENS.assign}${Array.isArray(v) ? v.join(TOKENS.alt) : String(v)}`));
    const flags = `${s.list ? TOKENS.list : ""}${s.optional ? TOKENS.optional : ""}`;
    const positional = !s.named && s.name === String(at.pos) && flags === "";
    at.pos++;
    const head = positional ? s.modality : `${s.modality}${TOKENS.name}${s.name}${flags}`;
    return `${TOKENS.open}${[head, ...attrs].join(TOKENS.attr)}${TOKENS.close}`;
  };
  const seg = (s: Segment): string => {
    if (s.kind === "text") {
      scope.pos++;
      return s.text;
    }
    if (s.kind === "slot") return slot(s, scope);
    if (s.kind === "choice") return `${TOKENS.open}${s.options.map((o) => slot(o, scope)).join(TOKENS.alt)}${TOKENS.close}`;
    const positional = !s.named && s.name === String(scope.pos);
    scope.pos++;
    const inner = { pos: 0 };
    const body = s.segments.map((x) => {
      if (x.kind === "slot") return slot(x, inner);
      inner.pos++;
      return x.text;
    });
    return `${TOKENS.groupOpen}${body.join(" ")}${TOKENS.groupClose}${positional ? "" : `${TOKENS.name}${s.name}`}`;
  };
  const source = parsed.source.map(seg).join(" ");
  const target = parsed.target.map(seg).join(" ");
  return `${source} ${TOKENS.arrow} ${target}`.trim();
}

export type SegmentJSON =
  | { kind: "text"; text: string }
  | { kind: "slot"; modality: string; name: string; attrs: Record<string, AttrValue>; optional: boolean; list: boolean }
  | { kind: "repeat"; name: string; segments: SegmentJSON[] }
  | { kind: "choice"; options: SegmentJSON[] };

/** The JSON form `omnispec parse --json` prints. */
export interface InstructionJSON {
  source: SegmentJSON[];
  target: SegmentJSON[];
}

/**
 * The JSON form `omnispec parse --json` prints: `{ source: [...], target: [...] }`.
 *
 * @example
 * import { parseInstruction, instructionToJSON } from "omnispec/instruction";
 * instructionToJSON(parseInstruction("[TEXT:q] -> [TEXT:a]")).target; // [{ kind: "slot", modality: "TEXT", name: "a", attrs: {}, optional: false, list: false }]
 */
export function instructionToJSON(parsed: ParsedInstruction): InstructionJSON {
  const seg = (s: Segment): SegmentJSON => {
    if (s.kind === "text") return { kind: "text", text: s.text };
    if (s.kind === "slot") return { kind: "slot", modality: s.modality, name: s.name, attrs: { ...s.attrs }, optional: s.optional, list: s.list };
    if (s.kind === "repeat") return { kind: "repeat", name: s.name, segments: s.segments.map(seg) };
    return { kind: "choice", options: s.options.map(seg) };
  };
  return { source: parsed.source.map(seg), target: parsed.target.map(seg) };
}
