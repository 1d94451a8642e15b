import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { COUNTER, counterValue, videoFixtures, type VideoFixtureName } from "../../../tests/fixtures/videos.js";
import { OmnispecError } from "../../errors.js";
import { resize } from "../image/resample/index.js";
import { PACKET_KEY, packetIndex, streamRaw, type PacketIndex } from "../../media/ffmpeg.js";
import { decodeFrames, packetsOf, probeVideo, selectExpression, streamFrames, type VideoProbe } from "./decode.js";
import { splitPoints } from "./segments.js";
import { sampleFrames } from "./sample-frames.js";

let f: Record<VideoFixtureName, string>;
beforeAll(() => {
  f = videoFixtures();
});

async function expectError(p: Promise<unknown>, code: string, file?: string): Promise<OmnispecError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(OmnispecError);
  const err = e as OmnispecError;
  expect(err.code).toBe(code);
  expect(err.slot).toBe("clip");
  expect(err.message).toContain('slot "clip"');
  if (file !== undefined) expect(err.file).toBe(file);
  return err;
}

const values = (r: { frames: Uint8Array[]; width: number; height: number }) => r.frames.map((d) => counterValue(d, r.width, r.height));

/** the stored frame turned clockwise by `deg`, pixel by pixel */
function turn(d: Uint8Array, w: number, h: number, deg: number): Uint8Array {
  const out = new Uint8Array(d.length);
  const W = deg % 180 === 0 ? w : h;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [X, Y] = deg === 90 ? [h - 1 - y, x] : deg === 180 ? [w - 1 - x, h - 1 - y] : deg === 270 ? [y, w - 1 - x] : [x, y];
      out.set(d.subarray((y * w + x) * 3, (y * w + x) * 3 + 3), (Y * W + X) * 3);
    }
  }
  return out;
}

// broken files and the error each one gets, from probing and from decoding alike
const BROKEN = [
  ["audio-only.mp4", "media/no-stream"],
  ["text.mp4", "media/unreadable"],
  ["empty.mp4", "media/unreadable"],
  ["truncated-head.mp4", "media/unreadable"],
] as const;

describe("probeVideo", () => {
  it("reads frame rate, frame count, size, duration and the audio streams", async () => {
    const v = await probeVideo(f["testsrc-audio.mp4"], { slot: "clip" });
    expect([v.fps, v.frames, v.width, v.height, v.rotation, v.codec]).toEqual([10, 30, 160, 120, 0, "h264"]);
    expect(v.duration).toBeCloseTo(3, 1);
    expect(v.audio.map((a) => [a.channels, a.sampleRate])).toEqual([[2, 44100]]);
    const c = await probeVideo(f["counter.webm"]);
    expect([c.fps, c.frames, c.width, c.height, c.codec, c.audio.length]).toEqual([25, 200, 96, 48, "vp8", 0]);
  });

  it.each([
    ["counter-cw90.mp4", 90, 48, 96],
    ["counter-cw180.mp4", 180, 96, 48],
    ["counter-cw270.mp4", 270, 48, 96],
  ] as const)("reads the display matrix of %s as %i° clockwise, size upright", async (name, rotation, width, height) => {
    const v = await probeVideo(f[name]);
    expect([v.rotation, v.width, v.height]).toEqual([rotation, width, height]);
  });

  it.each(BROKEN)("refuses %s with %s", async (name, code) => {
    const e = await expectError(probeVideo(f[name], { slot: "clip" }), code, f[name]);
    if (code === "media/no-stream") expect(e.hint).toContain("AUDIO");
  });

  it("says when the file does not exist", async () => {
    const missing = f["counter.mp4"].replace("counter.mp4", "no-such-clip.mp4");
    await expectError(probeVideo(missing, { slot: "clip" }), "media/not-found", missing);
  });
});

describe("selectExpression", () => {
  it("collapses runs and keeps single frames", () => {
    expect(selectExpression([1, 2, 3, 7, 9, 10])).toBe("between(n,1,3)+eq(n,7)+between(n,9,10)");
    expect(selectExpression([0])).toBe("eq(n,0)");
  });
});

describe("decodeFrames", () => {
  const asked = [199, 0, 1, 2, 3, 37, 37, 100, 101, 150, 198, 5];

  it.each(["counter.mp4", "counter-faststart.mp4", "counter.webm"] as const)("returns exactly the asked frames of %s, in the asked order", async (name) => {
    const r = await decodeFrames(f[name], { indices: asked, slot: "clip" });
    expect([r.width, r.height, r.frames.length]).toEqual([COUNTER.width, COUNTER.height, asked.length]);
    expect(values(r)).toEqual(asked);
    expect(r.frames.every((d) => d.length === COUNTER.width * COUNTER.height * 3)).toBe(true);
    // a repeated index is decoded once
    expect(r.frames[5]).toBe(r.frames[6]);
  });

  it("numbers every frame as decord does: all 200, none doubled or dropped (B-frames reordered)", async () => {
    const all = Array.from({ length: COUNTER.frames }, (_, i) => i);
    const r = await decodeFrames(f["counter.mp4"], { indices: all });
    expect(values(r)).toEqual(all);
    expect(r.steps.some((s) => s.startsWith("select: 200 distinct frame(s) of 200"))).toBe(true);
  });

  it.each([90, 180, 270])("turns frames stored with a %i° display rotation upright, pixel for pixel", async (deg) => {
    const indices = [0, 37, 150];
    const stored = await decodeFrames(f["counter.mp4"], { indices });
    const r = await decodeFrames(f[`counter-cw${deg}.mp4` as VideoFixtureName], { indices });
    expect([r.width, r.height]).toEqual(deg === 180 ? [96, 48] : [48, 96]);
    expect(r.frames.map((d) => counterValue(d, r.width, r.height, deg))).toEqual(indices);
    for (let i = 0; i < indices.length; i++) expect(Buffer.from(r.frames[i]).equals(turn(stored.frames[i], 96, 48, deg))).toBe(true);
    expect(r.steps).toContain(`rotate: ${deg}° clockwise (the stream's display matrix), selected frames only`);
  });

  it("resizes inside the same ffmpeg process with resample: ffmpeg", async () => {
    const r = await decodeFrames(f["counter.mp4"], { indices: [3, 77, 160], width: 48, height: 24, resample: "ffmpeg" });
    expect([r.width, r.height, r.frames[0].length]).toEqual([48, 24, 48 * 24 * 3]);
    // blocks are 6 px wide at half size: still legible
    const half = (d: Uint8Array) => {
      let n = 0;
      for (let k = 0; k < COUNTER.bits; k++) if (d[(12 * 48 + k * 6 + 3) * 3] > 128) n |= 1 << k;
      return n;
    };
    expect(r.frames.map(half)).toEqual([3, 77, 160]);
    expect(r.steps.some((s) => s.startsWith("resize: 96x48 -> 48x24 with ffmpeg bicubic"))).toBe(true);
  });

  it.each(["counter.mp4", "counter-cw90.mp4"] as const)("resizes %s Pillow-exactly by default: the bytes of resize() on the native frames", async (name) => {
    const indices = [150, 3, 77, 3];
    const native = await decodeFrames(f[name], { indices });
    const [w, h] = [Math.round(native.width * 0.6), Math.round(native.height * 0.6)];
    const r = await decodeFrames(f[name], { indices, width: w, height: h, slot: "clip" });
    expect([r.width, r.height, r.frames.length]).toEqual([w, h, 4]);
    for (let k = 0; k < indices.length; k++) {
      const pil = await resize({ data: native.frames[k], width: native.width, height: native.height }, w, h, { method: "pil" });
      expect(Buffer.from(r.frames[k]).equals(Buffer.from(pil.data))).toBe(true);
    }
    expect(r.frames[1]).toBe(r.frames[3]);
    expect(r.steps[r.steps.length - 1]).toBe(`resize: ${native.width}x${native.height} -> ${w}x${h} with Pillow-exact bicubic, on a worker thread while ffmpeg decodes on`);
  });

  it("hands each frame out in memory of its own, resized on a worker thread", async () => {
    const indices = [0, 5, 10, 19];
    const native = await decodeFrames(f["testsrc-vga.mp4"], { indices });
    const r = await decodeFrames(f["testsrc-vga.mp4"], { indices, width: 600, height: 448 });
    expect(r.frames.every((d) => !(d.buffer instanceof SharedArrayBuffer))).toBe(true);
    expect(new Set(r.frames.map((d) => d.buffer)).size).toBe(indices.length);
    for (const k of [0, 3]) {
      const pil = await resize({ data: native.frames[k], width: 640, height: 480 }, 600, 448, { method: "pil" });
      expect(Buffer.from(r.frames[k]).equals(Buffer.from(pil.data))).toBe(true);
    }
  });

  it("resizes with the other image resamplers when asked", async () => {
    const native = await decodeFrames(f["testsrc-audio.mp4"], { indices: [7] });
    const r = await decodeFrames(f["testsrc-audio.mp4"], { indices: [7], width: 112, height: 84, resample: "sharp" });
    const sharpFrame = await resize({ data: native.frames[0], width: 160, height: 120 }, 112, 84, { method: "sharp" });
    expect(Buffer.from(r.frames[0]).equals(Buffer.from(sharpFrame.data))).toBe(true);
  });

  it("gives the frames sampled at 2 fps, each the frame shown at its timestamp", async () => {
    const v = await probeVideo(f["counter.mp4"]);
    const s = sampleFrames({ totalFrames: v.frames, videoFps: v.fps, fps: 2 });
    const r = await decodeFrames(f["counter.mp4"], { indices: s.indices, probe: v });
    expect(r.frames).toHaveLength(s.nframes);
    expect(values(r)).toEqual(s.indices);
    // an independent route: ffmpeg seeking to each timestamp shows the same frame
    for (const [k, t] of s.timestamps.entries()) {
      if (k % 4 !== 0) continue;
      const chunks: Buffer[] = [];
      await streamRaw({ input: f["counter.mp4"], inputOptions: ["-ss", String(t)], outputOptions: ["-frames:v", "1", "-pix_fmt", "rgb24"], format: "rawvideo", onData: (c) => chunks.push(c) });
      expect(counterValue(Buffer.concat(chunks), COUNTER.width, COUNTER.height)).toBe(s.indices[k]);
    }
  });
});

describe("decodeFrames side by side", () => {
  const every3 = Array.from({ length: 67 }, (_, i) => i * 3);
  const keysOf = (index: PacketIndex) => [...index.flags].flatMap((flag, i) => (flag & PACKET_KEY ? [i] : []));
  const bytes = (r: { frames: Uint8Array[] }) => r.frames.map((d) => Buffer.from(d).toString("base64"));
  /** ffmpeg processes this test process has running */
  const ffmpegChildren = () => (spawnSync("pgrep", ["-P", String(process.pid), "-f", "ffmpeg"], { encoding: "utf8" }).stdout ?? "").trim().split("\n").filter(Boolean).length;

  it("splits only at keyframes no frame reaches across: all of a closed-GOP clip's, not an open-GOP keyframe", async () => {
    const v = await probeVideo(f["counter.mp4"]);
    const index = (await packetIndex(f["counter.mp4"], v.streamIndex))!;
    expect(index.pts).toHaveLength(200);
    const keys = keysOf(index);
    expect(keys.length).toBeGreaterThanOrEqual(4);
    expect(splitPoints(index, v.frames)?.map((p) => p.frame)).toEqual(keys);
    const og = await probeVideo(f["counter-opengop.mp4"]);
    const ogIndex = (await packetIndex(f["counter-opengop.mp4"], og.streamIndex))!;
    const ogKeys = keysOf(ogIndex);
    const points = splitPoints(ogIndex, og.frames)!.map((p) => p.frame);
    // the keyframe stored 98th is shown as frame 100: frames 98 and 99 are stored after it
    expect(ogKeys).toEqual([0, 50, 98, 150]);
    expect(points).toEqual([0, 50, 150]);
  });

  it.each(["counter.mp4", "counter-opengop.mp4"] as const)("gives %s's frames byte for byte as one pass does, native and resized", async (name) => {
    const one = await decodeFrames(f[name], { indices: every3, processes: 1 });
    expect(one.steps.some((s) => s.endsWith("in one ffmpeg pass"))).toBe(true);
    for (const processes of [2, 3]) {
      const r = await decodeFrames(f[name], { indices: every3, processes });
      expect(r.steps.some((s) => new RegExp(`in \\d+ stretches from the keyframes at frames 0, .*${Math.min(processes, 3)} ffmpeg processes side by side`).test(s))).toBe(true);
      expect(values(r)).toEqual(every3);
      expect(bytes(r)).toEqual(bytes(one));
    }
    const sized = { indices: every3, width: 80, height: 40 };
    expect(bytes(await decodeFrames(f[name], { ...sized, processes: 2 }))).toEqual(bytes(await decodeFrames(f[name], { ...sized, processes: 1 })));
  });

  it("seeks to the keyframe before a late first frame, in one process too", async () => {
    const v = await probeVideo(f["counter.mp4"]);
    const keys = keysOf((await packetIndex(f["counter.mp4"], v.streamIndex))!);
    const before = keys.filter((k) => k <= 170).pop()!;
    const r = await decodeFrames(f["counter.mp4"], { indices: [199, 170], processes: 1, probe: v });
    expect(values(r)).toEqual([199, 170]);
    expect(r.steps.some((s) => s.includes(`from the keyframe at frame ${before} (seeking to`) && s.endsWith("in one ffmpeg pass"))).toBe(true);
  });

  it("starts the packet list with the probe when asked, for the decode that follows", async () => {
    const v = await probeVideo(f["counter.mp4"], { packets: true });
    const index = await packetsOf(v);
    expect(index?.streamIndex).toBe(v.streamIndex);
    expect(index?.pts).toHaveLength(v.frames);
    expect(packetsOf(await probeVideo(f["counter.mp4"]))).toBeUndefined();
    expect(values(await decodeFrames(f["counter.mp4"], { indices: [5, 120], probe: v }))).toEqual([5, 120]);
  });

  it("gives a truncated file's frames, then the error one pass gives (its packet list ends early: no split)", async () => {
    const indices = [0, 20, 40, 150];
    const seen: number[] = [];
    const err = await (async () => {
      for await (const fr of streamFrames(f["truncated-tail.mp4"], { indices, processes: 2, slot: "clip" })) seen.push(fr.index);
    })().then(() => undefined, (e: unknown) => e as OmnispecError);
    const one = await decodeFrames(f["truncated-tail.mp4"], { indices, processes: 1, slot: "clip" }).then(() => undefined, (e: unknown) => e as OmnispecError);
    expect(err?.code).toBe("media/unreadable");
    expect(err?.message).toBe(one?.message);
    expect(err?.message).toContain("ended before frame 40");
    expect(seen).toEqual([0, 20]);
  });

  it("stops every ffmpeg when the loop ends early", async () => {
    const seen: number[] = [];
    for await (const fr of streamFrames(f["counter.mp4"], { indices: every3, width: 80, height: 40, processes: 3 })) {
      seen.push(fr.index);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([0, 3]);
    await new Promise((r) => setTimeout(r, 50));
    expect(ffmpegChildren()).toBe(0);
  });
});

describe("decodeFrames resizing in ffmpeg against the Pillow-exact path", () => {
  it("stays within a few levels of Pillow bicubic on the native frames (testsrc2 colours)", async () => {
    const indices = [4, 17];
    const native = await decodeFrames(f["testsrc-audio.mp4"], { indices });
    const fast = await decodeFrames(f["testsrc-audio.mp4"], { indices, width: 112, height: 84, resample: "ffmpeg" });
    let sum = 0;
    let n = 0;
    for (let k = 0; k < indices.length; k++) {
      const pil = await resize({ data: native.frames[k], width: 160, height: 120 }, 112, 84, { method: "pil" });
      for (let i = 0; i < pil.data.length; i++, n++) sum += Math.abs(pil.data[i] - fast.frames[k][i]);
    }
    expect(sum / n).toBeLessThan(2.5);
    expect(sum / n).toBeGreaterThan(0);
  });
});

describe("streamFrames", () => {
  it("yields the distinct frames in frame order, one buffer each, while the consumer is slow", async () => {
    const seen: number[] = [];
    const buffers = new Set<Uint8Array>();
    for await (const fr of streamFrames(f["counter.mp4"], { indices: [50, 10, 10, 120, 11, 12, 199] })) {
      await new Promise((r) => setTimeout(r, 15));
      seen.push(fr.index);
      buffers.add(fr.data);
      expect(counterValue(fr.data, fr.width, fr.height)).toBe(fr.index);
    }
    expect(seen).toEqual([10, 11, 12, 50, 120, 199]);
    expect(buffers.size).toBe(6);
  });

  it("hands on the last frames when ffmpeg exits while the consumer is still busy with earlier ones", async () => {
    // 57.6 kB frames: ffmpeg writes the last ones into the pipe and exits before they are read
    const indices = [22, 24, 26, 28, 29];
    const seen: number[] = [];
    for await (const fr of streamFrames(f["testsrc-audio.mp4"], { indices })) {
      await new Promise((r) => setTimeout(r, 60));
      seen.push(fr.index);
    }
    expect(seen).toEqual(indices);
  });

  it("resizes while streaming and stops ffmpeg and the resizer when the loop ends early", async () => {
    const seen: number[] = [];
    for await (const fr of streamFrames(f["counter.mp4"], { indices: Array.from({ length: 200 }, (_, i) => i), width: 192, height: 96 })) {
      expect([fr.width, fr.height, fr.data.length]).toEqual([192, 96, 192 * 96 * 3]);
      // blocks are 24 px wide at double size
      let n = 0;
      for (let k = 0; k < COUNTER.bits; k++) if (fr.data[(48 * 192 + k * 24 + 12) * 3] > 128) n |= 1 << k;
      expect(n).toBe(fr.index);
      seen.push(fr.index);
      if (seen.length === 5) break;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(values(await decodeFrames(f["counter.mp4"], { indices: [6] }))).toEqual([6]);
  });

  it("stops ffmpeg when the loop ends early", async () => {
    const seen: number[] = [];
    for await (const fr of streamFrames(f["counter.mp4"], { indices: Array.from({ length: 200 }, (_, i) => i) })) {
      seen.push(fr.index);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([0, 1, 2]);
    // the next decode still works (nothing left waiting)
    expect(values(await decodeFrames(f["counter.mp4"], { indices: [4] }))).toEqual([4]);
  });
});

describe("hostile and broken video", () => {
  it.each(BROKEN)("refuses %s with %s", async (name, code) => {
    await expectError(decodeFrames(f[name], { indices: [0], slot: "clip" }), code, f[name]);
  });

  it("says when a truncated file's data ends before the frames its index promises", async () => {
    const e = await expectError(decodeFrames(f["truncated-tail.mp4"], { indices: [0, 150], slot: "clip" }), "media/unreadable", f["truncated-tail.mp4"]);
    expect(e.message).toContain("ended before frame 150");
    expect(e.hint).toContain("truncated");
  });

  it("refuses a frame past the end", async () => {
    const e = await expectError(decodeFrames(f["counter.mp4"], { indices: [3, 200], slot: "clip" }), "media/frame-count", f["counter.mp4"]);
    expect(e.value).toBe(200);
  });

  it("refuses a missing file", async () => {
    const missing = f["counter.mp4"].replace("counter.mp4", "gone.mp4");
    await expectError(decodeFrames(missing, { indices: [0], slot: "clip" }), "media/not-found", missing);
  });

  it("checks the pixel limit from the probe, before decoding anything", async () => {
    await expectError(decodeFrames(f["counter.mp4"], { indices: [0], maxPixels: 96 * 48 - 1, slot: "clip" }), "media/too-large", f["counter.mp4"]);
    // a probe claiming 100000 x 100000 on a file that is not even a video: refused by the limit, never opened by ffmpeg
    const bomb: VideoProbe = { file: f["text.mp4"], duration: 1, fps: 1, frames: 1, width: 100_000, height: 100_000, rotation: 0, codec: "h264", format: "mov,mp4,m4a,3gp,3g2,mj2", pixelFormat: "yuv420p", streamIndex: 0, audio: [], bytes: 10 };
    await expectError(decodeFrames(f["text.mp4"], { indices: [0], probe: bomb, slot: "clip" }), "media/too-large", f["text.mp4"]);
  });

  it("bounds the frame count and the time", async () => {
    await expectError(decodeFrames(f["counter.mp4"], { indices: [0, 1, 2], maxFrames: 2, slot: "clip" }), "media/too-large");
    await expectError(decodeFrames(f["counter.mp4"], { indices: [0, 199], timeoutMs: 1, slot: "clip" }), "media/timeout", f["counter.mp4"]);
  });

  it.each([
    [{ indices: [] }, "no frame indices"],
    [{ indices: [-1] }, "frame index -1"],
    [{ indices: [1.5] }, "frame index 1.5"],
    [{ indices: [0], width: 32 }, "two positive integers"],
    [{ indices: [0], width: 0, height: 10 }, "two positive integers"],
    [{ indices: [0], width: 10, height: 10, resample: "lanczos" as never }, "unknown frame resampler"],
    [{ indices: [0], processes: 0 }, "processes must be a positive integer"],
  ])("refuses bad options %j", async (opts, message) => {
    const e = await expectError(decodeFrames(f["counter.mp4"], { ...opts, slot: "clip" }), "input/invalid");
    expect(e.message).toContain(message);
  });
});
