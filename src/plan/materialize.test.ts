// materialize(): the plan's tensors, checked against a naive reshape/transpose of the Qwen patch layout.
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
import { materialize, patchify } from "./materialize.js";
import type { ModelPreset, SmartImageConfig } from "./preset.js";

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
