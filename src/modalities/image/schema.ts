import { z } from "zod";
import { imageInput } from "../media-value.js";
import { defineModality } from "../registry.js";

export const imageModality = defineModality({
  name: "IMAGE",
  description: "a still image: dynamic resolution (smart), tiles, or a fixed size, per model preset",
  attrs: {
    resize: z.enum(["smart", "tiles", "fixed"]).optional(),
    min_pixels: z.number().int().positive().optional(),
    max_pixels: z.number().int().positive().optional(),
    max_tokens: z.number().int().positive().optional(),
    variant: z.enum(["current", "transformers-4.52", "qwen-vl-utils-0.0.10", "qwen-vl-utils-0.0.11", "qwen-vl-utils-0.0.14"]).optional(),
    resample: z.enum(["pil", "sharp", "transformersjs"]).optional(),
    orient: z.boolean().default(true).optional(),
    background: z.string().regex(/^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, "a CSS hex colour such as #ffffff or #fff").optional(),
  },
  input: imageInput,
});
