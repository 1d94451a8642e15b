// materialize(): the plan's tensors have the plan's shapes and the preset's normalisation; a lying plan is refused.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { modelPresets } from "../../presets/models.js";
import { OmnispecError } from "../errors.js";
import { ffmpegBinaries } from "../media/ffmpeg.js";
import { defineTask } from "../task/define-task.js";
import { compile } from "./compile.js";
import { resize } from "../modalities/image/resample/index.js";
import { patchify } from "../modalities/image/patchify.js";
import { decodeFrames } from "../modalities/video/decode.js";
import { materialize, slotFrameView, slotImagePixels } from "./materialize.js";
import type { ModelPreset, SmartImageConfig } from "./preset.js";

describe("materialize", () => {
  const dir = resolve("tests/tmp/materialize");
  const preset = modelPresets["qwen2-vl"] as ModelPreset;
  const mean = (preset.image as SmartImageConfig).mean;
  const std = (preset.image as SmartImageConfig).std;

  it("gives pixel_values of the plan's shape, and video patches normalised with the preset's mean and std", async () => {
    mkdirSync(dir, { recursive: true });
    const photo = join(dir, "grey.png");
    await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toFile(photo);
    const clip = join(dir, "grey.mp4");
    execFileSync(ffmpegBinaries().ffmpeg, ["-y", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=0x808080:size=160x120:rate=4:duration=2", "-pix_fmt", "yuv444p", "-c:v", "libx264", "-qp", "0", clip]);
    const task = defineTask("[IMAGE:img] [VIDEO:clip] same? -> [TEXT:a]");
    const sample = { img: photo, clip };
    const plan = (await compile(task, sample, { preset })).toJSON();
    const { images, videos } = await materialize(plan, task, sample, { preset });
    const patch = plan.slots.img.steps.find((s) => s.op === "patchify")!.params as { pixel_values: number[] };
    expect(images.img.dims).toEqual(patch.pixel_values);
    expect(images.img.gridThw).toEqual(plan.slots.img.grid_thw);
    expect(videos.clip.gridThw).toEqual(plan.slots.clip.grid_thw);
    const [t, h, w] = plan.slots.clip.grid_thw as number[];
    expect(videos.clip.dims).toEqual([t * h * w, 3 * 2 * 14 * 14]);
    // grey 128 everywhere: channel c of every patch is (128 / 255 - mean[c]) / std[c]
    const rowLength = videos.clip.dims[1];
    for (let c = 0; c < 3; c++) expect(videos.clip.data[c * (rowLength / 3)]).toBeCloseTo((128 / 255 - mean[c]) / std[c], 1);
  });

  it("gives video patches of Pillow-exact frames: patchify of resize() on the natively decoded frames", async () => {
    mkdirSync(dir, { recursive: true });
    const clip = join(dir, "testsrc.mp4");
    execFileSync(ffmpegBinaries().ffmpeg, ["-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=200x150:rate=8:duration=2", "-pix_fmt", "yuv420p", "-c:v", "libx264", clip]);
    const task = defineTask("[VIDEO:clip] what happens? -> [TEXT:a]");
    const plan = (await compile(task, { clip }, { preset })).toJSON();
    const slot = plan.slots.clip;
    const r = slot.resized as { width: number; height: number };
    const indices = (slot.frames as { indices: number[] }).indices;
    const { videos } = await materialize(plan, task, { clip }, { preset });
    const native = await decodeFrames(clip, { indices });
    const frames = await Promise.all(native.frames.map((data) => resize({ data, width: 200, height: 150 }, r.width, r.height, { method: "pil" })));
    const want = patchify(frames, { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean, std });
    expect(videos.clip.dims).toEqual(want.dims);
    expect(videos.clip.gridThw).toEqual(slot.grid_thw);
    expect(videos.clip.data.every((v, i) => v === want.pixelValues[i])).toBe(true);
  });

  it("reads how frames reach the model's size from a video plan: Qwen's frame size, OFA's short side then a centre crop", () => {
    const base = { modality: "VIDEO", side: "source", tokens: 1, exact: true } as const;
    const qwen = { ...base, original: { width: 854, height: 480 }, resized: { width: 840, height: 476 }, steps: [{ op: "resize", params: { by: "qwen-vl-utils-0.0.10", from: [854, 480], to: [840, 476] } }] };
    expect(slotFrameView(qwen, "clip")).toEqual({ width: 840, height: 476, resample: "pil" });
    const ofa = { ...base, original: { width: 160, height: 120 }, resized: { width: 256, height: 256 }, steps: [{ op: "resize", params: { short_side: 256, crop: [256, 256] } }] };
    expect(slotFrameView(ofa, "clip")).toEqual({ width: 341, height: 256, resample: "pil", crop: [256, 256] });
    const portrait = { ...ofa, original: { width: 120, height: 160 } };
    expect(slotFrameView(portrait, "clip")).toMatchObject({ width: 256, height: 341 });
    expect(() => slotFrameView({ ...base, steps: [] }, "clip")).toThrow(OmnispecError);
  });

  it("resizes to the shortest edge, then centre-crops, where the plan says so (clip)", async () => {
    mkdirSync(dir, { recursive: true });
    const wide = join(dir, "wide.png");
    const noise = Uint8Array.from({ length: 320 * 240 * 3 }, (_, i) => (i * 2654435761) >>> 24);
    await sharp(noise, { raw: { width: 320, height: 240, channels: 3 } }).png().toFile(wide);
    const clipPreset = modelPresets.clip as ModelPreset;
    const task = defineTask("[IMAGE:img] what? -> [TEXT:a]");
    const plan = (await compile(task, { img: wide }, { preset: clipPreset })).toJSON();
    const seen = await slotImagePixels(plan.slots.img, wide, { slot: "img" });
    expect([seen.width, seen.height]).toEqual([224, 224]);
    // 320x240 -> 298x224 (shortest edge 224), then the middle 224 columns from column 37
    const full = await resize({ data: noise, width: 320, height: 240 }, 298, 224, { method: "pil" });
    for (const y of [0, 100, 223]) expect(Buffer.from(seen.data.subarray(y * 224 * 3, (y + 1) * 224 * 3)).equals(Buffer.from(full.data.subarray((y * 298 + 37) * 3, (y * 298 + 37 + 224) * 3)))).toBe(true);
    const { images } = await materialize(plan, task, { img: wide }, { preset: clipPreset });
    expect(images.img.dims).toEqual([1, 3, 224, 224]);
  });

  it("materializes several large images at once, concurrent calls giving the same tensors", async () => {
    const big = join(dir, "big.png");
    const noise = Uint8Array.from({ length: 1600 * 1200 * 3 }, (_, i) => (i * 2654435761) >>> 24);
    await sharp(noise, { raw: { width: 1600, height: 1200, channels: 3 } }).png().toFile(big);
    const task = defineTask("[IMAGE:img] what? -> [TEXT:a]");
    const plan = (await compile(task, { img: big }, { preset })).toJSON();
    const all = await Promise.all([0, 1, 2].map(() => materialize(plan, task, { img: big })));
    expect(all.map((m) => m.images.img.dims)).toEqual([0, 1, 2].map(() => all[0].images.img.dims));
    const [a, c] = [all[0].images.img.data, all[2].images.img.data];
    expect(a.length).toBe(c.length);
    expect(a.every((v, i) => v === c[i])).toBe(true);
  });

  it("composites a transparent image on the slot's background colour", async () => {
    const clear = join(dir, "clear.png");
    // fully transparent red: the background colour decides what the model sees
    const rgba = Uint8Array.from({ length: 56 * 56 * 4 }, (_, i) => (i % 4 === 0 ? 255 : 0));
    await sharp(rgba, { raw: { width: 56, height: 56, channels: 4 } }).png().toFile(clear);
    const green = async (instruction: string) => {
      const task = defineTask(instruction);
      const plan = (await compile(task, { img: clear }, { preset })).toJSON();
      const { data, dims } = (await materialize(plan, task, { img: clear })).images.img;
      return data[dims[1] / 3];
    };
    expect(await green("[IMAGE:img,background=#000000] what? -> [TEXT:a]")).toBeCloseTo((0 - mean[1]) / std[1], 4);
    expect(await green("[IMAGE:img,background=#ffffff] what? -> [TEXT:a]")).toBeCloseTo((1 - mean[1]) / std[1], 4);
  });

  it("refuses a plan whose grid the pixels do not match, naming the slot", async () => {
    const task = defineTask("[IMAGE:img] what? -> [TEXT:a]");
    const sample = { img: join(dir, "grey.png") };
    const plan = (await compile(task, sample, { preset })).toJSON();
    const img = plan.slots.img;
    const lying = { ...plan, slots: { ...plan.slots, img: { ...img, grid_thw: [1, 2, 2] } } };
    const e = await materialize(lying, task, sample).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(OmnispecError);
    expect([(e as OmnispecError).code, (e as OmnispecError).slot]).toEqual(["plan/mismatch", "img"]);
  });
});
