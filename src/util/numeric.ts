// python and torch number semantics that the reference implementations rely on.

const f32 = Math.fround;

/**
 * Python 3 `round(x)` for a float: the nearest integer, ties to the even neighbour (`round(2.5) == 2`).
 * `torch.round` and `np.round` round the same way; JavaScript's `Math.round` does not.
 *
 * @example
 * import { roundHalfEven } from "omnispec/util";
 * roundHalfEven(2.5); // 2
 * roundHalfEven(3.5); // 4
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const lo = Math.floor(x);
  const frac = x - lo; // exact for doubles
  if (frac < 0.5) return lo;
  if (frac > 0.5) return lo + 1;
  return lo % 2 === 0 ? lo : lo + 1;
}

/**
 * Python `a // b` (floor division toward −∞, also for negative numbers and floats, as CPython computes it).
 *
 * @example
 * import { floorDiv } from "omnispec/util";
 * floorDiv(-1, 2); // -1   (Math.trunc would give 0)
 * floorDiv(7, 2);  // 3
 */
export function floorDiv(a: number, b: number): number {
  if (b === 0) throw new RangeError("floorDiv: division by zero");
  let mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) {
    mod += b;
    div -= 1;
  }
  if (div === 0) return a / b < 0 ? -0 : 0;
  let q = Math.floor(div);
  if (div - q > 0.5) q += 1;
  return q;
}

/**
 * `round(x / factor) * factor` with Python rounding (ties to even).
 *
 * @example
 * import { roundByFactor } from "omnispec/util";
 * roundByFactor(70, 28); // 56  (70/28 = 2.5 rounds to 2)
 */
export function roundByFactor(x: number, factor: number): number {
  return roundHalfEven(x / factor) * factor;
}

/**
 * `ceil(x / factor) * factor`.
 *
 * @example
 * import { ceilByFactor } from "omnispec/util";
 * ceilByFactor(29, 28); // 56
 */
export function ceilByFactor(x: number, factor: number): number {
  return Math.ceil(x / factor) * factor;
}

/**
 * `floor(x / factor) * factor`.
 *
 * @example
 * import { floorByFactor } from "omnispec/util";
 * floorByFactor(55, 28); // 28
 */
export function floorByFactor(x: number, factor: number): number {
  return Math.floor(x / factor) * factor;
}

/**
 * Python `f"{x:.{digits}f}"`: the exact binary value of `x` rounded to `digits` decimals, exact ties to even
 * (`0.25 -> "0.2"`, where `toFixed` gives `"0.3"`). Also `"nan"`, `"inf"`, `"-inf"` and `"-0.0"` as Python prints them.
 *
 * @example
 * import { formatFixed } from "omnispec/util";
 * formatFixed(0.25, 1);  // "0.2"
 * formatFixed(9.966666666666667, 1); // "10.0"
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (!Number.isInteger(digits) || digits < 0 || digits > 100) throw new RangeError(`formatFixed: bad digits ${digits}`);
  // an exact tie needs x·2^(digits+1) to be an odd integer; otherwise toFixed (exact per spec) already agrees
  if (Math.abs(x) < 1e21 && !Object.is(x, -0) && !Number.isInteger(x * 2 ** (digits + 1))) return x.toFixed(digits);
  const negative = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = decompose(Math.abs(x));
  // value = mantissa * 2^exponent; scaled = value * 10^digits, rounded half-even to an integer
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) {
    q = (mantissa << BigInt(exponent)) * scale;
  } else {
    const num = mantissa * scale;
    const den = 1n << BigInt(-exponent);
    q = num / den;
    const twice = (num % den) * 2n;
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  }
  let s = q.toString();
  if (digits > 0) {
    s = s.padStart(digits + 1, "0");
    s = `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  }
  return negative ? `-${s}` : s;
}

function decompose(x: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

/**
 * Python `repr()` of a float as it appears in upstream error messages (`201.0`, `200.03571428571428`).
 *
 * @example
 * import { pyFloatRepr } from "omnispec/util";
 * pyFloatRepr(201); // "201.0"
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const [mant, expText] = Math.abs(x).toExponential().split("e"); // shortest round-trip digits, like python
  const exp = Number(expText);
  const digits = mant.replace(".", "");
  if (exp < -4 || exp >= 16) return `${sign}${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const whole = digits.padEnd(exp + 1, "0");
  return `${sign}${whole.slice(0, exp + 1)}.${whole.slice(exp + 1) || "0"}`;
}

/**
 * `torch.linspace(start, end, steps)` in float32 as the Debian torch 1.13.1 CPU (AVX2) kernel computes it, bit for bit
 * (qwen-reference §3.2): the first half counts up from `start`, the second half down from `end`, in 8-lane chunks.
 * Exact for integer endpoints below 2^24, which covers frame indices.
 *
 * @example
 * import { linspaceFloat32Torch, roundHalfEven } from "omnispec/util";
 * Array.from(linspaceFloat32Torch(0, 299, 20), roundHalfEven).slice(0, 3); // [0, 16, 31]
 */
export function linspaceFloat32Torch(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(Math.max(0, steps));
  if (steps <= 0) return out;
  if (steps === 1) {
    out[0] = start;
    return out;
  }
  const s = f32(start);
  const e = f32(end);
  const step = f32(f32(e - s) / f32(steps - 1));
  const half = steps >> 1;
  // single rounding: step * i is exact in float64 for the sizes this is used with (24-bit step, i < 2^24)
  const lo = (i: number): number => f32(s + step * i);
  const hi = (i: number): number => f32(e - step * (steps - 1 - i));
  let i = 0;
  for (; i <= steps - 16; i += 16) {
    for (const c of [i, i + 8]) {
      const base = c < half ? lo(c) : hi(c);
      for (let j = 0; j < 8; j++) out[c + j] = f32(base + f32(j * step));
    }
  }
  for (; i < steps; i++) out[i] = i < half ? lo(i) : hi(i);
  return out;
}

/**
 * `np.linspace(start, stop, num)` in float64 as numpy computes it: `i * step + start`, the last value set to `stop`.
 *
 * @example
 * import { linspaceFloat64 } from "omnispec/util";
 * linspaceFloat64(0, 9, 4); // [0, 3, 6, 9]
 */
export function linspaceFloat64(start: number, stop: number, num: number): number[] {
  if (num <= 0) return [];
  const div = num - 1;
  const delta = stop - start;
  const step = div > 0 ? delta / div : Number.NaN;
  const out = new Array<number>(num);
  for (let i = 0; i < num; i++) out[i] = step === 0 ? ((i / div) * delta) + start : i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/**
 * `torch.arange(start, end, step)` with float arguments (float32 result) as the torch CPU (AVX2) kernel computes it:
 * length `ceil((end - start) / step)`, values `start + step * i` in float64 rounded once to float32, except that
 * full 16-element blocks are built as 8-lane vectors from a float32 base.
 *
 * @example
 * import { arangeFloat32Torch } from "omnispec/util";
 * Array.from(arangeFloat32Torch(0, 10, 2.5)); // [0, 2.5, 5, 7.5]
 */
export function arangeFloat32Torch(start: number, end: number, step: number): Float32Array {
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: invalid step ${step}`);
  const size = Math.ceil((end - start) / step);
  const n = Math.max(0, size);
  const out = new Float32Array(n);
  let i = 0;
  for (; i <= n - 16; i += 16) {
    for (const c of [i, i + 8]) {
      const base = f32(start + step * c);
      for (let j = 0; j < 8; j++) out[c + j] = f32(base + j * step);
    }
  }
  for (; i < n; i++) out[i] = f32(start + step * i);
  return out;
}
