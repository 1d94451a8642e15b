// writes the tiny models to disk once: a manifest records generator version, seed and file hashes, and only
// missing or stale models are rebuilt.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { OmnispecError } from "../../errors.js";
import type { TinyModelKind } from "./registry.js";
import { TINY_MODEL_KINDS, TINY_MODELS } from "./registry.js";

/** Bump when any builder changes its output, so existing folders are regenerated. */
export const TINY_MODELS_VERSION = "2";
/** The default folder for generated models (git-ignored). */
export const DEFAULT_MODELS_DIR = ".omnispec/models";
const MANIFEST = "tiny-models.json";

/** What `ensureTinyModels` did. */
export interface TinyModelsResult {
  /** absolute models directory */
  dir: string;
  seed: number;
  /** absolute folder of each requested kind */
  paths: Partial<Record<TinyModelKind, string>>;
  generated: TinyModelKind[];
  reused: TinyModelKind[];
  /** bytes on disk per requested kind */
  bytes: Partial<Record<TinyModelKind, number>>;
  ms: number;
}

interface ManifestEntry {
  folder: string;
  /** relative path → sha256 */
  files: Record<string, string>;
}

interface Manifest {
  generator: "omnispec/tiny-models";
  version: string;
  seed: number;
  models: Partial<Record<TinyModelKind, ManifestEntry>>;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** each kind gets its own weights, even where two kinds share a builder */
function kindSeed(seed: number, kind: TinyModelKind): number {
  let h = seed >>> 0;
  for (let i = 0; i < kind.length; i++) h = Math.imul(h ^ kind.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function checkKind(kind: string): TinyModelKind {
  if (!(kind in TINY_MODELS)) {
    throw new OmnispecError("model/not-found", `no tiny model of kind "${kind}"`, {
      value: kind,
      hint: `use one of: ${TINY_MODEL_KINDS.join(", ")}`,
    });
  }
  return kind as TinyModelKind;
}

function readManifest(dir: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as Manifest;
    return m.generator === "omnispec/tiny-models" ? m : undefined;
  } catch {
    return undefined;
  }
}

function isFresh(dir: string, entry: ManifestEntry | undefined): boolean {
  if (!entry) return false;
  return Object.entries(entry.files).every(([rel, hash]) => {
    const file = join(dir, entry.folder, rel);
    return existsSync(file) && sha256(readFileSync(file)) === hash;
  });
}

function writeAtomic(file: string, bytes: Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

/**
 * Makes sure the tiny seeded models exist under `dir` (default `.omnispec/models`), generating only the ones that are
 * missing, were made by another generator version or seed, or whose files no longer match their recorded hashes.
 * The same seed always gives byte-identical files. Load a folder with transformers.js using its absolute path and
 * `env.allowRemoteModels = false`.
 *
 * @example
 * import { ensureTinyModels } from "omnispec/runtime";
 * const { paths } = ensureTinyModels(".omnispec/models", { seed: 0, kinds: ["vit"] });
 * console.log(paths.vit); // /abs/.omnispec/models/tiny-vit
 */
export function ensureTinyModels(
  dir: string = DEFAULT_MODELS_DIR,
  options: { seed?: number; kinds?: readonly string[]; force?: boolean } = {},
): TinyModelsResult {
  const start = performance.now();
  const seed = options.seed ?? 0;
  const root = resolve(dir);
  const kinds = (options.kinds ?? TINY_MODEL_KINDS).map(checkKind);
  const old = readManifest(root);
  const sameGenerator = old !== undefined && old.version === TINY_MODELS_VERSION && old.seed === seed;
  const manifest: Manifest = {
    generator: "omnispec/tiny-models",
    version: TINY_MODELS_VERSION,
    seed,
    models: sameGenerator ? { ...old.models } : {},
  };
  const result: TinyModelsResult = { dir: root, seed, paths: {}, generated: [], reused: [], bytes: {}, ms: 0 };
  for (const kind of kinds) {
    const entry = TINY_MODELS[kind];
    result.paths[kind] = join(root, entry.folder);
    const recorded = manifest.models[kind];
    if (!options.force && recorded?.folder === entry.folder && isFresh(root, recorded)) {
      result.reused.push(kind);
      result.bytes[kind] = Object.keys(recorded.files).reduce((n, rel) => n + readFileSync(join(root, entry.folder, rel)).length, 0);
      continue;
    }
    const files = entry.build(kindSeed(seed, kind));
    const hashes: Record<string, string> = {};
    let bytes = 0;
    try {
      for (const [rel, content] of files) {
        writeAtomic(join(root, entry.folder, rel), content);
        hashes[rel] = sha256(content);
        bytes += content.length;
      }
    } catch (e) {
      throw new OmnispecError("model/not-found", `could not write the tiny model "${kind}"`, {
        file: join(root, entry.folder),
        hint: `check that ${root} is writable, or pass another directory`,
        cause: e,
      });
    }
    manifest.models[kind] = { folder: entry.folder, files: hashes };
    result.generated.push(kind);
    result.bytes[kind] = bytes;
  }
  if (result.generated.length > 0 || !sameGenerator) {
    // another process may have recorded other kinds meanwhile: keep its entries when they share our version and seed
    const now = readManifest(root);
    if (now && now.version === manifest.version && now.seed === manifest.seed) {
      for (const [kind, entry] of Object.entries(now.models)) {
        if (!result.generated.includes(kind as TinyModelKind)) manifest.models[kind as TinyModelKind] = entry;
      }
    }
    writeAtomic(join(root, MANIFEST), new TextEncoder().encode(JSON.stringify(manifest, null, 2) + "\n"));
  }
  result.ms = performance.now() - start;
  return result;
}

/**
 * The absolute folder of a tiny model kind under `dir` (it may not exist yet: call `ensureTinyModels` first).
 *
 * @example
 * import { tinyModelPath } from "omnispec/runtime";
 * tinyModelPath("qwen2-vl"); // /abs/.omnispec/models/tiny-qwen2-vl
 */
export function tinyModelPath(kind: TinyModelKind, dir: string = DEFAULT_MODELS_DIR): string {
  return join(resolve(dir), TINY_MODELS[checkKind(kind)].folder);
}
