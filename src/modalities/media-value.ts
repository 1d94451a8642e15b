// the shapes a media value may take in a sample: a path, file bytes, or metadata only.
import { z } from "zod";
import { OmnispecError } from "../errors.js";

/** `size:1920x1080` */
export const imageSizeString = z.string().regex(/^size:\d+x\d+$/);
/** `meta:frames=720,fps=24,width=854,height=480` / `meta:seconds=11` */
export const metaString = z.string().regex(/^meta:[a-z_]+=[^,]+(,[a-z_]+=[^,]+)*$/);

export const bytes = z.instanceof(Uint8Array);
export const path = z.string().min(1);

/** An image: a file path, file bytes, `size:WxH`, or `{ width, height }`. */
export const imageInput = z.union([bytes, z.object({ width: z.number().positive(), height: z.number().positive() }), path]);
/** A video: a file path, file bytes, `meta:frames=…,fps=…,width=…,height=…`, or an object of those fields. */
export const videoInput = z.union([
  bytes,
  z.object({ frames: z.number().positive(), fps: z.number().positive(), width: z.number().positive(), height: z.number().positive() }),
  path,
]);
/** An audio clip: a file path, file bytes, `meta:seconds=11` / `meta:samples=176000`, or `{ seconds }` / `{ samples }`. */
export const audioInput = z.union([
  bytes,
  z.object({ seconds: z.number().nonnegative() }),
  z.object({ samples: z.number().int().nonnegative() }),
  path,
]);

export type ImageInput = z.infer<typeof imageInput>;
export type VideoInput = z.infer<typeof videoInput>;
export type AudioInput = z.infer<typeof audioInput>;

/**
 * The fields of a metadata-only media value (`meta:frames=720,fps=24,...`), or undefined when `value` is not one.
 *
 * @example
 * import { metaFields } from "omnispec/modalities";
 * metaFields("meta:seconds=11", { slot: "wav", example: "meta:seconds=11" }); // { seconds: "11" }
 */
export function metaFields(value: string, where: { slot: string; example: string }): Record<string, string> | undefined {
  if (!value.startsWith("meta:")) return undefined;
  const fields: Record<string, string> = {};
  for (const part of value.slice(5).split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0 || eq === part.length - 1) {
      throw new OmnispecError("input/invalid", `malformed metadata "${part}": write key=value pairs`, { slot: where.slot, value, hint: `e.g. ${where.example}` });
    }
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return fields;
}
