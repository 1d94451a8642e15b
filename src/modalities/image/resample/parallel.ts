// the exact Pillow resize split by rows over worker threads: each pass is cut in bands, one per core.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { clip8, horizontalPass, pillowCoefficients, PRECISION_BITS, resizePillow, verticalPass, type Coefficients } from "./pil.js";
import type { RgbImage } from "./types.js";

/** below this many multiply-adds, starting a band on another thread costs more than it saves */
const MIN_WORK = 4_000_000;

type Job =
  | { pass: "h"; src: SharedArrayBuffer; srcWidth: number; rowStart: number; rowEnd: number; dst: SharedArrayBuffer; dstOffset: number; dstWidth: number; c: Coefficients }
  | { pass: "v"; src: SharedArrayBuffer; rowOffset: number; c: Coefficients; dst: SharedArrayBuffer; width: number; outStart: number; outEnd: number };


// the worker runs the very same pass functions, sent as source so that it needs no module resolution or TS loader
const workerSource = () => `
const { parentPort } = require("node:worker_threads");
const PRECISION_BITS = ${PRECISION_BITS};
const HALF = ${1 << (PRECISION_BITS - 1)};
const clip8 = ${clip8.toString()};
const horizontalPass = ${horizontalPass.toString()};
const verticalPass = ${verticalPass.toString()};
parentPort.on("message", (job) => {
  if (job.pass === "h") {
    const dst = new Uint8Array(job.dst, job.dstOffset);
    horizontalPass(new Uint8Array(job.src), job.srcWidth, job.rowStart, job.rowEnd, job.c, dst, job.dstWidth);
  } else {
    const dst = new Uint8Array(job.dst, job.outStart * job.width * 3);
    verticalPass(new Uint8Array(job.src), job.rowOffset, job.c, dst, job.width, job.outStart, job.outEnd, new Int32Array(job.width * 3));
  }
  parentPort.postMessage(0);
});
`;

interface PoolWorker {
  worker: Worker;
  run(job: Job): Promise<void>;
}

let pool: PoolWorker[] | undefined;

function workers(): PoolWorker[] {
  if (pool) return pool;
  const n = Math.max(0, Math.min(availableParallelism(), 8) - 1);
  const source = workerSource();
  pool = Array.from({ length: n }, () => {
    const worker = new Worker(source, { eval: true });
    // a worker answers its jobs in the order they were posted: a queue, so concurrent resizes never lose a job
    const pending: { resolve: () => void; reject: (e: unknown) => void }[] = [];
    worker.on("message", () => {
      pending.shift()?.resolve();
      if (pending.length === 0) worker.unref();
    });
    worker.on("error", (e) => {
      for (const p of pending.splice(0)) p.reject(e);
    });
    // idle helpers must not keep the process alive (unref after the listeners, which would ref it again)
    worker.unref();
    return {
      worker,
      run(job: Job) {
        return new Promise<void>((resolve, reject) => {
          pending.push({ resolve, reject });
          // a band in flight keeps the process alive until it is back
          worker.ref();
          worker.postMessage(job);
        });
      },
    };
  });
  return pool;
}

/** Splits [0, n) into `parts` contiguous bands. */
function bands(n: number, parts: number): [number, number][] {
  return Array.from({ length: parts }, (_, i) => [Math.floor((n * i) / parts), Math.floor((n * (i + 1)) / parts)] as [number, number]);
}

function shared(bytes: number): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes);
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
export async function resizePillowParallel(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  const { width: inW, height: inH } = image;
  const helpers = workers();
  const work = (width * inH + width * height) * 3 * 5;
  if (helpers.length === 0 || work < MIN_WORK || (width === inW && height === inH)) return resizePillow(image, width, height);
  const parts = helpers.length + 1;
  const needH = width !== inW;
  const needV = height !== inH;
  const vert = pillowCoefficients(inH, height);

  let src = shared(image.data.length);
  new Uint8Array(src).set(image.data);
  let rowOffset = 0;
  if (needH) {
    const first = vert.bounds[0];
    const last = vert.bounds[height * 2 - 2] + vert.bounds[height * 2 - 1];
    const start = needV ? first : 0;
    const rows = needV ? last - first : inH;
    const hc = pillowCoefficients(inW, width);
    const tmp = shared(width * rows * 3);
    const jobs = bands(rows, parts).map(([a, b]) => ({ rowStart: start + a, rowEnd: start + b, dstOffset: a * width * 3 }));
    const mine = jobs.pop()!;
    const running = jobs.map((j, i) => helpers[i].run({ pass: "h", src, srcWidth: inW, dst: tmp, dstWidth: width, c: hc, ...j }));
    horizontalPass(new Uint8Array(src), inW, mine.rowStart, mine.rowEnd, hc, new Uint8Array(tmp, mine.dstOffset), width);
    await Promise.all(running);
    src = tmp;
    rowOffset = start;
  }
  if (!needV) return { data: new Uint8Array(src), width, height };
  const out = shared(width * height * 3);
  const jobs = bands(height, parts);
  const [outStart, outEnd] = jobs.pop()!;
  const running = jobs.map(([a, b], i) => helpers[i].run({ pass: "v", src, rowOffset, c: vert, dst: out, width, outStart: a, outEnd: b }));
  verticalPass(new Uint8Array(src), rowOffset, vert, new Uint8Array(out, outStart * width * 3), width, outStart, outEnd, new Int32Array(width * 3));
  await Promise.all(running);
  return { data: new Uint8Array(out), width, height };
}

