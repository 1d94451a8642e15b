// hostile and broken media at the plan stage: each gives a typed error naming the slot and the file (or a clean plan
// where the reference accepts the input), and in a JSONL run the other samples still complete.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Writable } from "node:stream";
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { compile, defineTask, OmnispecError } from "../src/index.js";
import { ffmpegBinaries } from "../src/media/ffmpeg.js";
import { planJsonl } from "../src/plan/jsonl.js";

const dir = fileURLToPath(new URL("./tmp/hostile/", import.meta.url));
const f = (name: string) => join(dir, name);

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

/** a PNG whose header declares width x height pixels, with a tiny (wrong) body: a decompression bomb */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.alloc(64))), chunk("IEND", Buffer.alloc(0))]);
}

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(f("empty.jpg"), Buffer.alloc(0));
  writeFileSync(f("text.jpg"), "this is not an image\n");
  writeFileSync(f("bomb.png"), pngDeclaring(100_000, 100_000));
  await sharp({ create: { width: 1, height: 1, channels: 3, background: "#f00" } }).png().toFile(f("one.png"));
  await sharp({ create: { width: 1, height: 10_000, channels: 3, background: "#0f0" } }).png().toFile(f("thin.png"));
  const ff = ffmpegBinaries().ffmpeg;
  const run = (args: string[]) => expect(spawnSync(ff, ["-v", "error", "-y", ...args]).status).toBe(0);
  run(["-f", "lavfi", "-i", "sine=frequency=300:sample_rate=16000:duration=2", f("audio-only.m4a")]);
  run(["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2", "-pix_fmt", "yuv420p", f("clip.mp4")]);
  const clip = spawnSync("cat", [f("clip.mp4")]).stdout as Buffer;
  writeFileSync(f("truncated.mp4"), clip.subarray(0, 200));
  writeFileSync(f("text.mp4"), "not a video");
});

async function planError(task: ReturnType<typeof defineTask>, sample: Record<string, unknown>): Promise<OmnispecError> {
  const e = await compile(task, sample, { preset: "qwen2.5-vl" }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OmnispecError);
  return e as OmnispecError;
}

describe("hostile images", () => {
  const task = defineTask("[IMAGE:photo] what is it? -> [TEXT:a]");
  it.each([
    ["empty.jpg", "media/unreadable"],
    ["text.jpg", "media/unsupported"],
    ["bomb.png", "media/too-large"],
    ["missing.jpg", "media/not-found"],
  ])("%s -> %s naming the slot and the file", async (name, code) => {
    const e = await planError(task, { photo: f(name) });
    expect(e.code).toBe(code);
    expect(e.slot).toBe("photo");
    expect(e.file).toBe(f(name));
  });

  it("a 1x1 image and a 1x10000 image plan as the reference sizes them (or refuse its aspect ratio)", async () => {
    const one = await compile(task, { photo: f("one.png") }, { preset: "qwen2.5-vl" });
    expect(one.slots.photo.resized).toEqual({ height: 56, width: 56 });
    const thin = await planError(task, { photo: f("thin.png") });
    expect(thin.code).toBe("media/aspect-ratio");
    expect(thin.file).toBe(f("thin.png"));
  });
});

describe("hostile video", () => {
  const task = defineTask("[VIDEO:clip] what happens? -> [TEXT:a]");
  it.each([
    ["audio-only.m4a", "media/no-stream"],
    ["truncated.mp4", "media/unreadable"],
    ["text.mp4", "media/unreadable"],
    ["missing.mp4", "media/not-found"],
  ])("%s -> %s naming the slot and the file", async (name, code) => {
    const e = await planError(task, { clip: f(name) });
    expect(e.code).toBe(code);
    expect(e.slot).toBe("clip");
    expect(e.file).toBe(f(name));
  });
});

describe("a JSONL run over the hostile corpus", () => {
  it("plans the good samples and reports each bad one with its line", async () => {
    const task = defineTask("[IMAGE:photo] [VIDEO:clip] what is it? -> [TEXT:a]");
    const lines = [
      { photo: f("one.png"), clip: f("clip.mp4") },
      { photo: f("bomb.png"), clip: f("clip.mp4") },
      { photo: f("one.png"), clip: f("audio-only.m4a") },
      { photo: f("text.jpg"), clip: f("clip.mp4") },
      { photo: "size:640x480", clip: "meta:frames=20,fps=10,width=160,height=120" },
    ];
    writeFileSync(f("run.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n"));
    let text = "";
    const sink = new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString()), cb()) });
    const summary = await planJsonl(task, f("run.jsonl"), sink, { preset: "qwen2.5-vl", workers: 1 });
    expect(summary).toMatchObject({ lines: 5, planned: 2, failed: 3 });
    const out = text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out.map((o) => o.error ?? "ok")).toEqual(["ok", "media/too-large", "media/no-stream", "media/unsupported", "ok"]);
    expect(out[1]).toMatchObject({ line: 2, slot: "photo", file: f("bomb.png") });
  });
});
