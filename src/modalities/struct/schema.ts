import { z } from "zod";
import { defineModality } from "../registry.js";

export const structModality = defineModality({
  name: "STRUCT",
  description: "a table: rows of cells (or its text form)",
  attrs: {},
  input: z.union([z.string(), z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])))]),
  textLike: true,
});
