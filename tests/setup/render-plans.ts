// builds real plans for the render tests from the slot planners alone: media slots, then a text prompt, then the target.
import type { SlotNode } from "../../src/instruction/ast.js";
import { estimateCounter } from "../../src/modalities/text/tokenizer.js";
import { getPlanner, defaultLimits, type PlanContext } from "../../src/plan/planners.js";
import { positionsSummary } from "../../src/plan/positions.js";
import type { ModelPreset } from "../../src/plan/preset.js";
import type { PlanJSON, PlanSegment, SlotPlanJSON } from "../../src/plan/types.js";
import { modelPresets } from "../../presets/models.js";
import "../../src/modalities/planners.js";

export interface SlotSpec {
  modality: string;
  name: string;
  value: unknown;
  attrs?: Record<string, string | number | boolean>;
}

const node = (s: SlotSpec, position: number): SlotNode => ({
  kind: "slot", modality: s.modality, name: s.name, named: true, attrs: s.attrs ?? {}, optional: false, list: false, side: "source", position, span: [0, 0],
});

/** A plan of `slots` (in order) followed by "describe" and a generated TEXT target, for `preset`. */
export async function planOf(presetName: string, slots: SlotSpec[]): Promise<PlanJSON> {
  const preset = (modelPresets as Record<string, ModelPreset>)[presetName];
  const ctx: PlanContext = { preset, text: estimateCounter(preset.text.charsPerToken), planned: new Map(), metadataOnly: false, limits: defaultLimits, warnings: [] };
  const nodes = slots.map(node);
  const plans = new Map<string, SlotPlanJSON>();
  const order = nodes.map((n, i) => [n, slots[i].value] as const).sort(([a], [b]) => (getPlanner(a.modality)?.order ?? 0) - (getPlanner(b.modality)?.order ?? 0));
  for (const [n, v] of order) {
    const p = await getPlanner(n.modality)!.plan(n, v, ctx);
    plans.set(n.name, p);
    ctx.planned.set(n.name, p);
  }
  const segments: PlanSegment[] = [];
  for (const n of nodes) {
    const p = plans.get(n.name)!;
    const drafts = getPlanner(n.modality)!.segments?.(n, p, ctx) ?? [{ kind: n.modality.toLowerCase(), slot: n.name, tokens: p.tokens }];
    for (const d of drafts) segments.push({ ...d, side: "source" });
  }
  segments.push({ kind: "text", side: "source", tokens: 2, text: " describe" });
  segments.push({ kind: "text", slot: "caption", side: "target", tokens: 8 });
  const slotsJson = Object.fromEntries(plans);
  const source = segments.filter((s) => s.side === "source").reduce((a, s) => a + s.tokens, 0);
  return {
    preset: preset.name,
    instruction: nodes.map((n) => `[${n.modality}:${n.name}]`).join(" ") + " describe -> [TEXT:caption]",
    total_tokens: source + 8,
    exact: false,
    source_tokens: source,
    target_tokens: 8,
    segments,
    slots: slotsJson,
    positions: positionsSummary({ segments, slots: slotsJson }, preset),
    tokenizer: "estimate",
    warnings: ctx.warnings,
  };
}
