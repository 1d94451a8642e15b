// the parser never throws anything but OmnispecError, and its time grows linearly with the input.
import { describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { taskPresets } from "../../presets/tasks.js";
import { parseInstruction } from "./parse.js";
import { seededRandom } from "../util/random.js";

const rng = seededRandom;

const VALID = Object.values(taskPresets).map((t) => t.instruction);
const ALPHABET = "[]()*|:,=?->< >BOSEIMAGTXVDUpqrs_019\"'\n\t.#";

function attempt(text: string): void {
  try {
    parseInstruction(text);
  } catch (e) {
    if (!(e instanceof OmnispecError)) throw new Error(`non-OmnispecError for ${JSON.stringify(text.slice(0, 200))}: ${String(e)}`);
    expect(e.code.startsWith("parse/")).toBe(true);
  }
}

describe("parser fuzz (seeded)", () => {
  it("20,000 random byte strings", () => {
    const r = rng(1);
    for (let n = 0; n < 20_000; n++) {
      const len = Math.floor(r() * 60);
      let s = "";
      for (let i = 0; i < len; i++) s += r() < 0.8 ? ALPHABET[Math.floor(r() * ALPHABET.length)] : String.fromCharCode(Math.floor(r() * 0x2fff));
      attempt(s);
    }
  });

  it("10,000 random edits of valid instructions", () => {
    const r = rng(2);
    for (let n = 0; n < 10_000; n++) {
      let s = VALID[Math.floor(r() * VALID.length)];
      const edits = 1 + Math.floor(r() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(r() * (s.length + 1));
        const op = r();
        const c = ALPHABET[Math.floor(r() * ALPHABET.length)];
        if (op < 0.33) s = s.slice(0, at) + c + s.slice(at);
        else if (op < 0.66) s = s.slice(0, at) + s.slice(at + 1);
        else s = s.slice(0, at) + c + s.slice(at + 1);
      }
      attempt(s);
    }
  });

  it("very long lines and deep bracket nesting stay OmnispecErrors", () => {
    attempt("[".repeat(60_000) + "->");
    attempt("(".repeat(30_000) + "[TEXT:a])*".repeat(1000) + " -> [TEXT:b]");
    attempt("[[".repeat(20_000) + "-> x");
    attempt("[TEXT:a] " + "word ".repeat(12_000) + "-> [TEXT:b]");
    attempt("x".repeat(70_000));
  });

  it("takes linear time: 8x the input costs far less than 64x the time", () => {
    // unnamed slots take positional names, so the whole input parses
    const unit = "[IMAGE] look ( [BOX] [TEXT])* at (this) [TEXT,max_length=5] ";
    const time = (k: number) => {
      const text = unit.repeat(k) + " -> [TEXT:answer]";
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const p = parseInstruction(text + " ".repeat(i + 1)); // a fresh string each time defeats the cache
        best = Math.min(best, performance.now() - t0);
        expect(p.source.length).toBe(k * 5);
      }
      return best;
    };
    const small = time(100);
    const large = time(800);
    expect(large / Math.max(small, 0.05)).toBeLessThan(40);
  });
});
