import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OmnispecError } from "../src/errors.js";
import { smartResize, type SmartResizeVariant } from "../src/modalities/image/smart-resize.js";
import { imageGrid } from "../src/modalities/image/tokens.js";

interface Result {
  resized_height?: number;
  resized_width?: number;
  grid_t?: number;
  grid_h?: number;
  grid_w?: number;
  num_patches?: number;
  num_tokens?: number;
  degenerate_zero_dim?: boolean;
  error?: string;
  message?: string;
}
interface Case {
  id: number;
  profile: string;
  height: number;
  width: number;
  factor: number;
  patch_size: number;
  merge_size: number;
  min_pixels: number;
  max_pixels: number;
  results: Record<string, Result>;
}
interface PipelineCase {
  pipeline: string;
  height: number;
  width: number;
  after_qwen_vl_utils: [number, number];
  after_hf_processor: [number, number];
  changed_by_processor: boolean;
  grid_thw: [number, number, number];
  num_tokens: number;
}
interface Golden {
  profiles: Record<string, { factor: number; min_pixels: number; max_pixels: number; implementations: string[] }>;
  cases: Case[];
  pipeline_cases: PipelineCase[];
}

const golden = JSON.parse(readFileSync(new URL("./golden/image_resize.json", import.meta.url), "utf8")) as Golden;

const VARIANT: Record<string, SmartResizeVariant> = {
  transformers_current: "current",
  transformers_guarded: "transformers-4.52",
  "qwen_vl_utils_0.0.10": "qwen-vl-utils-0.0.10",
  "qwen_vl_utils_0.0.11": "qwen-vl-utils-0.0.11",
  "qwen_vl_utils_0.0.14": "qwen-vl-utils-0.0.14",
};

function errorOf(fn: () => unknown): OmnispecError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof OmnispecError) return e;
    throw e;
  }
}

/** checks one (case, implementation) result; returns a description of the first mismatch or "" */
function check(c: Case, impl: string, r: Result): string {
  const variant = VARIANT[impl];
  if (!variant) return `unknown implementation ${impl}`;
  const opts = { height: c.height, width: c.width, factor: c.factor, minPixels: c.min_pixels, maxPixels: c.max_pixels, variant };
  if (r.error !== undefined) {
    const err = errorOf(() => smartResize(opts));
    if (!err) return "expected an error";
    const code = r.message?.startsWith("absolute aspect ratio") ? "media/aspect-ratio" : "media/too-small";
    if (err.code !== code) return `code ${err.code} != ${code}`;
    if (!err.message.startsWith(r.message ?? "")) return `message "${err.message}" != "${r.message}"`;
    return "";
  }
  const got = smartResize(opts);
  if (got.height !== r.resized_height || got.width !== r.resized_width) {
    return `size ${got.height}x${got.width} != ${r.resized_height}x${r.resized_width}`;
  }
  if (got.degenerate !== r.degenerate_zero_dim) return `degenerate ${got.degenerate} != ${r.degenerate_zero_dim}`;
  if (got.degenerate) {
    const err = errorOf(() => smartResize({ ...opts, rejectDegenerate: true }));
    if (err?.code !== "media/degenerate") return "rejectDegenerate did not throw media/degenerate";
  }
  const grid = imageGrid(got, { patchSize: c.patch_size, mergeSize: c.merge_size, temporalPatchSize: 2 });
  const want = [r.grid_t, r.grid_h, r.grid_w, r.num_patches, r.num_tokens];
  const have = [...grid.gridThw, grid.patches, grid.tokens];
  if (JSON.stringify(have) !== JSON.stringify(want)) return `grid ${JSON.stringify(have)} != ${JSON.stringify(want)}`;
  return "";
}

describe("golden image_resize.json", () => {
  it("covers every implementation variant and error kind", () => {
    const impls = new Set(golden.cases.flatMap((c) => Object.keys(c.results)));
    expect([...impls].sort()).toEqual(Object.keys(VARIANT).sort());
    const all = golden.cases.flatMap((c) => Object.values(c.results));
    expect(all.some((r) => r.degenerate_zero_dim)).toBe(true);
    expect(all.some((r) => r.message?.startsWith("height:"))).toBe(true);
    expect(all.some((r) => r.message?.startsWith("absolute aspect ratio"))).toBe(true);
  });

  for (const impl of Object.keys(VARIANT)) {
    it(`matches every ${impl} result`, () => {
      let total = 0;
      const failures: string[] = [];
      for (const c of golden.cases) {
        const r = c.results[impl];
        if (!r) continue;
        total++;
        const why = check(c, impl, r);
        if (why) failures.push(`case ${c.id} (${c.height}x${c.width}, ${c.profile}): ${why}`);
      }
      expect(total).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    });
  }

  it("uses the profile bounds each case names", () => {
    for (const c of golden.cases) {
      const p = golden.profiles[c.profile];
      expect([c.factor, c.min_pixels, c.max_pixels]).toEqual([p.factor, p.min_pixels, p.max_pixels]);
      expect(Object.keys(c.results).sort()).toEqual([...p.implementations].sort());
    }
  });

  it("matches every pipeline (double resize) case", () => {
    expect(golden.pipeline_cases.length).toBeGreaterThan(0);
    for (const p of golden.pipeline_cases) {
      const qwen3 = p.pipeline.startsWith("qwen3vl");
      const [, lo, hi] = /\((\d+)\.\.(\d+)\)/.exec(p.pipeline) ?? [];
      const first = smartResize({
        height: p.height,
        width: p.width,
        factor: qwen3 ? 32 : 28,
        variant: qwen3 ? "qwen-vl-utils-0.0.14" : "qwen-vl-utils-0.0.10",
      });
      expect([first.height, first.width], p.pipeline).toEqual(p.after_qwen_vl_utils);
      const second = smartResize({ height: first.height, width: first.width, family: qwen3 ? "qwen3-vl" : "qwen2.5-vl", minPixels: Number(lo), maxPixels: Number(hi) });
      expect([second.height, second.width], p.pipeline).toEqual(p.after_hf_processor);
      expect(second.height !== first.height || second.width !== first.width).toBe(p.changed_by_processor);
      const grid = imageGrid(second, { patchSize: qwen3 ? 16 : 14, mergeSize: 2, temporalPatchSize: 2 });
      expect(grid.gridThw).toEqual(p.grid_thw);
      expect(grid.tokens).toBe(p.num_tokens);
    }
  });
});
