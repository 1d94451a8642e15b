import { z } from "zod";
import { defineModality } from "../registry.js";

// OFASys motion capture (BVH frames): catalogued so every OFASys instruction parses; omnispec plans no motion.
export const motionModality = defineModality({
  name: "MOTION",
  description: "motion-capture frames (OFASys motion_6d)",
  attrs: {
    sample_rate: z.number().positive().optional(),
    soft_trim: z.boolean().optional(),
    window: z.boolean().optional(),
    anchor_frame: z.number().int().optional(),
  },
  input: z.union([z.string(), z.instanceof(Uint8Array), z.array(z.array(z.number()))]),
});
