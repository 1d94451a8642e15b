import { describe, expect, it } from "vitest";
import { OmnispecError } from "../../errors.js";
import { fixedResize, tileCandidates, tileGrid } from "./tiles.js";

// [width, height, minTiles, maxTiles, tileSize, thumbnail] -> [columns, rows, tiles incl. thumbnail], computed by running
// InternVL's dynamic_preprocess / find_closest_aspect_ratio under CPython 3.11
const INTERNVL: [number, number, number, number, number, boolean, [number, number, number]][] = [
  [1920, 1080, 1, 12, 448, true, [4, 2, 9]],
  [1080, 1920, 1, 12, 448, true, [2, 4, 9]],
  [448, 448, 1, 12, 448, true, [1, 1, 1]],
  [800, 600, 1, 6, 448, true, [3, 2, 7]],
  [100, 1000, 1, 12, 448, true, [1, 10, 11]],
  [3000, 500, 1, 12, 448, false, [6, 1, 6]],
  [10, 4, 4, 4, 448, true, [4, 1, 5]],
  [2000, 800, 4, 4, 448, true, [2, 2, 5]],
  [640, 480, 1, 40, 448, true, [4, 3, 13]],
  [1, 1, 1, 12, 448, true, [1, 1, 1]],
  [896, 448, 1, 12, 448, true, [2, 1, 3]],
  [1000, 250, 1, 12, 448, true, [4, 1, 5]],
  [4000, 1000, 1, 12, 448, true, [4, 1, 5]],
  [1200, 1600, 1, 12, 224, true, [3, 4, 13]],
  [333, 777, 2, 8, 448, true, [1, 2, 3]],
];

describe("tileGrid", () => {
  it("matches InternVL's choice, including set-order ties", () => {
    for (const [width, height, minTiles, maxTiles, tileSize, thumbnail, want] of INTERNVL) {
      const g = tileGrid({ width, height, minTiles, maxTiles, tileSize, thumbnail });
      expect([g.columns, g.rows, g.numTiles], `${width}x${height} [${minTiles},${maxTiles}]`).toEqual(want);
    }
  });

  it("the tie between 4x1 and 2x2 for a 2.5:1 image goes by area, in InternVL's visiting order", () => {
    const order = tileCandidates(4, 4).map(([i, j]) => `${i}x${j}`);
    expect(order.indexOf("4x1")).toBeLessThan(order.indexOf("2x2"));
    expect(tileGrid({ width: 10, height: 4, minTiles: 4, maxTiles: 4 }).columns).toBe(4);
    expect(tileGrid({ width: 2000, height: 800, minTiles: 4, maxTiles: 4 }).columns).toBe(2);
  });

  it("cuts the resized image into row-major tiles that cover it exactly", () => {
    const g = tileGrid({ width: 1920, height: 1080 });
    expect([g.resizedWidth, g.resizedHeight]).toEqual([448 * g.columns, 448 * g.rows]);
    expect(g.tiles).toHaveLength(g.columns * g.rows);
    const area = g.tiles.reduce((s, t) => s + (t.right - t.left) * (t.bottom - t.top), 0);
    expect(area).toBe(g.resizedWidth * g.resizedHeight);
    expect(g.tiles[1]).toEqual({ left: 448, top: 0, right: 896, bottom: 448 });
    expect(g.tiles[g.columns]).toEqual({ left: 0, top: 448, right: 448, bottom: 896 });
  });

  it("counts tokens per tile, thumbnail included", () => {
    const g = tileGrid({ width: 1920, height: 1080, tokensPerTile: 64 });
    expect(g.thumbnail).toBe(true);
    expect(g.tokens).toBe((g.tiles.length + 1) * 64);
    expect(tileGrid({ width: 1920, height: 1080, thumbnail: false }).tokens).toBe(g.tiles.length * 256);
  });

  it("candidates are sorted by tile count and unique", () => {
    const c = tileCandidates(1, 12);
    const counts = c.map(([i, j]) => i * j);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(new Set(c.map((x) => x.join("x"))).size).toBe(c.length);
    expect(c.every(([i, j]) => i * j >= 1 && i * j <= 12)).toBe(true);
  });

  it("rejects empty tile ranges and bad sizes", () => {
    expect(() => tileGrid({ width: 100, height: 100, minTiles: 5, maxTiles: 4 })).toThrow(OmnispecError);
    expect(() => tileGrid({ width: 0, height: 100 })).toThrow(OmnispecError);
  });
});

describe("fixedResize", () => {
  it("OFA: 480x480 with stride 16 is 900 tokens", () => {
    const r = fixedResize({ size: 480, stride: 16 });
    expect(r.grid).toEqual([30, 30]);
    expect(r.tokens).toBe(r.grid[0] * r.grid[1]);
    expect(r.tokens).toBe(900);
  });
  it("refuses sizes the stride does not divide", () => {
    expect(() => fixedResize({ size: 500, stride: 16 })).toThrow(OmnispecError);
  });
});
