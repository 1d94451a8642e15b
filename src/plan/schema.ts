// the zod schema of a plan's JSON form, for tools that read plans.
import { z } from "zod";

const step = z.object({ op: z.string(), params: z.record(z.string(), z.unknown()), note: z.string().optional() });
const side = z.enum(["source", "target"]);

const slotPlan: z.ZodType<Record<string, unknown>> = z.lazy(() =>
  z.looseObject({
    modality: z.string(),
    side,
    tokens: z.number().int().nonnegative(),
    exact: z.boolean(),
    steps: z.array(step),
    source: z.object({ kind: z.enum(["value", "path", "bytes", "meta"]), file: z.string().optional(), bytes: z.number().optional() }).optional(),
    items: z.array(slotPlan).optional(),
    resized: z.object({ height: z.number().int().positive(), width: z.number().int().positive() }).optional(),
    grid_thw: z.tuple([z.number().int(), z.number().int(), z.number().int()]).optional(),
    frames: z.object({ indices: z.array(z.number().int()), timestamps: z.array(z.number()) }).optional(),
    second_per_grid_t: z.number().optional(),
    samples: z.number().int().nonnegative().optional(),
    feature_frames: z.number().int().nonnegative().optional(),
  }),
);

/**
 * The schema of `plan.toJSON()`: `preset`, `total_tokens`, ordered `segments`, and `slots.<name>` are stable fields.
 *
 * @example
 * import { planJsonSchema } from "omnispec/plan";
 * const plan = planJsonSchema.parse(JSON.parse(line));
 */
export const planJsonSchema = z.looseObject({
  preset: z.string(),
  instruction: z.string(),
  total_tokens: z.number().int().nonnegative(),
  exact: z.boolean(),
  source_tokens: z.number().int().nonnegative(),
  target_tokens: z.number().int().nonnegative(),
  segments: z.array(
    z.object({ kind: z.string(), slot: z.string().optional(), side, tokens: z.number().int().nonnegative(), text: z.string().optional() }),
  ),
  slots: z.record(z.string(), slotPlan),
  positions: z.record(z.string(), z.unknown()).optional(),
  tokenizer: z.string(),
  warnings: z.array(z.string()),
});
