import { describe, expect, it } from "vitest";
import { resizePillow } from "./pil.js";
import { resizePillowParallel } from "./parallel.js";

describe("resizePillowParallel", () => {
  it("serves concurrent resizes, each equal to the single-thread result", async () => {
    const w = 900;
    const h = 600;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const img = { data, width: w, height: h };
    const sizes: [number, number][] = [[658, 434], [896, 602], [448, 308]];
    const results = await Promise.all(sizes.map(([a, b]) => resizePillowParallel(img, a, b)));
    sizes.forEach(([a, b], k) => expect(Buffer.from(results[k].data).equals(Buffer.from(resizePillow(img, a, b).data))).toBe(true));
  });
});
