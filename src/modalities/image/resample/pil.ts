// pillow's ImagingResample (libImaging/Resample.c) for 8-bit RGB, bicubic a=-0.5: separable, fixed point, bit-exact.
import { PIL_WASM_BASE64 } from "./pil-wasm.js";
import type { RgbImage } from "./types.js";

/** 32 bits minus 8 for the result minus 2 for overflow of negative lobes, as in Pillow. */
export const PRECISION_BITS = 22;
const HALF = 1 << (PRECISION_BITS - 1);
/** Pillow's bicubic filter reaches 2 samples either side. */
export const BICUBIC_SUPPORT = 2;

/**
 * Pillow's bicubic kernel with a = -0.5, written in its exact order of operations.
 *
 * @example
 * import { bicubicKernel } from "omnispec/modalities";
 * bicubicKernel(0.5); // 0.5625
 */
export function bicubicKernel(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** Per output pixel: the first input index, how many taps, and `ksize` fixed-point weights (rest zero). */
export interface Coefficients {
  ksize: number;
  /** [start0, count0, start1, count1, ...] */
  bounds: Int32Array;
  /** outSize * ksize weights scaled by 2^22 */
  weights: Int32Array;
}

/**
 * Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for resizing `inSize` samples to `outSize`.
 *
 * @example
 * import { pillowCoefficients } from "omnispec/modalities";
 * const c = pillowCoefficients(4, 2); // c.ksize === 9, c.bounds[0..1] === [0, 3]
 */
export function pillowCoefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  const support = BICUBIC_SUPPORT * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterscale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // c's (int) cast truncates toward zero
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubicKernel((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    const row = xx * ksize;
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x] / ww : k[x];
      weights[row + x] = w < 0 ? Math.trunc(-0.5 + w * (1 << PRECISION_BITS)) : Math.trunc(0.5 + w * (1 << PRECISION_BITS));
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

/**
 * Pillow's clip8: drops the fraction bits and clamps to 0..255.
 *
 * @example
 * clip8(300 << 22); // 255
 */
export function clip8(ss: number): number {
  const v = ss >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * Horizontal pass over rows [rowStart, rowEnd) of `src` (3 channels) into `dst` rows starting at 0.
 *
 * @example
 * const c = pillowCoefficients(4, 2);
 * const dst = new Uint8Array(2 * 3);
 * horizontalPass(new Uint8Array(4 * 3).fill(9), 4, 0, 1, c, dst, 2); // dst is all 9
 */
export function horizontalPass(
  src: Uint8Array,
  srcWidth: number,
  rowStart: number,
  rowEnd: number,
  c: Coefficients,
  dst: Uint8Array,
  dstWidth: number,
): void {
  const { ksize, bounds, weights } = c;
  const srcStride = srcWidth * 3;
  let o = 0;
  for (let y = rowStart; y < rowEnd; y++) {
    const srcRow = y * srcStride;
    for (let xx = 0; xx < dstWidth; xx++) {
      const n = bounds[xx * 2 + 1];
      let k = xx * ksize;
      let p = srcRow + bounds[xx * 2] * 3;
      // 4 and 5 taps (enlarging, or shrinking by up to about 1.25) written out: no loop, no partial sums
      if (n === 4) {
        const w0 = weights[k];
        const w1 = weights[k + 1];
        const w2 = weights[k + 2];
        const w3 = weights[k + 3];
        let v = (HALF + Math.imul(src[p], w0) + Math.imul(src[p + 3], w1) + Math.imul(src[p + 6], w2) + Math.imul(src[p + 9], w3)) >> PRECISION_BITS;
        dst[o++] = v < 0 ? 0 : v > 255 ? 255 : v;
        v = (HALF + Math.imul(src[p + 1], w0) + Math.imul(src[p + 4], w1) + Math.imul(src[p + 7], w2) + Math.imul(src[p + 10], w3)) >> PRECISION_BITS;
        dst[o++] = v < 0 ? 0 : v > 255 ? 255 : v;
        v = (HALF + Math.imul(src[p + 2], w0) + Math.imul(src[p + 5], w1) + Math.imul(src[p + 8], w2) + Math.imul(src[p + 11], w3)) >> PRECISION_BITS;
        dst[o++] = v < 0 ? 0 : v > 255 ? 255 : v;
        continue;
      }
      if (n === 5) {
        const w0 = weights[k];
        const w1 = weights[k + 1];
        const w2 = weights[k + 2];
        const w3 = weights[k + 3];
        const w4 = weights[k + 4];
        let v = (HALF + Math.imul(src[p], w0) + Math.imul(src[p + 3], w1) + Math.imul(src[p + 6], w2) + Math.imul(src[p + 9], w3) + Math.imul(src[p + 12], w4)) >> PRECISION_BITS;
        dst[o++] = v < 0 ? 0 : v > 255 ? 255 : v;
        v = (HALF + Math.imul(src[p + 1], w0) + Math.imul(src[p + 4], w1) + Math.imul(src[p + 7], w2) + Math.imul(src[p + 10], w3) + Math.imul(src[p + 13], w4)) >> PRECISION_BITS;
        dst[o++] = v < 0 ? 0 : v > 255 ? 255 : v;
        v = (HALF + Math.imul(src[p + 2], w0) + Math.imul(src[p + 5], w1) + Math.imul(src[p + 8], w2) + Math.imul(src[p + 11], w3) + Math.imul(src[p + 14], w4)) >> PRECISION_BITS;
        dst[o++] = v < 0 ? 0 : v > 255 ? 255 : v;
        continue;
      }
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      let t = 0;
      // four taps per step; Math.imul and | 0 keep the sums in int32, as Pillow's are
      for (; t + 4 <= n; t += 4, k += 4, p += 12) {
        const w0 = weights[k];
        const w1 = weights[k + 1];
        const w2 = weights[k + 2];
        const w3 = weights[k + 3];
        s0 = (s0 + Math.imul(src[p], w0) + Math.imul(src[p + 3], w1) + Math.imul(src[p + 6], w2) + Math.imul(src[p + 9], w3)) | 0;
        s1 = (s1 + Math.imul(src[p + 1], w0) + Math.imul(src[p + 4], w1) + Math.imul(src[p + 7], w2) + Math.imul(src[p + 10], w3)) | 0;
        s2 = (s2 + Math.imul(src[p + 2], w0) + Math.imul(src[p + 5], w1) + Math.imul(src[p + 8], w2) + Math.imul(src[p + 11], w3)) | 0;
      }
      for (; t < n; t++, k++, p += 3) {
        const w = weights[k];
        s0 = (s0 + Math.imul(src[p], w)) | 0;
        s1 = (s1 + Math.imul(src[p + 1], w)) | 0;
        s2 = (s2 + Math.imul(src[p + 2], w)) | 0;
      }
      dst[o++] = clip8(s0);
      dst[o++] = clip8(s1);
      dst[o++] = clip8(s2);
    }
  }
}

/**
 * Vertical pass for output rows [outStart, outEnd) into `dst` rows starting at 0; `src` row 0 is source row `rowOffset`.
 * Whole rows are combined four taps at a time (integer sums are exact in any order), reading memory sequentially.
 *
 * @example
 * const c = pillowCoefficients(4, 2);
 * const dst = new Uint8Array(2 * 3);
 * verticalPass(new Uint8Array(4 * 3).fill(9), 0, c, dst, 1, 0, 2, new Int32Array(3)); // dst is all 9
 */
export function verticalPass(
  src: Uint8Array,
  rowOffset: number,
  c: Coefficients,
  dst: Uint8Array,
  width: number,
  outStart: number,
  outEnd: number,
  acc: Int32Array,
): void {
  const { ksize, bounds, weights } = c;
  const stride = width * 3;
  for (let yy = outStart; yy < outEnd; yy++) {
    const n = bounds[yy * 2 + 1];
    const kw = yy * ksize;
    const o = (yy - outStart) * stride;
    let p = (bounds[yy * 2] - rowOffset) * stride;
    const shift = bounds[yy * 2 + 2] - bounds[yy * 2];
    if (n === 4 && yy + 1 < outEnd && bounds[yy * 2 + 3] === 4 && (shift === 0 || shift === 1)) {
      // two 4-tap rows (enlarging) from the same 4 or 5 source rows: each source byte is read once for both
      const k1 = kw + ksize;
      const a0 = weights[kw];
      const a1 = weights[kw + 1];
      const a2 = weights[kw + 2];
      const a3 = weights[kw + 3];
      const b0 = shift ? 0 : weights[k1];
      const b1 = shift ? weights[k1] : weights[k1 + 1];
      const b2 = shift ? weights[k1 + 1] : weights[k1 + 2];
      const b3 = shift ? weights[k1 + 2] : weights[k1 + 3];
      const b4 = shift ? weights[k1 + 3] : 0;
      const p1 = p + stride;
      const p2 = p1 + stride;
      const p3 = p2 + stride;
      const p4 = shift ? p3 + stride : p3;
      for (let i = 0; i < stride; i++) {
        const x0 = src[p + i];
        const x1 = src[p1 + i];
        const x2 = src[p2 + i];
        const x3 = src[p3 + i];
        let v = (HALF + Math.imul(x0, a0) + Math.imul(x1, a1) + Math.imul(x2, a2) + Math.imul(x3, a3)) >> PRECISION_BITS;
        dst[o + i] = v < 0 ? 0 : v > 255 ? 255 : v;
        v = (HALF + Math.imul(x0, b0) + Math.imul(x1, b1) + Math.imul(x2, b2) + Math.imul(x3, b3) + Math.imul(src[p4 + i], b4)) >> PRECISION_BITS;
        dst[o + stride + i] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
      yy++;
      continue;
    }
    let t = 0;
    if (n > 4) {
      acc.fill(HALF);
      for (; t + 4 <= n; t += 4, p += 4 * stride) {
        const w0 = weights[kw + t];
        const w1 = weights[kw + t + 1];
        const w2 = weights[kw + t + 2];
        const w3 = weights[kw + t + 3];
        const p1 = p + stride;
        const p2 = p1 + stride;
        const p3 = p2 + stride;
        for (let i = 0; i < stride; i++) acc[i] = (acc[i] + Math.imul(src[p + i], w0) + Math.imul(src[p1 + i], w1) + Math.imul(src[p2 + i], w2) + Math.imul(src[p3 + i], w3)) | 0;
      }
    }
    // the last 0..4 taps go straight to the output (unused taps read row p with weight 0)
    const r = n - t;
    const w0 = r > 0 ? weights[kw + t] : 0;
    const w1 = r > 1 ? weights[kw + t + 1] : 0;
    const w2 = r > 2 ? weights[kw + t + 2] : 0;
    const w3 = r > 3 ? weights[kw + t + 3] : 0;
    if (r === 0) p = 0;
    const p1 = r > 1 ? p + stride : p;
    const p2 = r > 2 ? p + 2 * stride : p;
    const p3 = r > 3 ? p + 3 * stride : p;
    if (t === 0) {
      for (let i = 0; i < stride; i++) {
        const v = (HALF + Math.imul(src[p + i], w0) + Math.imul(src[p1 + i], w1) + Math.imul(src[p2 + i], w2) + Math.imul(src[p3 + i], w3)) >> PRECISION_BITS;
        dst[o + i] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    } else {
      for (let i = 0; i < stride; i++) {
        const v = (acc[i] + Math.imul(src[p + i], w0) + Math.imul(src[p1 + i], w1) + Math.imul(src[p2 + i], w2) + Math.imul(src[p3 + i], w3)) >> PRECISION_BITS;
        dst[o + i] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
    }
  }
}

/** The two passes in WebAssembly SIMD (pil.wat): the bytes of {@link horizontalPass} and {@link verticalPass}. */
export interface PillowSimd {
  /** as {@link horizontalPass}; false (nothing written) when one row does not fit the 64 MiB linear memory */
  horizontal(src: Uint8Array, srcWidth: number, rowStart: number, rowEnd: number, c: Coefficients, dst: Uint8Array, dstWidth: number): boolean;
  /** as {@link verticalPass}; false when one output row's source rows do not fit (then run the JS pass) */
  vertical(src: Uint8Array, rowOffset: number, c: Coefficients, dst: Uint8Array, width: number, outStart: number, outEnd: number): boolean;
  /**
   * Both passes on `rows` source rows from `rowOffset` (all that `v` reads) kept in the module's memory between them:
   * `h` resizes them to `outWidth`, then `v` to `dst`'s rows. False (nothing written) when they do not fit at once.
   */
  both(src: Uint8Array, srcWidth: number, rowOffset: number, rows: number, h: Coefficients, v: Coefficients, dst: Uint8Array, outWidth: number, outHeight: number): boolean;
}

/**
 * Instantiates pil.wat's module (`wasm`, its bytes) and wraps its passes: coefficients and rows are copied into its
 * linear memory, at most `limit` bytes (64 MiB, pil.wat's maximum), in chunks of rows that fit; results are copied
 * out. Throws where WebAssembly SIMD is missing. Self-contained: worker threads get its source.
 *
 * @example
 * const simd = createPillowSimd(Buffer.from(PIL_WASM_BASE64, "base64"));
 * const dst = new Uint8Array(2 * 3);
 * simd.horizontal(new Uint8Array(4 * 3).fill(9), 4, 0, 1, pillowCoefficients(4, 2), dst, 2); // dst is all 9
 */
export function createPillowSimd(wasm: Uint8Array, limit = 1024 * 65536): PillowSimd {
  // typed here: the project's libs (ES2023, node) leave WebAssembly's JS API out
  interface Passes {
    memory: { buffer: ArrayBuffer; grow(pages: number): number };
    hpass(src: number, srcW: number, rowStart: number, rowEnd: number, bounds: number, weights: number, ksize: number, dst: number, dstW: number): void;
    vpass(src: number, rowOffset: number, bounds: number, weights: number, ksize: number, dst: number, width: number, outStart: number, outEnd: number): void;
  }
  const LIMIT = Math.min(limit, 1024 * 65536);
  const wa = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object) => { exports: unknown } } }).WebAssembly;
  const ex = new wa.Instance(new wa.Module(wasm)).exports as Passes;
  const memory = ex.memory;
  // whole-vector reads and writes run up to 15 bytes past a region
  const room = (bytes: number) => (bytes + 64 + 15) & ~15;
  const reach = (end: number) => {
    const grow = end - memory.buffer.byteLength;
    if (grow > 0) memory.grow(Math.ceil(grow / 65536));
    return new Uint8Array(memory.buffer);
  };
  const bytesOf = (a: Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  // the coefficients at offset 0 (bounds, then weights at `weightsAt`) and where the rows may start
  let held: Coefficients | undefined;
  let weightsAt = 0;
  let top = 0;
  const hold = (c: Coefficients) => {
    if (held === c) return true;
    const end = room(c.bounds.byteLength) + room(c.weights.byteLength);
    if (end > LIMIT) return false;
    const mem = reach(end);
    weightsAt = room(c.bounds.byteLength);
    mem.set(bytesOf(c.bounds), 0);
    mem.set(bytesOf(c.weights), weightsAt);
    held = c;
    top = end;
    return true;
  };
  return {
    both(src, srcWidth, rowOffset, rows, h, v, dst, outWidth, outHeight) {
      const inStride = srcWidth * 3;
      const outStride = outWidth * 3;
      const hb = 0;
      const hw = hb + room(h.bounds.byteLength);
      const vb = hw + room(h.weights.byteLength);
      const vw = vb + room(v.bounds.byteLength);
      const at = vw + room(v.weights.byteLength);
      const tmp = at + room(rows * inStride);
      const out = tmp + room(rows * outStride);
      const end = out + room(outHeight * outStride);
      if (end > LIMIT) return false;
      const mem = reach(end);
      mem.set(bytesOf(h.bounds), hb);
      mem.set(bytesOf(h.weights), hw);
      mem.set(bytesOf(v.bounds), vb);
      mem.set(bytesOf(v.weights), vw);
      held = undefined;
      mem.set(src.subarray(rowOffset * inStride, (rowOffset + rows) * inStride), at);
      ex.hpass(at, srcWidth, 0, rows, hb, hw, h.ksize, tmp, outWidth);
      ex.vpass(tmp, rowOffset, vb, vw, v.ksize, out, outWidth, 0, outHeight);
      dst.set(mem.subarray(out, out + outHeight * outStride));
      return true;
    },
    horizontal(src, srcWidth, rowStart, rowEnd, c, dst, dstWidth) {
      const inStride = srcWidth * 3;
      const outStride = dstWidth * 3;
      if (!hold(c)) return false;
      const rows = Math.floor((LIMIT - top - 2 * 80) / (inStride + outStride));
      if (rows < 1) return false;
      for (let y = rowStart; y < rowEnd; y += rows) {
        const n = Math.min(rows, rowEnd - y);
        const out = top + room(n * inStride);
        const mem = reach(out + room(n * outStride));
        mem.set(src.subarray(y * inStride, (y + n) * inStride), top);
        ex.hpass(top, srcWidth, 0, n, 0, weightsAt, c.ksize, out, dstWidth);
        dst.set(mem.subarray(out, out + n * outStride), (y - rowStart) * outStride);
      }
      return true;
    },
    vertical(src, rowOffset, c, dst, width, outStart, outEnd) {
      const stride = width * 3;
      const { bounds } = c;
      if (!hold(c)) return false;
      for (let lo = outStart, hi = lo; lo < outEnd; lo = hi) {
        // as many output rows as fit beside the source rows they read
        const first = bounds[lo * 2];
        let last = first;
        for (; hi < outEnd; hi++) {
          const end = Math.max(last, bounds[hi * 2] + bounds[hi * 2 + 1]);
          if (top + room((end - first) * stride) + room((hi + 1 - lo) * stride) > LIMIT) break;
          last = end;
        }
        if (hi === lo) return false;
        const out = top + room((last - first) * stride);
        const mem = reach(out + room((hi - lo) * stride));
        mem.set(src.subarray((first - rowOffset) * stride, (last - rowOffset) * stride), top);
        ex.vpass(top, first, 0, weightsAt, c.ksize, out, width, lo, hi);
        dst.set(mem.subarray(out, out + (hi - lo) * stride), (lo - outStart) * stride);
      }
      return true;
    },
  };
}

let simdHere: PillowSimd | null | undefined;

/**
 * This thread's SIMD passes, or null where WebAssembly SIMD is missing or `OMNISPEC_PILLOW_SIMD=0` asks for the JS ones.
 *
 * @example
 * const simd = pillowSimd(); // null under OMNISPEC_PILLOW_SIMD=0
 */
export function pillowSimd(): PillowSimd | null {
  if (process.env.OMNISPEC_PILLOW_SIMD === "0") return null;
  if (simdHere === undefined) {
    try {
      simdHere = createPillowSimd(Buffer.from(PIL_WASM_BASE64, "base64"));
    } catch {
      simdHere = null;
    }
  }
  return simdHere;
}

/** One pass over a shared image, cut into bands of `band` rows that threads claim in turn. */
export interface BandedPass {
  /** "h": source rows rowStart + [0, rows) into destination rows [0, rows); "v": output rows [0, rows) */
  pass: "h" | "v";
  src: SharedArrayBuffer;
  dst: SharedArrayBuffer;
  c: Coefficients;
  /** h: source width; v: image width */
  width: number;
  /** h: destination width */
  dstWidth: number;
  /** h: first source row; v: the source row that `src` row 0 holds */
  rowStart: number;
  rows: number;
  band: number;
  /** Int32 [next band to claim, bands done] */
  ctl: SharedArrayBuffer;
  /** run the WebAssembly SIMD passes ({@link pillowSimd}) where the thread has them */
  simd: boolean;
}

/**
 * Claims bands of `job` until none is left and runs them; the thread that finishes the last band wakes waiters on
 * `ctl[1]`. Main thread and workers run this same function (workers get its source, hence it lives beside the passes).
 *
 * @example
 * const ctl = new SharedArrayBuffer(8);
 * passBands({ pass: "v", src, dst, c: pillowCoefficients(1200, 1204), width: 1792, dstWidth: 1792, rowStart: 0, rows: 1204, band: 64, ctl, simd: true });
 */
export function passBands(job: BandedPass): void {
  const ctl = new Int32Array(job.ctl);
  const bands = Math.ceil(job.rows / job.band);
  const src = new Uint8Array(job.src);
  const simd = job.simd ? pillowSimd() : null;
  let acc: Int32Array | undefined;
  for (let i = Atomics.add(ctl, 0, 1); i < bands; i = Atomics.add(ctl, 0, 1)) {
    const lo = i * job.band;
    const hi = Math.min(job.rows, lo + job.band);
    if (job.pass === "h") {
      const dst = new Uint8Array(job.dst, lo * job.dstWidth * 3);
      if (!simd?.horizontal(src, job.width, job.rowStart + lo, job.rowStart + hi, job.c, dst, job.dstWidth)) {
        horizontalPass(src, job.width, job.rowStart + lo, job.rowStart + hi, job.c, dst, job.dstWidth);
      }
    } else {
      const dst = new Uint8Array(job.dst, lo * job.width * 3);
      if (!simd?.vertical(src, job.rowStart, job.c, dst, job.width, lo, hi)) {
        acc ??= new Int32Array(job.width * 3);
        verticalPass(src, job.rowStart, job.c, dst, job.width, lo, hi, acc);
      }
    }
    if (Atomics.add(ctl, 1, 1) + 1 === bands) Atomics.notify(ctl, 1);
  }
}

/** Which passes to run: by default the WebAssembly SIMD ones where available (same bytes either way). */
export interface PillowOptions {
  /** false: the JS passes; default: SIMD unless missing or `OMNISPEC_PILLOW_SIMD=0` */
  simd?: boolean;
}

/**
 * Resizes 8-bit RGB exactly as Pillow 9.4's `Image.resize((width, height), Image.BICUBIC)` does: zero differing values.
 *
 * @example
 * import { resizePillow } from "omnispec/modalities";
 * const out = resizePillow({ data: new Uint8Array(4 * 3).fill(200), width: 4, height: 1 }, 2, 1); // all 200
 */
export function resizePillow(image: RgbImage, width: number, height: number, options: PillowOptions = {}): RgbImage {
  const { data, width: inW, height: inH } = image;
  if (width === inW && height === inH) return { data: data.slice(), width, height };
  const simd = options.simd === false ? null : pillowSimd();
  const needH = width !== inW;
  const needV = height !== inH;
  const vert = pillowCoefficients(inH, height);
  let src = data;
  let rowOffset = 0;
  let curW = inW;
  if (needH) {
    const first = vert.bounds[0];
    const last = vert.bounds[height * 2 - 2] + vert.bounds[height * 2 - 1];
    // pillow only resamples the rows the vertical pass will read
    const rows = needV ? last - first : inH;
    const start = needV ? first : 0;
    const hc = pillowCoefficients(inW, width);
    if (needV && simd) {
      const out = new Uint8Array(width * height * 3);
      if (simd.both(data, inW, start, rows, hc, vert, out, width, height)) return { data: out, width, height };
    }
    const tmp = new Uint8Array(width * rows * 3);
    if (!simd?.horizontal(data, inW, start, start + rows, hc, tmp, width)) horizontalPass(data, inW, start, start + rows, hc, tmp, width);
    src = tmp;
    rowOffset = start;
    curW = width;
  }
  if (!needV) return { data: src, width, height };
  const out = new Uint8Array(curW * height * 3);
  if (!simd?.vertical(src, rowOffset, vert, out, curW, 0, height)) verticalPass(src, rowOffset, vert, out, curW, 0, height, new Int32Array(curW * 3));
  return { data: out, width: curW, height };
}
