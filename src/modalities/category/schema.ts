import { z } from "zod";
import { defineModality } from "../registry.js";

export const categoryModality = defineModality({
  name: "CATEGORY",
  description: "one label of a closed set (choices=yes|no|maybe)",
  attrs: { choices: z.array(z.string().min(1)).min(1).optional() },
  input: z.string(),
  textLike: true,
});
