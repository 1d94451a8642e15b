// the one module that talks to ffmpeg (through fluent-ffmpeg); everything else asks it for probes and raw streams.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { PassThrough } from "node:stream";
import Ffmpeg from "fluent-ffmpeg";
import { OmnispecError } from "../errors.js";

const require = createRequire(import.meta.url);

let cached: { ffmpeg: string; ffprobe: string } | undefined;

function onPath(name: string): string | undefined {
  const r = spawnSync(name, ["-version"], { stdio: "ignore" });
  return r.status === 0 ? name : undefined;
}

function fromPackage(pkg: string): string | undefined {
  try {
    const p = (require(pkg) as { path: string }).path;
    return existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ffmpeg and ffprobe binaries omnispec uses: `FFMPEG_PATH` / `FFPROBE_PATH`, else a system binary on PATH
 * (newer), else the static builds shipped by `@ffmpeg-installer/ffmpeg` and `@ffprobe-installer/ffprobe`.
 *
 * @example
 * import { ffmpegBinaries } from "omnispec/media";
 * console.log(ffmpegBinaries().ffmpeg);
 */
export function ffmpegBinaries(): { ffmpeg: string; ffprobe: string } {
  if (cached) return cached;
  const ffmpeg = process.env.FFMPEG_PATH || onPath("ffmpeg") || fromPackage("@ffmpeg-installer/ffmpeg");
  const ffprobe = process.env.FFPROBE_PATH || onPath("ffprobe") || fromPackage("@ffprobe-installer/ffprobe");
  if (!ffmpeg || !ffprobe) {
    throw new OmnispecError("tool/missing", "ffmpeg/ffprobe not found", {
      hint: "install the dependencies (npm install), put ffmpeg on PATH, or set FFMPEG_PATH and FFPROBE_PATH",
    });
  }
  cached = { ffmpeg, ffprobe };
  return cached;
}

export interface StreamInfo {
  index: number;
  codec: string;
}

export interface VideoStreamInfo extends StreamInfo {
  width: number;
  height: number;
  /** average frame rate */
  fps: number;
  /** frame count: from the container when it says, else duration × fps */
  frames: number;
  /** clockwise rotation to apply for display (0, 90, 180, 270) */
  rotation: number;
  /** ffmpeg's name for the decoded pixel layout, e.g. `yuv420p` */
  pixelFormat?: string;
}

export interface AudioStreamInfo extends StreamInfo {
  sampleRate: number;
  channels: number;
  /** seconds */
  duration: number;
}

export interface MediaInfo {
  file: string;
  /** seconds */
  duration: number;
  bytes: number;
  format: string;
  video: VideoStreamInfo[];
  audio: AudioStreamInfo[];
}

function parseRate(r: string | undefined): number {
  if (!r) return 0;
  const [n, d] = r.split("/").map(Number);
  if (!Number.isFinite(n) || !d) return Number.isFinite(n) ? n : 0;
  return n / d;
}

interface ProbeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string | number;
  duration?: string | number;
  sample_rate?: string | number;
  channels?: number;
  tags?: Record<string, string | number>;
  side_data_list?: { rotation?: number | string }[];
  /** fluent-ffmpeg flattens a [SIDE_DATA] block's keys into its stream */
  rotation?: number | string;
}

/** clockwise display rotation: the display matrix is counter-clockwise (-90 = turn 90° clockwise), the legacy `rotate` tag clockwise */
function clockwise(s: ProbeStream): number {
  const matrix = s.side_data_list?.find((x) => x.rotation !== undefined)?.rotation ?? s.rotation;
  const deg = matrix !== undefined && matrix !== "" ? -Number(matrix) : Number(s.tags?.rotate ?? 0);
  const r = Math.round(Number.isFinite(deg) ? deg : 0);
  return ((r % 360) + 360) % 360;
}

/**
 * Probes a media file with ffprobe: duration, streams, sizes, frame rate, frame count, rotation, audio layout.
 *
 * @example
 * import { probe } from "omnispec/media";
 * const info = await probe("clip.mp4");
 * console.log(info.video[0].fps, info.audio[0].channels);
 */
export function probe(file: string, opts: { timeoutMs?: number; slot?: string } = {}): Promise<MediaInfo> {
  const { slot } = opts;
  if (!existsSync(file)) throw new OmnispecError("media/not-found", "file does not exist", { file, slot });
  const bytes = statSync(file).size;
  const { ffprobe } = ffmpegBinaries();
  return new Promise((resolve, reject) => {
    const cmd = Ffmpeg(file).setFfprobePath(ffprobe);
    const timer = setTimeout(
      () => reject(new OmnispecError("media/timeout", "ffprobe took too long", { file, slot })),
      opts.timeoutMs ?? 30_000,
    );
    cmd.ffprobe((err: Error | null, data: { streams: ProbeStream[]; format: { duration?: number | string; format_name?: string } }) => {
      clearTimeout(timer);
      if (err) {
        reject(new OmnispecError("media/unreadable", `ffprobe cannot read the file: ${firstLine(err.message).replace(`${file}: `, "")}`, { file, slot, cause: err }));
        return;
      }
      const duration = Number(data.format.duration) || 0;
      const video: VideoStreamInfo[] = [];
      const audio: AudioStreamInfo[] = [];
      for (const s of data.streams) {
        if (s.codec_type === "video" && s.width && s.height) {
          const fps = parseRate(s.avg_frame_rate) || parseRate(s.r_frame_rate);
          const sd = Number(s.duration) || duration;
          const nb = Number(s.nb_frames);
          video.push({
            index: s.index,
            codec: s.codec_name ?? "unknown",
            width: s.width,
            height: s.height,
            fps,
            frames: Number.isFinite(nb) && nb > 0 ? nb : Math.round(sd * fps),
            rotation: clockwise(s),
            pixelFormat: s.pix_fmt,
          });
        } else if (s.codec_type === "audio") {
          audio.push({
            index: s.index,
            codec: s.codec_name ?? "unknown",
            sampleRate: Number(s.sample_rate) || 0,
            channels: s.channels ?? 0,
            duration: Number(s.duration) || duration,
          });
        }
      }
      resolve({ file, duration, bytes, format: data.format.format_name ?? "unknown", video, audio });
    });
  });
}

function firstLine(s: string): string {
  const lines = s.split("\n").map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? s;
}

export interface RawStreamOptions {
  input: string;
  inputOptions?: string[];
  outputOptions?: string[];
  /** raw output format: "rawvideo", "f32le", ... */
  format: string;
  /** called with each chunk of raw output bytes, in order; a returned promise pauses ffmpeg's output until it settles */
  onData: (chunk: Buffer) => unknown;
  /** kill ffmpeg after this long (default 10 minutes) */
  timeoutMs?: number;
  /** kill ffmpeg once it has produced more than this many bytes */
  maxBytes?: number;
  /** context for error messages */
  slot?: string;
  /** aborting kills ffmpeg and resolves with the bytes produced so far */
  signal?: AbortSignal;
}

/**
 * Runs ffmpeg on one input and streams its raw output to `onData`, bounded in time and bytes.
 * Resolves with the number of bytes produced.
 *
 * @example
 * import { streamRaw } from "omnispec/media";
 * const chunks: Buffer[] = [];
 * await streamRaw({ input: "speech.mp3", format: "f32le", outputOptions: ["-ac", "1", "-ar", "16000"], onData: (c) => chunks.push(c) });
 */
export function streamRaw(opts: RawStreamOptions): Promise<number> {
  const { ffmpeg } = ffmpegBinaries();
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let settled = false;
    let stderr = "";
    // no 'close' event: fluent-ffmpeg would take it, 20 ms before ffmpeg exits, for a failure
    const out = new PassThrough({ emitClose: false });
    let exited = false;
    let drained = false;
    const cmd = Ffmpeg(opts.input)
      .setFfmpegPath(ffmpeg)
      .inputOptions(["-nostdin", "-hide_banner", ...(opts.inputOptions ?? [])])
      .outputOptions(opts.outputOptions ?? [])
      .format(opts.format);
    function abort(): void {
      cmd.kill("SIGKILL");
      finish();
    }
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", abort);
      if (err) reject(err);
      else resolve(bytes);
    };
    const timer = setTimeout(() => {
      cmd.kill("SIGKILL");
      finish(new OmnispecError("media/timeout", "ffmpeg took too long", { file: opts.input, slot: opts.slot }));
    }, opts.timeoutMs ?? 600_000);
    out.on("data", (chunk: Buffer) => {
      if (settled) return;
      bytes += chunk.length;
      if (opts.maxBytes !== undefined && bytes > opts.maxBytes) {
        cmd.kill("SIGKILL");
        finish(new OmnispecError("media/too-large", `decoded output exceeds ${opts.maxBytes} bytes`, { file: opts.input, slot: opts.slot }));
        return;
      }
      const wait = opts.onData(chunk);
      if (wait instanceof Promise) {
        out.pause();
        wait.then(() => out.resume(), (err: Error) => {
          cmd.kill("SIGKILL");
          finish(err);
        });
      }
    });
    if (opts.signal?.aborted) setImmediate(abort);
    else opts.signal?.addEventListener("abort", abort, { once: true });
    cmd.on("stderr", (line: string) => {
      if (stderr.length < 8192) stderr += line + "\n";
    });
    cmd.on("error", (err: Error) => {
      if (settled) return;
      finish(new OmnispecError("media/unreadable", `ffmpeg failed: ${firstLine(stderr || err.message)}`, { file: opts.input, slot: opts.slot, cause: err }));
    });
    // done when ffmpeg has exited and every byte it wrote has been handed on (it may exit while a paused reader still has a frame to take)
    out.on("end", () => {
      drained = true;
      if (exited) finish();
    });
    cmd.on("end", () => {
      exited = true;
      if (drained) finish();
    });
    cmd.pipe(out, { end: true });
  });
}

/** {@link PacketIndex} `flags` bits: a keyframe (the container's sync sample) */
export const PACKET_KEY = 1;
/** {@link PacketIndex} `flags` bits: decoded but not shown (an edit list cuts it) */
export const PACKET_DISCARD = 2;

/** One stream's packets in the order the file stores them (decode order), column by column. */
export interface PacketIndex {
  /** ffprobe's index of the stream listed */
  streamIndex: number;
  /** presentation time stamps in the stream's time base; NaN where the file gives none */
  pts: Float64Array;
  /** decoding time stamps, likewise */
  dts: Float64Array;
  /** {@link PACKET_KEY} and {@link PACKET_DISCARD} bits */
  flags: Uint8Array;
  /** the stream's time base, numerator and denominator */
  timeBase: [number, number];
  /** the container's start time in microseconds: ffmpeg's input `-ss` counts from it */
  startMicros: number;
}

/** the decimal seconds ffprobe prints, as whole microseconds without going through a float */
function micros(seconds: string): number | undefined {
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(seconds.trim());
  if (!m) return undefined;
  return (m[1] ? -1 : 1) * (Number(m[2]) * 1e6 + Number((m[3] ?? "").padEnd(6, "0")));
}

/** an integer field of `b` in [from, to): NaN unless it is one (ffprobe writes N/A for none) */
function intField(b: Uint8Array, from: number, to: number): number {
  let i = from;
  const negative = b[i] === 45;
  if (negative) i++;
  if (i >= to) return NaN;
  let v = 0;
  for (; i < to; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/** a copy twice as long */
function grown<T extends Float64Array | Uint8Array>(a: T): T {
  const bigger = new (a.constructor as new (length: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}

/** ffprobe's csv lines `packet,<pts>,<dts>,<flags>`, `stream,<index>,<time base>`, `format,<start>`, read in place */
function parsePacketCsv(b: Uint8Array): PacketIndex | undefined {
  let n = 0;
  let pts = new Float64Array(1024);
  let dts = new Float64Array(1024);
  let flags = new Uint8Array(1024);
  let streamIndex = -1;
  let timeBase: [number, number] | undefined;
  let startMicros = 0;
  const text = (from: number, to: number) => Buffer.from(b.buffer, b.byteOffset + from, to - from).toString("latin1");
  for (let at = 0; at < b.length; ) {
    let end = b.indexOf(10, at);
    if (end < 0) end = b.length;
    const lineEnd = end > at && b[end - 1] === 13 ? end - 1 : end;
    // "packet," starts with p (112), "stream," with s (115), "format," with f (102)
    const c1 = b.indexOf(44, at);
    if (b[at] === 112 && c1 > 0 && c1 < lineEnd) {
      const c2 = b.indexOf(44, c1 + 1);
      const c3 = c2 < 0 ? -1 : b.indexOf(44, c2 + 1);
      if (c2 > 0 && c3 > 0 && c3 < lineEnd) {
        if (n === pts.length) [pts, dts, flags] = [grown(pts), grown(dts), grown(flags)];
        pts[n] = intField(b, c1 + 1, c2);
        dts[n] = intField(b, c2 + 1, c3);
        let f = 0;
        for (let i = c3 + 1; i < lineEnd; i++) f |= b[i] === 75 ? PACKET_KEY : b[i] === 68 ? PACKET_DISCARD : 0;
        flags[n++] = f;
      }
    } else if (b[at] === 115 && c1 > 0 && c1 < lineEnd) {
      const [index, base] = text(c1 + 1, lineEnd).split(",");
      streamIndex = Number(index);
      const [num, den] = (base ?? "").split("/").map(Number);
      if (Number.isSafeInteger(num) && Number.isSafeInteger(den) && num > 0 && den > 0) timeBase = [num, den];
    } else if (b[at] === 102 && c1 > 0 && c1 < lineEnd) {
      startMicros = micros(text(c1 + 1, lineEnd)) ?? 0;
    }
    at = end + 1;
  }
  if (!timeBase || !(streamIndex >= 0)) return undefined;
  return { streamIndex, pts: pts.slice(0, n), dts: dts.slice(0, n), flags: flags.slice(0, n), timeBase, startMicros };
}

/**
 * Lists the packets of one stream (an index, or a specifier such as `v:0`) with ffprobe (demuxing only, nothing is
 * decoded): time stamps, keyframes, the time base, kept column by column (about 17 bytes a packet). Resolves
 * undefined when ffprobe fails, times out, or the list would pass `maxBytes` of output: callers treat the index as an
 * optimisation, never as a requirement.
 *
 * @example
 * import { PACKET_KEY, packetIndex } from "omnispec/media";
 * const index = await packetIndex("clip.mp4", 0);
 * console.log(index?.flags.filter((f) => f & PACKET_KEY).length);
 */
export function packetIndex(file: string, stream: number | string, opts: { timeoutMs?: number; maxBytes?: number } = {}): Promise<PacketIndex | undefined> {
  const { ffprobe } = ffmpegBinaries();
  const maxBytes = opts.maxBytes ?? 64 << 20;
  return new Promise((resolve) => {
    const args = ["-v", "error", "-select_streams", String(stream), "-show_entries", "packet=pts,dts,flags:stream=index,time_base:format=start_time", "-of", "csv", file];
    const child = spawn(ffprobe, args, { stdio: ["ignore", "pipe", "ignore"], windowsHide: true });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const finish = (r: PacketIndex | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill("SIGKILL");
      resolve(r);
    };
    const timer = setTimeout(() => finish(undefined), opts.timeoutMs ?? 60_000);
    child.stdout.on("data", (c: Buffer) => {
      bytes += c.length;
      if (bytes > maxBytes) finish(undefined);
      else chunks.push(c);
    });
    child.on("error", () => finish(undefined));
    child.on("close", (code) => finish(code === 0 ? parsePacketCsv(Buffer.concat(chunks)) : undefined));
  });
}

let passthrough: string[] | undefined;

/**
 * The output options that pass every decoded frame through once, neither duplicated nor dropped, so that frame `n`
 * is the n-th decoded frame: `-fps_mode passthrough` on ffmpeg 5.1 and later, `-vsync passthrough` before.
 *
 * @example
 * import { frameSyncOptions } from "omnispec/media";
 * frameSyncOptions(); // ["-vsync", "passthrough"] with the bundled 2018 ffmpeg
 */
export function frameSyncOptions(): string[] {
  if (passthrough) return passthrough;
  const help = spawnSync(ffmpegBinaries().ffmpeg, ["-hide_banner", "-h", "long"], { encoding: "utf8", maxBuffer: 16 << 20 });
  passthrough = /^\s*-fps_mode\b/m.test(help.stdout ?? "") ? ["-fps_mode", "passthrough"] : ["-vsync", "passthrough"];
  return passthrough;
}

let buildConfig: string | undefined;

/**
 * The `./configure` flags the ffmpeg in use was built with (`ffmpeg -buildconf`), empty when it will not say.
 *
 * @example
 * import { ffmpegBuildConfig } from "omnispec/media";
 * ffmpegBuildConfig().includes("--enable-libsoxr"); // true with the bundled static ffmpeg
 */
export function ffmpegBuildConfig(): string {
  if (buildConfig === undefined) {
    const r = spawnSync(ffmpegBinaries().ffmpeg, ["-hide_banner", "-buildconf"], { encoding: "utf8" });
    buildConfig = r.status === 0 ? (r.stdout ?? "") : "";
  }
  return buildConfig;
}
