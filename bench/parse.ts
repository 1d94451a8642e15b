// parsing speed: the 23 OFASys instructions plus 100 generated ones, with the parse cache and without it.
import { statSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { taskPresets } from "../presets/tasks.js";
import { printResults, type BenchResult } from "./types.js";

const MODS = ["IMAGE", "TEXT", "VIDEO", "AUDIO", "BOX", "STRUCT"];

/** 100 instructions of 1–4 source slots with attributes, lists, optional slots, groups and choices */
function generated(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = 1 + (i % 4);
    const src = Array.from({ length: k }, (_, j) => {
      const m = MODS[(i + j) % MODS.length];
      const flag = i % 7 === j ? "[]" : i % 11 === j ? "?" : "";
      const attr = j === 0 && i % 3 === 0 ? ",max_length=64" : m === "IMAGE" && i % 2 === 0 ? ",max_pixels=1003520,resample=pil" : "";
      return `[${m}:s${j}${flag}${attr}] part ${j} of prompt ${i}`;
    }).join(" ");
    const tgt =
      i % 5 === 0 ? "[CATEGORY:label,choices=yes|no|maybe]" : i % 13 === 0 ? "( [BOX:box] [TEXT:label] )*:objects" : i % 17 === 0 ? "[[TEXT:a]|[BOX:b]]" : `[TEXT:out${i % 7},max_length=${16 + i}]`;
    out.push(`${src} -> ${tgt}`);
  }
  return out;
}

type Parser = (s: string) => unknown;

// the built package when it is newer than the sources (npm run bench builds first), else the sources through tsx
async function parser(): Promise<{ parse: Parser; parseUncached: Parser; from: string }> {
  const dist = new URL("../dist/src/instruction/index.js", import.meta.url);
  const src = new URL("../src/instruction/parse.ts", import.meta.url);
  const fresh = (() => {
    try {
      return statSync(fileURLToPath(dist)).mtimeMs >= statSync(fileURLToPath(src)).mtimeMs;
    } catch {
      return false;
    }
  })();
  if (fresh) {
    const m = (await import(dist.href)) as { parseInstruction: Parser; parseInstructionUncached: Parser };
    return { parse: m.parseInstruction, parseUncached: m.parseInstructionUncached, from: "dist" };
  }
  const m = await import("../src/instruction/index.js");
  return { parse: m.parseInstruction, parseUncached: m.parseInstructionUncached, from: "src via tsx (dist missing or stale)" };
}

/** calls per second of `f` over `inputs`, best of `rounds` timed passes of `reps` sweeps each */
function rate(f: (s: string, r: number) => void, inputs: readonly string[], reps: number, rounds = 5): number {
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) for (const s of inputs) f(s, r);
    best = Math.min(best, performance.now() - t0);
  }
  return (reps * inputs.length) / (best / 1000);
}

export async function run(): Promise<BenchResult[]> {
  const { parse, parseUncached, from } = await parser();
  const ofasys = Object.values(taskPresets)
    .filter((t) => t.origin === "ofasys")
    .map((t) => t.instruction);
  const all = [...ofasys, ...generated(100)];
  const reps = 100;
  // warm the JIT on every path before timing any of them
  for (let r = 0; r < reps; r++) for (const s of all) parseUncached(s);
  for (let r = 0; r < reps; r++) for (const s of all) parse(`${s} warm ${r}`);
  // every call a new instruction text: parse, freeze and cache insertion, as a stream of unseen instructions costs
  const unseen = rate((s, r) => parse(`${s} ${r}`), all, reps);
  const uncached = rate((s) => parseUncached(s), all, reps);
  const cached = rate((s) => parse(s), all, reps * 20);
  // the peer: OFASys's slot regex alone (its whole parser is this regex plus strip and list appends)
  const regex = /\[(TEXT|IMAGE|BOX|AUDIO|MOTION|PHONE|VIDEO|STRUCT|CATEGORY)(?::([_A-Za-z0-9]+))?(?:,([_A-Za-z0-9,.=]+))?\]/g;
  let hits = 0;
  const peer = rate((s) => {
    for (const _ of s.matchAll(regex)) hits++;
  }, all, reps);
  const big = "[TEXT:a] " + "x".repeat(1 << 20) + " -> [TEXT:b]";
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) {
    try {
      parse(big);
    } catch {
      // parse/too-long, as expected
    }
  }
  const reject = (performance.now() - t0) / 1000;
  return [
    { name: `parse, no cache: unseen instructions (${all.length} kinds)`, value: unseen, unit: "instr/s", peer: "OFASys slot regex alone", peerValue: peer, ratio: unseen / peer, target: ">= 100,000/s", note: `${from}; includes freezing and caching` },
    { name: "parse, no cache: parseInstructionUncached", value: uncached, unit: "instr/s", peer: "OFASys slot regex alone", peerValue: peer, ratio: uncached / peer, target: ">= 100,000/s", note: `${from}; ${hits > 0 ? "regex checked" : ""}` },
    { name: "parse, cached", value: cached, unit: "instr/s", target: ">= 100,000/s", note: from },
    { name: "reject a 1 MB instruction", value: reject * 1000, unit: "µs", note: "parse/too-long before any scan" },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) printResults("parse", await run());
