// ropeIndex for a Qwen2.5-Omni plan of the 30 s film clip with its audio (use_audio_in_video): time and memory.
import v8 from "node:v8";
import vm from "node:vm";
import { fileURLToPath } from "node:url";
import { smartResize } from "../src/modalities/image/smart-resize.js";
import { tokenLayout } from "../src/positions/layout.js";
import { ropeIndex } from "../src/positions/rope-index.js";
import { median, printResults, type BenchResult } from "./types.js";

// the clip's metadata (shared/media/video/bbb_480p_30s.mp4): 854x480, 24 fps, 30.02 s, so no media is needed here
const CLIP = { width: 854, height: 480, fps: 24, seconds: 30.02 };

/** the Omni input for the clip with qwen-omni-utils / processor defaults (qwen-reference §3.1, §3.3, §3.4, §5) */
export function filmLayout(): ReturnType<typeof tokenLayout> {
  const totalFrames = Math.round(CLIP.seconds * CLIP.fps);
  // smart_nframes at 2 fps: 60 frames (even, within [4, 768])
  const nframes = Math.floor(Math.min(Math.max((totalFrames / CLIP.fps) * 2, 4), Math.min(768, totalFrames)) / 2) * 2;
  // per-frame budget: max(min(768·28², total/n·2), int(128·28²·1.05)), VIDEO_TOTAL_PIXELS = 128000·28²·0.9
  const minPixels = 128 * 28 * 28;
  const maxPixels = Math.max(Math.min(768 * 28 * 28, ((128000 * 28 * 28 * 0.9) / nframes) * 2), Math.trunc(minPixels * 1.05));
  const size = smartResize({ height: CLIP.height, width: CLIP.width, factor: 28, minPixels, maxPixels, variant: "qwen-vl-utils-0.0.10" });
  const grid = [nframes / 2, size.height / 14, size.width / 14] as const;
  // Omni feature extractor: 300 s window, so 30.02 s is not truncated; mask length ceil(N / 160)
  const melFrames = Math.ceil(Math.round(CLIP.seconds * 16000) / 160);
  const text = (n: number, id: number): { kind: "text"; ids: number[] } => ({ kind: "text", ids: Array.from({ length: n }, (_, i) => id + i) });
  return tokenLayout({
    family: "qwen2.5-omni",
    parts: [text(24, 1000), { kind: "video", gridThw: grid, secondPerGrid: 2 / 2, audio: { melFrames } }, text(12, 2000)],
  });
}

function time(f: () => unknown, runs: number): number {
  for (let i = 0; i < 5; i++) f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** retained heap per result, measured over `k` kept results after full collections */
function heapPer(f: () => unknown, k: number): number {
  gc();
  const before = process.memoryUsage();
  const kept: unknown[] = [];
  for (let i = 0; i < k; i++) kept.push(f());
  gc();
  const after = process.memoryUsage();
  const bytes = after.heapUsed - before.heapUsed + (after.arrayBuffers - before.arrayBuffers);
  if (kept.length !== k) throw new Error("unreachable");
  return bytes / k;
}

export async function run(): Promise<BenchResult[]> {
  const layout = filmLayout();
  const L = layout.inputIds.length;
  const opts = { scheme: "qwen2.5-omni" as const, inputIds: layout.inputIds, ...layout.rope };
  const grid = layout.rope.videoGridThw[0];
  const what = `L = ${L.toLocaleString("en-US")} (video ${grid.join("x")}, audio ${layout.rope.audioFeatureLengths[0]} mel frames)`;
  const chunks = layout.segments.filter((s) => s.chunk !== undefined).length;
  const plainMs = time(() => ropeIndex(opts), 40);
  const typedMs = time(() => ropeIndex({ ...opts, typed: true }), 40);
  const layoutMs = time(() => filmLayout(), 40);
  const plainHeap = heapPer(() => ropeIndex(opts), 20);
  const typedHeap = heapPer(() => ropeIndex({ ...opts, typed: true }), 20);
  return [
    { name: "ropeIndex Omni film+audio, plain arrays", value: plainMs, unit: "ms", note: `median of 40; ${what}` },
    { name: "ropeIndex Omni film+audio, Int32Array rows", value: typedMs, unit: "ms", note: "median of 40" },
    { name: "tokenLayout Omni film+audio", value: layoutMs, unit: "ms", note: `${chunks} interleaved chunks, median of 40` },
    { name: "retained memory per result, plain arrays", value: plainHeap / 1024, unit: "KiB", note: "heap delta over 20 kept results, after gc" },
    { name: "retained memory per result, Int32Array rows", value: typedHeap / 1024, unit: "KiB", note: `typed rows hold exactly 3 x L x 4 B = ${((3 * L * 4) / 1024).toFixed(1)} KiB` },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printResults("positions", await run());
