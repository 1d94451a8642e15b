// one seeded generator for everything that must repeat: sampling, subsets, fuzzing.

/**
 * mulberry32: a small, fast, seeded generator, uniform in [0, 1). The same seed gives the same sequence.
 *
 * @example
 * import { seededRandom } from "omnispec/runtime";
 * const next = seededRandom(42);
 * next() === seededRandom(42)(); // true
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
