// the route registry: one entry per model family. the first entry whose `matches` accepts a model's config serves it.
import { OmnispecError } from "../../errors.js";
import type { ModelConfig } from "../resolve.js";
import { causalLmRoute, qwenVlRoute } from "./qwen-vl.js";
import type { RuntimeRoute } from "./route.js";
import { textClassificationRoute } from "./text-classification.js";
import { clipRoute, vitRoute } from "./vision.js";
import { whisperRoute } from "./whisper.js";

const routes: RuntimeRoute[] = [qwenVlRoute as RuntimeRoute, vitRoute as RuntimeRoute, clipRoute as RuntimeRoute, textClassificationRoute as RuntimeRoute, whisperRoute as RuntimeRoute, causalLmRoute as RuntimeRoute];

/**
 * Adds a route (a model family) in front of the built-in ones.
 *
 * @example
 * import { registerRoute } from "omnispec/runtime";
 * registerRoute({ name: "my-family", matches: (c) => c.model_type === "mine", ...rest });
 */
export function registerRoute<H>(route: RuntimeRoute<H>): void {
  routes.unshift(route as RuntimeRoute);
}

/** Every registered route, in matching order. */
export function listRoutes(): readonly RuntimeRoute[] {
  return routes;
}

/**
 * The route that serves a model, from its config.json.
 *
 * @example
 * import { routeFor } from "omnispec/runtime";
 * routeFor({ model_type: "qwen2_vl" }).name; // "qwen-vl"
 */
export function routeFor(config: ModelConfig, model = config.model_type): RuntimeRoute {
  const hit = routes.find((r) => r.matches(config));
  if (!hit) {
    throw new OmnispecError("model/unsupported-task", `omnispec cannot run model "${model}" (model_type ${config.model_type}, ${config.architectures?.join(", ") ?? "no architectures"})`, {
      value: config.model_type,
      hint: `supported: ${routes.map((r) => r.description).join("; ")}`,
    });
  }
  return hit;
}

export type { RuntimeRoute, RouteContext, RouteResult } from "./route.js";
