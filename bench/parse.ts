// parsing speed: the 23 OFASys instructions plus 100 generated ones, with the parse cache and without it.
import { pathToFileURL } from "node:url";
import { taskPresets } from "../presets/tasks.js";
import { printResults, type BenchResult } from "./types.js";

const MODS = ["IMAGE", "TEXT", "VIDEO", "AUDIO", "BOX", "STRUCT"];

function generated(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = 1 + (i % 4);
    const src = Array.from({ length: k }, (_, j) => `[${MODS[(i + j) % MODS.length]}:s${j}${j === 0 && i % 3 === 0 ? ",max_length=64" : ""}] part ${j} of prompt ${i}`).join(" ");
    const tgt = i % 5 === 0 ? `[CATEGORY:label,choices=yes|no|maybe]` : `[TEXT:out${i % 7},max_length=${16 + i}]`;
    out.push(`${src} -> ${tgt}`);
  }
  return out;
}

// the built package (what users run; npm run bench builds first), else the sources through tsx
async function parser(): Promise<{ parseInstruction: (s: string) => unknown; from: string }> {
  try {
    const m = (await import(new URL("../dist/src/instruction/index.js", import.meta.url).href)) as { parseInstruction: (s: string) => unknown };
    return { parseInstruction: m.parseInstruction, from: "dist" };
  } catch {
    const m = await import("../src/instruction/index.js");
    return { parseInstruction: m.parseInstruction, from: "src via tsx" };
  }
}

export async function run(): Promise<BenchResult[]> {
  const { parseInstruction, from } = await parser();
  const ofasys = Object.values(taskPresets)
    .filter((t) => !("origin" in t) || t.origin === "ofasys")
    .map((t) => t.instruction);
  const all = [...ofasys, ...generated(100)];
  const rounds = 400;
  // cold: a unique suffix per call defeats the cache, so every call really parses
  let t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const s of all) parseInstruction(`${s} ${r}`);
  const cold = (rounds * all.length) / ((performance.now() - t0) / 1000);
  for (const s of all) parseInstruction(s);
  t0 = performance.now();
  for (let r = 0; r < rounds * 10; r++) for (const s of all) parseInstruction(s);
  const cached = (rounds * 10 * all.length) / ((performance.now() - t0) / 1000);
  const regex = /\[(TEXT|IMAGE|BOX|AUDIO|MOTION|PHONE|VIDEO|STRUCT|CATEGORY)(?::([_A-Za-z0-9]+))?(?:,([_A-Za-z0-9,.=]+))?\]/g;
  t0 = performance.now();
  let hits = 0;
  for (let r = 0; r < rounds; r++) for (const s of all) hits += [...`${s} ${r}`.matchAll(regex)].length;
  const peer = (rounds * all.length) / ((performance.now() - t0) / 1000);
  return [
    { name: `parse, no cache (${all.length} instructions)`, value: cold, unit: "instr/s", peer: "OFASys slot regex alone", peerValue: peer, ratio: cold / peer, target: ">= 100,000/s", note: `${from}; ${hits} regex hits` },
    { name: "parse, cached", value: cached, unit: "instr/s", target: ">= 100,000/s", note: from },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) printResults("parse", await run());
