// the fast positions summary agrees with ropeIndex over the full ids, on plans of every shape it serves.
import { describe, expect, it } from "vitest";
import { defineTask } from "../task/define-task.js";
import { modelPresets } from "../../presets/models.js";
import { compile } from "./compile.js";
import { planPositionIds, positionsSummary } from "./positions.js";
import type { ModelPreset } from "./preset.js";
import type { PlanJSON } from "./types.js";

function fromFullIds(plan: PlanJSON, preset: ModelPreset): { delta: number; ranges: ([number, number] | null)[] } {
  const { positionIds, delta } = planPositionIds(plan, preset, { typed: true });
  const t = positionIds[0];
  let k = 0;
  const ranges = plan.segments.map((s) => {
    if (s.side !== "source" || s.tokens === 0) return null;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = k; i < k + s.tokens; i++) {
      lo = Math.min(lo, t[i]);
      hi = Math.max(hi, t[i]);
    }
    k += s.tokens;
    return [lo, hi] as [number, number];
  });
  return { delta, ranges };
}

describe("positions summary", () => {
  const task = defineTask("[IMAGE:a] look at [IMAGE:b[]] and [VIDEO:v] then say -> [TEXT:out]");
  const sizes = [
    [640, 480],
    [28, 28],
    [1920, 1080],
    [333, 1000],
    [97, 61],
  ];
  const videos = ["meta:frames=300,fps=30,width=640,height=360", "meta:frames=95,fps=24,width=854,height=480", "meta:frames=1000,fps=7,width=200,height=1000"];
  for (const name of ["qwen2-vl", "qwen2.5-vl", "qwen3-vl", "ofa"] as const) {
    it(`${name}: the block arithmetic equals the full ropeIndex`, async () => {
      const preset = modelPresets[name];
      let checked = 0;
      for (const [w, h] of sizes) {
        for (const v of videos) {
          const sample = { a: `size:${w}x${h}`, b: [`size:${h}x${w}`, "size:50x50"], v };
          const plan = (await compile(task, sample, { preset: name })).toJSON();
          const fast = positionsSummary(plan, preset);
          const full = fromFullIds(plan, preset);
          expect(fast.delta).toBe(full.delta);
          expect(fast.ranges).toEqual(full.ranges);
          expect(fast.length).toBe(plan.source_tokens);
          checked++;
        }
      }
      expect(checked).toBe(15);
    });
  }

  it("each image of a list slot is its own vision block", async () => {
    const plan = (await compile(task, { a: "size:56x56", b: ["size:56x56", "size:112x56"], v: videos[0] }, { preset: "qwen2-vl" })).toJSON();
    const images = plan.segments.filter((s) => s.kind === "image");
    expect(images.map((s) => s.tokens)).toEqual([4, 4, 8]);
    expect(plan.segments.filter((s) => s.text === "<|vision_start|>")).toHaveLength(4);
  });
});
