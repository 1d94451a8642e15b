// cutting one decode into keyframe-aligned stretches that ffmpeg processes decode side by side, each from its own
// keyframe: only keyframes no frame reaches across (closed GOPs), so that every pixel is what one pass would give.
import { PACKET_DISCARD, PACKET_KEY, type PacketIndex } from "../../media/ffmpeg.js";

/** A frame where decoding can start afresh without changing any later frame. */
export interface SplitPoint {
  /** 0-based frame number in presentation order, as {@link decodeFrames} counts */
  frame: number;
  /** its presentation time stamp, in the stream's time base */
  pts: number;
  /** the earliest time stamp (decoding or presentation) of the next keyframe stored, where a seek past `pts` would land */
  next?: number;
}

/** One stretch of a decode: from the keyframe `start` (frame 0 needs no seek) up to its last wanted frame. */
export interface DecodeSegment {
  start: number;
  /** the keyframe's time stamp to seek to; undefined when the stretch starts at the first frame */
  pts?: number;
  /** the frames this stretch hands out, increasing */
  wanted: number[];
  /** their presentation time stamps, by which a stretch that seeks picks them */
  wantedPts?: number[];
}

/**
 * The keyframes a decode may start from: those that no packet reaches across, i.e. every packet stored before is
 * shown before, and every packet stored after is shown after (no open-GOP leading frames). Such a keyframe is shown
 * exactly as many frames after the start as it is stored, so its frame number is its packet's position. Undefined
 * when the packets cannot number the frames: a missing or repeated time stamp, packets an edit list hides, or a count
 * other than `frames` (the probe's).
 *
 * @example
 * import { splitPoints } from "omnispec/modalities";
 * // I P B B | I P B: stored order, with presentation time stamps
 * const pts = Float64Array.of(0, 3, 1, 2, 4, 6, 5);
 * splitPoints({ pts, dts: pts.map((_, i) => i - 1), flags: Uint8Array.of(1, 0, 0, 0, 1, 0, 0) }, 7);
 * // [{ frame: 0, pts: 0, next: 3 }, { frame: 4, pts: 4 }]
 */
export function splitPoints(index: Pick<PacketIndex, "pts" | "dts" | "flags">, frames: number): SplitPoint[] | undefined {
  const { pts, dts, flags } = index;
  const n = pts.length;
  if (n === 0 || n !== frames) return undefined;
  for (let i = 0; i < n; i++) if (flags[i] & PACKET_DISCARD || Number.isNaN(pts[i])) return undefined;
  const sorted = pts.slice().sort();
  for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) return undefined;
  const laterMin = new Float64Array(n + 1);
  laterMin[n] = Infinity;
  for (let i = n - 1; i >= 0; i--) laterMin[i] = Math.min(laterMin[i + 1], pts[i]);
  const points: SplitPoint[] = [];
  let earlierMax = -Infinity;
  for (let i = 0; i < n; i++) {
    if (flags[i] & PACKET_KEY && earlierMax < pts[i] && laterMin[i + 1] > pts[i]) points.push({ frame: i, pts: pts[i] });
    earlierMax = Math.max(earlierMax, pts[i]);
  }
  // where a seek beyond each point would land instead: the next keyframe stored
  let next: number | undefined;
  for (let i = n - 1, k = points.length - 1; i >= 0 && k >= 0; i--) {
    if (i === points[k].frame) {
      if (next !== undefined) points[k].next = next;
      k--;
    }
    if (flags[i] & PACKET_KEY) next = Number.isNaN(dts[i]) ? pts[i] : Math.min(pts[i], dts[i]);
  }
  return points;
}

/**
 * Cuts the decode of `wanted` (sorted, distinct frame numbers) into at most `count` stretches of about equal decoding
 * work, each starting at the split point nearest its share and moved up to the last split point before its first
 * frame. One stretch still starts at the last split point before the first wanted frame, so that a late start is
 * reached by seeking instead of decoding everything before it.
 *
 * @example
 * import { planSegments } from "omnispec/modalities";
 * const points = [0, 250, 378, 554].map((frame) => ({ frame, pts: frame * 512 }));
 * planSegments([0, 100, 300, 500, 700], points, 2);
 * // [{ start: 0, wanted: [0, 100, 300] }, { start: 378, pts: 193536, wanted: [500, 700] }]
 */
export function planSegments(wanted: readonly number[], points: readonly SplitPoint[], count: number): DecodeSegment[] {
  if (wanted.length === 0) return [];
  const last = wanted[wanted.length - 1];
  // the last split point at or before `frame`, or the first frame
  const before = (frame: number): SplitPoint | undefined => {
    let best: SplitPoint | undefined;
    for (const p of points) if (p.frame <= frame && p.frame > 0) best = p;
    return best;
  };
  const first = before(wanted[0]);
  const from = first?.frame ?? 0;
  const cuts: SplitPoint[] = [];
  const n = Math.max(1, Math.min(count, wanted.length));
  for (let j = 1; j < n; j++) {
    const ideal = from + ((last + 1 - from) * j) / n;
    let best: SplitPoint | undefined;
    for (const p of points) {
      if (p.frame <= (cuts[cuts.length - 1]?.frame ?? from) || p.frame > last) continue;
      if (!best || Math.abs(p.frame - ideal) < Math.abs(best.frame - ideal)) best = p;
    }
    if (best) cuts.push(best);
  }
  const segments: DecodeSegment[] = [];
  let i = 0;
  for (let c = 0; c <= cuts.length; c++) {
    const end = c < cuts.length ? cuts[c].frame : Infinity;
    const group: number[] = [];
    while (i < wanted.length && wanted[i] < end) group.push(wanted[i++]);
    if (group.length === 0) continue;
    const start = before(group[0]);
    segments.push(start ? { start: start.frame, pts: start.pts, wanted: group } : { start: 0, wanted: group });
  }
  return segments;
}
