import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { COUNTER, counterValue, videoFixtures } from "../../../tests/fixtures/videos.js";
import { OmnispecError } from "../../errors.js";
import type { RgbImage } from "../image/resample/types.js";
import { contactSheet } from "./contact-sheet.js";
import { decodeFrames } from "./decode.js";

const indices = [0, 25, 50, 75, 100, 199, 7];
let frames: RgbImage[];
beforeAll(async () => {
  const r = await decodeFrames(videoFixtures()["counter.mp4"], { indices });
  frames = r.frames.map((data) => ({ data, width: r.width, height: r.height }));
});

describe("contactSheet", () => {
  it("lays the frames out in columns with a label strip under each, pixels unchanged at full size", async () => {
    const png = await contactSheet(frames, indices.map((i) => i / COUNTER.fps), { columns: 3, labels: indices.map((i) => `#${i}`) });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    // 6 px gaps, 20 px labels: 3 columns of 96, 3 rows of 48
    expect([info.channels, info.width, info.height]).toEqual([3, 6 + 3 * (96 + 6), 6 + 3 * (48 + 20 + 6)]);
    // each cell holds its frame: read the counter back out of the sheet
    for (let i = 0; i < indices.length; i++) {
      const left = 6 + (i % 3) * 102;
      const top = 6 + Math.floor(i / 3) * 74;
      const cell = new Uint8Array(96 * 48 * 3);
      for (let y = 0; y < 48; y++) cell.set(data.subarray(((top + y) * info.width + left) * info.channels, ((top + y) * info.width + left + 96) * info.channels), y * 96 * 3);
      expect(counterValue(cell, 96, 48)).toBe(indices[i]);
      expect(Buffer.from(cell).equals(Buffer.from(frames[i].data))).toBe(true);
    }
    // the label strip under the first frame has text drawn in it (bright pixels on the dark background)
    let bright = 0;
    for (let y = 6 + 48; y < 6 + 48 + 20; y++) for (let x = 6; x < 6 + 96; x++) if (data[(y * info.width + x) * info.channels] > 150) bright++;
    expect(bright).toBeGreaterThan(20);
  });

  it("shrinks thumbnails to thumbWidth and picks a near-square grid by default", async () => {
    const png = await contactSheet(frames, indices.map((i) => i / COUNTER.fps), { thumbWidth: 48 });
    const meta = await sharp(png).metadata();
    // 7 frames -> 3 columns, 3 rows of 48x24
    expect([meta.width, meta.height]).toEqual([6 + 3 * 54, 6 + 3 * (24 + 26)]);
  });

  it("refuses mismatched timestamps and frames of different sizes", async () => {
    await expect(contactSheet(frames, [0, 1], { slot: "clip" })).rejects.toMatchObject({ code: "input/invalid", slot: "clip" });
    const odd = [...frames.slice(0, 2), { data: new Uint8Array(12), width: 2, height: 2 }];
    const e = await contactSheet(odd, [0, 1, 2]).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OmnispecError);
    expect((e as OmnispecError).message).toContain("every frame must be 96x48");
  });
});
