import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OmnispecError } from "../src/errors.js";
import type { VisionFamily } from "../src/modalities/image/smart-resize.js";
import { planVideoFrames, videoGrid, type PlanVideoOptions } from "../src/modalities/video/resize.js";
import type { FrameSamplingVariant } from "../src/modalities/video/sample-frames.js";
import { linspaceFloat32Torch, linspaceFloat64, roundHalfEven } from "../src/util/numeric.js";

interface Sizes {
  resized_height: number;
  resized_width: number;
  grid_thw: [number, number, number];
  tokens_per_grid_t: number;
  num_tokens: number;
}
interface Result extends Partial<Sizes> {
  nframes?: number;
  frame_indices?: number[];
  sample_fps?: number;
  second_per_grid_t_qwen25vl?: number;
  second_per_grid_t_omni_default_fps2?: number;
  qwen3vl_timestamps?: number[];
  qwen3vl_timestamp_strings?: string[];
  after_hf_qwen3vl_video_processor_hub_size?: Sizes;
  error?: string;
  message?: string;
}
interface Case {
  impl: string;
  total_frames: number;
  video_fps: number;
  height: number;
  width: number;
  options: Record<string, number | null>;
  result: Result;
}
interface Golden {
  cases: Case[];
  linspace_float32_cases: {
    cases: { total_frames: number; nframes: number; torch_indices: number[]; positions_where_float64_exact_differs: [number, number, number][] }[];
  };
}

const golden = JSON.parse(readFileSync(new URL("./golden/video.json", import.meta.url), "utf8")) as Golden;

const IMPL: Record<string, { family: VisionFamily; variant: FrameSamplingVariant }> = {
  "qwen_vl_utils_0.0.10": { family: "qwen2.5-vl", variant: "qwen-vl-utils-0.0.10" },
  "qwen_omni_utils_0.0.3": { family: "qwen2.5-omni", variant: "qwen-vl-utils-0.0.10" },
  "qwen_vl_utils_0.0.14_patch14": { family: "qwen2.5-vl", variant: "qwen-vl-utils-0.0.14" },
  "qwen_vl_utils_0.0.14_patch16_qwen3vl": { family: "qwen3-vl", variant: "qwen-vl-utils-0.0.14" },
  transformers_Qwen3VLVideoProcessor: { family: "qwen3-vl", variant: "transformers-qwen3-vl" },
  transformers_Qwen2VLVideoProcessor_do_sample_frames: { family: "qwen2-vl", variant: "transformers-qwen2-vl" },
};

function optionsOf(c: Case): PlanVideoOptions {
  const o = c.options;
  const v = (k: string): number | undefined => (o[k] === null || o[k] === undefined ? undefined : o[k]);
  return {
    fps: v("fps"),
    nframes: v("nframes") ?? v("num_frames"),
    minFrames: v("min_frames"),
    maxFrames: v("max_frames"),
    start: v("video_start"),
    end: v("video_end"),
    minPixels: v("min_pixels"),
    maxPixels: v("max_pixels"),
    totalPixels: v("total_pixels"),
    resizedHeight: v("resized_height"),
    resizedWidth: v("resized_width"),
  };
}

function check(c: Case): string {
  const { family, variant } = IMPL[c.impl];
  const meta = { totalFrames: c.total_frames, fps: c.video_fps, width: c.width, height: c.height };
  const opts = { ...optionsOf(c), variant };
  const r = c.result;
  if (r.error !== undefined) {
    let err: unknown;
    try {
      planVideoFrames(meta, opts, family);
    } catch (e) {
      err = e;
    }
    if (!(err instanceof OmnispecError)) return "expected an OmnispecError";
    if (!err.message.startsWith(r.message ?? "")) return `message "${err.message}" != "${r.message}"`;
    return "";
  }
  const p = planVideoFrames(meta, opts, family);
  const diffs: string[] = [];
  const eq = (name: string, got: unknown, want: unknown): void => {
    if (want !== undefined && JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`${name}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
  };
  eq("nframes", p.nframes, r.nframes);
  eq("frame_indices", p.indices, r.frame_indices);
  eq("timestamps", p.timestamps, r.frame_indices?.map((i) => i / c.video_fps));
  if (!variant.startsWith("transformers")) eq("sample_fps", p.sampleFps, r.sample_fps);
  const first = p.resizes[0];
  eq("resized", [first.height, first.width], [r.resized_height, r.resized_width]);
  const g = videoGrid({ nframes: p.nframes, ...first }, { patchSize: family === "qwen3-vl" ? 16 : 14, mergeSize: 2, temporalPatchSize: 2 });
  eq("grid_thw", g.gridThw, r.grid_thw);
  eq("tokens_per_grid_t", g.tokensPerGridT, r.tokens_per_grid_t);
  eq("num_tokens", g.tokens, r.num_tokens);
  const hf = r.after_hf_qwen3vl_video_processor_hub_size ?? (r.resized_height === undefined ? undefined : (r as Sizes));
  if (hf) {
    eq("final size", [p.height, p.width], [hf.resized_height, hf.resized_width]);
    eq("final grid", p.gridThw, hf.grid_thw);
    eq("final tokens", [p.tokensPerGridT, p.tokens], [hf.tokens_per_grid_t, hf.num_tokens]);
  }
  if (family === "qwen2.5-vl") eq("second_per_grid_t", p.secondPerGridT, r.second_per_grid_t_qwen25vl);
  if (r.second_per_grid_t_omni_default_fps2 !== undefined) {
    eq("omni second_per_grid_t", planVideoFrames(meta, opts, "qwen2.5-omni").secondPerGridT, r.second_per_grid_t_omni_default_fps2);
  }
  eq("qwen3vl timestamps", p.gridTimestamps, r.qwen3vl_timestamps);
  eq("qwen3vl timestamp text", p.timestampTexts, r.qwen3vl_timestamp_strings);
  return diffs.join("; ");
}

describe("golden video.json", () => {
  it("knows every implementation in the file", () => {
    expect([...new Set(golden.cases.map((c) => c.impl))].sort()).toEqual(Object.keys(IMPL).sort());
  });

  for (const impl of Object.keys(IMPL)) {
    it(`matches every ${impl} case`, () => {
      const cases = golden.cases.filter((c) => c.impl === impl);
      expect(cases.length).toBeGreaterThan(0);
      const failures = cases.map((c) => [c, check(c)] as const).filter(([, why]) => why);
      expect(failures.map(([c, why]) => `${c.total_frames}@${c.video_fps} ${JSON.stringify(c.options)}: ${why}`)).toEqual([]);
    });
  }

  it("reproduces torch's float32 linspace indices, and float64 where the file says they differ", () => {
    const cases = golden.linspace_float32_cases.cases;
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const torch = Array.from(linspaceFloat32Torch(0, c.total_frames - 1, c.nframes), roundHalfEven);
      expect(torch).toEqual(c.torch_indices);
      const exact = linspaceFloat64(0, c.total_frames - 1, c.nframes).map(roundHalfEven);
      const differs = exact.flatMap((v, i) => (v === torch[i] ? [] : [[i, torch[i], v]]));
      expect(differs).toEqual(c.positions_where_float64_exact_differs);
    }
  });
});
