import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { OmnispecError } from "../errors.js";
import { ffmpegBinaries } from "../media/ffmpeg.js";
import { resize } from "../modalities/image/resample/index.js";
import { planOf } from "../../tests/setup/render-plans.js";
import { Plan } from "./plan.js";
import { boxInResized, drawPlan, renderPlan, type PlanPicture, type RenderRegion } from "./render.js";
import type { PlanJSON } from "./types.js";

const dir = fileURLToPath(new URL("../../tests/tmp/render-main/", import.meta.url));
const BLUE = `${dir}blue.png`;
const NOISE = `${dir}noise.png`;
const CLIP = `${dir}clip.mp4`;
const TONE = `${dir}tone.wav`;

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 0, g: 0, b: 255 } } }).png().toFile(BLUE);
  const noise = Uint8Array.from({ length: 300 * 200 * 3 }, (_, i) => (i * 2654435761) >>> 24);
  await sharp(noise, { raw: { width: 300, height: 200, channels: 3 } }).png().toFile(NOISE);
  const { ffmpeg } = ffmpegBinaries();
  const run = (args: string[]) => execFileSync(ffmpeg, ["-y", "-hide_banner", "-loglevel", "error", ...args]);
  if (!existsSync(CLIP)) {
    run(["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=5", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=5",
      "-c:v", "mpeg4", "-q:v", "4", "-c:a", "aac", "-shortest", CLIP]);
  }
  if (!existsSync(TONE)) run(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=3", "-ac", "1", TONE]);
});

async function pixels(pic: PlanPicture): Promise<(x: number, y: number) => [number, number, number]> {
  const { data, info } = await sharp(await pic.png()).raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([pic.width, pic.height]);
  return (x, y) => {
    const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
    return [data[i], data[i + 1], data[i + 2]];
  };
}

const only = (pic: PlanPicture, kind: RenderRegion["kind"]) => pic.regions.filter((r) => r.kind === kind);
const resizedOf = (plan: PlanJSON, slot: string) => plan.slots[slot].resized as { width: number; height: number };

describe("image pictures", () => {
  it("draws the resized image with thin lines every patch and bold lines every merged token, at the exact pixel columns", async () => {
    const plan = await planOf("qwen2.5-vl", [{ modality: "IMAGE", name: "img", value: BLUE }]);
    const r = resizedOf(plan, "img");
    const pic = await drawPlan(plan);
    const [img] = only(pic, "image");
    expect([img.width, img.height, img.scale]).toEqual([r.width, r.height, 1]);
    const at = await pixels(pic);
    const midRow = img.y + 7;
    for (let k = 1; k < r.width / 14; k++) {
      const [red, , blue] = at(img.x + 14 * k, midRow);
      if (k % 2 === 1) expect(red, `patch line at column ${14 * k}`).toBeGreaterThan(40);
      if (k % 2 === 1) expect(red).toBeLessThan(100);
      else expect(red, `merge line at column ${14 * k}`).toBeGreaterThan(150);
      if (k % 2 === 0) expect(blue).toBeLessThan(170);
      expect(at(img.x + 14 * k + 7, midRow), `inside patch ${k}`).toEqual([0, 0, 255]);
    }
    for (let k = 1; k < r.height / 14; k++) {
      const [red] = at(img.x + 7, img.y + 14 * k);
      expect(red, `horizontal line at row ${14 * k}`).toBeGreaterThan(k % 2 === 1 ? 40 : 150);
    }
  });

  it("draws the pixels the model sees: the plan's Pillow-exact resize, not sharp's cubic", async () => {
    const plan = await planOf("qwen2.5-vl", [{ modality: "IMAGE", name: "img", value: NOISE }]);
    const r = resizedOf(plan, "img");
    const seen = await resize({ data: new Uint8Array(await sharp(NOISE).raw().toBuffer()), width: 300, height: 200 }, r.width, r.height, { method: "pil" });
    const viaSharp = await sharp(NOISE).resize(r.width, r.height, { fit: "fill", kernel: "cubic" }).raw().toBuffer();
    const pic = await drawPlan(plan);
    const [img] = only(pic, "image");
    expect([img.width, img.height, img.scale]).toEqual([r.width, r.height, 1]);
    expect(pic.regions.length).toBeGreaterThan(0);
    const at = await pixels(pic);
    let compared = 0;
    let sharpDiffers = 0;
    // the middle of every patch, clear of the grid lines
    for (let y = 4; y < r.height; y += 14) {
      for (let x = 4; x < r.width; x += 14) {
        const i = (y * r.width + x) * 3;
        expect(at(img.x + x, img.y + y), `pixel ${x},${y}`).toEqual([seen.data[i], seen.data[i + 1], seen.data[i + 2]]);
        if (viaSharp[i] !== seen.data[i]) sharpDiffers++;
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
    expect(sharpDiffers).toBeGreaterThan(compared / 4);
    expect(await pic.svg()).toContain(`${r.width}×${r.height} (pil)`);
  });

  it("scales a large image to the width budget and keeps the token grid where it falls", async () => {
    const plan = await planOf("qwen2-vl", [{ modality: "IMAGE", name: "img", value: "size:2800x1960" }]);
    const r = resizedOf(plan, "img");
    const pic = await drawPlan(plan, { width: 1000 });
    const [img] = only(pic, "image");
    const scale = Math.min(1, 968 / r.width, 1400 / r.height);
    expect(img.scale).toBeCloseTo(scale, 12);
    expect(img.width).toBe(Math.round(r.width * scale));
    const at = await pixels(pic);
    const row = img.y + Math.round(14 * scale);
    for (let k = 1; k < r.width / 28; k++) {
      const x = img.x + Math.round(28 * k * scale);
      expect(at(x, row)[0], `merge line ${k}`).toBeGreaterThan(150);
    }
    // between merge lines: the grey metadata placeholder (patch lines are too dense to draw at this scale)
    expect(at(img.x + Math.round(21 * scale) + 1, row + 3)).toEqual([58, 62, 72]);
  });

  it("lands a box at its resized-frame pixels in the Qwen2.5-VL absolute and the Qwen2-VL relative conventions", async () => {
    for (const preset of ["qwen2.5-vl", "qwen2-vl"]) {
      const plan = await planOf(preset, [
        { modality: "IMAGE", name: "img", value: BLUE },
        { modality: "BOX", name: "b", value: [30, 20, 150, 120] },
      ]);
      const r = resizedOf(plan, "img");
      const model = (plan.slots.b.box as { model: number[] }).model;
      const pic = await drawPlan(plan);
      const [img] = only(pic, "image");
      const [box] = only(pic, "box");
      const [x0, y0, x1, y1] = boxInResized(model, String(plan.slots.b.convention), r);
      expect(box.x).toBe(img.x + Math.round(x0));
      expect(box.y).toBe(img.y + Math.round(y0));
      // the same corner straight from original pixels (300x200 -> resized): within a pixel of the model's rounding
      expect(Math.abs(box.x - img.x - (30 * r.width) / 300)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(box.x + box.width - img.x - (150 * r.width) / 300)).toBeLessThanOrEqual(1.5);
      const at = await pixels(pic);
      const [red, green] = at(box.x, img.y + Math.round((y0 + y1) / 2));
      expect(red, `${preset} box edge`).toBeGreaterThan(200);
      expect(green).toBeLessThan(120);
      expect(at(img.x + Math.round((x0 + x1) / 2) + 7, img.y + Math.round((y0 + y1) / 2) + 7)[0]).toBeLessThan(100);
    }
  });

  it("draws the InternVL tile grid every 448 resized pixels", async () => {
    const plan = await planOf("internvl", [{ modality: "IMAGE", name: "img", value: "size:1000x500" }]);
    const tiles = plan.slots.img.tiles as { columns: number; rows: number };
    const pic = await drawPlan(plan, { width: 1400 });
    const [img] = only(pic, "image");
    expect(img.width).toBe(Math.round(448 * tiles.columns * img.scale!));
    const at = await pixels(pic);
    for (let c = 1; c < tiles.columns; c++) {
      const [, g, b] = at(img.x + Math.round(448 * c * img.scale!), img.y + 5);
      expect(g, `tile line ${c}`).toBeGreaterThan(140);
      expect(b).toBeGreaterThan(170);
    }
  });
});

describe("video pictures", () => {
  it("makes a contact sheet with one labelled thumbnail per sampled frame", async () => {
    const plan = await planOf("qwen2.5-vl", [{ modality: "VIDEO", name: "clip", value: CLIP }]);
    const frames = plan.slots.clip.frames as { indices: number[]; timestamps: number[] };
    const pic = await drawPlan(plan);
    const thumbs = only(pic, "frame");
    expect(thumbs.map((t) => t.time)).toEqual(frames.timestamps);
    expect(thumbs.map((t) => t.label)).toEqual(frames.indices.map((i) => `#${i}`));
    const at = await pixels(pic);
    const centre = (t: RenderRegion) => at(t.x + t.width / 2, t.y + t.height / 2).join(",");
    // testsrc2 moves: sampled frames differ from each other and from the grey placeholder
    expect(new Set(thumbs.map(centre)).size).toBeGreaterThan(1);
    expect(thumbs.map(centre)).not.toContain("58,62,72");
    const svg = await pic.svg();
    for (const t of frames.timestamps) expect(svg).toContain(`>${Number(t.toFixed(2))} s<`);
  });

  it("writes the Qwen3-VL <t seconds> text above each temporal patch", async () => {
    const plan = await planOf("qwen3-vl", [{ modality: "VIDEO", name: "clip", value: CLIP }]);
    const texts = plan.slots.clip.timestamp_texts as string[];
    expect(texts.length).toBeGreaterThan(1);
    const svg = await (await drawPlan(plan)).svg();
    for (const t of texts) expect(svg).toContain(t.replace(/</g, "&lt;").replace(/>/g, "&gt;"));
  });
});

describe("timelines", () => {
  it("places every sampled frame at its timestamp and every Omni chunk with its position ids", async () => {
    const plan = await planOf("qwen2.5-omni", [{ modality: "VIDEO", name: "clip", value: CLIP, attrs: { audio: true } }]);
    const frames = plan.slots.clip.frames as { timestamps: number[] };
    const pic = await drawPlan(plan);
    const thumbs = only(pic, "frame");
    expect(thumbs).toHaveLength(frames.timestamps.length);
    const [wave] = only(pic, "waveform");
    const X = (t: number) => 104 + (t / 5) * (pic.width - 104 - 16);
    thumbs.forEach((th, i) => {
      expect(th.time).toBe(frames.timestamps[i]);
      const centre = th.x + th.width / 2;
      const clamped = th.x === 104 || th.x + th.width === pic.width - 16;
      if (!clamped) expect(Math.abs(centre - X(frames.timestamps[i]))).toBeLessThanOrEqual(1);
    });
    const ranges = plan.positions!.ranges as ([number, number] | null)[];
    const spans = plan.segments.map((s, i) => ({ s, r: ranges[i] })).filter(({ s }) => s.slot === "clip");
    const chunks = only(pic, "chunk");
    expect(chunks.map((c) => c.label)).toEqual(spans.map(({ s, r }) => `${s.kind} ${s.tokens} pos ${r![0]}–${r![1]}`));
    expect(new Set(spans.map(({ s }) => s.kind))).toEqual(new Set(["video", "audio"]));
    const at = await pixels(pic);
    const waveColumn = Array.from({ length: wave.height }, (_, k) => at(wave.x + wave.width / 2, wave.y + k)[2]);
    expect(Math.max(...waveColumn)).toBeGreaterThan(200);
  });

  it("draws a 440 Hz tone as a bright low band of the mel image", async () => {
    const plan = await planOf("whisper", [{ modality: "AUDIO", name: "a", value: TONE }]);
    const pic = await drawPlan(plan);
    const [mel] = only(pic, "mel");
    expect(only(pic, "chunk")).toHaveLength(1);
    const at = await pixels(pic);
    let best = 0;
    let bestY = 0;
    for (let y = mel.y; y < mel.y + mel.height; y++) {
      const v = at(mel.x + mel.width / 2, y).reduce((a, b) => a + b, 0);
      if (v > best) [best, bestY] = [v, y];
    }
    // 440 Hz sits near mel bin 8 of 80 (0..8 kHz): the brightest row is in the bottom fifth
    expect(bestY).toBeGreaterThan(mel.y + mel.height * 0.8);
    expect(best).toBeGreaterThan(500);
  });
});

describe("output", () => {
  it("stacks several media slots under one title and writes PNG or SVG", async () => {
    const plan = await planOf("qwen2.5-vl", [
      { modality: "IMAGE", name: "img", value: BLUE },
      { modality: "VIDEO", name: "clip", value: CLIP },
    ]);
    const pic = await drawPlan(plan);
    const [img] = only(pic, "image");
    const thumbs = only(pic, "frame");
    expect(thumbs.every((t) => t.y > img.y + img.height)).toBe(true);
    const out = `${dir}two.svg`;
    const bytes = await renderPlan(plan, { out });
    const svg = readFileSync(out, "utf8");
    expect(bytes.toString("utf8")).toBe(svg);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain(`${plan.total_tokens.toLocaleString("en-US")} tokens`);
    expect(svg.match(/<image /g)).toHaveLength(1 + thumbs.length);
    const meta = await sharp(Buffer.from(svg)).metadata();
    expect([meta.width, meta.height]).toEqual([pic.width, pic.height]);
    const png = await new Plan(plan).render({ out: `${dir}two.png` });
    expect((await sharp(png).metadata()).format).toBe("png");
  });

  it("needs the sample for media given as bytes, and says so", async () => {
    const bytes = readFileSync(BLUE);
    const plan = await planOf("qwen2-vl", [{ modality: "IMAGE", name: "img", value: new Uint8Array(bytes) }]);
    const err = await renderPlan(plan).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OmnispecError);
    expect((err as OmnispecError).code).toBe("media/not-found");
    expect((err as OmnispecError).message).toContain('"img"');
    const pic = await drawPlan(plan, { sample: { img: new Uint8Array(bytes) } });
    const [img] = only(pic, "image");
    expect((await pixels(pic))(img.x + 7, img.y + 7)).toEqual([0, 0, 255]);
  });

  it("refuses an unknown format", async () => {
    const plan = await planOf("qwen2-vl", [{ modality: "IMAGE", name: "img", value: "size:64x64" }]);
    await expect(renderPlan(plan, { format: "gif" as "png" })).rejects.toMatchObject({ code: "input/invalid" });
  });
});
