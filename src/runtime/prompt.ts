// the model's input ids from a plan: the source spans become one user turn rendered by the model's own chat template,
// and each media placeholder the template writes is replaced by the plan's own run of tokens for that slot.
import type { PreTrainedTokenizer } from "@huggingface/transformers";
import { OmnispecError } from "../errors.js";
import type { ModelPreset } from "../plan/preset.js";
import type { PlanJSON, PlanSegment, SlotPlanJSON } from "../plan/types.js";

const MEDIA = new Set(["image", "video", "audio"]);

/** Where one media slot's placeholder tokens sit in the final ids. */
export interface MediaSpan {
  slot: string;
  kind: "image" | "video" | "audio";
  /** indices of the slot's placeholder tokens, in order */
  positions: number[];
}

export interface Prompt {
  ids: number[];
  /** the rendered text before media expansion (for people) */
  text: string;
  media: MediaSpan[];
}

interface Run {
  kind: "image" | "video" | "audio";
  slot: string;
  segments: PlanSegment[];
}

type Part = { type: "text"; text: string } | { type: "image" | "video" | "audio" };

/** The text of a non-media source span: prompt text, a TEXT value, a box in the model's convention, a label. */
function spanText(seg: PlanSegment, plan: PlanJSON, sample: Record<string, unknown>): string {
  if (seg.text !== undefined) return seg.text;
  if (seg.slot === undefined) return "";
  const slot: SlotPlanJSON | undefined = plan.slots[seg.slot];
  const box = slot?.box as { text?: string } | undefined;
  if (box?.text !== undefined) return box.text;
  if (typeof slot?.text === "string") return slot.text;
  const v = sample[seg.slot];
  return v === undefined ? "" : String(v);
}

/** Splits the source spans into text and media runs (a run is a media slot with its markers and timestamps). */
function sourceParts(plan: PlanJSON, sample: Record<string, unknown>): { parts: Part[]; runs: Run[] } {
  const source = plan.segments.filter((s) => s.side === "source");
  const owner = new Array<string | undefined>(source.length);
  source.forEach((s, i) => {
    if (MEDIA.has(s.kind) && s.slot !== undefined) owner[i] = s.slot;
  });
  // markers and per-frame timestamps between (or right around) one slot's media spans belong to that slot
  for (let i = 0; i < source.length; i++) {
    if (owner[i] !== undefined) continue;
    const prev = owner.slice(0, i).findLast((o) => o !== undefined);
    const nextIndex = owner.findIndex((o, j) => j > i && o !== undefined);
    const next = nextIndex >= 0 ? owner[nextIndex] : undefined;
    const between = prev !== undefined && prev === next && source.slice(i, nextIndex).every((s) => s.slot === undefined);
    const before = next !== undefined && source[i].kind === "special" && nextIndex === i + 1;
    const after = prev !== undefined && source[i].kind === "special" && owner[i - 1] === prev && MEDIA.has(source[i - 1].kind);
    const stamp = next !== undefined && source[i].kind === "text" && source[i + 1]?.kind === "special" && owner[i + 2] === next && i + 2 === nextIndex;
    if (between || before || after || (stamp && isTimestamp(plan, next, source[i].text))) owner[i] = between ? prev : before || stamp ? next : prev;
  }
  const parts: Part[] = [];
  const runs: Run[] = [];
  let text = "";
  for (let i = 0; i < source.length; i++) {
    const slot = owner[i];
    if (slot === undefined) {
      text += spanText(source[i], plan, sample);
      continue;
    }
    if (runs.length > 0 && runs[runs.length - 1].slot === slot && owner[i - 1] === slot) {
      runs[runs.length - 1].segments.push(source[i]);
      continue;
    }
    if (text) parts.push({ type: "text", text });
    text = "";
    const kind = (plan.slots[slot]?.modality ?? "image").toLowerCase() as Run["kind"];
    parts.push({ type: kind });
    runs.push({ kind, slot, segments: [source[i]] });
  }
  if (text) parts.push({ type: "text", text });
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first?.type === "text") first.text = first.text.trimStart();
  if (last?.type === "text") last.text = last.text.trimEnd();
  return { parts: parts.filter((p) => p.type !== "text" || p.text.length > 0), runs };
}

function isTimestamp(plan: PlanJSON, slot: string, text: string | undefined): boolean {
  const texts = plan.slots[slot]?.timestamp_texts;
  return Array.isArray(texts) && text !== undefined && texts.includes(text);
}

/** The literal target text before the first output slot: the start of the assistant's answer. */
export function targetPrefix(plan: PlanJSON, outputs: ReadonlySet<string>): string {
  let text = "";
  for (const s of plan.segments) {
    if (s.side !== "target") continue;
    if (s.slot !== undefined && outputs.has(s.slot)) break;
    if (s.kind === "text" && s.slot === undefined) text += s.text ?? "";
  }
  return text.trim();
}

/** The literal target text right after an output slot, up to the next output slot. */
export function targetTextAfter(plan: PlanJSON, slot: string, outputs: ReadonlySet<string>): string {
  let text = "";
  let seen = false;
  for (const s of plan.segments) {
    if (s.side !== "target") continue;
    if (s.slot === slot) {
      seen = true;
      continue;
    }
    if (!seen) continue;
    if (s.slot !== undefined && outputs.has(s.slot)) break;
    if (s.kind === "text" && s.slot === undefined) text += s.text ?? "";
  }
  return text;
}

function tokenId(tokenizer: PreTrainedTokenizer, token: string, model: string): number {
  const id = tokenizer.convert_tokens_to_ids(token);
  if (typeof id !== "number" || id < 0 || tokenizer.decode([id]) !== token) {
    throw new OmnispecError("model/mismatch", `the tokenizer of model "${model}" has no token ${token}`, {
      value: token,
      hint: "the plan's preset names a special token this model does not know: pass the model's matching preset",
    });
  }
  return id;
}

export interface PromptOptions {
  tokenizer: PreTrainedTokenizer;
  preset: ModelPreset;
  /** model id, for errors */
  model: string;
  /** the model takes media (a VLM); otherwise media spans are an error */
  media: boolean;
  /** Qwen3 `enable_thinking`; undefined leaves the template's default */
  thinking?: boolean;
  /** literal assistant text to start the answer with */
  assistantPrefix?: string;
}

/**
 * Builds the input ids of one sample: the plan's source spans as a user turn through the model's chat template
 * (plain text when the tokenizer has none), with every media placeholder expanded to the plan's token run.
 */
export function buildPrompt(plan: PlanJSON, sample: Record<string, unknown>, options: PromptOptions): Prompt {
  const { tokenizer, preset } = options;
  const { parts, runs } = sourceParts(plan, sample);
  if (!options.media && runs.length > 0) {
    throw new OmnispecError("model/unsupported-task", `model "${options.model}" reads text only; the task gives ${runs.map((r) => `${r.kind.toUpperCase()} "${r.slot}"`).join(", ")}`, {
      slot: runs[0].slot,
      hint: "use a vision-language model (e.g. the Qwen2-VL family) for media inputs",
    });
  }
  const content = options.media ? parts : parts.map((p) => (p.type === "text" ? p.text : "")).join("");
  let text: string;
  const template = (tokenizer as unknown as { chat_template?: unknown }).chat_template;
  if (template) {
    const extra = options.thinking === undefined ? {} : { enable_thinking: options.thinking };
    text = tokenizer.apply_chat_template([{ role: "user", content } as never], { tokenize: false, add_generation_prompt: true, ...extra }) as string;
  } else {
    text = typeof content === "string" ? content : parts.map((p) => (p.type === "text" ? p.text : "")).join("");
  }
  if (options.assistantPrefix) text += options.assistantPrefix;
  const ids = tokenizer.encode(text, { add_special_tokens: template ? false : true });
  if (runs.length === 0) return { ids, text, media: [] };

  const out: number[] = [];
  const media: MediaSpan[] = [];
  let cursor = 0;
  for (const run of runs) {
    const cfg = run.kind === "image" ? preset.image : run.kind === "video" ? preset.video : preset.audio;
    const pad = cfg?.pad;
    if (!pad) {
      throw new OmnispecError("model/unsupported-task", `the ${preset.name} preset has no placeholder token for ${run.kind}`, { slot: run.slot });
    }
    const padId = tokenId(tokenizer, pad, options.model);
    const at = ids.indexOf(padId, cursor);
    if (at < 0) {
      throw new OmnispecError("model/unsupported-task", `the chat template of model "${options.model}" writes no ${pad} for the ${run.kind} "${run.slot}"`, {
        slot: run.slot,
        hint: `the model may not take ${run.kind} input; its template must render {type: "${run.kind}"} parts`,
      });
    }
    const wrap = cfg.wrap;
    let start = at;
    let end = at + 1;
    if (wrap.length === 2 && ids[at - 1] === tokenId(tokenizer, wrap[0], options.model) && ids[at + 1] === tokenId(tokenizer, wrap[1], options.model)) {
      start = at - 1;
      end = at + 2;
    }
    out.push(...ids.slice(cursor, start));
    const span: MediaSpan = { slot: run.slot, kind: run.kind, positions: [] };
    const hasMarkers = run.segments.some((s) => s.kind === "special");
    if (!hasMarkers && start !== at) out.push(ids[start]);
    for (const seg of run.segments) {
      if (MEDIA.has(seg.kind)) {
        for (let k = 0; k < seg.tokens; k++) {
          span.positions.push(out.length);
          out.push(padId);
        }
      } else if (seg.kind === "special" && seg.text !== undefined) {
        out.push(tokenId(tokenizer, seg.text, options.model));
      } else {
        out.push(...tokenizer.encode(seg.text ?? "", { add_special_tokens: false }));
      }
    }
    if (!hasMarkers && end !== at + 1) out.push(ids[end - 1]);
    media.push(span);
    cursor = end;
  }
  out.push(...ids.slice(cursor));
  return { ids: out, text, media };
}
