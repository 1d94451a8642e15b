// output slots of generative routes: TEXT by generation, CATEGORY by scoring each choice, BOX by decoding constrained
// to the preset's coordinate syntax and mapped back to original pixels, STRUCT as JSON.
import type { PreTrainedTokenizer } from "@huggingface/transformers";
import { OmnispecError } from "../../errors.js";
import { boxFromModel, type BoxFrame } from "../../modalities/box/convention.js";
import type { BoxConvention } from "../../plan/preset.js";
import type { TaskSlot } from "../../task/define-task.js";
import { advance, generate, scoreContinuations, type DecoderState, type StepFn } from "../decode.js";
import { targetTextAfter } from "../prompt.js";
import type { SlotTrace, TokenStat } from "../types.js";
import type { RouteContext, RouteResult } from "./route.js";

export interface GenerativeModel {
  id: string;
  tokenizer: PreTrainedTokenizer;
  step: StepFn;
  eos: ReadonlySet<number>;
  suppress?: readonly number[];
  suppressFirst?: readonly number[];
}

const boxCandidates = new WeakMap<PreTrainedTokenizer, Map<number, string>>();

/** tokens whose text could appear inside a box: digits, brackets, commas, spaces */
function boxTokens(tokenizer: PreTrainedTokenizer): Map<number, string> {
  const hit = boxCandidates.get(tokenizer);
  if (hit) return hit;
  const out = new Map<number, string>();
  for (const [piece, id] of tokenizer.get_vocab()) {
    if (!/^[\dĠ▁ (),[\]]+$/.test(piece)) continue;
    const text = tokenizer.decode([id]);
    if (text.length > 0 && /^[\d (),[\]]+$/.test(text)) out.set(id, text);
  }
  boxCandidates.set(tokenizer, out);
  return out;
}

/** the box syntax of each convention: N is a number of 1-4 digits */
const BOX_SYNTAX: Record<BoxConvention, string> = {
  "qwen2-vl-rel1000": "(N,N),(N,N)",
  "qwen2.5-vl-abs": "[N, N, N, N]",
  "ofa-bins": "N N N N",
};

/** the range of the k-th number (x1, y1, x2, y2): the second corner lies right of and below the first */
function numberRange(values: readonly number[], limit: number): [number, number] {
  const k = values.length;
  return k < 2 ? [0, limit - 1] : [values[k - 2] + 1, limit];
}

/** whether the digits typed so far can still become a number in [lo, hi] (numbers have at most 4 digits) */
function canReach(digits: string, lo: number, hi: number): boolean {
  if (digits === "0") return lo <= 0;
  for (let e = 0; digits.length + e <= 4; e++) {
    const base = Number(digits) * 10 ** e;
    if (base <= hi && base + 10 ** e - 1 >= lo) return true;
  }
  return false;
}

/**
 * 0: invalid, 1: a valid prefix, 2: complete. Numbers are at most `limit`, and the box is a real one: the second
 * corner lies strictly right of and below the first.
 */
export function boxPrefix(text: string, convention: BoxConvention, limit = 1000): 0 | 1 | 2 {
  const syntax = BOX_SYNTAX[convention];
  const values: number[] = [];
  let i = 0;
  let j = 0;
  while (i < text.length) {
    if (j >= syntax.length) return 0;
    if (syntax[j] === "N") {
      const start = i;
      while (i < text.length && /\d/.test(text[i]) && i - start < 4) i++;
      const digits = text.slice(start, i);
      if (digits.length === 0 || (digits.length > 1 && digits[0] === "0") || /\d/.test(text[i] ?? "")) return 0;
      const [lo, hi] = numberRange(values, limit);
      const value = Number(digits);
      const fits = value >= lo && value <= hi;
      if (i === text.length) {
        if (fits && j === syntax.length - 1) return 2;
        return fits || canReach(digits, lo, hi) ? 1 : 0;
      }
      if (!fits) return 0;
      values.push(value);
      j++;
    } else {
      if (text[i] !== syntax[j]) return 0;
      i++;
      j++;
    }
  }
  return j === syntax.length ? 2 : 1;
}

function frameFor(ctx: RouteContext, slot: TaskSlot): BoxFrame {
  const wanted = typeof slot.attrs.image === "string" ? slot.attrs.image : undefined;
  for (const [name, p] of Object.entries(ctx.plan.slots)) {
    if (p.modality !== "IMAGE" || (wanted !== undefined && name !== wanted)) continue;
    const original = p.original as BoxFrame["original"] | undefined;
    const resized = p.resized as BoxFrame["resized"] | undefined;
    if (original && resized) return { original, resized };
  }
  throw new OmnispecError("plan/unsupported", "a BOX output needs an image of known size on the sample", { slot: slot.name });
}

/** Produces every output slot in target order from a prefilled state, continuing the assistant turn between slots. */
export async function generativeOutputs(ctx: RouteContext, m: GenerativeModel, start: DecoderState): Promise<Omit<RouteResult, "input">> {
  const outputs: Record<string, unknown> = {};
  const trace: Record<string, SlotTrace> = {};
  const stats: TokenStat[] = [];
  const names = new Set(ctx.outputs.map((s) => s.name));
  let state = start;
  let thinking: string | undefined;
  const base = { eos: m.eos, tokenizer: m.tokenizer, suppress: m.suppress, suppressFirst: m.suppressFirst, generation: ctx.options.generation, stream: ctx.options.stream };
  for (const slot of ctx.outputs) {
    const choices = Array.isArray(slot.attrs.choices) ? (slot.attrs.choices as string[]) : undefined;
    let produced: number[];
    if (choices && choices.length > 0) {
      const eos = [...m.eos][0];
      const ids = choices.map((c) => [...m.tokenizer.encode(c, { add_special_tokens: false }), ...(eos === undefined ? [] : [eos])]);
      const scores = await ctx.timeModel(() => scoreContinuations(m.step, state, ids));
      const best = scores.indexOf(Math.max(...scores));
      outputs[slot.name] = choices[best];
      trace[slot.name] = { method: "score-choices", scores: Object.fromEntries(choices.map((c, i) => [c, scores[i]])) };
      produced = ids[best].slice(0, -1);
      ctx.options.stream?.(choices[best]);
    } else if (slot.modality === "BOX") {
      const convention = ctx.preset.box.convention;
      const candidates = boxTokens(m.tokenizer);
      const frame = frameFor(ctx, slot);
      const limit = convention === "qwen2.5-vl-abs" ? Math.max(frame.resized.width, frame.resized.height) : convention === "ofa-bins" ? (ctx.preset.box.bins ?? 1000) - 1 : 1000;
      const g = await ctx.timeModel(() =>
        generate(m.step, state, {
          ...base,
          generation: { ...ctx.options.generation, maxNewTokens: Math.max(ctx.options.generation?.maxNewTokens ?? 32, 40) },
          allowed: (ids) => {
            const text = ids.length === 0 ? "" : m.tokenizer.decode([...ids]);
            return [...candidates].filter(([, t]) => boxPrefix(text + t, convention, limit) > 0).map(([id]) => id);
          },
          done: (ids) => boxPrefix(m.tokenizer.decode([...ids]), convention, limit) === 2 && /\)$|\]$|\d \d+ \d+ \d+$/.test(m.tokenizer.decode([...ids])),
        }),
      );
      stats.push(...g.stats);
      const numbers = (g.text.match(/\d+/g) ?? []).map(Number);
      if (numbers.length !== 4) {
        throw new OmnispecError("model/output", `model "${m.id}" wrote no complete box for "${slot.name}": ${JSON.stringify(g.text)}`, {
          slot: slot.name,
          value: g.text,
          hint: "raise generation.maxNewTokens, or check that the model knows the preset's box convention",
        });
      }
      const box = boxFromModel(numbers as unknown as [number, number, number, number], frame, { convention, bins: ctx.preset.box.bins });
      outputs[slot.name] = box.map((v) => Math.round(v * 100) / 100);
      trace[slot.name] = { method: "generate-box", text: g.text, tokens: g.ids.length };
      produced = g.ids;
    } else {
      const g = await ctx.timeModel(() => generate(m.step, state, base));
      stats.push(...g.stats);
      let text = g.text;
      const think = /^\s*<think>([\s\S]*?)<\/think>\s*/.exec(text);
      if (think) {
        thinking = think[1].trim();
        text = text.slice(think[0].length);
      }
      outputs[slot.name] = slot.modality === "STRUCT" ? parseStruct(text, slot.name, m.id) : text.trim();
      trace[slot.name] = { method: "generate", text: g.text, tokens: g.ids.length };
      produced = g.ids;
    }
    const last = slot === ctx.outputs[ctx.outputs.length - 1];
    if (!last) {
      const after = targetTextAfter(ctx.plan, slot.name, names);
      const more = [...produced, ...(after ? m.tokenizer.encode(after, { add_special_tokens: false }) : [])];
      if (more.length > 0) state = (await ctx.timeModel(() => advance(m.step, state, more))).state;
    }
  }
  return { outputs, trace, tokenStats: stats, thinking };
}

function parseStruct(text: string, slot: string, model: string): unknown {
  const start = text.search(/[[{]/);
  try {
    return JSON.parse(start >= 0 ? text.slice(start) : text);
  } catch (e) {
    throw new OmnispecError("model/output", `model "${model}" wrote no valid JSON for "${slot}"`, { slot, value: text, cause: e, hint: "raise generation.maxNewTokens or use a model trained for structured output" });
  }
}
