import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pillowSimd, resizePillow } from "./pil.js";
import { resizePillowAway, resizePillowParallel, workerSimd } from "./parallel.js";

describe("resizePillowParallel", () => {
  it("serves concurrent resizes, each equal to the single-thread result", async () => {
    const w = 900;
    const h = 600;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const img = { data, width: w, height: h };
    const sizes: [number, number][] = [[658, 434], [896, 602], [448, 308]];
    const results = await Promise.all(sizes.map(([a, b]) => resizePillowParallel(img, a, b)));
    sizes.forEach(([a, b], k) => expect(Buffer.from(results[k].data).equals(Buffer.from(resizePillow(img, a, b).data))).toBe(true));
  });

  it("runs the SIMD passes on the workers too, also under tsx, which wraps functions in __name()", () => {
    const simd = pillowSimd() !== null;
    const module = fileURLToPath(new URL("./parallel.ts", import.meta.url));
    const dir = fileURLToPath(new URL("../../../../tests/tmp/", import.meta.url));
    mkdirSync(dir, { recursive: true });
    const script = join(dir, `worker-simd-${process.pid}.mts`);
    writeFileSync(script, `const { workerSimd } = await import(${JSON.stringify(module)});\nconsole.log(JSON.stringify(await workerSimd()));\n`);
    const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" });
    rmSync(script, { force: true });
    expect(r.stderr).not.toContain("Error");
    const answers = JSON.parse(r.stdout.trim()) as boolean[];
    expect(answers.every((a) => a === simd)).toBe(true);
  }, 30_000);

  it("answers for every worker in this process", async () => {
    const answers = await workerSimd();
    expect(answers.every((a) => a === (pillowSimd() !== null))).toBe(true);
  });

  it("resizes away on a worker: the same bytes, and the source's buffer back untouched", async () => {
    const [w, h] = [854, 480];
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const copy = data.slice();
    const want = resizePillow({ data: copy, width: w, height: h }, 840, 476).data;
    const { image, source } = await resizePillowAway({ data, width: w, height: h }, 840, 476);
    expect([image.width, image.height]).toEqual([840, 476]);
    expect(Buffer.from(image.data).equals(Buffer.from(want))).toBe(true);
    expect(Buffer.from(source).equals(Buffer.from(copy))).toBe(true);
    // a view into a larger buffer is copied rather than moved
    const view = new Uint8Array(copy.length + 16).subarray(8, 8 + copy.length);
    view.set(copy);
    const again = await resizePillowAway({ data: view, width: w, height: h }, 840, 476);
    expect(Buffer.from(again.image.data).equals(Buffer.from(want))).toBe(true);
    expect(view.byteLength).toBe(copy.length);
  });
});
