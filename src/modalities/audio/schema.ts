import { z } from "zod";
import { audioInput } from "../media-value.js";
import { defineModality } from "../registry.js";

export const audioModality = defineModality({
  name: "AUDIO",
  description: "an audio clip: mono PCM at the preset's rate, log-mel or fbank features",
  attrs: {
    start: z.number().nonnegative().optional(),
    end: z.number().positive().optional(),
    max_seconds: z.number().positive().optional(),
    sample_rate: z.number().int().positive().optional(),
  },
  input: audioInput,
});
