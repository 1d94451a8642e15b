// the positions step: rebuild the model's input ids from the plan's spans and run the preset's rope scheme on them.
import { QWEN_TOKEN_IDS, ropeIndex, type GridThw } from "../positions/index.js";
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
