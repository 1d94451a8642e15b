// the exact Pillow resize split by rows over worker threads: each pass is cut in bands that this thread and the workers
// claim in turn, so that a thread slowed down by other load simply takes fewer of them.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { PIL_WASM_BASE64 } from "./pil-wasm.js";
import {
  bicubicKernel,
  clip8,
  createPillowSimd,
  horizontalPass,
  passBands,
  pillowCoefficients,
  pillowSimd,
  PRECISION_BITS,
  BICUBIC_SUPPORT,
  resizePillow,
  verticalPass,
  type BandedPass,
  type PillowOptions,
} from "./pil.js";
import type { RgbImage } from "./types.js";

/** below this many multiply-adds, starting a band on another thread costs more than it saves */
const MIN_WORK = 4_000_000;
/** the same for the SIMD passes, about four times faster: a 854x480 -> 840x476 frame (12M) stays on this thread */
const MIN_WORK_SIMD = 4 * MIN_WORK;
/** bands per pass: enough for a fair share between threads, few enough to keep the claiming cheap */
const BANDS = 24;

// the worker runs the very same functions, sent as source so that it needs no module resolution or TS loader;
// __name: tsx (esbuild keepNames) wraps named inner functions in calls to a helper the worker does not have
const workerSource = () => `
const { parentPort } = require("node:worker_threads");
const __name = (target) => target;
const PRECISION_BITS = ${PRECISION_BITS};
const HALF = ${1 << (PRECISION_BITS - 1)};
const BICUBIC_SUPPORT = ${BICUBIC_SUPPORT};
const clip8 = ${clip8.toString()};
const bicubicKernel = ${bicubicKernel.toString()};
const computeCoefficients = ${pillowCoefficients.toString()};
// a video resizes frame after frame between the same two sizes
const coefficients = new Map();
const pillowCoefficients = (inSize, outSize) => {
  const key = inSize + ">" + outSize;
  let c = coefficients.get(key);
  if (!c) {
    if (coefficients.size >= 16) coefficients.clear();
    coefficients.set(key, (c = computeCoefficients(inSize, outSize)));
  }
  return c;
};
const resizePillow = ${resizePillow.toString()};
const horizontalPass = ${horizontalPass.toString()};
const verticalPass = ${verticalPass.toString()};
const passBands = ${passBands.toString()};
const createPillowSimd = ${createPillowSimd.toString()};
let simd;
const pillowSimd = () => {
  if (simd === undefined) {
    try {
      simd = createPillowSimd(Buffer.from("${PIL_WASM_BASE64}", "base64"));
    } catch {
      simd = null;
    }
  }
  return simd;
};
parentPort.on("message", (job) => {
  if (job === "simd?") return parentPort.postMessage(pillowSimd() !== null);
  if (job.whole) {
    const { src, width, height, outWidth, outHeight, simd } = job.whole;
    const out = resizePillow({ data: new Uint8Array(src), width, height }, outWidth, outHeight, { simd });
    const dst = out.data.byteOffset === 0 && out.data.byteLength === out.data.buffer.byteLength ? out.data.buffer : out.data.slice().buffer;
    return parentPort.postMessage({ dst, src }, [dst, src]);
  }
  passBands(job);
  parentPort.postMessage(0);
});
`;

/** one whole image resized on a worker: its buffer goes there and back */
interface WholeJob {
  whole: { src: ArrayBuffer; width: number; height: number; outWidth: number; outHeight: number; simd: boolean };
}

interface PoolWorker {
  worker: Worker;
  /** jobs posted and not answered yet */
  queued(): number;
  run(job: BandedPass | WholeJob | "simd?", transfer?: ArrayBuffer[]): Promise<unknown>;
}

let pool: PoolWorker[] | undefined;

function workers(): PoolWorker[] {
  if (pool) return pool;
  const n = Math.max(0, Math.min(availableParallelism(), 8) - 1);
  const source = workerSource();
  pool = Array.from({ length: n }, () => {
    const worker = new Worker(source, { eval: true });
    // a worker answers its jobs in the order they were posted: a queue, so concurrent resizes never lose a job
    const pending: { resolve: (answer: unknown) => void; reject: (e: unknown) => void }[] = [];
    worker.on("message", (answer: unknown) => {
      pending.shift()?.resolve(answer);
      if (pending.length === 0) worker.unref();
    });
    worker.on("error", (e) => {
      for (const p of pending.splice(0)) p.reject(e);
    });
    // idle helpers must not keep the process alive (unref after the listeners, which would ref it again)
    worker.unref();
    return {
      worker,
      queued: () => pending.length,
      run(job: BandedPass | WholeJob | "simd?", transfer: ArrayBuffer[] = []) {
        return new Promise<unknown>((resolve, reject) => {
          pending.push({ resolve, reject });
          // a job in flight keeps the process alive until it is back
          worker.ref();
          worker.postMessage(job, transfer);
        });
      },
    };
  });
  return pool;
}

/**
 * Whether each resize worker runs the WebAssembly SIMD passes (true) or the JS ones: a check that the functions sent
 * to the workers as source still work there, whatever transpiler produced them.
 *
 * @example
 * await workerSimd(); // [true] on a two-core machine with WebAssembly SIMD
 */
export function workerSimd(): Promise<boolean[]> {
  return Promise.all(workers().map((w) => w.run("simd?") as Promise<boolean>));
}

type WaitAsync = (a: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Runs one pass on this thread and every worker, each claiming bands until none is left. */
async function banded(helpers: PoolWorker[], work: Omit<BandedPass, "band" | "ctl" | "simd">, simd: boolean): Promise<void> {
  const job: BandedPass = { ...work, band: Math.max(1, Math.ceil(work.rows / BANDS)), ctl: new SharedArrayBuffer(8), simd };
  const bands = Math.ceil(job.rows / job.band);
  const failed = new Promise<never>((_, reject) => {
    for (const h of helpers) h.run(job).catch(reject);
  });
  failed.catch(() => undefined);
  passBands(job);
  // a worker busy with another resize may not have started: the bands are done when the count says so
  const ctl = new Int32Array(job.ctl);
  for (let done = Atomics.load(ctl, 1); done < bands; done = Atomics.load(ctl, 1)) {
    const w = waitAsync(ctl, 1, done);
    if (w.async) await Promise.race([w.value, failed]);
  }
}

/**
 * {@link resizePillow} of one image on a worker thread, leaving this one free (to read a stream meanwhile): the
 * image's buffer moves to the worker and back, uncopied, as `source`; `image.data` is unusable until the promise
 * settles. Runs here when there are no workers.
 *
 * @example
 * import { resizePillowAway } from "omnispec/modalities";
 * const frame = { data: new Uint8Array(854 * 480 * 3), width: 854, height: 480 };
 * const { image, source } = await resizePillowAway(frame, 840, 476); // source: the frame's bytes, back for reuse
 */
export async function resizePillowAway(image: RgbImage, width: number, height: number, options: PillowOptions = {}): Promise<{ image: RgbImage; source: Uint8Array }> {
  const helpers = workers();
  const simd = options.simd !== false && pillowSimd() !== null;
  if (helpers.length === 0) return { image: resizePillow(image, width, height, { simd }), source: image.data };
  const { data } = image;
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && data.buffer instanceof ArrayBuffer;
  const src = whole ? (data.buffer as ArrayBuffer) : data.slice().buffer;
  const helper = helpers.reduce((a, b) => (b.queued() < a.queued() ? b : a));
  const job: WholeJob = { whole: { src, width: image.width, height: image.height, outWidth: width, outHeight: height, simd } };
  const back = (await helper.run(job, [src])) as { dst: ArrayBuffer; src: ArrayBuffer };
  return { image: { data: new Uint8Array(back.dst), width, height }, source: new Uint8Array(back.src) };
}

/** shared buffers kept for reuse: fresh pages cost a fault each (about 3 ms per 6 MB here), reused ones do not */
const spare: SharedArrayBuffer[] = [];
const MAX_SPARE = 6;
let idleTimer: ReturnType<typeof setTimeout> | undefined;

function shared(bytes: number): SharedArrayBuffer {
  let best = -1;
  for (let i = 0; i < spare.length; i++) {
    const n = spare[i].byteLength;
    if (n >= bytes && n <= 2 * bytes && (best < 0 || n < spare[best].byteLength)) best = i;
  }
  return best >= 0 ? spare.splice(best, 1)[0] : new SharedArrayBuffer(bytes);
}

/**
 * Hands a buffer that {@link resizePillowParallel} returned back for reuse, once nothing reads it any more. Kept buffers
 * are dropped after a second without resizes.
 *
 * @example
 * const out = await resizePillowParallel(img, 1792, 1204);
 * use(out);
 * if (out.data.buffer instanceof SharedArrayBuffer) reuseShared(out.data.buffer);
 */
export function reuseShared(...buffers: SharedArrayBuffer[]): void {
  spare.push(...buffers);
  while (spare.length > MAX_SPARE) spare.shift();
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => spare.splice(0), 1000);
  idleTimer.unref();
}

/**
 * {@link resizePillow} on all cores: the same bytes, each pass cut into row bands run on worker threads and this one.
 * Small images run on this thread alone.
 *
 * @example
 * import { resizePillowParallel } from "omnispec/modalities";
 * const img = { data: new Uint8Array(1800 * 1200 * 3), width: 1800, height: 1200 };
 * const out = await resizePillowParallel(img, 1792, 1204); // equal to resizePillow(img, 1792, 1204)
 */
export async function resizePillowParallel(image: RgbImage, width: number, height: number, options: PillowOptions = {}): Promise<RgbImage> {
  const { width: inW, height: inH } = image;
  const helpers = workers();
  const simd = options.simd !== false && pillowSimd() !== null;
  const work = (width * inH + width * height) * 3 * 5;
  if (helpers.length === 0 || work < (simd ? MIN_WORK_SIMD : MIN_WORK) || (width === inW && height === inH)) return resizePillow(image, width, height, { simd });
  const needH = width !== inW;
  const needV = height !== inH;
  const vert = pillowCoefficients(inH, height);

  const input = shared(image.data.length);
  new Uint8Array(input).set(image.data);
  let src = input;
  let tmp: SharedArrayBuffer | undefined;
  let rowOffset = 0;
  if (needH) {
    const first = vert.bounds[0];
    const last = vert.bounds[height * 2 - 2] + vert.bounds[height * 2 - 1];
    const start = needV ? first : 0;
    const rows = needV ? last - first : inH;
    const dst = (tmp = shared(width * rows * 3));
    await banded(helpers, { pass: "h", src, dst, c: pillowCoefficients(inW, width), width: inW, dstWidth: width, rowStart: start, rows }, simd);
    src = dst;
    rowOffset = start;
  }
  if (!needV) {
    reuseShared(input);
    return { data: new Uint8Array(src, 0, width * height * 3), width, height };
  }
  const out = shared(width * height * 3);
  await banded(helpers, { pass: "v", src, dst: out, c: vert, width, dstWidth: width, rowStart: rowOffset, rows: height }, simd);
  reuseShared(input, ...(tmp ? [tmp] : []));
  return { data: new Uint8Array(out, 0, width * height * 3), width, height };
}
