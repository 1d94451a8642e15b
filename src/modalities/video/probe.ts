// probing a video: its facts, sizes upright, without decoding a frame (and without loading any image library).
import { OmnispecError } from "../../errors.js";
import { packetIndex, probe, type MediaInfo, type PacketIndex } from "../../media/ffmpeg.js";

/** A video's facts as the planners and decoders need them (sizes upright, rotation applied). */
export interface VideoProbe {
  file: string;
  /** container duration in seconds */
  duration: number;
  /** average frame rate of the first video stream */
  fps: number;
  /** frame count: the container's, else duration x fps */
  frames: number;
  /** upright size: the stored size turned by `rotation` */
  width: number;
  height: number;
  /** clockwise degrees the stored frames are turned for display (0, 90, 180, 270) */
  rotation: number;
  codec: string;
  /** ffprobe's names for the container, e.g. `mov,mp4,m4a,3gp,3g2,mj2` */
  format: string;
  /** decoded pixel layout, e.g. `yuv420p` (empty when ffprobe does not say) */
  pixelFormat: string;
  /** ffprobe's index of the stream decoded */
  streamIndex: number;
  audio: { channels: number; sampleRate: number; codec: string }[];
  /** file size */
  bytes: number;
}

export interface ProbeVideoOptions {
  slot?: string;
  timeoutMs?: number;
  /**
   * also list the video stream's packets, alongside the probe and on after it returns, for a {@link decodeFrames} of
   * this probe that follows: it then starts decoding without listing them itself
   */
  packets?: boolean;
}

// packet lists started by probeVideo({ packets: true }), found again by the probe they came with
const listings = new WeakMap<VideoProbe, Promise<PacketIndex | undefined>>();

/**
 * The packet list {@link probeVideo} started for this probe (`packets: true`), if any; undefined where it listed
 * another stream than the probe chose.
 *
 * @example
 * const v = await probeVideo("clip.mp4", { packets: true });
 * const index = await packetsOf(v); // the same as packetIndex("clip.mp4", v.streamIndex)
 */
export function packetsOf(video: VideoProbe): Promise<PacketIndex | undefined> | undefined {
  return listings.get(video);
}

function upright(info: MediaInfo, slot?: string): VideoProbe {
  const v = info.video[0];
  if (!v) {
    throw new OmnispecError("media/no-stream", "the file has no video stream", {
      slot,
      file: info.file,
      hint: info.audio.length > 0 ? "it holds only audio: use an AUDIO slot for it" : "check that the file is a video",
    });
  }
  const swap = v.rotation === 90 || v.rotation === 270;
  return {
    file: info.file,
    duration: info.duration,
    fps: v.fps,
    frames: v.frames,
    width: swap ? v.height : v.width,
    height: swap ? v.width : v.height,
    rotation: v.rotation,
    codec: v.codec,
    format: info.format,
    pixelFormat: v.pixelFormat ?? "",
    streamIndex: v.index,
    audio: info.audio.map((a) => ({ channels: a.channels, sampleRate: a.sampleRate, codec: a.codec })),
    bytes: info.bytes,
  };
}

/**
 * Probes a video without decoding it: duration, frame rate, frame count, upright size, rotation and audio streams
 * (with `packets`, also starts listing the packets for a decode to come). Errors: `media/not-found`, `media/unreadable` (not a media file, or cut before its index), `media/no-stream`.
 *
 * @example
 * import { probeVideo } from "omnispec/modalities";
 * const v = await probeVideo("clip.mp4", { slot: "clip" });
 * console.log(v.frames, v.fps, v.width, v.height, v.audio.length);
 */
export async function probeVideo(input: string, options: ProbeVideoOptions = {}): Promise<VideoProbe> {
  // the first video stream, as upright() takes it
  const listing = options.packets && typeof input === "string" ? packetIndex(input, "v:0", { timeoutMs: options.timeoutMs }) : undefined;
  const video = upright(await probe(input, { slot: options.slot, timeoutMs: options.timeoutMs }), options.slot);
  if (listing) listings.set(video, listing.then((index) => (index?.streamIndex === video.streamIndex ? index : undefined)));
  return video;
}
