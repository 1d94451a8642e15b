// a media cell of a dataset row, as the typed loaders and `omnispec stats` both read it.
import { isAbsolute, relative, resolve, sep } from "node:path";
import { OmnispecError } from "../errors.js";

const DATA_URL = /^data:[\w/+.-]*;base64,/;

/**
 * A media cell: a path under the dataset root, `{ bytes, path }` as Hugging Face stores media, a data URL,
 * `base64:...`, or metadata (`size:WxH`, `meta:...`). A path that leaves the root is a `dataset/path-escape` error.
 *
 * @example
 * import { mediaCell } from "omnispec/dataset";
 * mediaCell("images/cat.jpg", "/data/coco", { file: "train.jsonl", row: 3, slot: "img" }); // "/data/coco/images/cat.jpg"
 */
export function mediaCell(v: unknown, root: string, where: { file: string; row: number; slot: string }): unknown {
  if (v instanceof Uint8Array) return v;
  if (typeof v === "object" && v !== null) {
    const o = v as { bytes?: unknown; path?: unknown };
    if (o.bytes instanceof Uint8Array) return o.bytes;
    if (typeof o.bytes === "string") return Buffer.from(o.bytes, "base64");
    if (typeof o.path === "string") return mediaCell(o.path, root, where);
    return v;
  }
  if (typeof v !== "string") return v;
  if (DATA_URL.test(v)) return Buffer.from(v.slice(v.indexOf(",") + 1), "base64");
  if (v.startsWith("base64:")) return Buffer.from(v.slice(7), "base64");
  if (v.startsWith("size:") || v.startsWith("meta:")) return v;
  // a relative path with no ".." segment cannot leave the root: join it without resolving
  if (!isAbsolute(v) && !v.includes("..") && !v.includes("\\")) return `${root}${sep}${v}`;
  const full = resolve(root, v);
  const rel = relative(root, full);
  if (rel.startsWith("..") || isAbsolute(rel) || rel.split(sep).includes("..")) {
    throw new OmnispecError("dataset/path-escape", "media path leaves the dataset root", { ...where, value: v, hint: `paths must stay inside ${root}` });
  }
  return full;
}
