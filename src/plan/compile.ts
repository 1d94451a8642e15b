// the plan compiler: walks the instruction in order, asks each slot's planner, and assembles the model's input spans.
import type { Segment, Side, SlotNode } from "../instruction/ast.js";
import { OmnispecError } from "../errors.js";
import { estimateCounter, loadTokenizer, type TextCounter } from "../modalities/text/tokenizer.js";
import { slotSchema, type Task, type TaskSlot } from "../task/define-task.js";
import { modelPresets } from "../../presets/models.js";
import { suggest } from "../util/suggest.js";
import { defaultLimits, getPlanner, type MediaLimits, type PlanContext, type SegmentDraft } from "./planners.js";
import { Plan } from "./plan.js";
import { positionsSummary } from "./positions.js";
import type { ModelPreset } from "./preset.js";
import type { PlanJSON, PlanSegment, SlotPlanJSON } from "./types.js";
import "../modalities/planners.js";

export interface CompileOptions {
  /** a model preset name ("qwen2-vl", "ofa", ...) or a preset object; default "qwen2-vl" */
  preset?: string | ModelPreset;
  /** a tokenizer.json path, a model folder, or a counter; without one, text counts are estimates (`exact: false`) */
  tokenizer?: string | TextCounter;
  /** plan from metadata and headers only; never decode pixels or samples */
  metadataOnly?: boolean;
  /** bounds for untrusted media */
  limits?: Partial<MediaLimits>;
  /** folder that relative media paths are resolved against */
  baseDir?: string;
}

/**
 * Resolves a model preset by name, with a suggestion for a near miss.
 *
 * @example
 * import { resolvePreset } from "omnispec/plan";
 * resolvePreset("qwen2-vl").image; // { resize: "smart", patchSize: 14, ... }
 */
export function resolvePreset(preset: string | ModelPreset | undefined): ModelPreset {
  if (preset === undefined) return modelPresets["qwen2-vl"];
  if (typeof preset !== "string") return preset;
  const hit = (modelPresets as Record<string, ModelPreset>)[preset];
  if (hit) return hit;
  const names = Object.keys(modelPresets);
  const near = suggest(preset, names);
  throw new OmnispecError("preset/unknown", `unknown model preset "${preset}"`, {
    value: preset,
    hint: near ? `did you mean "${near}"? known presets: ${names.join(", ")}` : `known presets: ${names.join(", ")}`,
  });
}

const estimates = new Map<number, TextCounter>();

function counterFor(opt: string | TextCounter | undefined, preset: ModelPreset): TextCounter {
  if (opt === undefined) {
    let c = estimates.get(preset.text.charsPerToken);
    if (!c) estimates.set(preset.text.charsPerToken, (c = estimateCounter(preset.text.charsPerToken)));
    return c;
  }
  return typeof opt === "string" ? loadTokenizer(opt) : opt;
}

interface Occurrence {
  slot: SlotNode;
  value: unknown;
  /** key in plan.slots: the slot name, or `group[i].field` inside a repetition */
  key: string;
  plan?: SlotPlanJSON;
}

type Draft = { side: Side; occurrence?: Occurrence; text?: string };

/**
 * Compiles one sample of a task into a plan: the ordered spans of the model's input, every slot's steps and token counts.
 *
 * @example
 * import { defineTask, compile } from "omnispec";
 * const task = defineTask("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
 * const plan = await compile(task, { img: "size:1920x1080" }, { preset: "qwen2-vl" });
 * plan.toJSON().slots.img.grid_thw; // [1, 78, 138]
 */
export async function compile(task: Task, sample: Record<string, unknown>, options: CompileOptions = {}): Promise<Plan> {
  if (sample === null || typeof sample !== "object" || Array.isArray(sample)) {
    throw new OmnispecError("input/invalid", "a sample is an object keyed by slot names", {
      value: sample,
      hint: `expected keys: ${task.inputs.map((s) => s.name).join(", ")}`,
    });
  }
  const preset = resolvePreset(options.preset);
  const ctx: PlanContext = {
    preset,
    text: counterFor(options.tokenizer, preset),
    planned: new Map(),
    metadataOnly: options.metadataOnly ?? false,
    limits: options.limits ? { ...defaultLimits, ...options.limits } : defaultLimits,
    warnings: [],
    baseDir: options.baseDir,
  };
  for (const w of task.parsed.warnings) ctx.warnings.push(w.message);
  checkKeys(task, sample);

  const drafts: Draft[] = [];
  const occurrences: Occurrence[] = [];
  const add = (segments: readonly Segment[], side: Side, values: Record<string, unknown>, prefix: string) => {
    for (const seg of segments) {
      if (seg.kind === "text") drafts.push({ side, text: seg.text });
      else if (seg.kind === "slot") {
        const occ: Occurrence = { slot: seg, value: values[seg.name], key: prefix + seg.name };
        occurrences.push(occ);
        drafts.push({ side, occurrence: occ });
      } else if (seg.kind === "choice") {
        const chosen = seg.options.find((o) => values[o.name] !== undefined) ?? (side === "target" ? seg.options[0] : undefined);
        if (!chosen) {
          throw new OmnispecError("input/missing", `one of ${seg.options.map((o) => `"${o.name}"`).join(" or ")} is required`, {
            slot: seg.options.map((o) => o.name).join("|"),
          });
        }
        const occ: Occurrence = { slot: chosen, value: values[chosen.name], key: prefix + chosen.name };
        occurrences.push(occ);
        drafts.push({ side, occurrence: occ });
      } else {
        const items = values[seg.name];
        if (items === undefined && side === "target") continue;
        if (!Array.isArray(items)) {
          throw new OmnispecError("input/invalid", "a repetition group takes a list of objects", { slot: seg.name, value: items });
        }
        items.forEach((item, i) => {
          if (item === null || typeof item !== "object") {
            throw new OmnispecError("input/invalid", "each item of a repetition group is an object", { slot: `${seg.name}[${i}]`, value: item });
          }
          add(seg.segments, side, item as Record<string, unknown>, `${prefix}${seg.name}[${i}].`);
        });
      }
    }
  };
  add(task.parsed.source, "source", sample, "");
  add(task.parsed.target, "target", sample, "");

  // media first, then slots that refer to them (boxes live in an image's frame)
  const ordered = [...occurrences].sort((a, b) => (getPlanner(a.slot.modality)?.order ?? 0) - (getPlanner(b.slot.modality)?.order ?? 0));
  const byKey = new Map<string, SlotPlanJSON>();
  for (const occ of ordered) {
    const again = byKey.get(occ.key);
    if (again && occ.value === undefined) {
      occ.plan = again;
      continue;
    }
    occ.plan = await planOccurrence(occ, ctx);
    if (!byKey.has(occ.key)) byKey.set(occ.key, occ.plan);
    ctx.planned.set(occ.key, occ.plan);
  }

  const segments = assemble(drafts, ctx);
  const slots: Record<string, SlotPlanJSON> = {};
  for (const [k, v] of byKey) slots[k] = v;
  let source = 0;
  let target = 0;
  for (const s of segments) {
    if (s.side === "source") source += s.tokens;
    else target += s.tokens;
  }
  const exact = ctx.text.exact && Object.values(slots).every((s) => s.exact);
  const data: PlanJSON = {
    preset: preset.name,
    instruction: task.instruction,
    total_tokens: source + target,
    exact,
    source_tokens: source,
    target_tokens: target,
    segments,
    slots,
    positions: positionsSummary({ segments, slots }, preset),
    tokenizer: ctx.text.source,
    warnings: ctx.warnings,
  };
  return new Plan(data);
}

const schemas = new WeakMap<TaskSlot, { input: ReturnType<typeof slotSchema>; output: ReturnType<typeof slotSchema> }>();

function validate(slot: TaskSlot, value: unknown, io: "input" | "output"): void {
  let s = schemas.get(slot);
  if (!s) {
    s = { input: slotSchema(slot, "input"), output: slotSchema(slot, "output") };
    schemas.set(slot, s);
  }
  const r = s[io].safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    const at = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new OmnispecError("input/invalid", `value does not fit ${slot.modality} slot "${slot.name}"${at}: ${issue?.message ?? "invalid"}`, {
      slot: slot.name,
      value: typeof value === "string" && value.length > 200 ? value.slice(0, 200) + "…" : value instanceof Uint8Array ? `<${value.length} bytes>` : value,
    });
  }
}

const knownNames = new WeakMap<Task, Set<string>>();

function checkKeys(task: Task, sample: Record<string, unknown>): void {
  let known = knownNames.get(task);
  if (!known) knownNames.set(task, (known = new Set([...task.inputs, ...task.outputs].map((s) => s.name))));
  // a target value in a sample is data (a reference or training label): it may take any form an input may
  for (const s of task.outputs) if (sample[s.name] !== undefined) validate(s, sample[s.name], "input");
  for (const s of task.inputs) {
    if (sample[s.name] !== undefined) validate(s, sample[s.name], "input");
    if (sample[s.name] === undefined && !s.optional && !s.alternative) {
      const near = suggest(s.name, Object.keys(sample).filter((k) => !known.has(k)));
      throw new OmnispecError("input/missing", `the sample has no value for input slot "${s.name}" (${s.modality})`, {
        slot: s.name,
        hint: near ? `the sample has "${near}": rename it to "${s.name}"?` : `provide "${s.name}"`,
      });
    }
  }
}

async function planOccurrence(occ: Occurrence, ctx: PlanContext): Promise<SlotPlanJSON> {
  const { slot, value } = occ;
  const planner = getPlanner(slot.modality);
  if (!planner) {
    return { modality: slot.modality, side: slot.side, tokens: 0, exact: false, steps: [{ op: "unplanned", params: {}, note: `no planner for ${slot.modality}` }] };
  }
  if (slot.list && value !== undefined) {
    if (!Array.isArray(value)) throw new OmnispecError("input/invalid", "a list slot takes an array", { slot: occ.key, value });
    const items: SlotPlanJSON[] = [];
    for (let i = 0; i < value.length; i++) items.push(await planner.plan({ ...slot, name: `${occ.key}[${i}]` }, value[i], ctx));
    return {
      modality: slot.modality,
      side: slot.side,
      tokens: items.reduce((a, b) => a + b.tokens, 0),
      exact: items.every((i) => i.exact),
      steps: [],
      items,
    };
  }
  return planner.plan(keyed(occ), value, ctx);
}

/** the slot under its plan key (differs from its name only inside repetition groups) */
function keyed(occ: Occurrence): SlotNode {
  return occ.key === occ.slot.name ? occ.slot : { ...occ.slot, name: occ.key };
}

function segment(kind: string, slot: string | undefined, side: Side, tokens: number, text: string | undefined): PlanSegment {
  // key order as documented: { kind, slot?, side, tokens, text? }
  if (slot === undefined) return text === undefined ? { kind, side, tokens } : { kind, side, tokens, text };
  return text === undefined ? { kind, slot, side, tokens } : { kind, slot, side, tokens, text };
}

function assemble(drafts: readonly Draft[], ctx: PlanContext): PlanSegment[] {
  const out: PlanSegment[] = [];
  const groups = ctx.preset.text.wrap === "ofa-groups";
  let openGroup: Side | undefined;
  const close = () => {
    if (openGroup !== undefined && ctx.preset.text.eos) out.push(segment("special", undefined, openGroup, 1, ctx.preset.text.eos));
    openGroup = undefined;
  };
  for (const d of drafts) {
    const planner = d.occurrence ? getPlanner(d.occurrence.slot.modality) : undefined;
    const textLike = d.text !== undefined || planner?.textLike === true;
    if (groups) {
      if (!textLike || openGroup !== d.side) close();
      if (textLike && openGroup === undefined) {
        if (ctx.preset.text.bos) out.push(segment("special", undefined, d.side, 1, ctx.preset.text.bos));
        openGroup = d.side;
      }
    }
    if (d.text !== undefined) {
      out.push(segment("text", undefined, d.side, ctx.text.count(d.text), d.text));
      continue;
    }
    const occ = d.occurrence!;
    const plan = occ.plan!;
    const slot = keyed(occ);
    const one = (p: typeof plan): SegmentDraft[] =>
      planner?.segments ? planner.segments(slot, p, ctx) : [{ kind: occ.slot.modality.toLowerCase(), slot: occ.key, tokens: p.tokens }];
    // a list slot contributes each item's spans in turn (each image its own vision block)
    const drafted = plan.items ? plan.items.flatMap((item) => one(item).map((d) => ({ ...d, slot: d.slot === undefined ? undefined : occ.key }))) : one(plan);
    for (const s of drafted) out.push(segment(s.kind, s.slot, d.side, s.tokens, s.text));
  }
  close();
  return out;
}
