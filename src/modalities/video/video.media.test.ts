import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { ffmpegBinaries } from "../../media/ffmpeg.js";
import { resize } from "../image/resample/index.js";
import { contactSheet } from "./contact-sheet.js";
import { decodeFrames, probeVideo } from "./decode.js";
import { planVideoFrames, type VideoFramePlan } from "./resize.js";

const MEDIA = process.env.OMNISPEC_MEDIA_DIR ?? "";
const CLIP = join(MEDIA, "video/bbb_480p_30s.mp4");
const OUT = fileURLToPath(new URL("../../../tests/tmp/", import.meta.url));

/** one frame by an independent route: ffmpeg's accurate input seek to the frame's timestamp, native size */
function seekFrame(index: number, fps: number): Buffer {
  const r = spawnSync(ffmpegBinaries().ffmpeg, ["-v", "error", "-ss", String(index / fps), "-i", CLIP, "-frames:v", "1", "-an", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], { maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

let plan: VideoFramePlan;
beforeAll(() => {
  plan = planVideoFrames({ totalFrames: 720, fps: 24, width: 854, height: 480 }, {}, "qwen2.5-vl");
});

describe("the film clip", () => {
  it("needs OMNISPEC_MEDIA_DIR", () => {
    expect(MEDIA).not.toBe("");
  });

  it("probes as the media README says: 24 fps, 720 frames, 854x480, 5.1 at 48 kHz", async () => {
    const v = await probeVideo(CLIP, { slot: "clip" });
    expect([v.fps, v.frames, v.width, v.height, v.rotation, v.codec]).toEqual([24, 720, 854, 480, 0, "h264"]);
    expect(v.audio.map((a) => [a.channels, a.sampleRate])).toEqual([[6, 48000]]);
    // the container header says 30.022 s (the 5.1 track's AAC priming included); ffprobe >= 5 trims the priming
    // through the edit list and says 30.000; the README's 30.02 is the older figure
    expect(v.duration).toBeGreaterThanOrEqual(30);
    expect(v.duration).toBeLessThan(30.03);
  });

  it("decodes the 60 frames Qwen2.5-VL samples at 2 fps, at 840x476, each the frame its index names", async () => {
    expect([plan.nframes, plan.width, plan.height]).toEqual([60, 840, 476]);
    const native = await decodeFrames(CLIP, { indices: [plan.indices[0], plan.indices[30], plan.indices[59]], slot: "clip" });
    expect([native.width, native.height]).toEqual([854, 480]);
    // frame numbers agree with timestamps: the same pixels as seeking to index / fps
    for (const [k, i] of [plan.indices[0], plan.indices[30], plan.indices[59]].entries()) expect(Buffer.from(native.frames[k]).equals(seekFrame(i, 24))).toBe(true);
    const scaled = await decodeFrames(CLIP, { indices: plan.indices, width: plan.width, height: plan.height, slot: "clip" });
    expect(scaled.frames).toHaveLength(60);
    expect(scaled.frames.every((f) => f.length === 840 * 476 * 3)).toBe(true);
    // consecutive samples half a second apart are different pictures
    const differ = scaled.frames.slice(1).filter((f, i) => !Buffer.from(f).equals(Buffer.from(scaled.frames[i]))).length;
    expect(differ).toBeGreaterThan(50);
  });

  it("decodes the 60 frames in keyframe-aligned stretches side by side, byte for byte as one ffmpeg pass does", async () => {
    const one = await decodeFrames(CLIP, { indices: plan.indices, processes: 1, slot: "clip" });
    expect(one.steps.some((s) => s.endsWith("in one ffmpeg pass"))).toBe(true);
    for (const processes of [2, 4]) {
      const r = await decodeFrames(CLIP, { indices: plan.indices, processes, slot: "clip" });
      expect(r.steps.some((s) => / stretches from the keyframes at frames 0, \d+/.test(s))).toBe(true);
      expect(r.frames.every((f, k) => Buffer.from(f).equals(Buffer.from(one.frames[k])))).toBe(true);
    }
    // one late frame: seeked to, in one process
    const late = await decodeFrames(CLIP, { indices: [700], processes: 1, slot: "clip" });
    expect(late.steps.some((s) => s.includes("from the keyframe at frame"))).toBe(true);
    expect(Buffer.from(late.frames[0]).equals(seekFrame(700, 24))).toBe(true);
  });

  it("resizes Pillow-exactly by default, and with ffmpeg bicubic close to it (qwen-vl-utils resizes with torchvision bicubic + antialias)", async () => {
    const indices = [plan.indices[10], plan.indices[40]];
    const native = await decodeFrames(CLIP, { indices });
    const exact = await decodeFrames(CLIP, { indices, width: plan.width, height: plan.height });
    const fast = await decodeFrames(CLIP, { indices, width: plan.width, height: plan.height, resample: "ffmpeg" });
    let max = 0;
    let sum = 0;
    let n = 0;
    for (let k = 0; k < indices.length; k++) {
      const pil = await resize({ data: native.frames[k], width: 854, height: 480 }, plan.width, plan.height, { method: "pil" });
      expect(Buffer.from(exact.frames[k]).equals(Buffer.from(pil.data))).toBe(true);
      for (let i = 0; i < pil.data.length; i++) {
        const d = Math.abs(pil.data[i] - fast.frames[k][i]);
        if (d > max) max = d;
        sum += d;
        n++;
      }
    }
    console.log(`ffmpeg bicubic vs Pillow bicubic, 854x480 -> 840x476: max ${max}, mean ${(sum / n).toFixed(3)}`);
    expect(sum / n).toBeLessThan(2);
  });

  it("writes a contact sheet of the sampled frames with their timestamps", async () => {
    const indices = plan.indices.filter((_, k) => k % 5 === 0);
    const times = plan.timestamps.filter((_, k) => k % 5 === 0);
    const r = await decodeFrames(CLIP, { indices, width: 240, height: 135 });
    const png = await contactSheet(r.frames.map((data) => ({ data, width: r.width, height: r.height })), times, { columns: 4, labels: indices.map((i) => `#${i}`) });
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, "bbb-contact-sheet.png"), png);
    const meta = await sharp(png).metadata();
    expect(indices).toHaveLength(12);
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(["png", 6 + 4 * (240 + 6), 6 + 3 * (135 + 20 + 6), 3]);
  });
});
