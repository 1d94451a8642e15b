import { z } from "zod";
import { defineModality } from "../registry.js";

export const textModality = defineModality({ name: "TEXT", description: "text", attrs: {}, input: z.string(), textLike: true });
