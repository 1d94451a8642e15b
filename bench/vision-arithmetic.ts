// pure image/video arithmetic: how fast sizes, frame plans and tile grids are computed (no decoding).
import { fileURLToPath } from "node:url";
import { smartResize, SMART_RESIZE_VARIANTS } from "../src/modalities/image/smart-resize.js";
import { tileGrid } from "../src/modalities/image/tiles.js";
import { planVideoFrames } from "../src/modalities/video/resize.js";
import { sampleFrames } from "../src/modalities/video/sample-frames.js";
import { linspaceFloat32Torch, linspaceFloat64 } from "../src/util/numeric.js";
import { printResults, type BenchResult } from "./types.js";

function perCallMicros(fn: () => void, minMs = 200): number {
  for (let i = 0; i < 200; i++) fn();
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    for (let i = 0; i < 100; i++) fn();
    calls += 100;
    t = performance.now();
  }
  return ((t - t0) * 1000) / calls;
}

export async function run(): Promise<BenchResult[]> {
  const sizes = [[1080, 1920], [480, 640], [3024, 4032], [31, 639], [70, 70], [7000, 7000], [224, 224], [100000, 500]];
  let k = 0;
  const resize = perCallMicros(() => {
    const [h, w] = sizes[k++ % sizes.length];
    smartResize({ height: h, width: w, variant: SMART_RESIZE_VARIANTS[k % SMART_RESIZE_VARIANTS.length], maxPixels: 1003520 });
  });
  const linF32 = perCallMicros(() => void linspaceFloat32Torch(0, 107999, 768));
  const linF64 = perCallMicros(() => void linspaceFloat64(0, 107999, 768));
  const sample = perCallMicros(() => void sampleFrames({ totalFrames: 108000, videoFps: 30 }));
  const planQ25 = perCallMicros(() => void planVideoFrames({ totalFrames: 108000, fps: 30, width: 1920, height: 1080 }, {}, "qwen2.5-vl"));
  const planQ3 = perCallMicros(() => void planVideoFrames({ totalFrames: 108000, fps: 30, width: 1920, height: 1080 }, {}, "qwen3-vl"));
  let j = 0;
  const tiles = perCallMicros(() => {
    const [h, w] = sizes[j++ % sizes.length];
    tileGrid({ width: w, height: h });
  });
  return [
    { name: "smartResize (mixed sizes and variants)", value: resize, unit: "µs/call" },
    {
      name: "torch float32 linspace emulation, n=768",
      value: linF32,
      unit: "µs/call",
      peer: "float64 linspace (inexact policy)",
      peerValue: linF64,
      ratio: linF64 / linF32,
      note: "cost of bit-exact frame indices",
    },
    { name: "sampleFrames, 1 h @30 fps (768 frames)", value: sample, unit: "µs/call" },
    { name: "planVideoFrames Qwen2.5-VL, 1 h video", value: planQ25, unit: "µs/call" },
    { name: "planVideoFrames Qwen3-VL (two resizes, timestamps text)", value: planQ3, unit: "µs/call" },
    { name: "tileGrid InternVL 1..12 (cached candidates)", value: tiles, unit: "µs/call" },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printResults("vision-arithmetic", await run());
