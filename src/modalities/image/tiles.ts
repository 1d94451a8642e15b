// tile-based dynamic resolution (InternVL) and fixed-size resizing (OFA).
// reference: OpenGVLab/InternVL internvl_chat/internvl/train/dataset.py (find_closest_aspect_ratio, dynamic_preprocess)
import { OmnispecError } from "../../errors.js";

export interface TileGridOptions {
  /** original width in pixels */
  width: number;
  /** original height in pixels */
  height: number;
  /** default 1 */
  minTiles?: number;
  /** default 12 */
  maxTiles?: number;
  /** tile side in pixels, default 448 */
  tileSize?: number;
  /** add a tileSize² thumbnail of the whole image when there is more than one tile (default true) */
  thumbnail?: boolean;
  /** placeholder tokens per tile (InternVL2/2.5 with 448 px tiles: 256) */
  tokensPerTile?: number;
  slot?: string;
  file?: string;
}

export interface TileRect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface TileGridResult {
  /** tiles across */
  columns: number;
  /** tiles down */
  rows: number;
  /** the size the whole image is resized to before cutting: (tileSize·columns) x (tileSize·rows) */
  resizedWidth: number;
  resizedHeight: number;
  /** crop boxes in the resized image, row-major */
  tiles: TileRect[];
  /** whether a thumbnail tile follows the grid tiles */
  thumbnail: boolean;
  /** grid tiles plus the thumbnail */
  numTiles: number;
  tokens: number;
}

/**
 * InternVL's dynamic tiling: picks the grid (columns, rows) with columns·rows in [minTiles, maxTiles] whose aspect
 * ratio is closest to the image's; on an exact tie the later candidate wins when the image area exceeds half the
 * candidate grid's area. Candidates are visited in InternVL's order: sorted by tile count, and within a count in
 * CPython's iteration order of the `set` they were collected in.
 *
 * @example
 * import { tileGrid } from "omnispec/modalities";
 * const g = tileGrid({ width: 1920, height: 1080 });
 * [g.columns, g.rows, g.numTiles, g.tokens]; // [4, 2, 9, 2304]
 */
export function tileGrid(options: TileGridOptions): TileGridResult {
  const { width, height } = options;
  const minTiles = options.minTiles ?? 1;
  const maxTiles = options.maxTiles ?? 12;
  const tileSize = options.tileSize ?? 448;
  const tokensPerTile = options.tokensPerTile ?? 256;
  for (const [name, v] of [["width", width], ["height", height], ["tileSize", tileSize]] as const) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new OmnispecError("input/invalid", `${name} must be a positive number, got ${String(v)}`, {
        slot: options.slot,
        file: options.file,
        value: v,
      });
    }
  }
  if (!Number.isInteger(minTiles) || !Number.isInteger(maxTiles) || minTiles < 1 || maxTiles < minTiles) {
    throw new OmnispecError("input/invalid", `tile range [${minTiles}, ${maxTiles}] is empty or invalid`, {
      slot: options.slot,
      file: options.file,
      value: { minTiles, maxTiles },
      hint: "use integers with 1 <= min_tiles <= max_tiles",
    });
  }
  const [columns, rows] = closestGrid(width / height, tileCandidates(minTiles, maxTiles), width, height, tileSize);
  const tiles: TileRect[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      tiles.push({ left: c * tileSize, top: r * tileSize, right: (c + 1) * tileSize, bottom: (r + 1) * tileSize });
    }
  }
  const thumbnail = (options.thumbnail ?? true) && tiles.length !== 1;
  const numTiles = tiles.length + (thumbnail ? 1 : 0);
  return {
    columns,
    rows,
    resizedWidth: tileSize * columns,
    resizedHeight: tileSize * rows,
    tiles,
    thumbnail,
    numTiles,
    tokens: numTiles * tokensPerTile,
  };
}

function closestGrid(
  aspect: number,
  candidates: readonly (readonly [number, number])[],
  width: number,
  height: number,
  tileSize: number,
): readonly [number, number] {
  let bestDiff = Infinity;
  let best: readonly [number, number] = [1, 1];
  const area = width * height;
  for (const c of candidates) {
    const diff = Math.abs(aspect - c[0] / c[1]);
    if (diff < bestDiff) {
      bestDiff = diff;
      best = c;
    } else if (diff === bestDiff && area > 0.5 * tileSize * tileSize * c[0] * c[1]) {
      best = c;
    }
  }
  return best;
}

const candidateCache = new Map<string, readonly (readonly [number, number])[]>();

/**
 * The (columns, rows) grids InternVL considers, in the order it visits them: the python expression
 * `sorted({(i, j) for n in range(min, max+1) for i in 1..n for j in 1..n if min <= i*j <= max}, key=i*j)`,
 * whose within-count order is CPython's (3.8+, 64-bit) set iteration order, reproduced here.
 *
 * @example
 * import { tileCandidates } from "omnispec/modalities";
 * tileCandidates(1, 4).map(([i, j]) => `${i}x${j}`); // ["1x1", "1x2", "2x1", "3x1", "1x3", "4x1", "1x4", "2x2"]
 */
export function tileCandidates(minTiles: number, maxTiles: number): readonly (readonly [number, number])[] {
  const key = `${minTiles},${maxTiles}`;
  const hit = candidateCache.get(key);
  if (hit) return hit;
  const set = new PySet();
  for (let n = minTiles; n <= maxTiles; n++) {
    for (let i = 1; i <= n; i++) {
      for (let j = 1; j <= n; j++) {
        if (i * j <= maxTiles && i * j >= minTiles) set.add(i, j);
      }
    }
  }
  const sorted = set.items().sort((a, b) => a[0] * a[1] - b[0] * b[1]); // Array.prototype.sort is stable, like python's
  candidateCache.set(key, sorted);
  return sorted;
}

// cpython's tuple hash (xxHash-based, Objects/tupleobject.c since 3.8) for a pair of small non-negative ints
const M64 = (1n << 64n) - 1n;
const XXPRIME_1 = 11400714785074694791n;
const XXPRIME_2 = 14029467366897019727n;
const XXPRIME_5 = 2870177450012600261n;

function pairHash(a: number, b: number): bigint {
  let acc = XXPRIME_5;
  for (const lane of [BigInt(a), BigInt(b)]) {
    acc = (acc + lane * XXPRIME_2) & M64;
    acc = ((acc << 31n) | (acc >> 33n)) & M64;
    acc = (acc * XXPRIME_1) & M64;
  }
  acc = (acc + (2n ^ (XXPRIME_5 ^ 3527539n))) & M64;
  return acc === M64 ? 1546275796n : acc;
}

// cpython's set table (Objects/setobject.c): linear probes of 9, then perturbed jumps; grows x4 at 60% fill
class PySet {
  private table: ({ a: number; b: number; hash: bigint } | undefined)[] = new Array(8).fill(undefined);
  private used = 0;

  add(a: number, b: number): void {
    const hash = pairHash(a, b);
    const mask = this.table.length - 1;
    const slot = this.probe(this.table, hash, (e) => e.hash === hash && e.a === a && e.b === b);
    if (this.table[slot]) return;
    this.table[slot] = { a, b, hash };
    this.used++;
    if (this.used * 5 >= mask * 3) this.resize(this.used > 50000 ? this.used * 2 : this.used * 4);
  }

  items(): [number, number][] {
    return this.table.filter((e) => e !== undefined).map((e) => [e.a, e.b]);
  }

  private probe(
    table: ({ a: number; b: number; hash: bigint } | undefined)[],
    hash: bigint,
    same: (e: { a: number; b: number; hash: bigint }) => boolean,
  ): number {
    const mask = BigInt(table.length - 1);
    let perturb = hash;
    let i = hash & mask;
    for (;;) {
      const probes = i + 9n <= mask ? 9 : 0;
      for (let k = 0; k <= probes; k++) {
        const e = table[Number(i) + k];
        if (e === undefined || same(e)) return Number(i) + k;
      }
      perturb >>= 5n;
      i = (i * 5n + 1n + perturb) & mask;
    }
  }

  private resize(minUsed: number): void {
    let size = 8;
    while (size <= minUsed) size <<= 1;
    const old = this.table;
    this.table = new Array(size).fill(undefined);
    for (const e of old) if (e) this.table[this.probe(this.table, e.hash, () => false)] = e;
  }
}

export interface FixedResizeResult {
  height: number;
  width: number;
  /** [rows, columns] of stride cells */
  grid: [number, number];
  tokens: number;
}

/**
 * Fixed-size resizing (the OFA preset: every image becomes 480x480, a stride-16 backbone gives 30x30 = 900 tokens).
 *
 * @example
 * import { fixedResize } from "omnispec/modalities";
 * fixedResize({ size: 480, stride: 16 }); // { height: 480, width: 480, grid: [30, 30], tokens: 900 }
 */
export function fixedResize(options: { size?: number; height?: number; width?: number; stride?: number } = {}): FixedResizeResult {
  const height = options.height ?? options.size ?? 480;
  const width = options.width ?? options.size ?? 480;
  const stride = options.stride ?? 16;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0 || height % stride || width % stride) {
    throw new OmnispecError("input/invalid", `fixed size ${width}x${height} is not a positive multiple of the stride ${stride}`, {
      value: { width, height, stride },
      hint: "choose a size divisible by the backbone stride (OFA: 480 with stride 16)",
    });
  }
  const grid: [number, number] = [height / stride, width / stride];
  return { height, width, grid, tokens: grid[0] * grid[1] };
}
