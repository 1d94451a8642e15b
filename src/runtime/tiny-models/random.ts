// seeded random numbers for weights: integer arithmetic only, so the bytes are the same on every machine.

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * A small seeded generator (sfc32). Each weight tensor gets its own stream (`seed` + a name), so adding a tensor to
 * one model leaves every other tensor's bytes unchanged.
 *
 * @example
 * import { SeededRandom } from "./random.js";
 * const w = new SeededRandom(0, "decoder/lm_head").uniform(4, 0.5); // Float32Array of 4 values in [-0.5, 0.5)
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: string) {
    this.a = seed >>> 0;
    this.b = hashString(stream);
    this.c = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
    this.d = 1;
    for (let i = 0; i < 16; i++) this.next();
  }

  /** the next unsigned 32-bit integer */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** `n` float32 values, uniform in [-scale, scale) */
  uniform(n: number, scale: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (this.next() / 2 ** 31 - 1) * scale;
    return out;
  }
}

/** weights for a `[fanIn, fanOut]` matrix with variance about `gain² / fanIn` */
export function matrix(seed: number, stream: string, fanIn: number, fanOut: number, gain = 1): Float32Array {
  return new SeededRandom(seed, stream).uniform(fanIn * fanOut, (gain * Math.sqrt(3)) / Math.sqrt(fanIn));
}
