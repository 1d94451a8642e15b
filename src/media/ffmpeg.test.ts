import { describe, expect, it } from "vitest";
import { ffmpegHasSoxr } from "../modalities/audio/decode.js";
import { videoFixtures } from "../../tests/fixtures/videos.js";
import { ffmpegBuildConfig, PACKET_KEY, packetIndex, streamRaw } from "./ffmpeg.js";

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

describe("packetIndex", () => {
  it("lists a stream's packets in stored order: time stamps (negative ones too), keyframes, time base", async () => {
    const file = videoFixtures()["counter.mp4"];
    const index = (await packetIndex(file, "v:0"))!;
    expect(index.streamIndex).toBe(0);
    expect(index.timeBase).toEqual([1, 12800]);
    // 25 fps at 1/12800: 512 a frame; B-frames stored after the frame they precede
    expect([...index.pts.subarray(0, 4)]).toEqual([0, 2048, 1024, 512]);
    expect([...index.dts.subarray(0, 2)]).toEqual([-1024, -512]);
    expect(index.flags[0] & PACKET_KEY).toBe(PACKET_KEY);
    expect(index.flags[1] & PACKET_KEY).toBe(0);
    expect(index.pts).toHaveLength(200);
  });

  it("resolves undefined where ffprobe cannot list, or the list would be too long", async () => {
    const f = videoFixtures();
    expect(await packetIndex(f["text.mp4"], 0)).toBeUndefined();
    expect(await packetIndex(f["counter.mp4"], 0, { maxBytes: 1000 })).toBeUndefined();
  });
});
