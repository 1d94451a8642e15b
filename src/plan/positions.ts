// the positions step: rebuild the model's input ids from the plan's spans and run the preset's rope scheme on them.
import { QWEN_TOKEN_IDS, ropeIndex, temporalIds, type GridThw } from "../positions/index.js";
import type { ModelPreset } from "./preset.js";
import type { PlanSegment, SlotPlanJSON } from "./types.js";

const SPECIAL_IDS: Record<string, number> = {
  "<|vision_start|>": QWEN_TOKEN_IDS.visionStart,
  "<|vision_bos|>": QWEN_TOKEN_IDS.visionStart,
  "<|vision_end|>": QWEN_TOKEN_IDS.visionEnd,
  "<|vision_eos|>": QWEN_TOKEN_IDS.visionEnd,
  "<|audio_bos|>": QWEN_TOKEN_IDS.audioStart,
  "<|audio_eos|>": QWEN_TOKEN_IDS.audioEnd,
};
const PAD_IDS: Record<string, number> = { image: QWEN_TOKEN_IDS.imagePad, video: QWEN_TOKEN_IDS.videoPad, audio: QWEN_TOKEN_IDS.audioPad };
// any id that is none of the above stands for ordinary text
const TEXT_ID = 1;

export interface PositionsSummary {
  scheme: string;
  /** `max(position) + 1 - L`: where decoding continues */
  delta: number;
  /** sequence length the ids were computed for */
  length: number;
  /** per segment (same order as `segments`), the first and last temporal position id; null for target spans */
  ranges: ([number, number] | null)[];
  [key: string]: unknown;
}

/** The input ids a preset's model would see for these spans (text as a placeholder id; specials and pads exact). */
export function inputIdsOf(segments: readonly PlanSegment[]): Int32Array {
  const total = segments.reduce((a, s) => a + s.tokens, 0);
  const ids = new Int32Array(total);
  let k = 0;
  for (const s of segments) {
    const id = s.kind === "special" ? (SPECIAL_IDS[s.text ?? ""] ?? TEXT_ID) : (PAD_IDS[s.kind] ?? TEXT_ID);
    ids.fill(id, k, k + s.tokens);
    k += s.tokens;
  }
  return ids;
}

/**
 * Full position ids (3 x L, or 1 x L for "1d") of a plan's source side, as the model family computes them.
 *
 * @example
 * import { defineTask, compile } from "omnispec";
 * import { planPositionIds } from "omnispec/plan";
 * const plan = await compile(defineTask("[IMAGE:img] describe -> [TEXT:c]"), { img: "size:640x480" }, { preset: "qwen2-vl" });
 * planPositionIds(plan.toJSON()).positionIds[0].length === plan.toJSON().source_tokens; // true
 */
export function planPositionIds(
  plan: { segments: readonly PlanSegment[]; slots: Readonly<Record<string, SlotPlanJSON>> },
  preset: ModelPreset,
  opts: { typed?: boolean } = {},
): { positionIds: ArrayLike<number>[]; delta: number } {
  const segments = plan.segments.filter((s) => s.side === "source");
  const inputIds = inputIdsOf(segments);
  const images: GridThw[] = [];
  const videos: GridThw[] = [];
  const spg: number[] = [];
  const audio: number[] = [];
  let useAudioInVideo = false;
  const seen = new Set<string>();
  for (const s of segments) {
    if (s.slot === undefined || seen.has(s.slot)) continue;
    seen.add(s.slot);
    const slot = plan.slots[s.slot];
    const grids = slot?.items ? slot.items : slot ? [slot] : [];
    for (const g of grids) {
      const grid = g.grid_thw as [number, number, number] | undefined;
      if (s.kind === "image" && grid) images.push(grid);
      if (s.kind === "video" && grid) {
        videos.push(grid);
        spg.push((g.second_per_grid_t as number | undefined) ?? 1);
        if (typeof g.audio_feature_frames === "number") {
          audio.push(g.audio_feature_frames);
          useAudioInVideo = true;
        }
      }
      if (s.kind === "audio" && typeof g.feature_frames === "number") audio.push(g.feature_frames);
    }
  }
  const r = ropeIndex({
    scheme: preset.positions,
    inputIds,
    imageGridThw: images,
    videoGridThw: videos,
    secondPerGridTs: spg,
    tokensPerSecond: preset.tokensPerSecond,
    audioFeatureLengths: audio,
    useAudioInVideo,
    typed: true,
  });
  return opts.typed ? r : { positionIds: r.positionIds.map((row) => Array.from(row)), delta: r.delta };
}

/** The positions summary every plan carries: the scheme, the decode offset, and each source span's temporal range. */
export function positionsSummary(
  plan: { segments: readonly PlanSegment[]; slots: Readonly<Record<string, SlotPlanJSON>> },
  preset: ModelPreset,
): PositionsSummary {
  return blockSummary(plan, preset) ?? fullSummary(plan, preset);
}

/**
 * The summary without materialising 3 x L ids, for the schemes whose vision blocks are contiguous spans
 * (1d, Qwen2-VL, Qwen2.5-VL, Qwen3-VL): text advances by one per token; a block starting at `st` spans
 * st + t_index on the temporal row and st + 0..llm_h-1 / 0..llm_w-1 on the others (qwen-reference §4.1-4.3).
 * a test checks it against ropeIndex on many plans.
 */
function blockSummary(
  plan: { segments: readonly PlanSegment[]; slots: Readonly<Record<string, SlotPlanJSON>> },
  preset: ModelPreset,
): PositionsSummary | undefined {
  const scheme = preset.positions;
  if (scheme === "qwen2.5-omni") return undefined;
  const merge = preset.image && preset.image.resize === "smart" ? preset.image.mergeSize : 2;
  const grids = visionItems(plan);
  let next = 0;
  let length = 0;
  let used = 0;
  const ranges: ([number, number] | null)[] = [];
  for (const s of plan.segments) {
    if (s.side !== "source" || s.tokens === 0) {
      ranges.push(null);
      continue;
    }
    length += s.tokens;
    const vision = scheme !== "1d" && (s.kind === "image" || s.kind === "video");
    if (!vision) {
      ranges.push([next, next + s.tokens - 1]);
      next += s.tokens;
      continue;
    }
    const item = grids[used++];
    if (!item) return undefined;
    const [t, h, w] = item.grid;
    const gridT = scheme === "qwen3-vl" && s.kind === "video" ? 1 : t;
    const lh = h / merge;
    const lw = w / merge;
    if (gridT * lh * lw !== s.tokens) return undefined;
    let tFirst = 0;
    let tLast = gridT - 1;
    if ((scheme === "qwen2.5-vl" || scheme === "qwen2.5-vl-int") && s.kind === "video") {
      const ids = temporalIds(gridT, item.spg, preset.tokensPerSecond ?? 2, scheme === "qwen2.5-vl-int");
      tFirst = ids[0];
      tLast = ids[gridT - 1];
    } else if (s.kind === "image" || scheme === "qwen3-vl") {
      tLast = 0;
    }
    ranges.push([next + tFirst, next + tLast]);
    next += Math.max(tLast, lh - 1, lw - 1) + 1;
  }
  return { scheme, delta: next - length, length, ranges };
}

/** the grid of every vision span, in order: a Qwen3-VL video contributes one [1, h, w] block per temporal patch */
function visionItems(plan: { segments: readonly PlanSegment[]; slots: Readonly<Record<string, SlotPlanJSON>> }): { grid: [number, number, number]; spg: number }[] {
  const out: { grid: [number, number, number]; spg: number }[] = [];
  const seen = new Map<string, number>();
  for (const s of plan.segments) {
    if (s.side !== "source" || (s.kind !== "image" && s.kind !== "video") || s.slot === undefined) continue;
    const slot = plan.slots[s.slot];
    if (!slot) continue;
    const items = slot.items ?? [slot];
    const k = seen.get(s.slot) ?? 0;
    seen.set(s.slot, k + 1);
    const timestamps = slot.timestamp_texts as string[] | undefined;
    // qwen3-vl videos: every temporal patch of the one slot is its own span
    const item = timestamps ? items[0] : items[k];
    if (!item) continue;
    out.push({ grid: item.grid_thw as [number, number, number], spg: (item.second_per_grid_t as number | undefined) ?? 1 });
  }
  return out;
}

function fullSummary(
  plan: { segments: readonly PlanSegment[]; slots: Readonly<Record<string, SlotPlanJSON>> },
  preset: ModelPreset,
): PositionsSummary {
  const { positionIds, delta } = planPositionIds(plan, preset, { typed: true });
  const t = positionIds[0];
  const ranges: ([number, number] | null)[] = [];
  let k = 0;
  for (const s of plan.segments) {
    if (s.side !== "source" || s.tokens === 0) {
      ranges.push(null);
      continue;
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = k; i < k + s.tokens; i++) {
      if (t[i] < lo) lo = t[i];
      if (t[i] > hi) hi = t[i];
    }
    ranges.push([lo, hi]);
    k += s.tokens;
  }
  return { scheme: preset.positions, delta, length: t.length, ranges };
}
