// audio token arithmetic per preset: feature frames, the attention mask, the encoder's conv/pool (or subsampling) steps.
import { OmnispecError } from "../../errors.js";
import type { AudioConfig } from "../../plan/preset.js";

export type AudioTokenPreset = "qwen2-audio" | "qwen2.5-omni" | "whisper" | "ofa";

/** The fields of an audio preset that decide the token count. */
export type AudioTokenConfig = Pick<AudioConfig, "features" | "tokens" | "chunkSeconds" | "sampleRate">;

const PRESETS: Record<AudioTokenPreset, AudioTokenConfig> = {
  "qwen2-audio": { features: "whisper-log-mel", tokens: "qwen-audio", chunkSeconds: 30, sampleRate: 16000 },
  "qwen2.5-omni": { features: "whisper-log-mel", tokens: "qwen-audio", chunkSeconds: 300, sampleRate: 16000 },
  whisper: { features: "whisper-log-mel", tokens: "whisper-encoder", chunkSeconds: 30, sampleRate: 16000 },
  ofa: { features: "kaldi-fbank", tokens: "ofa-subsample4", chunkSeconds: 0, sampleRate: 16000 },
};

export interface AudioTokenCount {
  /** samples at the preset's rate, before truncation */
  samples: number;
  /** the window cut the clip (30 s Whisper/Qwen2-Audio, 300 s Omni) */
  truncated: boolean;
  /** frames of an unpadded extraction (Whisper: N' // hop; Kaldi fbank: 1 + (N - 400) // 160 with snip_edges) */
  stftFrames: number;
  /** frames the encoder is given (the padded window for Whisper-style features) */
  paddedFrames: number;
  /** the feature attention mask's sum: ceil(N' / hop) for Whisper-style features, every frame for fbank */
  maskLength: number;
  /** frames after the first stride-2 convolution (Qwen: (L - 1) // 2 + 1; OFA: after the first of two 3x3 convs) */
  afterConv: number;
  tokens: number;
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);

function configOf(preset: AudioTokenPreset | AudioTokenConfig): AudioTokenConfig {
  if (typeof preset !== "string") return preset;
  const cfg = PRESETS[preset];
  if (!cfg) throw new OmnispecError("preset/unknown", `no audio token rule for preset "${String(preset)}"`, { value: preset, hint: `use one of ${Object.keys(PRESETS).join(", ")}` });
  return cfg;
}

/**
 * Audio tokens for a clip of `samples` samples (a count, or the samples themselves) at the preset's rate, with every
 * intermediate length. Qwen2-Audio and Qwen2.5-Omni: `L = ceil(min(N, window) / 160)`, `afterConv = (L - 1) // 2 + 1`,
 * `tokens = (afterConv - 2) // 2 + 1` (25 per second; 0 up to 320 samples). Whisper: 1500 encoder positions for its
 * 30 s window. OFA: Kaldi fbank frames, then two 3x3 stride-2 convolutions without padding (Conv2dSubsampling4).
 *
 * @example
 * import { audioTokens } from "omnispec/modalities";
 * audioTokens({ samples: 176000, preset: "qwen2.5-omni" }).tokens; // 275
 * audioTokens({ samples: 720000, preset: "qwen2-audio" });         // { truncated: true, maskLength: 3000, tokens: 750, ... }
 */
export function audioTokens(opts: { samples: number | ArrayLike<number>; preset: AudioTokenPreset | AudioTokenConfig }): AudioTokenCount {
  const n = typeof opts.samples === "number" ? opts.samples : opts.samples.length;
  if (!(Number.isInteger(n) && n >= 0)) {
    throw new OmnispecError("input/invalid", `a sample count must be a non-negative integer, got ${n}`, { value: n });
  }
  const cfg = configOf(opts.preset);
  const hop = cfg.sampleRate / 100;
  if (cfg.features === "kaldi-fbank") {
    // torchaudio kaldi.fbank with snip_edges: 25 ms windows every 10 ms, no frame for a clip shorter than a window
    const win = Math.round(cfg.sampleRate * 0.025);
    const frames = n < win ? 0 : 1 + floorDiv(n - win, hop);
    const conv = (t: number): number => (t < 3 ? 0 : floorDiv(t - 3, 2) + 1);
    const afterConv = conv(frames);
    return { samples: n, truncated: false, stftFrames: frames, paddedFrames: frames, maskLength: frames, afterConv, tokens: conv(afterConv) };
  }
  const window = Math.round(cfg.chunkSeconds * cfg.sampleRate);
  const kept = window > 0 ? Math.min(n, window) : n;
  const truncated = window > 0 && n > window;
  const stftFrames = floorDiv(kept, hop);
  const paddedFrames = window > 0 ? floorDiv(window, hop) : stftFrames;
  const maskLength = window > 0 ? Math.min(paddedFrames, Math.ceil(kept / hop)) : stftFrames;
  if (cfg.tokens === "whisper-encoder") {
    // conv1 (stride 1, pad 1) keeps the frames, conv2 (stride 2, pad 1) halves them: 3000 -> 1500
    const afterConv = floorDiv(paddedFrames - 1, 2) + 1;
    return { samples: n, truncated, stftFrames, paddedFrames, maskLength, afterConv, tokens: afterConv };
  }
  const afterConv = floorDiv(maskLength - 1, 2) + 1;
  const tokens = Math.max(0, floorDiv(afterConv - 2, 2) + 1);
  return { samples: n, truncated, stftFrames, paddedFrames, maskLength, afterConv, tokens };
}

/**
 * {@link audioTokens} for a clip given in seconds (rounded to whole samples at the preset's rate).
 *
 * @example
 * import { audioTokensFromSeconds } from "omnispec/modalities";
 * audioTokensFromSeconds(11, "qwen2-audio").tokens; // 275
 */
export function audioTokensFromSeconds(seconds: number, preset: AudioTokenPreset | AudioTokenConfig): AudioTokenCount {
  if (!(Number.isFinite(seconds) && seconds >= 0)) {
    throw new OmnispecError("input/invalid", `audio length must be a non-negative number of seconds, got ${seconds}`, { value: seconds });
  }
  return audioTokens({ samples: Math.round(seconds * configOf(preset).sampleRate), preset });
}
