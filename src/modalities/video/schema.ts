import { z } from "zod";
import { videoInput } from "../media-value.js";
import { defineModality } from "../registry.js";

export const videoModality = defineModality({
  name: "VIDEO",
  description: "a video: sampled frames with absolute timestamps, optionally with its audio track",
  attrs: {
    fps: z.number().positive().optional(),
    nframes: z.number().int().positive().optional(),
    min_frames: z.number().int().positive().optional(),
    max_frames: z.number().int().positive().optional(),
    start: z.number().nonnegative().optional(),
    end: z.number().positive().optional(),
    total_pixels: z.number().positive().optional(),
    min_pixels: z.number().int().positive().optional(),
    max_pixels: z.number().int().positive().optional(),
    variant: z.enum(["qwen-vl-utils-0.0.10", "qwen-vl-utils-0.0.14", "transformers-qwen2-vl", "transformers-qwen3-vl"]).optional(),
    audio: z.boolean().optional(),
  },
  input: videoInput,
});
