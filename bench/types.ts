// one benchmark figure; ratios are always against a peer measured in the same run.
import { readFileSync } from "node:fs";

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  peer?: string;
  peerValue?: number;
  /** peerValue / value for times (higher is better), value / peerValue for rates */
  ratio?: number;
  target?: string;
  note?: string;
}

/**
 * This process's peak resident set in MB: VmHWM, which starts afresh at exec. getrusage's maxRSS does not: a child
 * spawned by a big parent reports at least the parent's resident set at the fork.
 */
export function peakRssMb(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}

/** Prints results as an aligned table. */
export function printResults(title: string, results: readonly BenchResult[]): void {
  const rows = results.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.peer ? `${r.peer}: ${fmt(r.peerValue ?? NaN)} ${r.unit}` : "",
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : "",
    r.target ?? "",
    r.note ?? "",
  ]);
  const w = [0, 1, 2, 3, 4].map((c) => Math.max(...rows.map((r) => r[c].length), 0));
  console.log(`\n## ${title}`);
  for (const r of rows) console.log(r.map((c, i) => (i < 5 ? c.padEnd(w[i]) : c)).join("  ").trimEnd());
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return "-";
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString("en-US") : n.toPrecision(3);
}

/** the middle value (the upper one of an even count), as every bench reports its rounds */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}
