// image files to the pixel_values a Qwen vision encoder reads: header, decode + resize, normalise + patchify; one image
// at a time or several at once.
import { availableParallelism } from "node:os";
import { OmnispecError } from "../../errors.js";
import { swapsSides } from "./orientation.js";
import { lap, openImage, type DecodeImageOptions, type StoredImageInfo } from "./decode.js";
import { assertPatchable, patchify, patchShape, type Patches, type PatchifyOptions } from "./patchify.js";
import { reuseShared } from "./resample/parallel.js";
import type { ResampleMethod } from "./resample/types.js";

type Input = string | Uint8Array;

/** A width and height in pixels. */
export interface Size {
  width: number;
  height: number;
}

export interface PixelValuesOptions extends DecodeImageOptions, Omit<PatchifyOptions, "out" | "slot"> {
  /** the resized size, or a function of the upright size (e.g. `smartResize` with the model's factor and bounds) */
  size: Size | ((upright: Size) => Size);
  /** default `pil` (exact Pillow bicubic) */
  method?: ResampleMethod;
  /**
   * write into this buffer instead of a new one (at least as long as the patches; `pixelValues` is then a view of its
   * start): a caller that is done with the last image's values saves mapping fresh memory for the next
   */
  out?: Float32Array;
}

/** An image's `pixel_values` with its grid, the resized size, how it was stored and what was done. */
export interface ImagePixelValues extends Patches {
  width: number;
  height: number;
  original: StoredImageInfo;
  steps: string[];
}

/** a Float32Array whose pages are already mapped: one write per 4 KiB page */
function touched(length: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 1024) out[i] = 0;
  return out;
}

/**
 * Decodes an image upright, resizes it (`method`: exact Pillow bicubic by default), normalises and patchifies it into
 * `pixel_values` `[patches, 3 * temporalPatchSize * patchSize^2]` with `image_grid_thw`. The output is sized from the
 * header and its memory mapped while libvips decodes on another thread; normalisation reads uint8 through per-channel
 * tables straight into the output (no float image in between).
 *
 * @example
 * import { imagePixelValues, smartResize, CLIP_MEAN, CLIP_STD } from "omnispec/modalities";
 * const p = await imagePixelValues("photo.jpg", {
 *   size: ({ width, height }) => smartResize({ width, height, factor: 28 }),
 *   patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD,
 * });
 * p.dims; // [grid_h * grid_w, 1176]
 */
export async function imagePixelValues(input: Input, opts: PixelValuesOptions): Promise<ImagePixelValues> {
  const { timings, slot } = opts;
  let t = performance.now();
  // resample=sharp works on the stored pixels and patchify reads them turned upright: no turned copy from libvips
  const turnLate = opts.method === "sharp" && opts.orient !== false;
  const img = await openImage(input, turnLate ? { ...opts, orient: false } : opts);
  const orientation = turnLate ? img.original.orientation : 1;
  const swap = swapsSides(orientation);
  const upright = swap ? { width: img.height, height: img.width } : { width: img.width, height: img.height };
  const size = typeof opts.size === "function" ? opts.size(upright) : opts.size;
  assertPatchable(size.width, size.height, opts);
  const { dims } = patchShape(size.width, size.height, 1, opts);
  const length = dims[0] * dims[1];
  if (opts.out && opts.out.length < length) {
    throw new OmnispecError("input/invalid", `the output buffer holds ${opts.out.length} values, the patches need ${dims[0]} x ${dims[1]}`, {
      slot,
      file: typeof input === "string" ? input : undefined,
      hint: "pass a larger buffer, or none",
    });
  }
  t = lap(timings, "header", t);
  const stored = swap ? { width: size.height, height: size.width } : size;
  const pending = img.decode({ ...stored, method: opts.method });
  pending.catch(() => undefined);
  // mapping 50 MB of fresh pages costs about as much as the decode: done here meanwhile
  const out = opts.out ? opts.out.subarray(0, length) : touched(length);
  lap(timings, "map output (during decode)", t);
  const pixels = await pending;
  t = performance.now();
  const patches = patchify(pixels, { ...opts, slot, out, orientation });
  // the resized pixels go no further: their shared buffer serves the next resize
  if (pixels.data.buffer instanceof SharedArrayBuffer) reuseShared(pixels.data.buffer);
  lap(timings, "normalise + patchify", t);
  const [gt, gh, gw] = patches.gridThw;
  const turned = `orient exif ${orientation}${swap ? " (sides swapped)" : ""}, read turned while patchifying`;
  return {
    ...patches,
    width: size.width,
    height: size.height,
    original: pixels.original,
    steps: [...pixels.steps.map((step) => (orientation !== 1 && step.startsWith("orient off") ? turned : step)), `normalise + patchify ${size.width}x${size.height} -> grid ${gt}x${gh}x${gw}`],
  };
}

/** One image's outcome in a batch: its pixel values, or the error that stopped it. */
export type PixelValuesResult = { ok: true; value: ImagePixelValues } | { ok: false; error: OmnispecError | Error };

/**
 * {@link imagePixelValues} over many images, `concurrency` at a time (default: the number of cores), so that one image's
 * libvips decode runs while another is resized or patchified. Results come back in input order; an image that fails
 * gives its error in its place and the others still complete.
 *
 * @example
 * import { imagePixelValuesBatch, smartResize, CLIP_MEAN, CLIP_STD } from "omnispec/modalities";
 * const results = await imagePixelValuesBatch(["a.jpg", "b.png"], {
 *   size: ({ width, height }) => smartResize({ width, height, factor: 28 }),
 *   patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD, method: "sharp",
 * });
 * for (const r of results) console.log(r.ok ? r.value.gridThw : r.error.message);
 */
export async function imagePixelValuesBatch(inputs: readonly Input[], opts: Omit<PixelValuesOptions, "out"> & { concurrency?: number }): Promise<PixelValuesResult[]> {
  if ((opts as PixelValuesOptions).out) {
    throw new OmnispecError("input/invalid", "a batch cannot write every image into one output buffer", { slot: opts.slot, hint: "drop out, or call imagePixelValues per image" });
  }
  const lanes = Math.max(1, Math.min(inputs.length, Math.floor(opts.concurrency ?? availableParallelism())));
  const results: PixelValuesResult[] = new Array(inputs.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < inputs.length) {
      const i = next++;
      try {
        results[i] = { ok: true, value: await imagePixelValues(inputs[i], opts) };
      } catch (e) {
        results[i] = { ok: false, error: e instanceof Error ? e : new Error(String(e)) };
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
