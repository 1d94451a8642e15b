// video: sampling the film clip at 2 fps to the Qwen2.5-VL plan (probe, sample, decode in keyframe-aligned stretches
// side by side, or in one ffmpeg process; resize to 840x476) against plain `ffmpeg -i clip -f null -` on the same
// file; peak RSS of a streaming decode + resize of the 30 s clip and of the clip looped to 10 minutes, each in its
// own child process.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ffmpegBinaries } from "../src/media/ffmpeg.js";
import { decodeFrames, probeVideo, streamFrames, type FrameResample, type VideoProbe } from "../src/modalities/video/decode.js";
import { resize } from "../src/modalities/image/resample/index.js";
import { planVideoFrames, type VideoFramePlan } from "../src/modalities/video/resize.js";
import { median, peakRssMb, printResults, type BenchResult } from "./types.js";

const MEDIA = process.env.OMNISPEC_MEDIA_DIR ?? fileURLToPath(new URL("../../shared/media/", import.meta.url));
const TMP = fileURLToPath(new URL("../tests/tmp/bench/", import.meta.url));

const ROUNDS = 7;

/** the Qwen2.5-VL plan of a file: qwen-vl-utils 0.0.10 at 2 fps, per-frame budget from total_pixels */
async function qwenPlan(file: string): Promise<{ plan: VideoFramePlan; video: VideoProbe }> {
  // as materialize probes a video it is about to decode: the packet list starts alongside the probe
  const video = await probeVideo(file, { packets: true });
  return { plan: planVideoFrames({ totalFrames: video.frames, fps: video.fps, width: video.width, height: video.height }, {}, "qwen2.5-vl"), video };
}

/** probe, plan and decode the planned frames: at native size, or resized to the plan's size by `resample` */
async function ours(file: string, resample?: FrameResample, processes?: number): Promise<number> {
  const t0 = performance.now();
  const { plan, video } = await qwenPlan(file);
  const size = resample ? { width: plan.width, height: plan.height, resample } : {};
  const r = await decodeFrames(file, { indices: plan.indices, ...size, probe: video, ...(processes ? { processes } : {}) });
  if (r.frames.length !== plan.nframes || r.width !== (resample ? plan.width : video.width)) throw new Error("frame count or size");
  return performance.now() - t0;
}

/** the resize alone: the plan's frames, already decoded, resized one after another as the default path does */
async function resizeOnly(frames: Uint8Array[], video: VideoProbe, plan: VideoFramePlan): Promise<number> {
  const t0 = performance.now();
  for (const data of frames) await resize({ data, width: video.width, height: video.height }, plan.width, plan.height, { method: "pil" });
  return performance.now() - t0;
}

/** `fn` with the Pillow resize on its JS passes (OMNISPEC_PILLOW_SIMD=0), as where WebAssembly SIMD is missing */
async function jsPasses(fn: () => Promise<number>): Promise<number> {
  const before = process.env.OMNISPEC_PILLOW_SIMD;
  process.env.OMNISPEC_PILLOW_SIMD = "0";
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env.OMNISPEC_PILLOW_SIMD;
    else process.env.OMNISPEC_PILLOW_SIMD = before;
  }
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
  for await (const f of streamFrames(file, { indices: plan.indices, width: plan.width, height: plan.height, probe: video, resample: process.argv[4] as FrameResample | undefined })) {
    frames++;
    checksum = (checksum + f.data[f.data.length >> 1]) | 0;
  }
  const out = { frames, width: plan.width, height: plan.height, checksum, ms: performance.now() - t0, maxRssMb: peakRssMb() };
  process.stdout.write(JSON.stringify(out) + "\n");
}

function inChild(file: string, resample: FrameResample = "pil"): { frames: number; width: number; height: number; ms: number; maxRssMb: number } {
  const r = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--child", file, resample], { encoding: "utf8" });
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

  // interleaved rounds so that every row sees the same machine load
  await ours(clip, "pil");
  await ours(clip, "ffmpeg");
  await ffmpegNull(clip);
  const t = { native: [] as number[], pil: [] as number[], single: [] as number[], pilJs: [] as number[], ffmpeg: [] as number[], peer: [] as number[], peerVideo: [] as number[], resize: [] as number[], resizeJs: [] as number[] };
  const { plan, video } = await qwenPlan(clip);
  const decoded = (await decodeFrames(clip, { indices: plan.indices, probe: video })).frames;
  const load = [loadavg()[0]];
  for (let i = 0; i < ROUNDS; i++) {
    t.peer.push(await ffmpegNull(clip));
    t.pil.push(await ours(clip, "pil"));
    t.single.push(await ours(clip, "pil", 1));
    t.native.push(await ours(clip));
    t.peerVideo.push(await ffmpegNull(clip, ["-an"]));
    t.ffmpeg.push(await ours(clip, "ffmpeg"));
    t.resize.push(await resizeOnly(decoded, video, plan));
    t.pilJs.push(await jsPasses(() => ours(clip, "pil")));
    t.resizeJs.push(await jsPasses(() => resizeOnly(decoded, video, plan)));
  }
  load.push(loadavg()[0]);
  const [native, pil, pilJs, ffmpeg, full, videoOnly, resized, resizedJs, single] = [t.native, t.pil, t.pilJs, t.ffmpeg, t.peer, t.peerVideo, t.resize, t.resizeJs, t.single].map(median);
  const steps = (await decodeFrames(clip, { indices: plan.indices, width: plan.width, height: plan.height, probe: video })).steps;
  const split = steps.find((s) => s.startsWith("select:"))?.replace(/^select: /, "") ?? "";
  const rounds = `probe included; medians of ${ROUNDS} interleaved rounds; load average ${load.map((l) => l.toFixed(1)).join(" -> ")} on ${availableParallelism()} cores`;
  const vs = (ms: number) => `${(ms / full).toFixed(2)}x its time`;
  const peer = { peer: "ffmpeg -i clip -f null - (video and 5.1 AAC)", peerValue: full, target: ">= 0.83x (<= 1.2x its time)" };
  out.push({
    name: "decode + Pillow-exact resize of the 60 frames of the 2 fps Qwen2.5-VL plan to 840x476 (default)",
    value: pil,
    unit: "ms",
    ...peer,
    ratio: full / pil,
    note: `${vs(pil)}; the frames materialize gives the model: ${split}, resized by the WebAssembly SIMD passes on a worker thread while this one reads ffmpeg's output; ${rounds}`,
  });
  out.push({
    name: "the same in one ffmpeg process (processes: 1)",
    value: single,
    unit: "ms",
    ...peer,
    ratio: full / single,
    note: `${vs(single)}; the same bytes, one ffmpeg decoding the whole clip with its own threads`,
  });
  out.push({
    name: "the same on the JS passes (OMNISPEC_PILLOW_SIMD=0, as without WebAssembly SIMD)",
    value: pilJs,
    unit: "ms",
    ...peer,
    ratio: full / pilJs,
    note: `${vs(pilJs)}; the SIMD passes take ${((pil / pilJs) * 100).toFixed(0)}% of its time`,
  });
  out.push({ name: "decode only, native 854x480", value: native, unit: "ms", ...peer, ratio: full / native, note: `${vs(native)}; the floor of the row above` });
  out.push({
    name: "Pillow-exact resize alone of the 60 decoded frames, 854x480 -> 840x476",
    value: resized,
    unit: "ms",
    note: `${(resized / plan.nframes).toFixed(1)} ms a frame (SIMD passes, this thread) with nothing else running: what the default path adds to decoding unless it hides in idle cores`,
  });
  out.push({
    name: "the resize alone on the JS passes (OMNISPEC_PILLOW_SIMD=0)",
    value: resizedJs,
    unit: "ms",
    peer: "the SIMD passes",
    peerValue: resized,
    ratio: resizedJs / resized,
    note: `${(resizedJs / plan.nframes).toFixed(1)} ms a frame (JS passes, banded over the worker threads); ratio: how many times faster the SIMD path is`,
  });
  out.push({
    name: "decode + resize inside ffmpeg (resample: ffmpeg)",
    value: ffmpeg,
    unit: "ms",
    ...peer,
    ratio: full / ffmpeg,
    note: `${vs(ffmpeg)}; bicubic via 4:4:4, mean 1.26 / max 23 levels off Pillow`,
  });
  out.push({
    name: "decode + Pillow-exact resize against video-only decoding",
    value: pil,
    unit: "ms",
    peer: "ffmpeg -i clip -an -f null -",
    peerValue: videoOnly,
    ratio: videoOnly / pil,
    note: `${(pil / videoOnly).toFixed(2)}x its time; like omnispec this peer leaves the audio undecoded; native decode alone is ${(native / videoOnly).toFixed(2)}x`,
  });

  const short = inChild(clip);
  const long = inChild(looped(clip));
  const growth = long.maxRssMb / short.maxRssMb - 1;
  out.push({ name: "peak RSS, streaming the 30 s clip's frames, Pillow-exact resize", value: short.maxRssMb, unit: "MB", note: `${short.frames} frames at ${short.width}x${short.height} in ${(short.ms / 1000).toFixed(1)} s, node process with its resizer threads (ffmpeg not counted)` });
  out.push({
    name: "peak RSS, streaming the clip looped to 10 minutes, Pillow-exact resize",
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
