// decoding chosen frames of a video to upright RGB24: bounded ffmpeg processes that convert only the frames asked for,
// one for the whole video or, where its keyframes allow, one per keyframe-aligned stretch, a few side by side.
import { availableParallelism } from "node:os";
import { OmnispecError } from "../../errors.js";
import { frameSyncOptions, packetIndex, streamRaw, type PacketIndex } from "../../media/ffmpeg.js";
import { RESAMPLE_METHODS, resize } from "../image/resample/index.js";
import { resizePillowAway } from "../image/resample/parallel.js";
import type { ResampleMethod } from "../image/resample/types.js";
import { packetsOf, probeVideo, type VideoProbe } from "./probe.js";
import { planSegments, splitPoints, type DecodeSegment } from "./segments.js";

export { packetsOf, probeVideo, type ProbeVideoOptions, type VideoProbe } from "./probe.js";

/** Refuse frames larger than 8K UHD (7680 x 4320) unless told otherwise. */
export const DEFAULT_MAX_FRAME_PIXELS = 7680 * 4320;
/** The most frames one call decodes unless told otherwise (qwen-vl-utils' own cap). */
export const DEFAULT_MAX_FRAMES = 768;
/** Ten minutes. */
export const DEFAULT_DECODE_TIMEOUT_MS = 600_000;
/** decoded frames a streamed stretch may hold while the ones before it are handed out (decodeFrames keeps all anyway) */
const AHEAD_BYTES = 8 << 20;

/**
 * How many ffmpeg processes {@link decodeFrames} runs at once by default: one per core, at most 4.
 *
 * @example
 * import { defaultDecodeProcesses } from "omnispec/modalities";
 * defaultDecodeProcesses(); // 2 on a two-core machine
 */
export function defaultDecodeProcesses(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

/** Who resizes decoded frames: one of the image resamplers (`pil`, exact Pillow bicubic, by default), or ffmpeg itself. */
export type FrameResample = ResampleMethod | "ffmpeg";

export interface DecodeFramesOptions {
  /** 0-based frame numbers in decode (presentation) order, as decord and torchvision count them; repeats allowed */
  indices: readonly number[];
  /** output size of every frame; both or neither (default: the upright native size) */
  width?: number;
  height?: number;
  /**
   * who resizes to `width` x `height`: `pil` (default) is Pillow-exact bicubic, the pixels qwen-vl-utils' antialiased
   * bicubic gives, run on the worker-thread resizer while ffmpeg goes on decoding; `sharp` / `transformersjs` as for
   * images; `ffmpeg` resizes inside the ffmpeg process (fastest; about 1.3 levels off Pillow on average, up to 23)
   */
  resample?: FrameResample;
  /** named in errors */
  slot?: string;
  /** bound on probing and decoding together, including the time a streaming consumer holds ffmpeg paused */
  timeoutMs?: number;
  /** refuse more distinct frames than this (default {@link DEFAULT_MAX_FRAMES}) */
  maxFrames?: number;
  /** refuse videos whose frames have more pixels than this, checked from the probe (default {@link DEFAULT_MAX_FRAME_PIXELS}) */
  maxPixels?: number;
  /** a probe of this file already made, to skip probing it again */
  probe?: VideoProbe;
  /**
   * ffmpeg processes decoding at once, each a stretch of the video from its own keyframe (MP4/MOV files with closed
   * GOPs; others decode in one pass): the same pixels, sooner. Default {@link defaultDecodeProcesses}; 1 decodes in one
   * ffmpeg process, which still starts at the last keyframe before the first frame asked for. Each start forks this
   * process, about 40 µs per MB it holds here: from a process holding gigabytes, a long stream is better decoded with 1.
   */
  processes?: number;
}

/** One decoded frame: RGB24, `width * height * 3` bytes, upright. */
export interface VideoFrame {
  index: number;
  data: Uint8Array;
  width: number;
  height: number;
}

export interface DecodedFrames {
  /** one RGB24 buffer per requested index, in the order asked (a repeated index shares its buffer) */
  frames: Uint8Array[];
  width: number;
  height: number;
  /** the probe the decode was planned from */
  video: VideoProbe;
  /** what was done, in order, for plans and logs */
  steps: string[];
}

interface DecodePlan {
  video: VideoProbe;
  wanted: number[];
  /** the size ffmpeg outputs */
  ffWidth: number;
  ffHeight: number;
  /** the size handed out, and who resizes to it after ffmpeg (none when ffmpeg already did) */
  width: number;
  height: number;
  resample?: ResampleMethod;
  /** ffmpeg's filters after `select`: rotation, and the resize when ffmpeg does it */
  filters: string[];
  /** the stretches decoded, each by its own ffmpeg process; one unless the file allows more */
  segments: DecodeSegment[];
  /** ffmpeg processes at once */
  processes: number;
  /** frames a stretch may hold ahead of its turn */
  ahead: number;
  /** decoding threads each ffmpeg gets (undefined: ffmpeg's choice) */
  threads?: number;
  /** the stream's time base and the container's start, to turn a keyframe's time stamp into `-ss` */
  index?: Pick<PacketIndex, "timeBase" | "startMicros">;
  steps: string[];
  deadline: number;
}

/**
 * The ffmpeg `select` expression that is true exactly on the given frame numbers (sorted, distinct); runs of
 * consecutive frames collapse to `between(n,a,b)`.
 *
 * @example
 * import { selectExpression } from "omnispec/modalities";
 * selectExpression([1, 2, 3, 7]); // "between(n,1,3)+eq(n,7)"
 */
export function selectExpression(sorted: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j === i ? `eq(n,${sorted[i]})` : `between(n,${sorted[i]},${sorted[j]})`);
    i = j + 1;
  }
  return parts.join("+");
}

async function planDecode(input: string, o: DecodeFramesOptions, streaming: boolean): Promise<DecodePlan> {
  const { slot } = o;
  const started = Date.now();
  const timeoutMs = o.timeoutMs ?? DEFAULT_DECODE_TIMEOUT_MS;
  if (typeof input !== "string" || input === "") throw new OmnispecError("input/invalid", "a video is decoded from a file path", { slot, value: input });
  const bad = o.indices.find((i) => !Number.isInteger(i) || i < 0);
  if (o.indices.length === 0 || bad !== undefined) {
    throw new OmnispecError("input/invalid", o.indices.length === 0 ? "no frame indices to decode" : `frame index ${String(bad)} is not a non-negative integer`, {
      slot,
      file: input,
      value: bad,
      hint: "pass 0-based frame numbers, e.g. sampleFrames(...).indices",
    });
  }
  const resample = o.resample ?? "pil";
  const resamplers: readonly string[] = [...RESAMPLE_METHODS, "ffmpeg"];
  if (!resamplers.includes(resample)) {
    throw new OmnispecError("input/invalid", `unknown frame resampler "${String(resample)}"`, { slot, file: input, value: resample, hint: `use ${resamplers.join(", ")}` });
  }
  if ((o.width === undefined) !== (o.height === undefined) || [o.width, o.height].some((s) => s !== undefined && !(Number.isInteger(s) && s > 0))) {
    throw new OmnispecError("input/invalid", `output size must be two positive integers, got ${String(o.width)}x${String(o.height)}`, {
      slot,
      file: input,
      value: { width: o.width, height: o.height },
      hint: "give both width and height, or neither for the native size",
    });
  }
  const wanted = [...new Set(o.indices)].sort((a, b) => a - b);
  const maxFrames = o.maxFrames ?? DEFAULT_MAX_FRAMES;
  if (wanted.length > maxFrames) {
    throw new OmnispecError("media/too-large", `${wanted.length} frames asked for, over the limit of ${maxFrames}`, {
      slot,
      file: input,
      value: wanted.length,
      hint: "sample fewer frames (fps=, nframes=, max_frames=), stream them with streamFrames, or raise maxFrames",
    });
  }
  const video = o.probe ?? (await probeVideo(input, { slot, timeoutMs }));
  const maxPixels = o.maxPixels ?? DEFAULT_MAX_FRAME_PIXELS;
  if (video.width * video.height > maxPixels) {
    throw new OmnispecError("media/too-large", `frames of ${video.width}x${video.height} exceed the limit of ${maxPixels} pixels`, {
      slot,
      file: input,
      value: { width: video.width, height: video.height },
      hint: "downscale the video first, or raise maxPixels if the memory is there",
    });
  }
  const width = o.width ?? video.width;
  const height = o.height ?? video.height;
  const scaled = width !== video.width || height !== video.height;
  const inFfmpeg = scaled && resample === "ffmpeg";
  // as ffmpeg's autorotation, but applied after select: only the chosen frames are turned
  const turn: Record<number, string[]> = { 90: ["transpose=clock"], 180: ["hflip", "vflip"], 270: ["transpose=cclock"] };
  const filters = [...(turn[video.rotation] ?? [])];
  // full colour resolution (4:4:4, or full_chroma_int): without it colour edges land 150-255 levels off Pillow
  const yuv = /^yuv(j?)4[24][024]p$/.exec(video.pixelFormat);
  if (inFfmpeg) filters.push(yuv ? `scale=${width}:${height}:flags=bicubic,format=yuv${yuv[1]}444p` : `scale=${width}:${height}:flags=bicubic+full_chroma_int`);
  const processes = o.processes ?? defaultDecodeProcesses();
  if (!Number.isInteger(processes) || processes < 1) {
    throw new OmnispecError("input/invalid", `processes must be a positive integer, got ${String(processes)}`, { slot, file: input, value: processes, hint: "pass 1 for one ffmpeg process, or leave it out" });
  }
  // streaming bounds what stretches hold ahead of their turn; decodeFrames keeps every frame anyway
  const hold = streaming ? Math.max(2, Math.floor(AHEAD_BYTES / (width * height * 3))) : Infinity;
  const cut = await cutDecode(input, video, wanted, processes, hold, started + timeoutMs);
  const { segments } = cut;
  const side = Math.min(processes, segments.length);
  const threads = side > 1 ? Math.max(1, Math.floor(availableParallelism() / side)) : undefined;
  const how = resample === "pil" ? "Pillow-exact bicubic, on a worker thread while ffmpeg decodes on" : `${resample}, while ffmpeg decodes on`;
  const from = (seg: DecodeSegment) => (seg.pts === undefined || !cut.index ? "" : `, from the keyframe at frame ${seg.start} (seeking to ${seekTime(seg.pts, cut.index)} s)`);
  const starts = segments.map((seg) => seg.start);
  const steps = [
    `probe: ${video.codec} ${video.width}x${video.height} (upright) @ ${Number(video.fps.toFixed(3))} fps, ${video.frames} frames, ${Number(video.duration.toFixed(3))} s`,
    ...(video.rotation ? [`rotate: ${video.rotation}° clockwise (the stream's display matrix), selected frames only`] : []),
    `select: ${wanted.length} distinct frame(s) of ${video.frames}, ${wanted[0]}..${wanted[wanted.length - 1]}` +
      (segments.length === 1
        ? `${from(segments[0])}, in one ffmpeg pass`
        : `, in ${segments.length} stretches from the keyframes at frames ${starts.length > 8 ? `${starts.slice(0, 8).join(", ")}, ...` : starts.join(", ")}, ` +
          `${side} ffmpeg processes side by side (${threads} decoding thread${threads === 1 ? "" : "s"} each)`),
    ...(inFfmpeg ? [`resize: ${video.width}x${video.height} -> ${width}x${height} with ffmpeg bicubic (not Pillow-exact)`] : []),
    "convert: rgb24",
    ...(scaled && !inFfmpeg ? [`resize: ${video.width}x${video.height} -> ${width}x${height} with ${how}`] : []),
  ];
  return {
    video,
    wanted,
    ffWidth: inFfmpeg ? width : video.width,
    ffHeight: inFfmpeg ? height : video.height,
    width,
    height,
    ...(scaled && !inFfmpeg ? { resample: resample as ResampleMethod } : {}),
    filters,
    segments,
    processes,
    ahead: hold,
    ...(threads ? { threads } : {}),
    ...(cut.index ? { index: cut.index } : {}),
    steps,
    deadline: started + timeoutMs,
  };
}

/**
 * Where the decode of `wanted` may start and split: from the file's packet list (MP4/MOV only, whose seeks go by the
 * index), the closed keyframes that a seek reaches for sure; then stretches of about equal work, enough of them that
 * a stretch waiting its turn need hold no more than `ahead` frames. Anything unusual decodes in one stretch from frame 0.
 */
async function cutDecode(input: string, video: VideoProbe, wanted: number[], processes: number, ahead: number, deadline: number): Promise<{ segments: DecodeSegment[]; index?: PacketIndex }> {
  const whole = { segments: [{ start: 0, wanted }] };
  const seekable = /\b(mov|mp4)\b/.test(video.format) && wanted[wanted.length - 1] < video.frames;
  if (!seekable || (processes === 1 && wanted[0] === 0)) return whole;
  const index = (await packetsOf(video)) ?? (await packetIndex(input, video.streamIndex, { timeoutMs: Math.max(1, Math.min(60_000, deadline - Date.now())) }));
  if (!index) return whole;
  const micros = (ts: number) => scaleMicros(ts, index.timeBase);
  // a seek lands on the keyframe aimed at only if no other keyframe follows within the aim (and a margin)
  const points = splitPoints(index, video.frames)?.filter((p) => p.next === undefined || micros(p.next) > micros(p.pts) + SEEK_AHEAD_US + 20_000n);
  if (!points) return whole;
  const count = processes === 1 ? 1 : Math.max(processes, Math.ceil(wanted.length / ahead));
  const order = index.pts.slice().sort();
  const segments = planSegments(wanted, points, count).map((seg) => (seg.pts === undefined ? seg : { ...seg, wantedPts: seg.wanted.map((n) => order[n]) }));
  return { segments, index };
}

/**
 * How far past a keyframe a seek aims: ffmpeg up to 5.x moves a seek in a video with B-frames 3/23 s earlier (it
 * guesses the demuxer seeks by decoding time); aiming this far past lands on the keyframe either way, and frames are
 * then picked by their time stamps.
 */
const SEEK_AHEAD_US = 131_435n;

/** a time stamp as whole microseconds, rounded up */
function scaleMicros(ts: number, [num, den]: [number, number]): bigint {
  const scaled = BigInt(ts) * BigInt(num) * 1_000_000n;
  const d = BigInt(den);
  return scaled / d + (scaled % d > 0n ? 1n : 0n);
}

/** `-ss` for a stretch from the keyframe at `pts`: exact decimal seconds after the container's start */
function seekTime(pts: number, index: Pick<PacketIndex, "timeBase" | "startMicros">): string {
  let us = scaleMicros(pts, index.timeBase) + SEEK_AHEAD_US - BigInt(index.startMicros);
  if (us < 0n) us = 0n;
  return `${us / 1_000_000n}.${String(us % 1_000_000n).padStart(6, "0")}`;
}

/** ffmpeg's options for one stretch: seek to its keyframe and pick its frames by time stamp, or count them from frame 0 */
function segmentOptions(plan: DecodePlan, seg: DecodeSegment): { inputOptions: string[]; outputOptions: string[] } {
  const seek = seg.wantedPts && plan.index ? ["-copyts", "-noaccurate_seek", "-ss", seekTime(seg.pts!, plan.index)] : [];
  const select = seek.length > 0 ? seg.wantedPts!.map((t) => `eq(pts,${t})`).join("+") : selectExpression(seg.wanted);
  return {
    // side by side, each ffmpeg keeps to its share of the cores: decoding threads, and one thread for the filters
    inputOptions: ["-loglevel", "error", "-noautorotate", ...(plan.threads ? ["-filter_threads", "1", "-threads", String(plan.threads)] : []), ...seek],
    outputOptions: [
      "-map", `0:${plan.video.streamIndex}`, "-an", "-sn", "-dn",
      "-vf", [`select='${select}'`, ...plan.filters].join(","),
      ...frameSyncOptions(),
      "-frames:v", String(seg.wanted.length),
      "-pix_fmt", "rgb24",
    ],
  };
}

function shortfall(input: string, plan: DecodePlan, missing: number, slot?: string): OmnispecError {
  const got = plan.wanted.indexOf(missing);
  if (missing >= plan.video.frames) {
    return new OmnispecError("media/frame-count", `frame ${missing} asked for, the video has ${plan.video.frames} frames`, {
      slot,
      file: input,
      value: missing,
      hint: `frame numbers run from 0 to ${plan.video.frames - 1}`,
    });
  }
  return new OmnispecError("media/unreadable", `the video stream ended before frame ${missing} (${got} of ${plan.wanted.length} frames decoded; it claims ${plan.video.frames})`, {
    slot,
    file: input,
    value: missing,
    hint: "the file is truncated or damaged: re-download or re-encode it, or sample only the frames it has",
  });
}

/** frames resized at once: the next one is resized while the consumer holds the last, and ffmpeg decodes on meanwhile */
const RESIZES_IN_FLIGHT = 2;

/** a buffer for one frame; every byte is overwritten by ffmpeg's output before the frame is handed out: not zero-filled */
function frameBuffer(size: number): Uint8Array {
  const b = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(b.buffer, b.byteOffset, size);
}

/**
 * Frames handed from a producer to one consumer in order, at most `capacity` waiting: `put` says when the producer
 * should wait for room; `take` yields them until `end`, then throws the producer's failure, if any.
 */
class Handoff {
  private readonly queue: VideoFrame[] = [];
  private finished = false;
  private failure: unknown;
  private arrived: (() => void) | undefined;
  private room: (() => void) | undefined;

  constructor(private readonly capacity: number) {}

  /** queues a frame; a promise that settles once there is room again when the queue is full */
  put(frame: VideoFrame): Promise<void> | undefined {
    this.queue.push(frame);
    this.wake();
    return this.queue.length >= this.capacity ? new Promise<void>((resolve) => (this.room = resolve)) : undefined;
  }

  /** no more frames; a failure is thrown to the consumer after the frames already queued */
  end(failure?: unknown): void {
    this.finished = true;
    this.failure ??= failure;
    this.wake();
  }

  /** wakes a consumer waiting for a frame (to see that it should stop) */
  wake(): void {
    this.arrived?.();
    this.arrived = undefined;
  }

  /** lets a producer waiting for room go on */
  release(): void {
    this.room?.();
    this.room = undefined;
  }

  /** the frames in order; ends early, without an error, once `stop` is aborted */
  async *take(stop?: AbortSignal): AsyncGenerator<VideoFrame, void, undefined> {
    for (;;) {
      if (stop?.aborted) return;
      const frame = this.queue.shift();
      if (frame) {
        if (this.queue.length < this.capacity) this.release();
        yield frame;
        continue;
      }
      if (this.finished) break;
      await new Promise<void>((resolve) => (this.arrived = resolve));
    }
    if (this.failure) throw this.failure;
  }
}

/**
 * The frames of one stretch as ffmpeg outputs them, never more than two waiting: ffmpeg is paused while the consumer
 * is busy. Each frame is read into `take()`, a fresh buffer unless the caller recycles them. Aborting `stop` kills
 * ffmpeg and ends the frames without an error.
 */
async function* ffmpegFrames(input: string, plan: DecodePlan, seg: DecodeSegment, slot?: string, take?: () => Uint8Array, stop?: AbortSignal): AsyncGenerator<VideoFrame, void, undefined> {
  const { ffWidth: width, ffHeight: height } = plan;
  const { wanted } = seg;
  const size = width * height * 3;
  const frames = new Handoff(2);
  const next = take ?? (() => frameBuffer(size));
  let current = next();
  let filled = 0;
  let got = 0;
  let done = false;
  const abort = new AbortController();
  const halt = () => {
    abort.abort();
    frames.wake();
  };
  stop?.addEventListener("abort", halt, { once: true });
  const run = streamRaw({
    input,
    ...segmentOptions(plan, seg),
    format: "rawvideo",
    maxBytes: size * wanted.length,
    timeoutMs: Math.max(1, plan.deadline - Date.now()),
    slot,
    signal: abort.signal,
    onData: (chunk) => {
      let full: Promise<void> | undefined;
      for (let off = 0; off < chunk.length; ) {
        const n = Math.min(size - filled, chunk.length - off);
        current.set(chunk.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled === size) {
          full = frames.put({ index: wanted[got++], data: current, width, height }) ?? full;
          current = next();
          filled = 0;
        }
      }
      return full;
    },
  });
  run.then(
    () => {
      done = true;
      frames.end(got < wanted.length && !abort.signal.aborted ? shortfall(input, plan, wanted[got], slot) : undefined);
    },
    (e: unknown) => {
      done = true;
      frames.end(e);
    },
  );
  try {
    yield* frames.take(stop);
  } finally {
    stop?.removeEventListener("abort", halt);
    if (!done) {
      abort.abort();
      frames.release();
      await run.catch(() => undefined);
    }
  }
}

/**
 * Decodes and resizes each frame of one stretch as it arrives, a bounded number at a time, handing them on in order;
 * the decoded frames live in a few buffers used over and over, so that memory does not follow the video's length.
 */
async function* resizedFrames(input: string, plan: DecodePlan, seg: DecodeSegment, slot?: string, stop?: AbortSignal): AsyncGenerator<VideoFrame, void, undefined> {
  const { width, height } = plan;
  const method = plan.resample;
  const spare: Uint8Array[] = [];
  const size = plan.ffWidth * plan.ffHeight * 3;
  const frames = ffmpegFrames(input, plan, seg, slot, () => spare.pop() ?? frameBuffer(size), stop);
  const pending: Promise<VideoFrame>[] = [];
  try {
    for await (const f of frames) {
      // Pillow's resize goes to a worker, the frame's buffer with it and back: this thread keeps reading ffmpeg
      const next =
        method === "pil"
          ? resizePillowAway(f, width, height).then(({ image, source }) => {
              spare.push(source);
              return { index: f.index, data: image.data, width, height };
            })
          : resize(f, width, height, { method, slot }).then((r) => {
              spare.push(f.data);
              return { index: f.index, data: r.data, width, height };
            });
      // a failure surfaces when its turn comes; until then it must not count as unhandled
      next.catch(() => undefined);
      pending.push(next);
      if (pending.length >= RESIZES_IN_FLIGHT) yield await pending.shift()!;
    }
    while (pending.length > 0 && !stop?.aborted) yield await pending.shift()!;
  } finally {
    await Promise.allSettled(pending);
  }
}

function stretchFrames(input: string, plan: DecodePlan, seg: DecodeSegment, slot?: string, stop?: AbortSignal): AsyncGenerator<VideoFrame, void, undefined> {
  return plan.resample ? resizedFrames(input, plan, seg, slot, stop) : ffmpegFrames(input, plan, seg, slot, undefined, stop);
}

/** A stretch decoding on its own ahead of its turn, holding at most `capacity` frames until they are asked for. */
interface Ahead {
  frames(): AsyncGenerator<VideoFrame, void, undefined>;
  close(): Promise<void>;
}

function runAhead(frames: (stop: AbortSignal) => AsyncGenerator<VideoFrame, void, undefined>, capacity: number): Ahead {
  const queue = new Handoff(capacity);
  const stop = new AbortController();
  const running = (async () => {
    let failure: unknown;
    try {
      for await (const f of frames(stop.signal)) {
        const full = queue.put(f);
        if (full) await full;
        if (stop.signal.aborted) break;
      }
    } catch (e) {
      failure = e;
    } finally {
      queue.end(failure);
    }
  })();
  return {
    frames: () => queue.take(),
    async close() {
      stop.abort();
      queue.release();
      await running;
    },
  };
}

function planned(input: string, plan: DecodePlan, slot?: string): AsyncGenerator<VideoFrame, void, undefined> {
  return plan.segments.length === 1 ? stretchFrames(input, plan, plan.segments[0], slot) : sideBySide(input, plan, slot);
}

/**
 * The stretches of a split decode in order: up to `plan.processes` of them decode at once, each one's frames held
 * (a bounded number) until the ones before are handed out.
 */
async function* sideBySide(input: string, plan: DecodePlan, slot?: string): AsyncGenerator<VideoFrame, void, undefined> {
  const { segments } = plan;
  const started: Ahead[] = [];
  try {
    for (let i = 0; i < segments.length; i++) {
      for (let j = started.length; j < Math.min(segments.length, i + plan.processes); j++) {
        started.push(runAhead((stop) => stretchFrames(input, plan, segments[j], slot, stop), plan.ahead));
      }
      yield* started[i].frames();
    }
  } finally {
    await Promise.all(started.map((a) => a.close()));
  }
}

/**
 * Decodes the frames at `indices` one at a time, in increasing frame order, holding only a few: ffmpeg is paused
 * while the consumer is busy and killed when the loop ends early; stretches decoded side by side hold at most 8 MiB
 * of frames ahead of their turn. Frames come out upright (rotation flags applied)
 * at the native size, or at `width` x `height`, resized by `resample` (Pillow-exact by default, while ffmpeg decodes
 * the next ones). Errors as {@link decodeFrames}.
 *
 * @example
 * import { streamFrames } from "omnispec/modalities";
 * for await (const f of streamFrames("clip.mp4", { indices: [0, 24, 48], width: 448, height: 252 })) console.log(f.index, f.width, f.height);
 */
export async function* streamFrames(input: string, options: DecodeFramesOptions): AsyncGenerator<VideoFrame, void, undefined> {
  yield* planned(input, await planDecode(input, options, true), options.slot);
}

/**
 * Decodes the frames at `indices` (0-based, in decode order, as decord and torchvision index them) of a video file
 * to upright RGB24 with bounded ffmpeg processes: a `select` filter passes only those frames on to the RGB
 * conversion, and ffmpeg stops after the last one. An MP4/MOV with closed-GOP keyframes is decoded in stretches from
 * those keyframes, up to `processes` side by side (the same bytes as one pass); a late first frame is reached by
 * seeking. With `width` x `height`, each frame is resized as it arrives (Pillow-exact bicubic by default, on a worker
 * thread while ffmpeg decodes on; `resample: "ffmpeg"` inside ffmpeg).
 * Bounded by `timeoutMs`, `maxFrames` and a per-frame `maxPixels` checked from the probe before any decoding.
 * Errors (naming the slot and the file): `media/not-found`, `media/unreadable` (not a video, truncated),
 * `media/no-stream` (audio only), `media/frame-count` (an index past the end), `media/too-large`, `media/timeout`,
 * `input/invalid`.
 *
 * @example
 * import { decodeFrames } from "omnispec/modalities";
 * const { frames, width, height } = await decodeFrames("clip.mp4", { indices: [0, 12, 24], width: 448, height: 252, slot: "clip" });
 * console.log(frames.length, width, height, frames[0].length); // 3 448 252 338688
 */
export async function decodeFrames(input: string, options: DecodeFramesOptions): Promise<DecodedFrames> {
  const plan = await planDecode(input, options, false);
  const byIndex = new Map<number, Uint8Array>();
  for await (const f of planned(input, plan, options.slot)) byIndex.set(f.index, f.data);
  return {
    frames: options.indices.map((i) => byIndex.get(i)!),
    width: plan.width,
    height: plan.height,
    video: plan.video,
    steps: plan.steps,
  };
}
