import { z } from "zod";
import { defineModality } from "../registry.js";

// OFASys phoneme sequences (text-to-speech inputs); text-like.
export const phoneModality = defineModality({
  name: "PHONE",
  description: "a phoneme sequence (OFASys phone preprocessor)",
  attrs: {},
  input: z.union([z.string(), z.array(z.string())]),
  textLike: true,
});
