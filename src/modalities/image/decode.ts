// decoding image files to upright 8-bit RGB with sharp, the way Pillow's Image.open(...).convert("RGB") sees them.
import { existsSync, statSync } from "node:fs";
import sharp from "sharp";
import { OmnispecError } from "../../errors.js";
import { swapsSides } from "./orientation.js";
import { assertResizable, resize as resizeWith } from "./resample/index.js";
import { growPillow } from "./resample/sharp.js";
import type { ResampleMethod, RgbImage } from "./resample/types.js";

type Metadata = Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>;

/** Pillow's `MAX_IMAGE_PIXELS * 2`: past it Pillow refuses to open an image at all. */
export const DEFAULT_MAX_PIXELS = 178_956_970;

export interface DecodeImageOptions {
  /** apply the EXIF orientation (default true); false keeps the stored pixels, as Pillow without `exif_transpose` */
  orient?: boolean;
  /**
   * colour to composite alpha over (default `"#ffffff"`, as qwen-vl-utils' `to_rgb` and transformers' `convert_to_rgb`
   * do); `"none"` drops alpha instead, as a bare Pillow `convert("RGB")` does
   */
  background?: string;
  /** refuse images whose header declares more pixels, before decoding (default {@link DEFAULT_MAX_PIXELS}) */
  maxPixels?: number;
  /** named in errors */
  slot?: string;
  /** milliseconds per stage are added here when given (for profiling) */
  timings?: Record<string, number>;
}

/** How an image is stored, read from its header. */
export interface StoredImageInfo {
  /** stored size, before orientation */
  width: number;
  height: number;
  /** EXIF orientation tag, 1..8 (1 when absent) */
  orientation: number;
  format: string;
  channels: number;
  hasAlpha: boolean;
  /** libvips interpretation: srgb, b-w, cmyk, rgb16, grey16, ... */
  space: string;
}

export interface DecodedImage extends RgbImage {
  original: StoredImageInfo;
  /** what was done, in order, for plans and logs */
  steps: string[];
}

export interface ImageSize {
  /** upright size (orientation applied unless `orient: false`) */
  width: number;
  height: number;
  orientation: number;
  format: string;
  /** stored size */
  storedWidth: number;
  storedHeight: number;
}

type Input = string | Uint8Array;

function fileOf(input: Input): string | undefined {
  return typeof input === "string" ? input : undefined;
}

function checkInput(input: Input, slot: string | undefined): void {
  const file = fileOf(input);
  if (file !== undefined) {
    if (!existsSync(file)) {
      throw new OmnispecError("media/not-found", "image file does not exist", { slot, file, hint: "check the path and the working folder" });
    }
    if (statSync(file).size === 0) throw new OmnispecError("media/unreadable", "image file is empty (0 bytes)", { slot, file });
  } else if (input.length === 0) {
    throw new OmnispecError("media/unreadable", "image bytes are empty", { slot });
  }
}

function unreadable(e: unknown, input: Input, slot: string | undefined, stage: string): OmnispecError {
  const message = e instanceof Error ? e.message : String(e);
  const file = fileOf(input);
  if (/unsupported image format/i.test(message)) {
    return new OmnispecError("media/unsupported", "not an image format sharp can read", {
      slot,
      file,
      cause: e,
      hint: "use JPEG, PNG, WebP, GIF, TIFF or AVIF (is the file really an image? check its first bytes)",
    });
  }
  return new OmnispecError("media/unreadable", `image could not be ${stage}: ${message.split("\n")[0]}`, {
    slot,
    file,
    cause: e,
    hint: "the file may be truncated or corrupt; re-encode or re-download it",
  });
}

async function header(input: Input, slot: string | undefined, maxPixels: number): Promise<Metadata> {
  checkInput(input, slot);
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (e) {
    throw unreadable(e, input, slot, "read");
  }
  const file = fileOf(input);
  if (!meta.width || !meta.height) throw new OmnispecError("media/unreadable", "image header has no size", { slot, file });
  if (meta.width * meta.height > maxPixels) {
    throw new OmnispecError("media/too-large", `image declares ${meta.width}x${meta.height} pixels, over the limit of ${maxPixels}`, {
      slot,
      file,
      value: { width: meta.width, height: meta.height },
      hint: "refused before decoding (decompression-bomb guard); raise maxPixels if the image is trusted",
    });
  }
  return meta;
}

/**
 * Reads an image's size and EXIF orientation from its header only (no pixels decoded), refusing images over `maxPixels`.
 *
 * @example
 * import { readImageSize } from "omnispec/modalities";
 * const s = await readImageSize("photo.jpg"); // { width: 1200, height: 1800, orientation: 6, storedWidth: 1800, ... }
 */
export async function readImageSize(input: Input, opts: Omit<DecodeImageOptions, "background"> = {}): Promise<ImageSize> {
  const meta = await header(input, opts.slot, opts.maxPixels ?? DEFAULT_MAX_PIXELS);
  const orientation = meta.orientation ?? 1;
  const swap = opts.orient !== false && swapsSides(orientation);
  return {
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    orientation,
    format: meta.format ?? "unknown",
    storedWidth: meta.width,
    storedHeight: meta.height,
  };
}

/** An image whose header has been read and checked; its pixels are decoded on demand, at most once per call. */
export interface OpenedImage {
  /** upright size (orientation applied unless `orient: false`) */
  width: number;
  height: number;
  original: StoredImageInfo;
  /**
   * Decodes to upright 8-bit RGB; with `resize`, resized to `width` x `height` by `method` (default `pil`, exact
   * Pillow bicubic). `sharp` resizes inside the same libvips call as the decode (JPEG shrink-on-load where it is safe).
   */
  decode(resize?: { width: number; height: number; method?: ResampleMethod }): Promise<DecodedImage>;
}

/**
 * Reads an image's header (size, orientation, format; refusing images over `maxPixels`) and returns a handle that
 * decodes it, so that a caller can size its outputs before any pixel is decoded.
 *
 * @example
 * import { openImage, smartResize } from "omnispec/modalities";
 * const img = await openImage("photo.jpg", { slot: "img" });
 * const size = smartResize({ width: img.width, height: img.height, factor: 28 });
 * const pixels = await img.decode({ ...size, method: "sharp" }); // pixels.width === size.width
 */
export async function openImage(input: Input, opts: DecodeImageOptions = {}): Promise<OpenedImage> {
  const { slot } = opts;
  const meta = await header(input, slot, opts.maxPixels ?? DEFAULT_MAX_PIXELS);
  const orientation = meta.orientation ?? 1;
  const orient = opts.orient !== false;
  const space = meta.space ?? "srgb";
  const original: StoredImageInfo = {
    width: meta.width!,
    height: meta.height!,
    orientation,
    format: meta.format ?? "unknown",
    channels: meta.channels ?? 3,
    hasAlpha: meta.hasAlpha ?? false,
    space,
  };
  const swap = orient && swapsSides(orientation);
  const width = swap ? original.height : original.width;
  const height = swap ? original.width : original.height;
  const decode = async (resize?: { width: number; height: number; method?: ResampleMethod }): Promise<DecodedImage> => {
    if (resize) assertResizable(resize.width, resize.height, slot, fileOf(input));
    const steps = [`decode ${original.format} ${original.width}x${original.height}${meta.pages && meta.pages > 1 ? ` (frame 1 of ${meta.pages})` : ""}`];
    const cmyk = space === "cmyk";
    // sharp reads the first frame of animations; the pixel limit was already checked from the header
    let pipeline = sharp(input, { limitInputPixels: false, failOn: "truncated", ignoreIcc: !cmyk, autoOrient: orient });
    if (orientation !== 1) {
      steps.push(orient ? `orient exif ${orientation}${swap ? " (sides swapped)" : ""}` : `orient off (exif ${orientation} ignored)`);
    }
    if (cmyk) steps.push("cmyk to rgb");
    else if (space === "b-w" || space === "grey16") steps.push("gray to rgb");
    if (space === "rgb16" || space === "grey16" || (meta.depth !== undefined && meta.depth !== "uchar" && meta.depth !== "char")) steps.push("16-bit to 8-bit");
    if (original.hasAlpha) {
      const background = opts.background ?? "#ffffff";
      if (background !== "none") {
        pipeline = pipeline.flatten({ background });
        steps.push(`alpha composited on ${background}`);
      } else {
        pipeline = pipeline.removeAlpha();
        steps.push("alpha dropped");
      }
    }
    const method = resize?.method ?? "pil";
    const resizing = resize !== undefined && (resize.width !== width || resize.height !== height);
    // libvips shrinks the axes that get smaller in the decoding call; an axis that grows is left to Pillow's pass
    const shrunk = resizing && method === "sharp" ? { width: Math.min(resize.width, width), height: Math.min(resize.height, height) } : undefined;
    if (shrunk && (shrunk.width !== width || shrunk.height !== height)) {
      pipeline = pipeline.resize({ ...shrunk, fit: "fill", kernel: "cubic", fastShrinkOnLoad: false });
    }
    let pixels: RgbImage;
    let t = performance.now();
    try {
      const { data, info } = await pipeline.toColourspace("srgb").raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true });
      const rgb = info.channels === 3 ? new Uint8Array(data.buffer, data.byteOffset, data.length) : dropExtraChannels(data, info.channels);
      pixels = { data: rgb, width: info.width, height: info.height };
    } catch (e) {
      throw unreadable(e, input, slot, "decoded");
    }
    t = lap(opts.timings, shrunk ? "decode + shrink (libvips)" : "decode (libvips)", t);
    if (resizing) {
      steps.push(`resize ${width}x${height} -> ${resize.width}x${resize.height} (${method})`);
      pixels = shrunk ? await growPillow(pixels, resize.width, resize.height) : await resizeWith(pixels, resize.width, resize.height, { method, slot });
      lap(opts.timings, shrunk ? "grow (Pillow pass)" : `resize ${method}`, t);
    }
    return { ...pixels, original, steps };
  };
  return { width, height, original, decode };
}

/**
 * Decodes JPEG, PNG (8/16-bit, palette, alpha), WebP, GIF (first frame), TIFF or AVIF to upright interleaved 8-bit RGB.
 * Grayscale and CMYK become RGB; alpha is composited on white (or `background`), or dropped with `background: "none"`.
 * Embedded ICC profiles of RGB images are ignored, as Pillow ignores them.
 *
 * @example
 * import { decodeImage } from "omnispec/modalities";
 * const img = await decodeImage("photo.jpg", { slot: "img" }); // img.data.length === img.width * img.height * 3
 */
export async function decodeImage(input: Input, opts: DecodeImageOptions = {}): Promise<DecodedImage> {
  return (await openImage(input, opts)).decode();
}

/** adds the time since `t0` to `timings[name]`; returns now */
export function lap(timings: Record<string, number> | undefined, name: string, t0: number): number {
  const now = performance.now();
  if (timings) timings[name] = (timings[name] ?? 0) + (now - t0);
  return now;
}

function dropExtraChannels(data: Uint8Array, channels: number): Uint8Array {
  const n = data.length / channels;
  const out = new Uint8Array(n * 3);
  for (let i = 0, p = 0, o = 0; i < n; i++, p += channels, o += 3) {
    out[o] = data[p];
    out[o + 1] = data[p + 1];
    out[o + 2] = data[p + 2];
  }
  return out;
}
