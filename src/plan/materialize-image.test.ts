// materialize()'s image tensors with resample=pil are exactly those of the explicit chain decodeImage -> resize (pil)
// -> [centre crop] -> patchify / CHW normalisation, for every image layout a preset gives (patches, tiles, fixed, crop).
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { modelPresets } from "../../presets/models.js";
import { decodeImage } from "../modalities/image/decode.js";
import { normalizeTable, patchify } from "../modalities/image/patchify.js";
import { resize } from "../modalities/image/resample/index.js";
import { defineTask } from "../task/define-task.js";
import { compile } from "./compile.js";
import { centreCrop, materialize } from "./materialize.js";
import type { ModelPreset } from "./preset.js";
import type { SlotPlanJSON } from "./types.js";

const dir = resolve("tests/tmp/materialize-image");

function noise(width: number, height: number, channels: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: width * height * channels }, (_, i) => ((i + seed) * 2654435761) >>> 24);
}

/** the tensor the plan asks for, built step by step from the plain decoder and resizer */
async function reference(plan: SlotPlanJSON, file: string, background?: string): Promise<{ data: Float32Array; dims: number[] }> {
  const param = (op: string) => plan.steps.find((s) => s.op === op)?.params;
  const orient = param("orient")?.applied !== false;
  const decoded = await decodeImage(file, { orient, background });
  const { width, height } = plan.resized as { width: number; height: number };
  const from = param("center-crop")?.from as [number, number] | undefined;
  const resized = await resize(decoded, from?.[0] ?? width, from?.[1] ?? height, { method: "pil" });
  const pixels = from ? centreCrop(resized, width, height) : resized;
  const { mean, std } = param("normalize") as { mean: number[]; std: number[] };
  const patch = param("patchify") as { patch: number; merge: number; temporal_patch: number } | undefined;
  if (patch) {
    const r = patchify(pixels, { patchSize: patch.patch, mergeSize: patch.merge, temporalPatchSize: patch.temporal_patch, mean, std });
    return { data: r.pixelValues, dims: r.dims };
  }
  const table = normalizeTable(mean, std);
  const data = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) for (let i = 0; i < width * height; i++) data[c * width * height + i] = table[c * 256 + pixels.data[i * 3 + c]];
  return { data, dims: [1, 3, height, width] };
}

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe("materialize: image tensors equal the explicit decode -> resize (pil) -> patchify chain", () => {
  const files: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const png = async (name: string, w: number, h: number, seed: number) => {
      files[name] = join(dir, `${name}.png`);
      await sharp(noise(w, h, 3, seed), { raw: { width: w, height: h, channels: 3 } }).png().toFile(files[name]);
    };
    await png("tiny-40x30", 40, 30, 1); // grows to Qwen's minimum
    await png("odd-333x211", 333, 211, 2);
    await png("portrait-500x900", 500, 900, 3);
    files["photo-1200x800"] = join(dir, "photo-1200x800.jpg");
    await sharp(noise(1200, 800, 3, 4), { raw: { width: 1200, height: 800, channels: 3 } }).jpeg({ quality: 90 }).toFile(files["photo-1200x800"]);
    // stored 640x360 landscape, EXIF 6: upright 360x640
    files["exif6-640x360"] = join(dir, "exif6-640x360.jpg");
    await sharp(noise(640, 360, 3, 5), { raw: { width: 640, height: 360, channels: 3 } }).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toFile(files["exif6-640x360"]);
    files["alpha-300x200"] = join(dir, "alpha-300x200.png");
    await sharp(noise(300, 200, 4, 6), { raw: { width: 300, height: 200, channels: 4 } }).png().toFile(files["alpha-300x200"]);
  });

  const layouts: [keyof typeof modelPresets, string][] = [
    ["qwen2-vl", "patches"],
    ["qwen3-vl", "patches"],
    ["internvl", "chw"],
    ["ofa", "chw"],
    ["clip", "chw"],
  ];
  for (const [name, layout] of layouts) {
    it(`${name} (${layout}): every fixture, bit for bit`, async () => {
      const preset = modelPresets[name] as ModelPreset;
      const task = defineTask("[IMAGE:img] what? -> [TEXT:a]");
      for (const [fixture, file] of Object.entries(files)) {
        const plan = (await compile(task, { img: file }, { preset })).toJSON();
        const got = (await materialize(plan, task, { img: file }, { preset })).images.img;
        const want = await reference(plan.slots.img, file);
        expect({ fixture, layout: got.layout, dims: got.dims }).toEqual({ fixture, layout, dims: want.dims });
        expect({ fixture, same: bytes(got.data).equals(bytes(want.data)) }).toEqual({ fixture, same: true });
      }
    });
  }

  it("follows the plan's orient=false and the slot's background colour, bit for bit", async () => {
    const preset = modelPresets["qwen2-vl"] as ModelPreset;
    const cases: [string, string, string | undefined][] = [
      ["[IMAGE:img,orient=false] what? -> [TEXT:a]", files["exif6-640x360"], undefined],
      ["[IMAGE:img,background=#203040] what? -> [TEXT:a]", files["alpha-300x200"], "#203040"],
    ];
    for (const [instruction, file, background] of cases) {
      const task = defineTask(instruction);
      const plan = (await compile(task, { img: file }, { preset })).toJSON();
      const got = (await materialize(plan, task, { img: file }, { preset })).images.img;
      const want = await reference(plan.slots.img, file, background);
      expect(got.dims).toEqual(want.dims);
      expect(bytes(got.data).equals(bytes(want.data))).toBe(true);
    }
    // orient=false keeps the stored landscape: its grid is wider than tall
    const task = defineTask(cases[0][0]);
    const plan = (await compile(task, { img: files["exif6-640x360"] }, { preset })).toJSON();
    const [, gh, gw] = plan.slots.img.grid_thw as number[];
    expect(gw).toBeGreaterThan(gh);
  });
});
