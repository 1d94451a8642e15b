// run() on the generated tiny models, offline behind a network tripwire: plumbing, determinism, plan parity, failures.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { AutoModelForImageTextToText, Tensor } from "@huggingface/transformers";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { fetchTripwire } from "../../tests/support/offline.js";
import { ffmpegBinaries } from "../media/ffmpeg.js";
import type { GridThw } from "../positions/types.js";
import { defineTask } from "../task/define-task.js";
import { OmnispecError } from "../errors.js";
import { boxPrefix } from "./routes/generative.js";
import { positions } from "./routes/qwen-vl.js";
import { defaultModelKind, run } from "./run.js";
import { ensureTinyModels } from "./tiny-models/index.js";

const TMP = resolve("tests/tmp/runtime");
const MODELS = resolve("tests/tmp/models");
let paths: Record<string, string> = {};
let tripwire: { attempts(): number };

const caption = defineTask("[IMAGE:img] what does the image describe? -> [TEXT:caption]");
const offline = { offline: true, modelsDir: MODELS, generation: { maxNewTokens: 6 } };

async function png(name: string, rgb: [number, number, number], width = 320, height = 200): Promise<string> {
  const file = join(TMP, name);
  await sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .composite([{ input: { create: { width: 60, height: 50, channels: 3, background: { r: rgb[2], g: 255, b: rgb[0] } } }, top: 30, left: 40 }])
    .png()
    .toFile(file);
  return file;
}

let red = "";
let blue = "";
let clip = "";

beforeAll(async () => {
  mkdirSync(TMP, { recursive: true });
  tripwire = fetchTripwire();
  paths = ensureTinyModels(MODELS, { kinds: ["qwen2-vl", "qwen3", "vit", "clip"] }).paths as Record<string, string>;
  red = await png("red.png", [210, 30, 30]);
  blue = await png("blue.png", [20, 40, 220]);
  clip = join(TMP, "clip.mp4");
  execFileSync(ffmpegBinaries().ffmpeg, ["-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10:duration=2", "-pix_fmt", "yuv420p", clip]);
}, 30_000);

/** the position ids the qwen-vl route feeds equal transformers.js' own get_rope_index on the same ids and grids */
async function expectTransformersRope(ids: number[], image: GridThw | undefined, video: GridThw | undefined): Promise<void> {
  const model = (await AutoModelForImageTextToText.from_pretrained(paths["qwen2-vl"], { local_files_only: true })) as unknown as {
    get_rope_index(ids: Tensor, image: Tensor | null, video: Tensor | null, mask: Tensor): [Tensor, Tensor];
  };
  const grid = (g: GridThw | undefined) => (g ? new Tensor("int64", BigInt64Array.from(g, BigInt), [1, 3]) : null);
  const idsT = new Tensor("int64", BigInt64Array.from(ids, BigInt), [1, ids.length]);
  const [theirs, delta] = model.get_rope_index(idsT, grid(image), grid(video), new Tensor("int64", new BigInt64Array(ids.length).fill(1n), [1, ids.length]));
  const ours = positions(ids, "qwen2-vl", image ? [image] : [], video ? [video] : [], video ? [1] : [], undefined, 2);
  expect(Array.from(ours.data, Number)).toEqual(Array.from(theirs.data as BigInt64Array, Number));
  expect(ours.delta).toBe(Number((delta.data as BigInt64Array)[0]));
}

describe("run on the tiny Qwen2-VL", () => {
  it("is deterministic, depends on the image, and feeds the plan's token counts and positions", async () => {
    const a = await run(caption, { img: red }, { ...offline, model: paths["qwen2-vl"] });
    const again = await run(caption, { img: red }, { ...offline, model: paths["qwen2-vl"] });
    const b = await run(caption, { img: blue }, { ...offline, model: paths["qwen2-vl"] });
    expect(again.outputs).toEqual(a.outputs);
    expect(a.trace.caption.text).not.toEqual(b.trace.caption.text);
    expect(a.model.route).toBe("qwen-vl");
    const [t, h, w] = a.plan.slots.img.grid_thw as number[];
    expect(a.input?.mediaTokens.img).toBe((t * h * w) / 4);
    expect(a.input?.mediaTokens.img).toBe(a.plan.slots.img.tokens);
    const ids = a.input!.ids;
    expect(ids.filter((id) => id === 151655)).toHaveLength(a.plan.slots.img.tokens);
    await expectTransformersRope(ids, [t, h, w], undefined);
  });

  it("takes a video through the vision encoder with the plan's grid and token count", async () => {
    const video = defineTask("[VIDEO:clip] what happens? -> [TEXT:answer]");
    const r = await run(video, { clip }, { ...offline, model: paths["qwen2-vl"] });
    const [t, h, w] = r.plan.slots.clip.grid_thw as number[];
    expect(t).toBeGreaterThan(0);
    expect(r.input?.mediaTokens.clip).toBe((t * h * w) / 4);
    expect(r.input!.ids.filter((id) => id === 151656)).toHaveLength(r.plan.slots.clip.tokens);
    await expectTransformersRope(r.input!.ids, undefined, [t, h, w]);
    expect(typeof r.outputs.answer).toBe("string");
  });

  it("scores declared choices instead of generating, and decodes boxes in the preset's convention", async () => {
    const yn = defineTask("[IMAGE:img] is it red? -> [CATEGORY:yn,choices=yes|no]");
    const r = await run(yn, { img: red }, { ...offline, model: paths["qwen2-vl"] });
    expect(["yes", "no"]).toContain(r.outputs.yn);
    expect(Object.keys(r.trace.yn.scores ?? {})).toEqual(["yes", "no"]);
    const ground = defineTask("[IMAGE:img] where is the square? -> [BOX:region]");
    const g = await run(ground, { img: red }, { ...offline, model: paths["qwen2-vl"], generation: { maxNewTokens: 40 } });
    const box = g.outputs.region as number[];
    expect(boxPrefix(g.trace.region.text ?? "", "qwen2-vl-rel1000")).toBe(2);
    expect(box.every((v, i) => v >= 0 && v <= (i % 2 === 0 ? 320 : 200))).toBe(true);
    expect(box[2] > box[0] && box[3] > box[1]).toBe(true);
  });
});

describe("generation options on the tiny Qwen3", () => {
  const chat = defineTask("say hello to [TEXT:name] -> [TEXT:reply]");

  it("samples reproducibly by seed, streams the same text, and reports per-token statistics", async () => {
    const gen = (seed: number) => ({ maxNewTokens: 8, greedy: false, temperature: 1.5, topP: 0.95, seed });
    const streamed: string[] = [];
    const a = await run(chat, { name: "bob" }, { ...offline, model: paths.qwen3, generation: gen(1), returnTokenStats: true, stream: (t) => streamed.push(t) });
    const again = await run(chat, { name: "bob" }, { ...offline, model: paths.qwen3, generation: gen(1) });
    const seeds = await Promise.all([2, 3, 4].map((s) => run(chat, { name: "bob" }, { ...offline, model: paths.qwen3, generation: gen(s) })));
    expect(again.outputs).toEqual(a.outputs);
    expect(seeds.some((r) => r.trace.reply.text !== a.trace.reply.text)).toBe(true);
    expect(streamed.join("")).toBe(a.trace.reply.text);
    expect(a.tokenStats).toHaveLength(a.trace.reply.tokens!);
    for (const s of a.tokenStats!) {
      expect(s.logprob).toBeLessThanOrEqual(0);
      expect(s.entropy).toBeGreaterThanOrEqual(0);
      expect(s.entropy).toBeLessThanOrEqual(Math.log(151936) + 1e-6);
    }
    expect(a.model.route).toBe("causal-lm");
  });

  it("passes thinking on and off to the chat template: off closes an empty think block in the prompt", async () => {
    const on = await run(chat, { name: "bob" }, { ...offline, model: paths.qwen3, thinking: true });
    const off = await run(chat, { name: "bob" }, { ...offline, model: paths.qwen3, thinking: false });
    const think = 151667;
    expect(on.input!.ids.includes(think)).toBe(false);
    expect(off.input!.ids.includes(think)).toBe(true);
    expect(off.input!.tokens).toBeGreaterThan(on.input!.tokens);
  });
});

describe("classifiers", () => {
  it("ViT picks one of its labels; CLIP picks one of the declared choices, differently for a different image", async () => {
    const label = defineTask("[IMAGE:img] -> [CATEGORY:label]");
    const v = await run(label, { img: red }, { ...offline, model: paths.vit });
    expect(Object.keys(v.trace.label.scores ?? {})).toContain(v.outputs.label);
    expect(v.plan.slots.img.resized).toEqual({ height: 224, width: 224 });
    const zs = defineTask("[IMAGE:img] -> [CATEGORY:label,choices=red|green|blue]");
    const a = await run(zs, { img: red }, offline);
    const b = await run(zs, { img: blue }, offline);
    expect(a.model.route).toBe("zero-shot-image-classification");
    expect(a.trace.label.scores).not.toEqual(b.trace.label.scores);
  });
});

describe("failures", () => {
  const code = async (work: Promise<unknown>): Promise<OmnispecError> => {
    const e = await work.then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(OmnispecError);
    return e as OmnispecError;
  };

  it("names a missing folder, a missing file and a layer count that does not match the graph", async () => {
    expect((await code(run(caption, { img: red }, { ...offline, model: join(TMP, "nowhere") }))).code).toBe("model/not-found");
    const broken = join(TMP, "no-vision");
    rmSync(broken, { recursive: true, force: true });
    cpSync(paths["qwen2-vl"], broken, { recursive: true });
    rmSync(join(broken, "onnx/vision_encoder.onnx"));
    const missing = await code(run(caption, { img: red }, { ...offline, model: broken }));
    expect([missing.code, missing.file]).toEqual(["model/not-found", join(broken, "onnx/vision_encoder.onnx")]);
    const layers = join(TMP, "layers");
    rmSync(layers, { recursive: true, force: true });
    cpSync(paths.qwen3, layers, { recursive: true });
    const config = JSON.parse(readFileSync(join(layers, "config.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(layers, "config.json"), JSON.stringify({ ...config, num_hidden_layers: 5 }));
    const chat = defineTask("hi -> [TEXT:reply]");
    const mismatch = await code(run(chat, {}, { ...offline, model: layers }));
    expect(mismatch.code).toBe("model/mismatch");
    expect(mismatch.message).toContain("num_hidden_layers = 5");
  });

  it("refuses a model that cannot take the task's modality, and an output that fails the schema", async () => {
    const asText = defineTask("[IMAGE:img] -> [TEXT:caption]");
    const wrong = await code(run(asText, { img: red }, { ...offline, model: paths.vit }));
    expect([wrong.code, wrong.slot]).toEqual(["model/unsupported-task", "caption"]);
    const textModel = await code(run(caption, { img: red }, { ...offline, model: paths.qwen3 }));
    expect([textModel.code, textModel.slot]).toEqual(["model/unsupported-task", "img"]);
    // a schema the user tightened after defineTask
    const strict = { ...defineTask("[IMAGE:img] what? -> [TEXT:caption]"), outputSchema: z.object({ caption: z.string().regex(/^\d+$/) }) };
    const bad = await code(run(strict, { img: red }, { ...offline, model: paths["qwen2-vl"] }));
    expect([bad.code, bad.slot]).toEqual(["model/output", "caption"]);
  });

  it("never touches the network offline: a hub id that is not local is a typed error, with the tripwire untouched", async () => {
    const before = tripwire.attempts();
    const e = await code(run(caption, { img: red }, { ...offline, model: "someone/not-downloaded-model" }));
    expect(e.code).toBe("model/offline");
    expect(e.message).toContain("someone/not-downloaded-model");
    await run(caption, { img: red }, { ...offline, model: paths["qwen2-vl"] });
    expect(tripwire.attempts()).toBe(before);
  });
});

describe("defaultModelKind", () => {
  it("picks the embedded model from the task's shape: a prompt or a question needs a model that reads it", () => {
    expect(defaultModelKind(caption)).toBe("qwen2-vl");
    expect(defaultModelKind(defineTask("[VIDEO:clip] what happens? -> [TEXT:answer]"))).toBe("qwen2-vl");
    expect(defaultModelKind(defineTask("[IMAGE:img] -> [CATEGORY:label,choices=cat|dog]"))).toBe("clip");
    expect(defaultModelKind(defineTask("[IMAGE:img] -> [CATEGORY:label]"))).toBe("vit");
    expect(defaultModelKind(defineTask("[IMAGE:img] is it red? -> [CATEGORY:yn,choices=yes|no]"))).toBe("qwen2-vl");
    expect(defaultModelKind(defineTask("[IMAGE:img] [TEXT:q] -> [CATEGORY:yn,choices=yes|no]"))).toBe("qwen2-vl");
    expect(defaultModelKind(defineTask("[AUDIO:wav] -> [TEXT:text]"))).toBe("whisper");
    expect(defaultModelKind(defineTask("say hello to [TEXT:name] -> [TEXT:reply]"))).toBe("qwen3");
  });

  it("sends one text or a pair to a label set to the BERT classifier when its labels cover the choices, else to Qwen3", () => {
    expect(defaultModelKind(defineTask("[TEXT:review] -> [CATEGORY:sentiment,choices=negative|positive]"))).toBe("bert");
    expect(defaultModelKind(defineTask("[TEXT:review] -> [CATEGORY:sentiment,choices=Positive|NEUTRAL]"))).toBe("bert");
    expect(defaultModelKind(defineTask("[TEXT:review] -> [CATEGORY:sentiment]"))).toBe("bert");
    expect(defaultModelKind(defineTask("[TEXT:premise] [TEXT:hypothesis] -> [CATEGORY:label]"))).toBe("bert");
    expect(defaultModelKind(defineTask("[TEXT:review] -> [CATEGORY:topic,choices=sports|politics]"))).toBe("qwen3");
    expect(defaultModelKind(defineTask("is this review positive? [TEXT:review] -> [CATEGORY:yn,choices=positive|negative]"))).toBe("qwen3");
    expect(defaultModelKind(defineTask("[TEXT:a] [TEXT:b] [TEXT:c] -> [CATEGORY:label]"))).toBe("qwen3");
    expect(defaultModelKind(defineTask("[TEXT:review] -> [TEXT:summary]"))).toBe("qwen3");
  });
});

describe("boxPrefix", () => {
  it("accepts prefixes of the convention's syntax within range and rejects the rest", () => {
    expect(boxPrefix("(12,3", "qwen2-vl-rel1000")).toBe(1);
    expect(boxPrefix("(12,3),(40,50)", "qwen2-vl-rel1000")).toBe(2);
    expect(boxPrefix("(1001", "qwen2-vl-rel1000")).toBe(0);
    expect(boxPrefix("[1, 2, 3, 4]", "qwen2.5-vl-abs", 500)).toBe(2);
    expect(boxPrefix("[1,", "qwen2.5-vl-abs")).toBe(1);
    expect(boxPrefix("[1,2", "qwen2.5-vl-abs")).toBe(0);
    // a real box: the second corner strictly right of and below the first, the first short of the limit
    expect(boxPrefix("(500,500),(6", "qwen2-vl-rel1000")).toBe(1);
    expect(boxPrefix("(500,500),(4", "qwen2-vl-rel1000")).toBe(0);
    expect(boxPrefix("(500,500),(501,50", "qwen2-vl-rel1000")).toBe(1);
    expect(boxPrefix("(500,500),(501,500)", "qwen2-vl-rel1000")).toBe(0);
    expect(boxPrefix("(1000", "qwen2-vl-rel1000")).toBe(0);
    expect(boxPrefix("10 20 11 21", "ofa-bins", 999)).toBe(2);
    expect(boxPrefix("10 20 10", "ofa-bins", 999)).toBe(1);
  });
});
