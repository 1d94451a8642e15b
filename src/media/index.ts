// omnispec/media: probing and raw decoding through ffmpeg.
export { ffmpegBinaries, ffmpegBuildConfig, frameSyncOptions, packetIndex, PACKET_DISCARD, PACKET_KEY, probe, streamRaw } from "./ffmpeg.js";
export type { AudioStreamInfo, MediaInfo, PacketIndex, RawStreamOptions, VideoStreamInfo } from "./ffmpeg.js";
