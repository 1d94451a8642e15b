// materialize(): the plan's tensors, checked against a naive reshape/transpose of the Qwen patch layout.
import { describe, expect, it } from "vitest";
import { patchify } from "./materialize.js";

describe("patchify", () => {
  it("lays rows out as (t, h/m, w/m, m, m) with (channel, temporal, y, x) inside, like the Qwen2-VL processor", () => {
    const [w, h, p, m, tp] = [8, 4, 2, 2, 2];
    const frames = [0, 1].map((f) => Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7 + f * 31) % 251));
    const r = patchify(frames, w, h, { patch: p, temporal: tp, merge: m, scale: [1, 1, 1], shift: [0, 0, 0] });
    expect(r.gridThw).toEqual([1, 2, 4]);
    expect(r.dims).toEqual([8, 3 * tp * p * p]);
    // python: patches.reshape(gt, tp, C, gh/m, m, p, gw/m, m, p).transpose(0, 3, 6, 4, 7, 2, 1, 5, 8)
    const expected: number[] = [];
    for (let bh = 0; bh < h / p / m; bh++)
      for (let bw = 0; bw < w / p / m; bw++)
        for (let mh = 0; mh < m; mh++)
          for (let mw = 0; mw < m; mw++)
            for (let c = 0; c < 3; c++)
              for (let t = 0; t < tp; t++)
                for (let y = 0; y < p; y++)
                  for (let x = 0; x < p; x++) {
                    const yy = (bh * m + mh) * p + y;
                    const xx = (bw * m + mw) * p + x;
                    expected.push(frames[t][(yy * w + xx) * 3 + c]);
                  }
    expect(Array.from(r.data)).toEqual(expected);
  });

  it("normalises as (x / 255 - mean) / std", () => {
    const frame = new Uint8Array(4 * 4 * 3).fill(255);
    const r = patchify([frame, frame], 4, 4, { patch: 2, temporal: 2, merge: 2, scale: [1 / (255 * 0.5), 1 / (255 * 0.5), 1 / (255 * 0.5)], shift: [-1, -1, -1] });
    expect(Array.from(r.data).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
  });
});
