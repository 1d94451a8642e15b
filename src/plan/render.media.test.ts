import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { planOf } from "../../tests/setup/render-plans.js";
import { drawPlan, type PlanPicture, type RenderRegion } from "./render.js";

const media = process.env.OMNISPEC_MEDIA_DIR ?? "";
const out = fileURLToPath(new URL("../../tests/tmp/render-media/", import.meta.url));
const photos = media ? readdirSync(join(media, "images")).filter((f) => f.endsWith(".jpg")).sort() : [];
const CLIP = join(media, "video/bbb_480p_30s.mp4");
const SPEECH = join(media, "audio/jfk.wav");

beforeAll(() => {
  if (!media) throw new Error("set OMNISPEC_MEDIA_DIR to the shared media folder");
  mkdirSync(out, { recursive: true });
});

const only = (pic: PlanPicture, kind: RenderRegion["kind"]) => pic.regions.filter((r) => r.kind === kind);

async function save(pic: PlanPicture, name: string): Promise<Buffer> {
  const png = await pic.png();
  writeFileSync(join(out, name), png);
  return png;
}

/** 16x16 grey thumbnail of a region of a PNG. */
async function thumb(png: Buffer | string, region?: RenderRegion): Promise<Uint8Array> {
  let img = sharp(png);
  if (region) img = img.extract({ left: region.x, top: region.y, width: region.width, height: region.height });
  else img = img.rotate();
  return img.resize(16, 16, { fit: "fill" }).greyscale().raw().toBuffer();
}

const meanDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

describe("pictures of the real media", () => {
  it("draws every EXIF photo upright with its grid and a box (qwen2.5-vl)", async () => {
    expect(photos.length).toBeGreaterThanOrEqual(7);
    for (const f of photos) {
      const file = join(media, "images", f);
      const plan = await planOf("qwen2.5-vl", [
        { modality: "IMAGE", name: "img", value: file },
        { modality: "BOX", name: "b", value: [100, 100, 500, 400] },
      ]);
      const pic = await drawPlan(plan);
      const png = await save(pic, `photo-${f.replace(/\.jpg$/, "")}.png`);
      const [img] = only(pic, "image");
      const r = plan.slots.img.resized as { width: number; height: number };
      expect(img.width).toBe(Math.round(r.width * img.scale!));
      // the drawn pixels look like the upright photo (grid lines aside), not like a rotated one
      const drawn = await thumb(png, img);
      const upright = await thumb(file);
      expect(meanDiff(drawn, upright), f).toBeLessThan(30);
      expect(only(pic, "box")).toHaveLength(1);
    }
  });

  it("draws the poster as InternVL tiles and as the OFA fixed grid", async () => {
    for (const preset of ["internvl", "ofa", "qwen3-vl"]) {
      const plan = await planOf(preset, [{ modality: "IMAGE", name: "img", value: join(media, "images/bbb_poster.jpg") }]);
      const pic = await drawPlan(plan);
      await save(pic, `poster-${preset}.png`);
      expect(only(pic, "image")).toHaveLength(1);
    }
  });

  it("makes contact sheets of the film clip (qwen2.5-vl, qwen3-vl)", async () => {
    for (const preset of ["qwen2.5-vl", "qwen3-vl"]) {
      const plan = await planOf(preset, [{ modality: "VIDEO", name: "clip", value: CLIP }]);
      const frames = plan.slots.clip.frames as { timestamps: number[] };
      const pic = await drawPlan(plan);
      await save(pic, `video-${preset}.png`);
      expect(only(pic, "frame").map((t) => t.time)).toEqual(frames.timestamps);
    }
  });

  it("draws the Omni timeline of the film clip with its 5.1 track", async () => {
    const plan = await planOf("qwen2.5-omni", [{ modality: "VIDEO", name: "clip", value: CLIP, attrs: { audio: true } }]);
    const frames = plan.slots.clip.frames as { timestamps: number[] };
    const pic = await drawPlan(plan);
    await save(pic, "omni-video-audio.png");
    expect(only(pic, "frame")).toHaveLength(frames.timestamps.length);
    const chunks = plan.segments.filter((s) => s.slot === "clip");
    expect(only(pic, "chunk")).toHaveLength(chunks.length);
    expect(chunks.filter((s) => s.kind === "audio").length).toBe(Math.ceil(30 / 2));
  });

  it("draws the speech clip as Omni and Whisper hear it", async () => {
    for (const preset of ["qwen2.5-omni", "whisper", "qwen2-audio"]) {
      const plan = await planOf(preset, [{ modality: "AUDIO", name: "speech", value: SPEECH }]);
      const pic = await drawPlan(plan);
      const png = await save(pic, `speech-${preset}.png`);
      const [mel] = only(pic, "mel");
      const m = await sharp(png).extract({ left: mel.x, top: mel.y, width: mel.width, height: mel.height }).stats();
      // speech and pauses: the mel image is far from flat
      expect(m.channels[0].stdev, preset).toBeGreaterThan(20);
    }
  });
});
