// decoding any audio ffmpeg reads to mono float32 PCM at a model's rate, the way the Python references load audio.
//
// the reference is librosa.load(path, sr=16000, mono=True) (qwen-omni-utils, the Qwen processors' examples):
// - mono is the plain mean of the channels (librosa.to_mono), not ffmpeg's `-ac 1` matrix, which weights centre and
//   surround channels and drops LFE; ffmpeg's `pan` cannot average more than 64 channels, so the mean is taken here,
//   streaming, over all decoded channels;
// - resampling is soxr at HQ quality (librosa's default res_type "soxr_hq"); ffmpeg runs the same library through
//   `aresample=resampler=soxr` (20-bit precision = HQ). librosa averages before resampling and we after: both steps are
//   linear, so the order only moves float rounding. When the ffmpeg in use lacks soxr, its own swr resampler is used
//   and a step says so (it differs from soxr_hq by a small relative amount, mostly near the Nyquist band);
// - `max_seconds` truncates: decoding stops there (bounded work on untrusted media) and `truncated` is set. The
//   feature extractors truncate to their window anyway (30 s / 300 s), so a bound at or above the window changes nothing.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OmnispecError } from "../../errors.js";
import { ffmpegBuildConfig, probe, streamRaw } from "../../media/ffmpeg.js";

export interface DecodeAudioOptions {
  /** output rate in Hz (16000 for Whisper, Qwen2-Audio, Qwen2.5-Omni, OFA) */
  sampleRate?: number;
  /** seconds into the file to start at */
  start?: number;
  /** seconds into the file to stop at */
  end?: number;
  /** decode at most this many seconds (after `start`); longer audio is truncated. Default 600. */
  maxSeconds?: number;
  /** which audio stream of the file (0-based among its audio streams) */
  stream?: number;
  /** slot name for error messages */
  slot?: string;
  /** kill ffmpeg after this long; default 120 s */
  timeoutMs?: number;
}

export interface DecodedAudio {
  /** mono float32 PCM, finite */
  samples: Float32Array;
  sampleRate: number;
  /** samples.length / sampleRate */
  seconds: number;
  original: { sampleRate: number; channels: number; codec: string; duration: number };
  /** decoding stopped at `maxSeconds` */
  truncated: boolean;
  /** what was done, in order, for plans and logs */
  steps: string[];
}

export const DEFAULT_MAX_AUDIO_SECONDS = 600;

let soxr: boolean | undefined;

// ffmpeg's resampler (and so any filter or sample-format conversion) handles at most 64 channels
const SWR_MAX_CHANNELS = 64;

const RAW_PCM: Record<string, { format: string; bytes: number; read: (b: Buffer, o: number) => number }> = {
  pcm_u8: { format: "u8", bytes: 1, read: (b, o) => (b[o] - 128) / 128 },
  pcm_s16le: { format: "s16le", bytes: 2, read: (b, o) => b.readInt16LE(o) / 32768 },
  pcm_s24le: { format: "s24le", bytes: 3, read: (b, o) => b.readIntLE(o, 3) / 8388608 },
  pcm_s32le: { format: "s32le", bytes: 4, read: (b, o) => b.readInt32LE(o) / 2147483648 },
  pcm_f32le: { format: "f32le", bytes: 4, read: (b, o) => b.readFloatLE(o) },
  pcm_f64le: { format: "f64le", bytes: 8, read: (b, o) => b.readDoubleLE(o) },
};

/**
 * Whether the ffmpeg in use was built with libsoxr.
 *
 * @example
 * import { ffmpegHasSoxr } from "omnispec/modalities";
 * ffmpegHasSoxr(); // true with the bundled static ffmpeg
 */
export function ffmpegHasSoxr(): boolean {
  soxr ??= ffmpegBuildConfig().includes("--enable-libsoxr");
  return soxr;
}

const LAYOUT: Record<number, string> = { 1: "mono", 2: "stereo", 6: "5.1" };

/**
 * Decodes the audio of a file (or its bytes) to mono float32 PCM at `sampleRate` through ffmpeg: WAV, MP3, FLAC,
 * OGG/Opus, M4A/AAC, the audio track of a video, anything ffmpeg reads. Channels are averaged (librosa's mono),
 * resampling uses soxr when the ffmpeg build has it, `start`/`end` cut the clip, `maxSeconds` truncates. Decoding is
 * streamed and bounded in time and bytes. Errors are `OmnispecError`s naming the slot and the file.
 *
 * @example
 * import { decodeAudio } from "omnispec/modalities";
 * const a = await decodeAudio("speech.mp3", { sampleRate: 16000, slot: "speech" });
 * console.log(a.samples.length, a.seconds, a.original.channels, a.steps);
 */
export async function decodeAudio(input: string | Uint8Array, opts: DecodeAudioOptions = {}): Promise<DecodedAudio> {
  if (typeof input === "string") return decodeFile(input, input, opts);
  if (!(input instanceof Uint8Array) || input.length === 0) {
    throw new OmnispecError("media/unreadable", "the audio bytes are empty", { slot: opts.slot, hint: "pass a file path or the file's bytes" });
  }
  const dir = mkdtempSync(join(tmpdir(), "omnispec-audio-"));
  const file = join(dir, "input");
  try {
    writeFileSync(file, input);
    return await decodeFile(file, `<${input.length} bytes>`, opts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function decodeFile(file: string, shown: string, opts: DecodeAudioOptions): Promise<DecodedAudio> {
  const { slot } = opts;
  const rate = opts.sampleRate ?? 16000;
  const maxSeconds = opts.maxSeconds ?? DEFAULT_MAX_AUDIO_SECONDS;
  const start = opts.start ?? 0;
  const streamIndex = opts.stream ?? 0;
  const fail = (code: "input/invalid", message: string, value: unknown, hint?: string): never => {
    throw new OmnispecError(code, message, { slot, file: shown, value, hint });
  };
  if (!(Number.isInteger(rate) && rate > 0)) fail("input/invalid", `sample rate must be a positive integer, got ${rate}`, rate);
  if (!(maxSeconds > 0)) fail("input/invalid", `max_seconds must be positive, got ${maxSeconds}`, maxSeconds);
  if (!(Number.isFinite(start) && start >= 0)) fail("input/invalid", `start must be a non-negative number of seconds, got ${start}`, start);
  if (opts.end !== undefined && !(Number.isFinite(opts.end) && opts.end > start)) {
    fail("input/invalid", `end (${opts.end}) must come after start (${start})`, opts.end, "give end= in seconds, greater than start=");
  }
  if (!(Number.isInteger(streamIndex) && streamIndex >= 0)) fail("input/invalid", `stream must be a non-negative integer, got ${streamIndex}`, streamIndex);

  if (!existsSync(file)) throw new OmnispecError("media/not-found", "audio file does not exist", { slot, file: shown, hint: "check the path (relative paths resolve from the working directory)" });
  const wanted = (opts.end ?? Infinity) - start;
  const span = Math.min(wanted, maxSeconds);
  const useSoxr = ffmpegHasSoxr();
  const outputOptions = ["-map", `0:a:${streamIndex}`, "-af", useSoxr ? `aresample=${rate}:resampler=soxr` : `aresample=${rate}`];
  if (Number.isFinite(span)) outputOptions.push("-t", String(span));
  const rewrap = (e: unknown): unknown =>
    e instanceof OmnispecError ? new OmnispecError(e.code, e.message.split(" (")[0], { slot, file: shown, hint: e.hint ?? "check that the file plays, or re-encode it", cause: e }) : e;

  // probe and decode run side by side; decoded bytes wait for the probe's channel count
  let channels = 0;
  const held: Buffer[] = [];
  let out = new Float32Array(Math.min(Number.isFinite(span) ? Math.ceil(span * rate) + rate : Infinity, 30 * rate));
  let n = 0;
  let rest = Buffer.alloc(0);
  const consume = (chunk: Buffer): void => {
    const frameBytes = channels * 4;
    const buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    const frames = Math.floor(buf.length / frameBytes);
    if (n + frames > out.length) {
      const grown = new Float32Array(Math.max(out.length * 2, n + frames));
      grown.set(out.subarray(0, n));
      out = grown;
    }
    const pcm = new Float32Array(frames * channels);
    new Uint8Array(pcm.buffer).set(buf.subarray(0, frames * frameBytes));
    if (channels === 1) {
      out.set(pcm, n);
      n += frames;
    } else {
      for (let f = 0, o = 0; f < frames; f++, o += channels) {
        let sum = 0;
        for (let c = 0; c < channels; c++) sum += pcm[o + c];
        out[n++] = sum / channels;
      }
    }
    rest = Buffer.from(buf.subarray(frames * frameBytes));
  };
  const probing = probe(file, { timeoutMs: opts.timeoutMs }).then((info) => {
    const c = info.audio[streamIndex]?.channels ?? 0;
    if (c > 0 && c <= SWR_MAX_CHANNELS) {
      channels = c;
      for (const chunk of held.splice(0)) consume(chunk);
    }
    return info;
  });
  const decoding = streamRaw({
    input: file,
    inputOptions: start > 0 ? ["-ss", String(start)] : [],
    outputOptions,
    format: "f32le",
    onData: (chunk) => (channels > 0 ? consume(chunk) : held.push(chunk)),
    slot,
    timeoutMs: opts.timeoutMs ?? 120_000,
    maxBytes: Number.isFinite(span) ? Math.ceil((span + 1) * rate) * SWR_MAX_CHANNELS * 4 : undefined,
  });
  const [probed, decoded] = await Promise.allSettled([probing, decoding]);
  if (probed.status === "rejected") throw rewrap(probed.reason);
  const info = probed.value;
  const a = info.audio[streamIndex];
  if (!a) {
    throw new OmnispecError("media/no-stream", info.audio.length === 0 ? "the file has no audio stream" : `the file has ${info.audio.length} audio stream(s), not stream ${streamIndex}`, {
      slot,
      file: shown,
      hint: info.audio.length === 0 ? "pass a file with sound, or plan it as a VIDEO or IMAGE slot" : `use stream 0..${info.audio.length - 1}`,
    });
  }
  if (!(a.channels > 0)) throw new OmnispecError("media/unreadable", "ffprobe reports no channel count for the audio stream", { slot, file: shown });
  const duration = a.duration || info.duration;
  if (duration > 0 && start >= duration) fail("input/invalid", `start (${start} s) is past the end of the audio (${duration.toFixed(3)} s)`, start);
  if (a.channels > SWR_MAX_CHANNELS) return decodeWide(file, shown, opts, { a, duration, rate, start, maxSeconds });
  if (decoded.status === "rejected") throw rewrap(decoded.reason);
  if (n > Math.ceil((span + 1) * rate)) throw new OmnispecError("media/too-large", "ffmpeg produced more audio than asked for", { slot, file: shown });

  const steps: string[] = [`decode ${a.codec} ${a.sampleRate} Hz ${LAYOUT[channels] ?? `${channels} ch`}${duration ? `, ${duration.toFixed(3)} s` : ""}`];
  if (start > 0 || opts.end !== undefined) steps.push(`trim ${start} s to ${opts.end ?? "end"}`);
  if (a.sampleRate !== rate) steps.push(`resample ${a.sampleRate} -> ${rate} Hz (${useSoxr ? "soxr HQ, as librosa" : "ffmpeg swr: this ffmpeg has no soxr, so values differ slightly from librosa's soxr_hq"})`);
  if (channels > 1) steps.push(`downmix ${channels} -> 1 channel (mean of channels, as librosa)`);

  let samples = out.subarray(0, n);
  const limit = Number.isFinite(span) ? Math.round(span * rate) : Infinity;
  if (samples.length > limit) samples = samples.subarray(0, limit);
  const truncated = wanted > maxSeconds && samples.length >= Math.round(maxSeconds * rate) - 1;
  if (truncated) steps.push(`truncate at max_seconds ${maxSeconds}`);
  if (samples.length === 0) {
    throw new OmnispecError("media/degenerate", "no audio samples could be decoded", { slot, file: shown, hint: "the file may be cut short or empty; check that it plays" });
  }
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) {
      throw new OmnispecError("media/degenerate", `decoded sample ${i} is ${samples[i]}`, { slot, file: shown, value: samples[i], hint: "the file holds NaN or Infinity samples; re-encode it as integer PCM" });
    }
  }
  const seconds = samples.length / rate;
  const declared = Number.isFinite(wanted) ? Math.min(wanted, duration - start) : duration - start;
  if (duration > 0 && !truncated && seconds < declared - 0.25) {
    steps.push(`decoded ${seconds.toFixed(3)} s of the ${declared.toFixed(3)} s the container declares (cut short or damaged)`);
  }
  return {
    samples: samples.length === out.length ? out : out.slice(0, samples.length),
    sampleRate: rate,
    seconds,
    original: { sampleRate: a.sampleRate, channels, codec: a.codec, duration },
    truncated,
    steps,
  };
}

interface WideContext {
  a: { codec: string; sampleRate: number; channels: number };
  duration: number;
  rate: number;
  start: number;
  maxSeconds: number;
}

// more than 64 channels: copy the PCM out untouched, average in JS at the original rate (librosa's order), then let
// the ordinary path resample the mono result from a temporary float WAV
async function decodeWide(file: string, shown: string, opts: DecodeAudioOptions, ctx: WideContext): Promise<DecodedAudio> {
  const { a, rate, start, maxSeconds } = ctx;
  const pcm = RAW_PCM[a.codec];
  if (!pcm) {
    throw new OmnispecError("media/unsupported", `${a.channels} channels of ${a.codec}: over 64 channels only PCM is read`, {
      slot: opts.slot,
      file: shown,
      hint: "downmix the file first (e.g. to stereo), or store it as PCM WAV",
    });
  }
  const first = Math.round(start * a.sampleRate);
  const span = Math.min((opts.end ?? Infinity) - start, maxSeconds);
  const last = Number.isFinite(span) ? first + Math.round(span * a.sampleRate) : Infinity;
  const frameBytes = a.channels * pcm.bytes;
  const mono: number[] = [];
  let frame = 0;
  let rest = Buffer.alloc(0);
  await streamRaw({
    input: file,
    outputOptions: ["-map", `0:a:${opts.stream ?? 0}`, "-c:a", "copy"],
    format: pcm.format,
    slot: opts.slot,
    timeoutMs: opts.timeoutMs ?? 120_000,
    onData: (chunk) => {
      const buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      const frames = Math.floor(buf.length / frameBytes);
      for (let f = 0; f < frames && frame < last; f++, frame++) {
        if (frame < first) continue;
        let s = 0;
        for (let c = 0; c < a.channels; c++) s += pcm.read(buf, f * frameBytes + c * pcm.bytes);
        mono.push(s / a.channels);
      }
      rest = Buffer.from(buf.subarray(frames * frameBytes));
    },
  }).catch((e: unknown) => {
    if (e instanceof OmnispecError) throw new OmnispecError(e.code, e.message.split(" (")[0], { slot: opts.slot, file: shown, cause: e });
    throw e;
  });
  const downmix = `downmix ${a.channels} -> 1 channel (mean of channels, as librosa; in JS, past ffmpeg's 64-channel limit)`;
  const head = [`decode ${a.codec} ${a.sampleRate} Hz ${a.channels} ch, ${ctx.duration.toFixed(3)} s`, ...(start > 0 || opts.end !== undefined ? [`trim ${start} s to ${opts.end ?? "end"}`] : []), downmix];
  const samples = Float32Array.from(mono);
  const truncated = (opts.end ?? Infinity) - start > maxSeconds && frame >= last;
  const original = { sampleRate: a.sampleRate, channels: a.channels, codec: a.codec, duration: ctx.duration };
  if (a.sampleRate === rate) {
    if (samples.length === 0) throw new OmnispecError("media/degenerate", "no audio samples could be decoded", { slot: opts.slot, file: shown });
    return { samples, sampleRate: rate, seconds: samples.length / rate, original, truncated, steps: [...head, ...(truncated ? [`truncate at max_seconds ${maxSeconds}`] : [])] };
  }
  const dir = mkdtempSync(join(tmpdir(), "omnispec-audio-"));
  const tmp = join(dir, "mono.wav");
  try {
    writeFileSync(tmp, floatWav(samples, a.sampleRate));
    const r = await decodeFile(tmp, shown, { ...opts, start: 0, end: undefined, maxSeconds: Infinity });
    return { ...r, original, truncated, steps: [...head, ...r.steps.slice(1), ...(truncated ? [`truncate at max_seconds ${maxSeconds}`] : [])] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function floatWav(x: Float32Array, rate: number): Buffer {
  const h = Buffer.alloc(44);
  h.write("RIFF", 0);
  h.writeUInt32LE(36 + x.length * 4, 4);
  h.write("WAVEfmt ", 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(3, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 4, 28);
  h.writeUInt16LE(4, 32);
  h.writeUInt16LE(32, 34);
  h.write("data", 36);
  h.writeUInt32LE(x.length * 4, 40);
  return Buffer.concat([h, Buffer.from(x.buffer, x.byteOffset, x.length * 4)]);
}
