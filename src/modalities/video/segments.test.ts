import { describe, expect, it } from "vitest";
import { PACKET_DISCARD, PACKET_KEY } from "../../media/ffmpeg.js";
import { planSegments, splitPoints, type SplitPoint } from "./segments.js";

/** packets from presentation time stamps in stored order; `keys` are stored positions */
const packets = (pts: number[], keys: number[]) => ({
  pts: Float64Array.from(pts),
  dts: Float64Array.from(pts, (_, i) => i - 1),
  flags: Uint8Array.from(pts, (_, i) => (keys.includes(i) ? PACKET_KEY : 0)),
});
/** the same with one packet changed */
const changed = (p: ReturnType<typeof packets>, at: number, pts: number, flags = p.flags[at]) => {
  const q = { pts: p.pts.slice(), dts: p.dts.slice(), flags: p.flags.slice() };
  q.pts[at] = pts;
  q.flags[at] = flags;
  return q;
};

describe("splitPoints", () => {
  it("keeps the keyframes no frame reaches across, numbered in presentation order", () => {
    // I P B B | I P B B: two closed groups
    const p = packets([0, 3, 1, 2, 4, 7, 5, 6], [0, 4]);
    expect(splitPoints(p, 8)).toEqual([
      { frame: 0, pts: 0, next: 3 },
      { frame: 4, pts: 4 },
    ]);
  });

  it("leaves out an open-GOP keyframe, whose leading frames are stored after it", () => {
    // I P B B | I B B P: frames 4 and 5 are shown before the second I but stored after it
    const p = packets([0, 3, 1, 2, 6, 4, 5, 7], [0, 4]);
    expect(splitPoints(p, 8)?.map((s) => s.frame)).toEqual([0]);
  });

  it.each([
    ["a missing time stamp", changed(packets([0, 1, 2], [0]), 1, NaN), 3],
    ["a repeated time stamp", packets([0, 1, 1], [0]), 3],
    ["packets an edit list hides", changed(packets([0, 1, 2], [0]), 0, 0, PACKET_KEY | PACKET_DISCARD), 3],
    ["a count other than the probe's", packets([0, 1, 2], [0]), 4],
    ["no packets", packets([], []), 0],
  ] as const)("gives up on %s", (_, p, frames) => {
    expect(splitPoints(p, frames)).toBeUndefined();
  });
});

describe("planSegments", () => {
  const points: SplitPoint[] = [0, 250, 378, 554].map((frame) => ({ frame, pts: frame * 512 }));

  it("cuts at the point nearest each equal share of the work", () => {
    expect(planSegments([0, 100, 300, 500, 700], points, 2)).toEqual([
      { start: 0, wanted: [0, 100, 300] },
      { start: 378, pts: 378 * 512, wanted: [500, 700] },
    ]);
  });

  it("starts a single stretch at the last point before its first frame", () => {
    expect(planSegments([600, 610], points, 1)).toEqual([{ start: 554, pts: 554 * 512, wanted: [600, 610] }]);
    expect(planSegments([10, 610], points, 1)).toEqual([{ start: 0, wanted: [10, 610] }]);
  });

  it("moves a stretch up to the last point before its first frame", () => {
    // the share boundary falls nearest 250, but the stretch's frames start after 378
    expect(planSegments([0, 400, 410], points, 2)).toEqual([
      { start: 0, wanted: [0] },
      { start: 378, pts: 378 * 512, wanted: [400, 410] },
    ]);
  });

  it("drops a stretch that would hand out nothing", () => {
    // boundaries near 250 and 554: nothing lies between them
    expect(planSegments([0, 10, 700], points, 3)).toEqual([
      { start: 0, wanted: [0, 10] },
      { start: 554, pts: 554 * 512, wanted: [700] },
    ]);
  });

  it("hands out every frame once, in order, from stretches that start at a point or frame 0 (seeded cases)", () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let c = 0; c < 300; c++) {
      const frames = 50 + rand(2000);
      const pts = [...new Set([0, ...Array.from({ length: rand(12) }, () => rand(frames))])].sort((a, b) => a - b);
      const pointSet: SplitPoint[] = pts.map((frame) => ({ frame, pts: frame * 3 }));
      const wanted = [...new Set(Array.from({ length: 1 + rand(80) }, () => rand(frames)))].sort((a, b) => a - b);
      const count = 1 + rand(6);
      const segs = planSegments(wanted, pointSet, count);
      expect(segs.flatMap((s) => s.wanted)).toEqual(wanted);
      expect(segs.length).toBeLessThanOrEqual(count);
      for (const s of segs) {
        expect(s.start).toBeLessThanOrEqual(s.wanted[0]);
        if (s.start === 0) expect(s.pts).toBeUndefined();
        else expect(pointSet).toContainEqual({ frame: s.start, pts: s.pts });
        // no point lies between a stretch's start and its first frame
        expect(pts.some((p) => p > s.start && p <= s.wanted[0])).toBe(false);
      }
    }
  });
});
