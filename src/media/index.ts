// omnispec/media: probing and raw decoding through ffmpeg.
export { ffmpegBinaries, ffmpegBuildConfig, frameSyncOptions, probe, streamRaw } from "./ffmpeg.js";
export type { AudioStreamInfo, MediaInfo, RawStreamOptions, VideoStreamInfo } from "./ffmpeg.js";
