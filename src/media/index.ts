// omnispec/media: probing and raw decoding through ffmpeg.
export { ffmpegBinaries, ffmpegBuildConfig, frameSyncOptions, packetIndex, probe, streamRaw } from "./ffmpeg.js";
export type { AudioStreamInfo, MediaInfo, PacketIndex, RawStreamOptions, StreamPacket, VideoStreamInfo } from "./ffmpeg.js";
