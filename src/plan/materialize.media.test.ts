// materialize() on the golden Pillow cases: a qwen2-vl plan resized to each reference size gives exactly the patches of
// the reference pixels (decode, resample and patchify together equal Image.resize(BICUBIC) and the Qwen layout).
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { modelPresets } from "../../presets/models.js";
import { patchify } from "../modalities/image/patchify.js";
import { defineTask } from "../task/define-task.js";
import { compile } from "./compile.js";
import { materialize } from "./materialize.js";
import type { ModelPreset, SmartImageConfig } from "./preset.js";
import type { PlanJSON } from "./types.js";

const MEDIA = resolve(process.env.OMNISPEC_MEDIA_DIR ?? "../shared/media");
const PIXELS = join(MEDIA, "../golden/pixels");

interface PixelCase {
  source: string;
  width: number;
  height: number;
  expected: string;
}

const { cases } = JSON.parse(readFileSync(join(PIXELS, "cases.json"), "utf8")) as { cases: PixelCase[] };
const preset = modelPresets["qwen2-vl"] as ModelPreset;
const image = preset.image as SmartImageConfig;
const task = defineTask("[IMAGE:img] what is it? -> [TEXT:a]");

function sourcePath(source: string): string {
  return source.startsWith("../media/") ? join(MEDIA, source.slice("../media/".length)) : join(PIXELS, source);
}

/** the plan of `file`, with its resize (and so its grid) set to the reference size */
async function planAt(file: string, width: number, height: number): Promise<PlanJSON> {
  const plan = (await compile(task, { img: file }, { preset })).toJSON();
  const slot = plan.slots.img;
  const grid = [1, height / image.patchSize, width / image.patchSize];
  const steps = slot.steps.map((s) =>
    s.op === "resize" ? { ...s, params: { ...s.params, to: [width, height] } } : s.op === "patchify" ? { ...s, params: { ...s.params, grid_thw: grid, pixel_values: [grid[1] * grid[2], 3 * 2 * 14 * 14] } } : s,
  );
  return { ...plan, slots: { ...plan.slots, img: { ...slot, resized: { width, height }, grid_thw: grid, steps } } };
}

describe("materialize against Pillow 9.4 Image.resize(BICUBIC)", () => {
  let matched = 0;
  for (const c of cases) {
    it(`${c.source} -> ${c.width}x${c.height}: the patches of the reference pixels`, async () => {
      const file = sourcePath(c.source);
      const { images } = await materialize(await planAt(file, c.width, c.height), task, { img: file });
      const { data, info } = await sharp(join(PIXELS, c.expected)).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
      const expected = patchify({ data, width: info.width, height: info.height }, { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: image.mean, std: image.std });
      expect(images.img.dims).toEqual(expected.dims);
      let differing = 0;
      for (let i = 0; i < expected.pixelValues.length; i++) if (expected.pixelValues[i] !== images.img.data[i]) differing++;
      expect(differing).toBe(0);
      matched++;
    });
  }
  it("matched every case", () => {
    console.log(`materialize golden pixel cases matched: ${matched} of ${cases.length}`);
    expect(matched).toBe(cases.length);
  });
});
