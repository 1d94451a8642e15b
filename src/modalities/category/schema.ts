import { z } from "zod";
import { defineModality } from "../registry.js";

export const categoryModality = defineModality({
  name: "CATEGORY",
  description: "one label of a closed set (choices=yes|no|maybe)",
  attrs: {
    choices: z
      .array(z.string().min(1, "a choice is not empty"))
      .min(1)
      .refine((c) => new Set(c).size === c.length, "choices are distinct")
      .optional(),
  },
  input: z.string(),
  textLike: true,
});
