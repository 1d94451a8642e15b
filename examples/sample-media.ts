// sample media the demo and examples generate for themselves: a photo stored with an EXIF rotation, a clip with sound, a tone.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { ffmpegBinaries } from "../src/media/ffmpeg.js";

export interface SampleMedia {
  /** 1200x800 as displayed, stored as 800x1200 pixels with EXIF orientation 6 */
  photo: string;
  /** 6 s, 640x360 at 24 fps, with a stereo 48 kHz tone */
  clip: string;
  /** 3 s of a 16 kHz mono chirp */
  audio: string;
}

const PHOTO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#6fa8dc"/><stop offset="1" stop-color="#cfe2f3"/></linearGradient></defs>
  <rect width="1200" height="800" fill="url(#sky)"/>
  <rect y="560" width="1200" height="240" fill="#6aa84f"/>
  <circle cx="980" cy="150" r="80" fill="#ffd966"/>
  <rect x="220" y="380" width="300" height="220" fill="#cc4125"/>
  <polygon points="200,380 370,260 540,380" fill="#783f04"/>
  <rect x="330" y="480" width="70" height="120" fill="#3d2b1f"/>
</svg>`;

/**
 * Writes the sample media into `dir` (once; later calls reuse the files) and returns their paths.
 *
 * @example
 * import { sampleMedia } from "./sample-media.js";
 * const media = await sampleMedia(".omnispec/demo-media");
 */
export async function sampleMedia(dir: string): Promise<SampleMedia> {
  mkdirSync(dir, { recursive: true });
  const out: SampleMedia = { photo: join(dir, "house-exif6.jpg"), clip: join(dir, "clip.mp4"), audio: join(dir, "chirp.wav") };
  if (!existsSync(out.photo)) {
    // stored rotated 90° counter-clockwise; orientation 6 tells a viewer to rotate it back clockwise
    const upright = await sharp(Buffer.from(PHOTO_SVG)).png().toBuffer();
    await sharp(upright).rotate(-90).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toFile(out.photo);
  }
  const { ffmpeg } = ffmpegBinaries();
  const run = (args: string[]) => {
    const r = spawnSync(ffmpeg, ["-v", "error", "-y", ...args], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  };
  if (!existsSync(out.clip)) {
    run([
      "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24:duration=6",
      "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=6",
      "-ac", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", out.clip,
    ]);
  }
  if (!existsSync(out.audio)) {
    run(["-f", "lavfi", "-i", "aevalsrc=sin(2*PI*(200+300*t)*t):s=16000:d=3", "-ac", "1", "-c:a", "pcm_s16le", out.audio]);
  }
  return out;
}
