// chunk-centric packing (ChunkFlow, Yuan et al. 2025): split long samples into chained chunk-size pieces, consolidate
// the rest into chunks with best-fit decreasing; and the two baselines it is measured against.
import { OmnispecError } from "../errors.js";

export type SampleId = string | number;

/** Tokens `[start, end)` of one sample inside a chunk. */
export interface PackPiece {
  sample: SampleId;
  start: number;
  end: number;
}

/** One chunk: pieces laid end to end, at most `chunk` tokens in all. */
export type PackedChunk = PackPiece[];

export interface PackOptions {
  /** chunk size in tokens (ChunkFlow's ChunkSize), e.g. 8192 */
  chunk: number;
  /** short pieces gathered before a best-fit-decreasing pass; bounds memory when streaming; default 65,536 */
  window?: number;
  /** compute the padding and first-fit-decreasing baselines (keeps one number per sample); default true */
  baselines?: boolean;
}

/** The packing summary (`omnispec pack --json` prints it). */
export interface PackStats {
  chunk: number;
  samples: number;
  /** real tokens over all samples */
  tokens: number;
  chunks: number;
  pieces: number;
  /** samples longer than the chunk, split into chained pieces */
  split_samples: number;
  /** tokens / (chunks × chunk) */
  fill_efficiency: number;
  max_length: number;
  /** naive padding: every sample padded to the longest sample, tokens / (samples × max_length) */
  padding_efficiency?: number;
  /** first-fit decreasing without splitting: samples longer than the chunk are truncated to it */
  ffd_bins?: number;
  /** kept tokens / (ffd_bins × chunk) */
  ffd_efficiency?: number;
  /** tokens first-fit decreasing has to drop by truncation */
  ffd_dropped_tokens?: number;
}

export interface PackResult {
  chunks: PackedChunk[];
  stats: PackStats;
}

const DEFAULT_WINDOW = 65_536;

function positiveInteger(value: unknown, name: string, hint: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new OmnispecError("input/invalid", `${name} must be a positive integer`, { value, hint });
  }
  return value;
}

// smallest remaining capacity >= need among open bins: a Fenwick tree of bin counts indexed by remaining capacity
class CapacityIndex {
  private readonly tree: Int32Array;
  private readonly top: number;
  private total = 0;

  constructor(private readonly size: number) {
    this.tree = new Int32Array(size + 1);
    this.top = 1 << Math.floor(Math.log2(size));
  }

  add(capacity: number, delta: number): void {
    this.total += delta;
    for (let i = capacity; i <= this.size; i += i & -i) this.tree[i] += delta;
  }

  private prefix(capacity: number): number {
    let s = 0;
    for (let i = capacity; i > 0; i -= i & -i) s += this.tree[i];
    return s;
  }

  /** the smallest capacity >= need that has a bin, or 0 */
  atLeast(need: number): number {
    const below = this.prefix(need - 1);
    if (below === this.total) return 0;
    // descend to the (below + 1)-th bin in capacity order
    let pos = 0;
    let rest = below + 1;
    for (let step = this.top; step > 0; step >>= 1) {
      const next = pos + step;
      if (next <= this.size && this.tree[next] < rest) {
        pos = next;
        rest -= this.tree[next];
      }
    }
    return pos + 1;
  }
}

/**
 * Streaming chunk-centric packer. `push` a sample's token count and get back the chunks that are complete: every
 * full chunk-size piece of a long sample at once, the consolidated chunks of short samples and tail pieces each time
 * `window` of them have gathered (best-fit decreasing over the window). `flush` packs what is left. A split sample's
 * pieces come out in order (its tail after its full pieces), so a chunk scheduler can chain them.
 *
 * @example
 * import { ChunkPacker } from "omnispec/dataset";
 * const packer = new ChunkPacker({ chunk: 8 });
 * packer.push("a", 20); // [[{ sample: "a", start: 0, end: 8 }], [{ sample: "a", start: 8, end: 16 }]]
 * packer.push("b", 3);  // []
 * packer.flush();       // [[{ sample: "a", start: 16, end: 20 }, { sample: "b", start: 0, end: 3 }]]
 */
export class ChunkPacker {
  readonly chunk: number;
  private readonly window: number;
  private readonly lengths: number[] | undefined;
  private pending: PackPiece[] = [];
  private samples = 0;
  private tokens = 0;
  private chunks = 0;
  private pieces = 0;
  private split = 0;
  private maxLength = 0;

  constructor(options: PackOptions) {
    this.chunk = positiveInteger(options?.chunk, "chunk", "pass the chunk size in tokens, e.g. { chunk: 8192 }");
    this.window = positiveInteger(options.window ?? DEFAULT_WINDOW, "window", "pass how many short pieces to pack at once, e.g. 65536");
    this.lengths = options.baselines === false ? undefined : [];
  }

  /** Adds one sample of `tokens` tokens; returns the chunks this completes (possibly none). */
  push(sample: SampleId, tokens: number): PackedChunk[] {
    if (typeof tokens !== "number" || !Number.isInteger(tokens) || tokens < 0) {
      throw new OmnispecError("input/invalid", `sample ${String(sample)} has an invalid token count`, {
        value: tokens,
        hint: "token counts are non-negative integers; count the sample's tokens with `omnispec stats` or the plan's token count",
      });
    }
    this.samples++;
    this.tokens += tokens;
    if (tokens > this.maxLength) this.maxLength = tokens;
    this.lengths?.push(tokens);
    const out: PackedChunk[] = [];
    const full = Math.floor(tokens / this.chunk);
    if (full > 0 && tokens > this.chunk) this.split++;
    for (let k = 0; k < full; k++) out.push([{ sample, start: k * this.chunk, end: (k + 1) * this.chunk }]);
    if (tokens > full * this.chunk) this.pending.push({ sample, start: full * this.chunk, end: tokens });
    if (this.pending.length >= this.window) out.push(...this.packPending());
    this.chunks += out.length;
    this.pieces += full;
    return out;
  }

  /** Packs the pieces still gathered; call once at the end of the stream. */
  flush(): PackedChunk[] {
    const out = this.packPending();
    this.chunks += out.length;
    return out;
  }

  /** The summary so far (complete after `flush`). */
  stats(): PackStats {
    const s: PackStats = {
      chunk: this.chunk,
      samples: this.samples,
      tokens: this.tokens,
      chunks: this.chunks,
      pieces: this.pieces,
      split_samples: this.split,
      fill_efficiency: this.chunks > 0 ? this.tokens / (this.chunks * this.chunk) : 0,
      max_length: this.maxLength,
    };
    if (this.lengths) {
      s.padding_efficiency = this.samples > 0 && this.maxLength > 0 ? this.tokens / (this.samples * this.maxLength) : 0;
      const ffd = firstFitDecreasing(this.lengths, this.chunk);
      s.ffd_bins = ffd.bins;
      s.ffd_efficiency = ffd.bins > 0 ? ffd.kept / (ffd.bins * this.chunk) : 0;
      s.ffd_dropped_tokens = this.tokens - ffd.kept;
    }
    return s;
  }

  // best-fit decreasing over the gathered pieces; bins come out in the order they were opened
  private packPending(): PackedChunk[] {
    const items = this.pending;
    this.pending = [];
    if (items.length === 0) return [];
    const index = new CapacityIndex(this.chunk);
    const byCapacity: number[][] = [];
    const bins: PackedChunk[] = [];
    for (const item of sortBySizeDescending(items, this.chunk)) {
      const size = item.end - item.start;
      let bin: number;
      let room = index.atLeast(size);
      if (room > 0) {
        bin = byCapacity[room].pop()!;
        index.add(room, -1);
      } else {
        bin = bins.length;
        bins.push([]);
        room = this.chunk;
      }
      bins[bin].push(item);
      const left = room - size;
      if (left > 0) {
        (byCapacity[left] ??= []).push(bin);
        index.add(left, 1);
      }
    }
    this.pieces += items.length;
    return bins;
  }
}

// counting sort on piece size (sizes are 1..chunk): O(n + chunk), stable, so equal sizes keep arrival order
function sortBySizeDescending(items: readonly PackPiece[], chunk: number): PackPiece[] {
  const starts = new Uint32Array(chunk + 2);
  for (const p of items) starts[chunk - (p.end - p.start) + 1]++;
  for (let i = 1; i <= chunk + 1; i++) starts[i] += starts[i - 1];
  const out = new Array<PackPiece>(items.length);
  for (const p of items) out[starts[chunk - (p.end - p.start)]++] = p;
  return out;
}

/**
 * First-fit decreasing without splitting, the classic packing baseline: samples sorted longest first, each placed in
 * the first bin with room; a sample longer than the chunk is truncated to it (`kept` counts what survives).
 * O(n log n) with a max-segment tree over bins.
 *
 * @example
 * import { firstFitDecreasing } from "omnispec/dataset";
 * firstFitDecreasing([5, 4, 3, 2, 12], 8); // { bins: 3, kept: 22 }
 */
export function firstFitDecreasing(lengths: readonly number[], chunk: number): { bins: number; kept: number } {
  const sizes = lengths.map((l) => Math.min(l, chunk)).filter((l) => l > 0);
  sizes.sort((a, b) => b - a);
  let leaves = 1;
  while (leaves < sizes.length) leaves <<= 1;
  // every leaf is a bin with `chunk` room; unopened bins sit right of the opened ones, so first fit opens them in order
  const tree = new Float64Array(2 * leaves).fill(chunk);
  let bins = 0;
  let kept = 0;
  for (const size of sizes) {
    let node = 1;
    while (node < leaves) node = tree[2 * node] >= size ? 2 * node : 2 * node + 1;
    const bin = node - leaves;
    if (bin + 1 > bins) bins = bin + 1;
    tree[node] -= size;
    for (node >>= 1; node >= 1; node >>= 1) tree[node] = Math.max(tree[2 * node], tree[2 * node + 1]);
    kept += size;
  }
  return { bins, kept };
}

/** A sample for `packChunks`: its id and its token count. */
export interface SampleLength {
  id: SampleId;
  tokens: number;
}

/**
 * Packs samples into chunks of `chunk` tokens the ChunkFlow way: a sample longer than the chunk is split into
 * chunk-size pieces (chained: each piece keeps its sample id and token offsets), and short samples and tail pieces are
 * consolidated into shared chunks (best-fit decreasing, so chunks run nearly full). Takes token counts (the sample id
 * is the index) or `{ id, tokens }` records, from an array or any iterable. O(n log chunk) time (a counting sort and a
 * Fenwick tree over remaining room per window); for unbounded streams use
 * `ChunkPacker`. Returns the chunks and `stats` with `fill_efficiency` beside the naive-padding and
 * first-fit-decreasing baselines.
 *
 * @example
 * import { packChunks } from "omnispec/dataset";
 * const { chunks, stats } = packChunks([6, 3, 2, 13], { chunk: 8 });
 * // chunks: [3: 0-8] | [0: 0-6, 2: 0-2] | [3: 8-13, 1: 0-3] (sample: start-end); stats.fill_efficiency === 1
 */
export function packChunks(samples: Iterable<number | SampleLength>, options: PackOptions): PackResult {
  const packer = new ChunkPacker(options);
  const chunks: PackedChunk[] = [];
  let i = 0;
  for (const s of samples) {
    const out = typeof s === "number" ? packer.push(i, s) : packer.push(s.id, s.tokens);
    for (const c of out) chunks.push(c);
    i++;
  }
  for (const c of packer.flush()) chunks.push(c);
  return { chunks, stats: packer.stats() };
}

export interface SyntheticLengthOptions {
  seed?: number;
  /** `"lognormal"` (median 600 tokens, sigma 1.3) or `"zipf"` (Pareto tail, alpha 1.1, from 64 tokens); default lognormal */
  distribution?: "lognormal" | "zipf";
  /** cap on a length; default 131,072 */
  max?: number;
}

/**
 * Seeded long-tailed sample lengths (mostly short, a few far longer than a chunk), for packing tests, benchmarks
 * and budget what-ifs.
 *
 * @example
 * import { syntheticLengths, packChunks } from "omnispec/dataset";
 * packChunks(syntheticLengths(100_000, { seed: 1 }), { chunk: 8192 }).stats.fill_efficiency; // > 0.98
 */
export function syntheticLengths(count: number, options: SyntheticLengthOptions = {}): number[] {
  let state = (options.seed ?? 1) >>> 0;
  // mulberry32
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const max = options.max ?? 131_072;
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    let x: number;
    if ((options.distribution ?? "lognormal") === "zipf") {
      x = 64 / Math.pow(1 - random(), 1 / 1.1);
    } else {
      const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      x = 600 * Math.exp(1.3 * normal);
    }
    out[i] = Math.max(1, Math.min(max, Math.round(x)));
  }
  return out;
}
