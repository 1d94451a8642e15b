// a float64 mixed-radix FFT (Stockham autosort, radix 4 and 5 butterflies, any other factor by a direct small DFT).
// why not a library: fft.js and most npm FFTs are power-of-two only; PFFFT/KissFFT (WASM) take n = 400 but compute in
// float32, which moved Whisper features by up to 5.5e-5 against transformers.js (a chirp, 128 bins), half the 1e-4 bar;
// quiet bins next to loud ones need float64 like the reference's pocketfft.
import { OmnispecError } from "../../errors.js";

/** A forward complex FFT of one size over separate real and imaginary arrays, in place. */
export interface ComplexFft {
  readonly size: number;
  /** transforms `re`/`im` (length `size`) in place: X[k] = sum x[n] e^(-2 pi i k n / size) */
  run(re: Float64Array, im: Float64Array): void;
}

interface Stage {
  radix: number;
  /** butterflies per stage (n / radix at this depth) */
  m: number;
  /** stride */
  s: number;
  /** twiddles w^(p k) for p < m, k < radix: cos then sin, index (p * radix + k) * 2 */
  tw: Float64Array;
}

const cache = new Map<number, ComplexFft>();

function factor(n: number): number[] {
  const out: number[] = [];
  while (n % 4 === 0) (out.push(4), (n /= 4));
  for (let p = 2; n > 1; p++) while (n % p === 0) (out.push(p), (n /= p));
  return out;
}

/**
 * A cached float64 complex FFT of `size` points (any size; fast when its prime factors are small, e.g. 400 = 4·4·5·5).
 *
 * @example
 * import { complexFft } from "omnispec/modalities";
 * const re = new Float64Array(400).fill(1), im = new Float64Array(400);
 * complexFft(400).run(re, im);
 * re[0]; // 400
 */
export function complexFft(size: number): ComplexFft {
  const hit = cache.get(size);
  if (hit) return hit;
  if (!(Number.isInteger(size) && size >= 1 && size <= 1 << 24)) {
    throw new OmnispecError("input/invalid", `no FFT of ${size} points`, { value: size, hint: "use a positive integer size such as 400 or 512" });
  }
  const stages: Stage[] = [];
  let n = size;
  let s = 1;
  for (const radix of factor(size)) {
    const m = n / radix;
    const tw = new Float64Array(m * radix * 2);
    for (let p = 0; p < m; p++) {
      for (let k = 0; k < radix; k++) {
        const a = (-2 * Math.PI * p * k) / n;
        tw[(p * radix + k) * 2] = Math.cos(a);
        tw[(p * radix + k) * 2 + 1] = Math.sin(a);
      }
    }
    stages.push({ radix, m, s, tw });
    n = m;
    s *= radix;
  }
  const bre = new Float64Array(size);
  const bim = new Float64Array(size);
  const fft: ComplexFft = {
    size,
    run(re, im) {
      let xr: Float64Array = re, xi: Float64Array = im, yr: Float64Array = bre, yi: Float64Array = bim;
      for (const st of stages) {
        stage(st, xr, xi, yr, yi);
        [xr, yr] = [yr, xr];
        [xi, yi] = [yi, xi];
      }
      if (xr !== re) (re.set(xr), im.set(xi));
    },
  };
  cache.set(size, fft);
  return fft;
}

const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

// one decimation-in-frequency pass: y[q + s(r p + k)] = w^(p k) * sum_j x[q + s(p + j m)] e^(-2 pi i j k / r)
function stage(st: Stage, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { radix: r, m, s, tw } = st;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const t = p * r * 2;
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const o = q + s * r * p;
      if (r === 4) {
        const a0r = xr[i0], a0i = xi[i0], a1r = xr[i0 + sm], a1i = xi[i0 + sm];
        const a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm], a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm];
        const sr = a0r + a2r, si = a0i + a2i, dr = a0r - a2r, di = a0i - a2i;
        const er = a1r + a3r, ei = a1i + a3i, fr = a1r - a3r, fi = a1i - a3i;
        // b0 = s + e, b2 = s - e, b1 = d - i f, b3 = d + i f
        put(yr, yi, o, sr + er, si + ei, tw, t);
        put(yr, yi, o + s, dr + fi, di - fr, tw, t + 2);
        put(yr, yi, o + 2 * s, sr - er, si - ei, tw, t + 4);
        put(yr, yi, o + 3 * s, dr - fi, di + fr, tw, t + 6);
      } else if (r === 5) {
        const a0r = xr[i0], a0i = xi[i0];
        const a1r = xr[i0 + sm], a1i = xi[i0 + sm], a2r = xr[i0 + 2 * sm], a2i = xi[i0 + 2 * sm];
        const a3r = xr[i0 + 3 * sm], a3i = xi[i0 + 3 * sm], a4r = xr[i0 + 4 * sm], a4i = xi[i0 + 4 * sm];
        const t1r = a1r + a4r, t1i = a1i + a4i, t2r = a2r + a3r, t2i = a2i + a3i;
        const t3r = a1r - a4r, t3i = a1i - a4i, t4r = a2r - a3r, t4i = a2i - a3i;
        const u1r = a0r + C1 * t1r + C2 * t2r, u1i = a0i + C1 * t1i + C2 * t2i;
        const u2r = a0r + C2 * t1r + C1 * t2r, u2i = a0i + C2 * t1i + C1 * t2i;
        const v1r = S1 * t3r + S2 * t4r, v1i = S1 * t3i + S2 * t4i;
        const v2r = S2 * t3r - S1 * t4r, v2i = S2 * t3i - S1 * t4i;
        // b1 = u1 - i v1, b4 = u1 + i v1, b2 = u2 - i v2, b3 = u2 + i v2
        put(yr, yi, o, a0r + t1r + t2r, a0i + t1i + t2i, tw, t);
        put(yr, yi, o + s, u1r + v1i, u1i - v1r, tw, t + 2);
        put(yr, yi, o + 2 * s, u2r + v2i, u2i - v2r, tw, t + 4);
        put(yr, yi, o + 3 * s, u2r - v2i, u2i + v2r, tw, t + 6);
        put(yr, yi, o + 4 * s, u1r - v1i, u1i + v1r, tw, t + 8);
      } else {
        for (let k = 0; k < r; k++) {
          let br = 0, bi = 0;
          for (let j = 0; j < r; j++) {
            const a = (-2 * Math.PI * ((j * k) % r)) / r;
            const c = Math.cos(a), sn = Math.sin(a);
            const ar = xr[i0 + j * sm], ai = xi[i0 + j * sm];
            br += ar * c - ai * sn;
            bi += ar * sn + ai * c;
          }
          put(yr, yi, o + k * s, br, bi, tw, t + 2 * k);
        }
      }
    }
  }
}

function put(yr: Float64Array, yi: Float64Array, at: number, br: number, bi: number, tw: Float64Array, t: number): void {
  const c = tw[t], sn = tw[t + 1];
  yr[at] = br * c - bi * sn;
  yi[at] = br * sn + bi * c;
}
