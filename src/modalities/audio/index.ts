// the audio modality's public helpers (re-exported by omnispec/modalities).
export { decodeAudio, ffmpegHasSoxr, DEFAULT_MAX_AUDIO_SECONDS, type DecodeAudioOptions, type DecodedAudio } from "./decode.js";
export { logMel, melFilterBank, type LogMel, type LogMelOptions } from "./log-mel.js";
export { kaldiFbank, type KaldiFbank, type KaldiFbankOptions } from "./fbank.js";
export { audioTokens, audioTokensFromSeconds, type AudioTokenCount, type AudioTokenConfig, type AudioTokenPreset } from "./tokens.js";
export { renderAudio, type RenderAudioOptions } from "./render.js";
export { complexFft, type ComplexFft } from "./fft.js";
export { audioHeader, audioTokensFor, audioPlanner, type AudioHeader } from "./plan.js";
