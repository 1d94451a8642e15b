// the model input a Qwen processor builds from a prompt's items: token ids, the segment list, and ropeIndex's inputs.
import { OmnispecError } from "../errors.js";
import { formatFixed } from "../util/numeric.js";
import { omniInterleave } from "./omni-interleave.js";
import { omniAudioTokens } from "./rope-index.js";
import { QWEN_TOKEN_IDS, type GridThw, type RopeTokenIds } from "./types.js";

export type LayoutFamily = "qwen2-vl" | "qwen2.5-vl" | "qwen3-vl" | "qwen2.5-omni";

/** Audio given by mel frames (`feature_attention_mask.sum()`) or directly by its token count. */
export interface AudioAmount {
  melFrames?: number;
  tokens?: number;
}

export interface TextPart {
  kind: "text";
  /** token ids, when already tokenized */
  ids?: readonly number[];
  /** text to encode with `encodeText` (or to estimate without it) */
  text?: string;
  /** a known token count (placeholder ids are emitted) */
  tokens?: number;
  slot?: string;
}

export interface ImagePart {
  kind: "image";
  gridThw: GridThw;
  slot?: string;
}

export interface VideoPart {
  kind: "video";
  gridThw: GridThw;
  /** seconds per temporal patch (`2 / sample_fps`); default 1.0 */
  secondPerGrid?: number;
  /** Qwen3-VL: the timestamp of each temporal patch in seconds (or give `frameIndices` and `videoFps`) */
  timestamps?: readonly number[];
  frameIndices?: readonly number[];
  videoFps?: number;
  /** Qwen2.5-Omni: the video's own audio track, interleaved in 2-second chunks */
  audio?: AudioAmount;
  slot?: string;
}

export interface AudioPart extends AudioAmount {
  kind: "audio";
  slot?: string;
}

export type LayoutPart = TextPart | ImagePart | VideoPart | AudioPart;

/** One span of the model input. Media spans are the placeholder runs; markers are their own spans. */
export interface LayoutSegment {
  kind: "text" | "timestamp" | "vision_start" | "vision_end" | "audio_start" | "audio_end" | "image" | "video" | "audio";
  tokens: number;
  /** offset of the first token in `inputIds` */
  start: number;
  /** false when the count is an estimate (text without a tokenizer) */
  exact: boolean;
  slot?: string;
  /** index of the image / video / audio among the prompt's items of that kind */
  item?: number;
  /** Qwen3-VL: the temporal patch of a per-frame block */
  frame?: number;
  /** Omni audio-in-video: the 2-second chunk */
  chunk?: number;
  /** timestamp text (`<1.5 seconds>`) */
  text?: string;
}

export interface TokenLayout {
  family: LayoutFamily;
  inputIds: number[];
  segments: LayoutSegment[];
  /** false when any text count is an estimate */
  exact: boolean;
  /** the remaining `ropeIndex` inputs: `ropeIndex({ scheme, inputIds, ...layout.rope })` */
  rope: {
    imageGridThw: GridThw[];
    videoGridThw: GridThw[];
    secondPerGridTs: number[];
    audioFeatureLengths: number[];
    useAudioInVideo: boolean;
  };
}

export interface TokenLayoutOptions {
  family: LayoutFamily;
  parts: readonly LayoutPart[];
  /** a tokenizer for prompt text and Qwen3-VL timestamps; without it counts are estimated and flagged inexact */
  encodeText?: (text: string) => number[];
  tokenIds?: Partial<RopeTokenIds>;
  mergeSize?: number;
  /** id written for text whose ids are unknown; default 100 (as in rope.json) */
  placeholderId?: number;
  /** Omni only */
  positionIdPerSeconds?: number;
  secondsPerChunk?: number;
}

/**
 * The exact token sequence the family's processor produces for a prompt of text, images, videos and audio, with its
 * segment list: `<|vision_start|>` + N pads + `<|vision_end|>` (Qwen2-VL, Qwen2.5-VL, Omni), per-frame
 * `<x.x seconds>` blocks (Qwen3-VL), `<|audio_bos|>` + N + `<|audio_eos|>` and the time-aligned video/audio
 * interleaving (Omni). Feed `inputIds` and `rope` to `ropeIndex` for the position ids.
 *
 * @example
 * import { tokenLayout, ropeIndex } from "omnispec/positions";
 * const layout = tokenLayout({ family: "qwen2-vl", parts: [{ kind: "text", ids: [100] }, { kind: "image", gridThw: [1, 4, 4] }] });
 * layout.inputIds;                                   // [100, 151652, 151655, 151655, 151655, 151655, 151653]
 * ropeIndex({ scheme: "qwen2-vl", inputIds: layout.inputIds, ...layout.rope }).delta; // -2
 */
export function tokenLayout(options: TokenLayoutOptions): TokenLayout {
  const { family, parts, encodeText } = options;
  const ids = { ...QWEN_TOKEN_IDS, ...options.tokenIds };
  const merge = options.mergeSize ?? 2;
  const placeholder = options.placeholderId ?? 100;
  const omni = family === "qwen2.5-omni";
  const out: number[] = [];
  const segments: LayoutSegment[] = [];
  const rope: TokenLayout["rope"] = { imageGridThw: [], videoGridThw: [], secondPerGridTs: [], audioFeatureLengths: [], useAudioInVideo: false };
  const count = { image: 0, video: 0, audio: 0 };
  let exact = true;

  const emit = (seg: Omit<LayoutSegment, "start" | "tokens" | "exact">, tokenIds: readonly number[] | { id: number; n: number }, isExact = true): void => {
    const start = out.length;
    if (Array.isArray(tokenIds)) for (const t of tokenIds as readonly number[]) out.push(t);
    else {
      const { id, n } = tokenIds as { id: number; n: number };
      for (let i = 0; i < n; i++) out.push(id);
    }
    if (!isExact) exact = false;
    segments.push({ ...seg, start, tokens: out.length - start, exact: isExact });
  };
  const marker = (kind: LayoutSegment["kind"], id: number, slot: string | undefined): void => emit({ kind, slot }, [id]);

  const videoAudio = parts.filter((p): p is VideoPart => p.kind === "video").map((p) => p.audio !== undefined);
  if (videoAudio.some((a) => a)) {
    if (!omni) {
      throw new OmnispecError("plan/unsupported", `${family} cannot take a video's audio track`, {
        hint: "use the qwen2.5-omni family for [VIDEO:clip,audio=true], or drop audio=true",
      });
    }
    if (videoAudio.some((a) => !a)) {
      throw new OmnispecError("plan/unsupported", "Qwen2.5-Omni uses the audio of all videos of a prompt or of none", {
        hint: "set audio=true on every VIDEO slot of the task, or on none (use_audio_in_video is one flag per prompt)",
      });
    }
    rope.useAudioInVideo = true;
  }

  for (const part of parts) {
    const slot = part.slot;
    if (part.kind === "text") {
      if (part.ids) emit({ kind: "text", slot }, part.ids);
      else if (part.text !== undefined && encodeText) emit({ kind: "text", slot, text: part.text }, encodeText(part.text));
      else if (part.tokens !== undefined) emit({ kind: "text", slot }, { id: placeholder, n: checkInt("text tokens", part.tokens, 0, slot) });
      else if (part.text !== undefined) emit({ kind: "text", slot, text: part.text }, { id: placeholder, n: estimateTextTokens(part.text) }, false);
      else throw new OmnispecError("input/missing", "a text part needs ids, text or tokens", { slot, hint: "pass { kind: 'text', text: '...' }" });
    } else if (part.kind === "image") {
      const g = checkGrid(part.gridThw, merge, slot);
      rope.imageGridThw.push(g);
      marker("vision_start", ids.visionStart, slot);
      emit({ kind: "image", slot, item: count.image++ }, { id: ids.imagePad, n: (g[0] * g[1] * g[2]) / (merge * merge) });
      marker("vision_end", ids.visionEnd, slot);
    } else if (part.kind === "audio") {
      if (!omni) {
        throw new OmnispecError("plan/unsupported", `${family} has no audio input`, { slot, hint: "use the qwen2.5-omni family for AUDIO slots" });
      }
      const a = audioAmount(part, slot);
      rope.audioFeatureLengths.push(a.melFrames);
      marker("audio_start", ids.audioStart, slot);
      emit({ kind: "audio", slot, item: count.audio++ }, { id: ids.audioPad, n: a.tokens });
      marker("audio_end", ids.audioEnd, slot);
    } else {
      const g = checkGrid(part.gridThw, merge, slot);
      const spg = part.secondPerGrid ?? 1.0;
      const item = count.video++;
      const perFrame = (g[1] * g[2]) / (merge * merge);
      rope.videoGridThw.push(g);
      rope.secondPerGridTs.push(spg);
      if (family === "qwen3-vl") {
        const ts = videoTimestamps(part, g[0], merge, slot);
        for (let k = 0; k < g[0]; k++) {
          const text = `<${formatFixed(ts[k], 1)} seconds>`;
          if (encodeText) emit({ kind: "timestamp", slot, item, frame: k, text }, encodeText(text));
          else emit({ kind: "timestamp", slot, item, frame: k, text }, { id: placeholder, n: estimateTimestampTokens(text) }, false);
          marker("vision_start", ids.visionStart, slot);
          emit({ kind: "video", slot, item, frame: k }, { id: ids.videoPad, n: perFrame });
          marker("vision_end", ids.visionEnd, slot);
        }
      } else if (part.audio) {
        const a = audioAmount(part.audio, slot);
        rope.audioFeatureLengths.push(a.melFrames);
        const audioItem = count.audio++;
        marker("vision_start", ids.visionStart, slot);
        marker("audio_start", ids.audioStart, slot);
        const chunks = omniInterleave({
          videoGridThw: g,
          secondPerGridT: spg,
          audioTokens: a.tokens,
          mergeSize: merge,
          positionIdPerSeconds: options.positionIdPerSeconds,
          secondsPerChunk: options.secondsPerChunk,
        });
        for (const c of chunks) {
          const isVideo = c.kind === "video";
          emit({ kind: c.kind, slot, item: isVideo ? item : audioItem, chunk: c.chunk }, { id: isVideo ? ids.videoPad : ids.audioPad, n: c.tokens });
        }
        marker("audio_end", ids.audioEnd, slot);
        marker("vision_end", ids.visionEnd, slot);
      } else {
        marker("vision_start", ids.visionStart, slot);
        emit({ kind: "video", slot, item }, { id: ids.videoPad, n: g[0] * perFrame });
        marker("vision_end", ids.visionEnd, slot);
      }
    }
  }
  return { family, inputIds: out, segments, exact, rope };
}

/**
 * Qwen3-VL's timestamp of each temporal patch: frame indices padded to a multiple of `mergeSize` by repeating the
 * last, then the mean time of the first and last frame of each patch (`Qwen3VLProcessor._calculate_timestamps`).
 *
 * @example
 * import { qwen3Timestamps } from "omnispec/positions";
 * qwen3Timestamps([0, 15, 30, 45], 30); // [0.25, 1.25]
 */
export function qwen3Timestamps(frameIndices: readonly number[], videoFps: number, mergeSize = 2): number[] {
  const idx = [...frameIndices];
  if (idx.length === 0) return [];
  while (idx.length % mergeSize !== 0) idx.push(idx[idx.length - 1]);
  const out: number[] = [];
  for (let i = 0; i < idx.length; i += mergeSize) out.push((idx[i] / videoFps + idx[i + mergeSize - 1] / videoFps) / 2);
  return out;
}

function videoTimestamps(part: VideoPart, gridT: number, merge: number, slot: string | undefined): readonly number[] {
  let ts = part.timestamps;
  if (!ts && part.frameIndices && part.videoFps !== undefined) ts = qwen3Timestamps(part.frameIndices, part.videoFps, merge);
  if (!ts) {
    throw new OmnispecError("input/missing", "Qwen3-VL video needs the timestamp of every temporal patch", {
      slot,
      hint: "pass timestamps (seconds per temporal patch) or frameIndices with videoFps",
    });
  }
  if (ts.length < gridT) {
    throw new OmnispecError("input/invalid", `Qwen3-VL video has ${gridT} temporal patches but ${ts.length} timestamps`, {
      slot,
      value: ts.length,
      hint: "pass one timestamp per temporal patch (frames / 2, rounded up)",
    });
  }
  return ts;
}

function audioAmount(a: AudioAmount, slot: string | undefined): { melFrames: number; tokens: number } {
  if (a.melFrames !== undefined) {
    const mel = checkInt("audio melFrames", a.melFrames, 0, slot);
    const tokens = omniAudioTokens(mel);
    if (a.tokens !== undefined && a.tokens !== tokens) {
      throw new OmnispecError("input/invalid", `audio has ${mel} mel frames (${tokens} tokens) but tokens says ${a.tokens}`, {
        slot,
        value: a.tokens,
        hint: "give melFrames or tokens, not both",
      });
    }
    if (tokens < 1) {
      throw new OmnispecError("input/invalid", `audio of ${mel} mel frames gives no audio tokens`, {
        slot,
        value: mel,
        hint: "clips shorter than about 30 ms produce no tokens; drop or pad the clip",
      });
    }
    return { melFrames: mel, tokens };
  }
  if (a.tokens !== undefined) {
    const tokens = checkInt("audio tokens", a.tokens, 1, slot);
    // any L with the same token count gives the same positions; 4 * tokens is one
    return { melFrames: 4 * tokens, tokens };
  }
  throw new OmnispecError("input/missing", "an audio item needs melFrames or tokens", { slot, hint: "pass { melFrames: 3002 } or { tokens: 750 }" });
}

/** Qwen2's pre-tokenizer splits digits one by one: "<", digits, ".", " seconds", ">" */
function estimateTimestampTokens(text: string): number {
  return 4 + (text.match(/\d/g)?.length ?? 0);
}

function estimateTextTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

function checkGrid(g: GridThw, merge: number, slot: string | undefined): GridThw {
  if (!Array.isArray(g) || g.length !== 3 || !g.every((v) => Number.isInteger(v) && v > 0) || g[1] % merge !== 0 || g[2] % merge !== 0) {
    throw new OmnispecError("input/invalid", `grid ${JSON.stringify(g)} is not a valid [t, h, w]`, {
      slot,
      value: g,
      hint: `t, h, w are positive integers and h, w multiples of the merge size ${merge}`,
    });
  }
  return [g[0], g[1], g[2]];
}

function checkInt(name: string, v: number, min: number, slot: string | undefined): number {
  if (!Number.isInteger(v) || v < min) {
    throw new OmnispecError("input/invalid", `${name} is ${String(v)}`, { slot, value: v, hint: `${name} must be an integer >= ${min}` });
  }
  return v;
}
