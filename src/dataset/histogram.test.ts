import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { histogramBins, histogramSvg, writeHistogram } from "./histogram.js";
import { syntheticLengths } from "./pack.js";

const DIR = "tests/tmp/histogram";

describe("histogramBins", () => {
  it("uses a round bin width from 0 and counts every value once", () => {
    const values = syntheticLengths(5000, { seed: 2, max: 20000 });
    const b = histogramBins(values, 40);
    expect([1, 2, 2.5, 5].some((m) => Number.isInteger(Math.log10(b.width / m)))).toBe(true);
    expect(b.counts.reduce((a, c) => a + c, 0)).toBe(5000);
    expect(b.edges[0]).toBe(0);
    expect(b.edges[b.edges.length - 1]).toBeGreaterThan(Math.max(...values));
    expect(b.counts.length).toBeLessThanOrEqual(41);
    // every value in its bin
    const v = values[17];
    const i = Math.floor(v / b.width);
    expect(v >= b.edges[i] && v < b.edges[i + 1]).toBe(true);
  });

  it("puts a single value in one bin", () => {
    expect(histogramBins([0], 10).counts).toEqual([1]);
  });
});

describe("histogramSvg", () => {
  it("draws one bar per non-empty bin, labelled axes and the markers", () => {
    const values = [10, 12, 30, 31, 33, 90];
    const svg = histogramSvg(values, { bins: 10, title: "caption <qwen2-vl>", markers: [{ label: "p50", value: 31 }] });
    const bars = svg.match(/fill="#4c72b0"/g) ?? [];
    expect(bars.length).toBe(histogramBins(values, 10).counts.filter((c) => c > 0).length);
    expect(svg).toContain("tokens per sample");
    expect(svg).toContain(">samples</text>");
    expect(svg).toContain("caption &lt;qwen2-vl&gt;");
    expect(svg).toContain("p50 31");
    expect(svg).toContain("6 samples");
  });

  it("says so when there are no samples", () => {
    expect(histogramSvg([])).toContain("no samples");
  });
});

describe("writeHistogram", () => {
  it("writes SVG text and a PNG rendered from it", async () => {
    mkdirSync(DIR, { recursive: true });
    const values = syntheticLengths(2000, { seed: 5, max: 9000 });
    await writeHistogram(values, join(DIR, "h.svg"), { width: 640, height: 360 });
    expect(readFileSync(join(DIR, "h.svg"), "utf8")).toMatch(/^<svg [^>]*width="640" height="360"/);
    await writeHistogram(values, join(DIR, "h.png"), { width: 640, height: 360 });
    const meta = await sharp(join(DIR, "h.png")).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 1280, 720]);
    // not blank: the bars are drawn in their blue
    const { data, info } = await sharp(join(DIR, "h.png")).raw().toBuffer({ resolveWithObject: true });
    let blue = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i] === 0x4c && data[i + 1] === 0x72 && data[i + 2] === 0xb0) blue++;
    expect(blue).toBeGreaterThan(1000);
  });

  it("refuses other extensions with a hint", async () => {
    await expect(writeHistogram([1, 2], join(DIR, "h.jpg"))).rejects.toThrow(/\.png or \.svg/);
  });
});
