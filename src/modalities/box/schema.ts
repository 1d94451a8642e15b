import { z } from "zod";
import { defineModality } from "../registry.js";

const fourNumbers = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const boxModality = defineModality({
  name: "BOX",
  description: "a bounding box x0,y0,x1,y1 in original-image pixels",
  attrs: { image: z.string().regex(/^[A-Za-z0-9_]+$/).optional() },
  input: z.union([fourNumbers, z.string().regex(/^\s*-?[\d.]+\s*(,\s*-?[\d.]+\s*){3}$/)]),
  output: fourNumbers,
  textLike: true,
});
