import { describe, expect, it } from "vitest";
import { ffmpegHasSoxr } from "../modalities/audio/decode.js";
import { ffmpegBuildConfig, streamRaw } from "./ffmpeg.js";

describe("ffmpegBuildConfig", () => {
  it("reads the configure flags once, and the soxr check agrees with them", () => {
    const conf = ffmpegBuildConfig();
    // the fixtures are encoded with libx264: the ffmpeg in use must have it
    expect(conf).toContain("--enable-libx264");
    expect(ffmpegBuildConfig()).toBe(conf);
    expect(ffmpegHasSoxr()).toBe(conf.includes("--enable-libsoxr"));
  });
});

describe("streamRaw", () => {
  it("hands on every byte when ffmpeg exits while the reader is paused", async () => {
    // 384 kB of silence, written faster than it is read: ffmpeg exits with the tail still in the pipe
    let bytes = 0;
    const total = await streamRaw({
      input: "anullsrc=r=48000:cl=stereo",
      inputOptions: ["-f", "lavfi", "-t", "1"],
      outputOptions: ["-c:a", "pcm_f32le"],
      format: "f32le",
      onData: (c) => {
        bytes += c.length;
        return new Promise((r) => setTimeout(r, 20));
      },
    });
    expect(total).toBe(384000);
    expect(bytes).toBe(384000);
  }, 15_000);
});
