// video: sampling the film clip at 2 fps to the Qwen2.5-VL plan (probe, sample, decode, resize to 840x476 in one
// ffmpeg process) against plain `ffmpeg -i clip -f null -` on the same file; peak RSS of a streaming decode of the
// 30 s clip and of the clip looped to 10 minutes, each in its own child process.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ffmpegBinaries } from "../src/media/ffmpeg.js";
import { decodeFrames, probeVideo, streamFrames, type VideoProbe } from "../src/modalities/video/decode.js";
import { planVideoFrames, type VideoFramePlan } from "../src/modalities/video/resize.js";
import { printResults, type BenchResult } from "./types.js";

const MEDIA = process.env.OMNISPEC_MEDIA_DIR ?? fileURLToPath(new URL("../../shared/media/", import.meta.url));
const TMP = fileURLToPath(new URL("../tests/tmp/bench/", import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** the Qwen2.5-VL plan of a file: qwen-vl-utils 0.0.10 at 2 fps, per-frame budget from total_pixels */
async function qwenPlan(file: string): Promise<{ plan: VideoFramePlan; video: VideoProbe }> {
  const video = await probeVideo(file);
  return { plan: planVideoFrames({ totalFrames: video.frames, fps: video.fps, width: video.width, height: video.height }, {}, "qwen2.5-vl"), video };
}

/** probe, plan and decode the planned frames, at native size (the Pillow-exact path's input) or resized by ffmpeg */
async function ours(file: string, resize: boolean): Promise<number> {
  const t0 = performance.now();
  const { plan, video } = await qwenPlan(file);
  const size = resize ? { width: plan.width, height: plan.height } : {};
  const r = await decodeFrames(file, { indices: plan.indices, ...size, probe: video });
  if (r.frames.length !== plan.nframes) throw new Error("frame count");
  return performance.now() - t0;
}

function ffmpegNull(file: string, extra: string[] = []): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(ffmpegBinaries().ffmpeg, ["-nostdin", "-hide_banner", "-loglevel", "error", "-i", file, ...extra, "-f", "null", "-"], { stdio: "ignore" });
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`ffmpeg exited ${code}`))));
  });
}

/** child: stream the planned frames of `file`, keeping none, and report the process's peak RSS */
async function child(file: string): Promise<void> {
  const t0 = performance.now();
  const { plan, video } = await qwenPlan(file);
  let frames = 0;
  let checksum = 0;
  for await (const f of streamFrames(file, { indices: plan.indices, width: plan.width, height: plan.height, probe: video })) {
    frames++;
    checksum = (checksum + f.data[f.data.length >> 1]) | 0;
  }
  const out = { frames, width: plan.width, height: plan.height, checksum, ms: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(JSON.stringify(out) + "\n");
}

function inChild(file: string): { frames: number; width: number; height: number; ms: number; maxRssMb: number } {
  const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as ReturnType<typeof inChild>;
}

/** the clip looped 20 times (10 minutes), stream-copied */
function looped(clip: string): string {
  mkdirSync(TMP, { recursive: true });
  const out = join(TMP, "bbb_480p_10min.mp4");
  if (existsSync(out)) return out;
  const tmp = join(TMP, `${process.pid}-loop.mp4`);
  const r = spawnSync(ffmpegBinaries().ffmpeg, ["-hide_banner", "-loglevel", "error", "-y", "-stream_loop", "19", "-i", clip, "-c", "copy", tmp], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`ffmpeg could not loop the clip: ${r.stderr}`);
  renameSync(tmp, out);
  return out;
}

export async function run(): Promise<BenchResult[]> {
  const clip = join(MEDIA, "video/bbb_480p_30s.mp4");
  if (!existsSync(clip)) throw new Error(`${clip} not found; set OMNISPEC_MEDIA_DIR`);
  const out: BenchResult[] = [];

  // interleaved rounds so that both sides see the same machine load
  await ours(clip, true);
  await ffmpegNull(clip);
  const t = { native: [] as number[], resized: [] as number[], peer: [] as number[], peerVideo: [] as number[] };
  for (let i = 0; i < 7; i++) {
    t.native.push(await ours(clip, false));
    t.resized.push(await ours(clip, true));
    t.peer.push(await ffmpegNull(clip));
    t.peerVideo.push(await ffmpegNull(clip, ["-an"]));
  }
  const [native, resized, full, videoOnly] = [t.native, t.resized, t.peer, t.peerVideo].map(median);
  const rounds = "probe included; medians of 7 interleaved rounds";
  const peer = { peer: "ffmpeg -i clip -f null -", peerValue: full, target: "<= 1.2x its time" };
  out.push({ name: "decode the 60 frames of the 2 fps Qwen2.5-VL plan, native 854x480", value: native, unit: "ms", ...peer, ratio: full / native, note: `the input of the Pillow-exact resize; ${rounds}` });
  out.push({ name: "the same, resized to 840x476 by ffmpeg in the same process", value: resized, unit: "ms", ...peer, ratio: full / resized, note: `bicubic via 4:4:4, mean 1.26 / max 23 levels off Pillow; ${rounds}` });
  out.push({ name: "native decode against video-only decoding", value: native, unit: "ms", peer: "ffmpeg -i clip -an -f null -", peerValue: videoOnly, ratio: videoOnly / native, note: "the peer skips the 5.1 AAC track, as omnispec does" });

  const short = inChild(clip);
  const long = inChild(looped(clip));
  const growth = long.maxRssMb / short.maxRssMb - 1;
  out.push({ name: "peak RSS, streaming the 30 s clip's frames", value: short.maxRssMb, unit: "MB", note: `${short.frames} frames at ${short.width}x${short.height} in ${(short.ms / 1000).toFixed(1)} s, node process (ffmpeg not counted)` });
  out.push({
    name: "peak RSS, streaming the clip looped to 10 minutes",
    value: long.maxRssMb,
    unit: "MB",
    peer: "the 30 s clip",
    peerValue: short.maxRssMb,
    ratio: long.maxRssMb / short.maxRssMb,
    target: "within 10%",
    note: `${long.frames} frames at ${long.width}x${long.height} in ${(long.ms / 1000).toFixed(1)} s; ${(growth * 100).toFixed(1)}% more than the 30 s clip`,
  });
  return out;
}

if (process.argv[2] === "--child") await child(process.argv[3]);
else if (process.argv[1] === fileURLToPath(import.meta.url)) printResults("video", await run());
