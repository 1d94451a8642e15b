// the shapes a media value may take in a sample: a path, file bytes, or metadata only.
import { z } from "zod";
import { OmnispecError } from "../errors.js";
import { suggest } from "../util/suggest.js";

type MediaModality = "IMAGE" | "VIDEO" | "AUDIO";

/** per modality: the metadata keys, an example (also the hint of every error), and the shape check (ranges are the planners' job) */
const META: Record<MediaModality, { keys: readonly string[]; example: string; check: (f: Record<string, number>) => string | undefined }> = {
  IMAGE: {
    keys: ["width", "height"],
    example: "size:1920x1080",
    check: (f) => (f.width === undefined || f.height === undefined ? "give width and height" : undefined),
  },
  VIDEO: {
    keys: ["frames", "fps", "width", "height"],
    example: "meta:frames=720,fps=24,width=854,height=480",
    check: (f) => {
      const missing = ["frames", "fps", "width", "height"].filter((k) => f[k] === undefined);
      return missing.length > 0 ? `missing ${missing.join(", ")}` : undefined;
    },
  },
  AUDIO: {
    keys: ["seconds", "samples"],
    example: "meta:seconds=11",
    check: (f) => ((f.seconds === undefined) === (f.samples === undefined) ? "give exactly one of seconds=… or samples=…" : undefined),
  },
};

/** What a media value is, before anything is read: a file to open, bytes in memory, or metadata only. */
export type MediaValueKind =
  | { kind: "path"; path: string }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "meta"; fields: Record<string, number> };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Classifies an IMAGE, VIDEO or AUDIO sample value without touching the disk: a file path, file bytes, or metadata
 * (`size:1920x1080` / `{ width, height }`, `meta:frames=720,fps=24,width=854,height=480`, `meta:seconds=11` /
 * `meta:samples=176000`, or the same fields as an object). Malformed metadata (unknown or missing keys, a value that is
 * not a number) is an `input/invalid` error naming the slot and the value; ranges (a zero width) are left to the planners.
 *
 * @example
 * import { classifyMediaValue } from "omnispec/modalities";
 * classifyMediaValue("meta:seconds=11", { slot: "wav", modality: "AUDIO" }); // { kind: "meta", fields: { seconds: 11 } }
 */
export function classifyMediaValue(value: unknown, where: { slot: string; modality: MediaModality }): MediaValueKind {
  const spec = META[where.modality];
  const bad = (message: string, hint = `e.g. ${spec.example}`): never => {
    throw new OmnispecError("input/invalid", message, { slot: where.slot, value: typeof value === "string" && value.length > 200 ? `${value.slice(0, 197)}…` : value, hint });
  };
  if (value instanceof Uint8Array) {
    if (value.length === 0) bad(`${where.modality.toLowerCase()} bytes are empty`, "pass the bytes of a media file, or a path");
    return { kind: "bytes", bytes: value };
  }
  if (typeof value === "string") {
    if (value === "") bad(`an empty string is not a ${where.modality.toLowerCase()}`, `give a file path, or metadata such as ${spec.example}`);
    if (where.modality === "IMAGE" && value.startsWith("size:")) {
      const m = /^size:(\d+)x(\d+)$/.exec(value);
      if (!m) return bad(`malformed image size "${value}": write size:WIDTHxHEIGHT`);
      return meta({ width: Number(m[1]), height: Number(m[2]) });
    }
    if (value.startsWith("meta:")) {
      if (where.modality === "IMAGE") bad(`an image's metadata is written size:WIDTHxHEIGHT, not "${value}"`);
      const fields: Record<string, number> = {};
      for (const part of value.slice(5).split(",")) {
        const eq = part.indexOf("=");
        const key = eq < 0 ? part : part.slice(0, eq);
        const text = eq < 0 ? "" : part.slice(eq + 1);
        if (!spec.keys.includes(key)) {
          const near = suggest(key, spec.keys);
          bad(`unknown ${where.modality.toLowerCase()} metadata "${key}" in "${value}"`, near ? `did you mean ${near}? e.g. ${spec.example}` : `keys: ${spec.keys.join(", ")}; e.g. ${spec.example}`);
        }
        if (!NUMBER.test(text)) bad(`malformed metadata "${part}" in "${value}": write ${key}=<number>`);
        if (key in fields) bad(`${key} is given twice in "${value}"`);
        fields[key] = Number(text);
      }
      return meta(fields);
    }
    return { kind: "path", path: value };
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const fields: Record<string, number> = {};
    for (const [key, v] of Object.entries(value)) {
      if (!spec.keys.includes(key)) {
        const near = suggest(key, spec.keys);
        bad(`unknown ${where.modality.toLowerCase()} metadata field "${key}"`, near ? `did you mean ${near}?` : `fields: ${spec.keys.join(", ")}`);
      }
      if (typeof v !== "number" || !Number.isFinite(v)) bad(`${where.modality.toLowerCase()} metadata field ${key} is a number, not ${JSON.stringify(v)}`);
      fields[key] = v as number;
    }
    return meta(fields);
  }
  return bad(`a ${where.modality.toLowerCase()} is a file path, file bytes, or metadata such as ${spec.example}`);

  function meta(fields: Record<string, number>): MediaValueKind {
    const problem = spec.check(fields);
    if (problem) bad(`malformed ${where.modality.toLowerCase()} metadata: ${problem}`);
    return { kind: "meta", fields };
  }
}

/** zod: a string that, when written as metadata, is well-formed */
const mediaString = (modality: MediaModality) =>
  z.string().min(1).superRefine((s, ctx) => {
    if (!s.startsWith("meta:") && !(modality === "IMAGE" && s.startsWith("size:"))) return;
    try {
      classifyMediaValue(s, { slot: "", modality });
    } catch (e) {
      ctx.addIssue({ code: "custom", message: e instanceof OmnispecError ? e.message.split("\n")[0] : String(e) });
    }
  });

export const bytes = z.instanceof(Uint8Array);
export const path = z.string().min(1);

/** An image: a file path, file bytes, `size:WxH`, or `{ width, height }`. */
// strings first: paths and metadata are the common case, and a union stops at the first branch that fits
export const imageInput = z.union([mediaString("IMAGE"), bytes, z.object({ width: z.number().positive(), height: z.number().positive() })]);
/** A video: a file path, file bytes, `meta:frames=…,fps=…,width=…,height=…`, or an object of those fields. */
export const videoInput = z.union([
  mediaString("VIDEO"),
  bytes,
  z.object({ frames: z.number().positive(), fps: z.number().positive(), width: z.number().positive(), height: z.number().positive() }),
]);
/** An audio clip: a file path, file bytes, `meta:seconds=11` / `meta:samples=176000`, or `{ seconds }` / `{ samples }`. */
export const audioInput = z.union([
  mediaString("AUDIO"),
  bytes,
  z.object({ seconds: z.number().nonnegative() }),
  z.object({ samples: z.number().int().nonnegative() }),
]);

export type ImageInput = z.infer<typeof imageInput>;
export type VideoInput = z.infer<typeof videoInput>;
export type AudioInput = z.infer<typeof audioInput>;

