// the media the examples run on: the real files in OMNISPEC_MEDIA_DIR when it is set, else media generated on the spot.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sampleMedia } from "./sample-media.js";

/** A region the examples know the answer for: what it is, and where (original pixels, as displayed). */
export interface KnownRegion {
  photo: string;
  phrase: string;
  box: [number, number, number, number];
}

export interface ExampleMedia {
  /** true for the real files of OMNISPEC_MEDIA_DIR */
  real: boolean;
  /** the folder the media live in: dataset paths are written relative to it */
  dir: string;
  /** photos, the first stored with EXIF orientation 6 */
  photos: string[];
  clip: string;
  audio: string;
  /** what is said in `audio`, when it is speech */
  transcript?: string;
  regions: KnownRegion[];
}

/** examples/out/: every example writes its pictures here (git-ignored) */
export const outDir: string = fileURLToPath(new URL("./out/", import.meta.url));

/**
 * The media of the examples: real photos, film clip and speech when `OMNISPEC_MEDIA_DIR` is set, else generated ones.
 *
 * @example
 * import { exampleMedia } from "./example-media.js";
 * const media = await exampleMedia();
 * console.log(media.real ? "real media" : "generated media", media.photos[0]);
 */
export async function exampleMedia(): Promise<ExampleMedia> {
  mkdirSync(outDir, { recursive: true });
  const real = process.env.OMNISPEC_MEDIA_DIR;
  if (real && existsSync(join(real, "images/exif_Landscape_6.jpg"))) {
    const photo = join(real, "images/exif_Landscape_6.jpg");
    const poster = join(real, "images/bbb_poster.jpg");
    return {
      real: true,
      dir: real,
      photos: [photo, poster, join(real, "images/exif_Portrait_6.jpg"), join(real, "images/exif_Landscape_1.jpg")],
      clip: join(real, "video/bbb_480p_30s.mp4"),
      audio: join(real, "audio/jfk.wav"),
      transcript: "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.",
      regions: [
        { photo, phrase: "the waterfall", box: [1110, 85, 1505, 1180] },
        { photo: poster, phrase: "the white rabbit", box: [200, 104, 413, 440] },
      ],
    };
  }
  const dir = join(outDir, "media");
  const m = await sampleMedia(dir);
  return {
    real: false,
    dir,
    photos: [m.photo],
    clip: m.clip,
    audio: m.audio,
    regions: [
      { photo: m.photo, phrase: "the red house", box: [200, 260, 540, 600] },
      { photo: m.photo, phrase: "the sun", box: [900, 70, 1060, 230] },
    ],
  };
}
