// the modality registry: a new modality is one `registerModality(defineModality({...}))`; nothing else switches on names.
import { z } from "zod";
import { OmnispecError } from "../errors.js";

/** What a modality declares: its typed attributes and the zod schemas of its values. */
export interface ModalityDefinition {
  /** upper case, as written in instructions: "IMAGE" */
  name: string;
  description: string;
  /** attributes a slot of this modality accepts (all optional); unknown keys are errors */
  attrs: z.ZodObject;
  /** a sample value for an input slot */
  input: z.ZodType;
  /** a value the model produces for a target slot */
  output: z.ZodType;
  /** joins the text stream (OFASys's group_key TEXT: text, boxes, tables, labels, phones) */
  textLike: boolean;
}

/** Attributes every modality accepts: the OFASys vocabulary (ofasys.md §1.5–1.6). Every modality's attrs extend this object. */
export const commonAttrs = z.strictObject({
  no_loss: z.boolean().optional(),
  closed_set: z.boolean().optional(),
  max_length: z.number().int().positive().optional(),
  min_length: z.number().int().nonnegative().optional(),
  uncased: z.boolean().optional(),
  no_punctuation: z.boolean().optional(),
  mask_ratio: z.number().min(0).max(1).optional(),
  noise_ratio: z.number().min(0).max(1).optional(),
  preprocess: z.string().regex(/^[A-Za-z0-9_.-]+$/, "a registered preprocessor name").optional(),
  adaptor: z.string().regex(/^[A-Za-z0-9_.-]+$/, "a registered adaptor name").optional(),
  disable_auto_boseos: z.boolean().optional(),
  is_label: z.boolean().optional(),
});

/** OFASys v0.1.0 attributes that are accepted and dropped with a warning. */
export const legacyAttrs: readonly string[] = ["add_bos", "add_eos"];

/**
 * Builds a modality definition whose attribute schema extends the common OFASys attributes. `attrs` is a zod object
 * (or its shape) of optional fields; a slot's `key=value` text is read as the field's type (flag or true/false,
 * number, `a|b|c` list, or string) and checked by the schema.
 *
 * @example
 * import { z } from "zod";
 * import { defineModality, registerModality } from "omnispec/modalities";
 * registerModality(defineModality({ name: "POINT", description: "an (x, y) point", attrs: z.object({ radius: z.number().optional() }), input: z.tuple([z.number(), z.number()]) }));
 */
export function defineModality(def: {
  name: string;
  description: string;
  attrs: z.ZodObject | z.ZodRawShape;
  input: z.ZodType;
  output?: z.ZodType;
  textLike?: boolean;
}): ModalityDefinition {
  if (!/^[A-Z][A-Z0-9_]*$/.test(def.name)) {
    throw new OmnispecError("input/invalid", `a modality name is upper case letters, digits and _: "${def.name}"`, { value: def.name, hint: "e.g. POINT" });
  }
  const shape: z.ZodRawShape = def.attrs instanceof z.ZodObject ? def.attrs.shape : def.attrs;
  for (const key of Object.keys(shape)) {
    if (!/^[A-Za-z0-9_]+$/.test(key)) {
      throw new OmnispecError("input/invalid", `modality ${def.name}: attribute "${key}" is not writable in an instruction`, { value: key, hint: "attribute keys are letters, digits and _" });
    }
  }
  return {
    name: def.name,
    description: def.description,
    attrs: commonAttrs.extend(shape),
    input: def.input,
    output: def.output ?? def.input,
    textLike: def.textLike ?? false,
  };
}

const registry = new Map<string, ModalityDefinition>();

/** Adds (or replaces) a modality. */
export function registerModality(def: ModalityDefinition): void {
  registry.set(def.name, def);
}

/**
 * The definition of a registered modality; throws `parse/unknown-modality` for an unknown name.
 *
 * @example
 * import { getModality } from "omnispec/modalities";
 * getModality("IMAGE").attrs.shape.max_pixels; // a zod number schema
 */
export function getModality(name: string): ModalityDefinition {
  const def = registry.get(name);
  if (!def) throw new OmnispecError("parse/unknown-modality", `unknown modality "${name}"`, { value: name, hint: `known: ${modalityNames().join(", ")}` });
  return def;
}

/** True when `name` is registered. */
export function hasModality(name: string): boolean {
  return registry.has(name);
}

/** Every registered modality name, in registration order. */
export function modalityNames(): string[] {
  return [...registry.keys()];
}
