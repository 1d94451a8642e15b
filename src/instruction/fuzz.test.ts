// the parser never throws anything but OmnispecError, what it accepts formats and parses back to the same slots,
// and its time grows linearly with the input, on hostile shapes too.
import { describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { taskPresets } from "../../presets/tasks.js";
import { seededRandom } from "../util/random.js";
import { AGREEMENT_CASES } from "./agreement-cases.js";
import { formatInstruction, instructionToJSON, parseInstructionUncached } from "./parse.js";
import { MAX_INSTRUCTION_LENGTH } from "./tokens.js";

const VALID = [...Object.values(taskPresets).map((t) => t.instruction), ...AGREEMENT_CASES.map((c) => c.instruction)];
const ALPHABET = "[]()*|:,=?->< >BOSEIMAGTXVDUpqrs_019\"'\n\t.#\u0085\u3000";
const PIECES = ["[", "]", "[]", "(", ")*", ")*:g", "->", "<BOS>", "<EOS>", "[TEXT", "[IMAGE:", ":x", ",no_loss", ",max_length=", "=5", "|", "?", "[[", "]]", " ", "choices=a|b"];

let accepted = 0;

/** parses; an accepted instruction must survive formatInstruction unchanged */
function attempt(text: string): void {
  let parsed;
  try {
    parsed = parseInstructionUncached(text);
  } catch (e) {
    if (!(e instanceof OmnispecError)) throw new Error(`non-OmnispecError for ${JSON.stringify(text.slice(0, 200))}: ${String(e)}`);
    if (!e.code.startsWith("parse/")) throw new Error(`code ${e.code} for ${JSON.stringify(text.slice(0, 200))}`);
    if (e.column !== undefined && !(e.column >= 1 && e.column <= Math.max(1, text.length))) throw new Error(`column ${e.column} outside ${JSON.stringify(text.slice(0, 200))}`);
    return;
  }
  accepted++;
  const canonical = formatInstruction(parsed);
  const again = parseInstructionUncached(canonical);
  expect(instructionToJSON(again), `${text} -> ${canonical}`).toEqual(instructionToJSON(parsed));
}

describe("parser fuzz (seeded)", () => {
  it("20,000 random strings (biased to the grammar's characters, with any UTF-16 unit)", () => {
    const r = seededRandom(1);
    for (let n = 0; n < 20_000; n++) {
      const len = Math.floor(r() * 60);
      let s = "";
      for (let i = 0; i < len; i++) {
        const p = r();
        s += p < 0.6 ? ALPHABET[Math.floor(r() * ALPHABET.length)] : p < 0.9 ? PIECES[Math.floor(r() * PIECES.length)] : String.fromCharCode(Math.floor(r() * 0x10000));
      }
      attempt(s);
    }
  });

  it("12,000 random edits of valid instructions", () => {
    const r = seededRandom(2);
    for (let n = 0; n < 12_000; n++) {
      let s = VALID[Math.floor(r() * VALID.length)];
      const edits = 1 + Math.floor(r() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * (s.length + 1));
        const op = r();
        const c = r() < 0.7 ? ALPHABET[Math.floor(r() * ALPHABET.length)] : PIECES[Math.floor(r() * PIECES.length)];
        if (op < 0.3) s = s.slice(0, at) + c + s.slice(at);
        else if (op < 0.6) s = s.slice(0, at) + s.slice(at + 1);
        else if (op < 0.9) s = s.slice(0, at) + c + s.slice(at + 1);
        else s = s.slice(0, at) + s.slice(Math.floor(r() * s.length));
      }
      attempt(s);
    }
    // the edits keep a fair share valid, so the round trip is exercised too
    expect(accepted).toBeGreaterThan(2_000);
  });

  it("very long lines and deep nesting stay OmnispecErrors or parse", () => {
    const r = seededRandom(3);
    const long = (unit: string, tail = "") => unit.repeat(Math.floor((MAX_INSTRUCTION_LENGTH - tail.length) / unit.length)) + tail;
    const shapes = [
      long("["),
      long("[[", "->"),
      long("(", "[TEXT:a])* -> [TEXT:b]"),
      long("( [TEXT:a])*", " -> [TEXT:b]"),
      long("word ", "[TEXT:a] -> [TEXT:b]"),
      long("<BOS> ", "-> [TEXT:b]"),
      long("[TEXT] x ", "-> <"),
      long(",uncased", "] -> [TEXT]").replace(/^,/, "[TEXT:a,"),
      long("a", "] -> [TEXT]").replace(/^a/, "[TEXT:"),
      long("]"),
      long("x"),
      long("->"),
      "x".repeat(MAX_INSTRUCTION_LENGTH + 1),
    ];
    for (const s of shapes) attempt(s);
    // random deep nestings of every bracket kind
    for (let n = 0; n < 200; n++) {
      const depth = 100 + Math.floor(r() * 3000);
      let s = "";
      for (let i = 0; i < depth; i++) s += ["[", "(", "[[", "[TEXT:a", "|"][Math.floor(r() * 5)];
      for (let i = 0; i < depth; i++) s += ["]", ")*", "]]", ")"][Math.floor(r() * 4)];
      attempt(r() < 0.5 ? `${s} -> [TEXT:z]` : `[TEXT:q] -> ${s}`);
    }
  });

  // hostile shapes, each with n and 8n repetitions: linear time gives a ratio near 8, quadratic near 64
  const shapes: [string, (k: number) => string][] = [
    ["valid slots, groups and text", (k) => "[IMAGE] look ( [BOX] [TEXT])* at (this) [TEXT,max_length=5] ".repeat(k) + " -> [TEXT:answer]"],
    ["BOS markers in one text run", (k) => "<BOS> a ".repeat(k) + "-> [TEXT]"],
    ["text runs with one < at the end", (k) => "x [TEXT] ".repeat(k) + "< -> [TEXT:z]"],
    ["unclosed parentheses", (k) => "( ".repeat(k) + "[TEXT:a] -> [TEXT:b]"],
    ["distinct unknown attributes", (k) => `[TEXT:a${Array.from({ length: k }, (_, i) => `,k${i}`).join("")}] -> [TEXT:b]`],
    ["long alternatives", (k) => `[${Array.from({ length: k }, (_, i) => `[TEXT:a${i}]`).join("|")}] -> [TEXT:b]`],
    ["a long name", (k) => `[TEXT:${"n".repeat(k * 8)}] -> [TEXT:b]`],
  ];
  // a timing check on a shared machine: a retry absorbs a burst of load; a quadratic parser fails every try
  it.each(shapes)("takes linear time: %s", { retry: 2 }, (_, make) => {
    const once = (text: string) => {
      const t0 = performance.now();
      for (let j = 0; j < 3; j++) {
        try {
          parseInstructionUncached(text);
        } catch (e) {
          if (!(e instanceof OmnispecError)) throw e;
        }
      }
      return performance.now() - t0;
    };
    // the largest input under the length limit, and an eighth of it
    let k = Math.floor((MAX_INSTRUCTION_LENGTH * 0.9) / (make(2).length - make(1).length));
    while (make(k).length > MAX_INSTRUCTION_LENGTH * 0.9) k = Math.floor(k * 0.9);
    const smallText = make(Math.floor(k / 8));
    const largeText = make(k);
    once(smallText);
    once(largeText);
    // interleaved, best of 9 each: a burst of load on a shared machine hits both sizes alike
    let small = Infinity;
    let large = Infinity;
    for (let i = 0; i < 9; i++) {
      small = Math.min(small, once(smallText));
      large = Math.min(large, once(largeText));
    }
    expect(large / Math.max(small, 0.2), `${small.toFixed(2)} ms vs ${large.toFixed(2)} ms`).toBeLessThan(32);
  });
});
