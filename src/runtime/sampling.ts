// next-token choice from raw logits: greedy or seeded sampling (temperature, top-p), with the token's statistics.

/** How the next token is chosen. */
export interface GenerationOptions {
  /** tokens to generate at most; default 32 */
  maxNewTokens?: number;
  /** true (default): always the most likely token; false: sample */
  greedy?: boolean;
  /** sampling temperature; default 1 */
  temperature?: number;
  /** nucleus sampling: keep the smallest set of tokens whose probability reaches topP; default 1 */
  topP?: number;
  /** seed of the sampler: the same seed gives the same output; default 0 */
  seed?: number;
}

/** One generated token with the log-probability the model gave it and the entropy of that distribution (nats). */
export interface TokenStat {
  id: number;
  text: string;
  /** log p(token) under the model's distribution at temperature 1 */
  logprob: number;
  /** entropy of the model's next-token distribution at temperature 1, in nats */
  entropy: number;
}

export { seededRandom } from "../util/random.js";

/**
 * The log-sum-exp, the argmax and the entropy of a row of logits, in one pass over the vocabulary plus one for the sum.
 *
 * @example
 * import { logitStats } from "omnispec/runtime";
 * logitStats(new Float32Array([0, 0])).entropy; // Math.LN2
 */
export function logitStats(logits: Float32Array): { logZ: number; argmax: number; entropy: number } {
  let max = -Infinity;
  let argmax = 0;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] > max) {
      max = logits[i];
      argmax = i;
    }
  }
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < logits.length; i++) {
    const d = logits[i] - max;
    const e = Math.exp(d);
    sum += e;
    weighted += e * d;
  }
  const logZ = max + Math.log(sum);
  // H = logZ - E[x] = log(sum) - E[x - max]
  return { logZ, argmax, entropy: Math.log(sum) - weighted / sum };
}

/**
 * Chooses the next token from one row of logits. Statistics are of the untempered distribution, so they describe the
 * model whatever the sampling settings.
 *
 * @example
 * import { chooseToken, seededRandom } from "omnispec/runtime";
 * chooseToken(new Float32Array([0, 5, 1]), { greedy: true }, seededRandom(0)).id; // 1
 */
export function chooseToken(
  logits: Float32Array,
  options: GenerationOptions,
  random: () => number,
): { id: number; logprob: number; entropy: number } {
  const { logZ, argmax, entropy } = logitStats(logits);
  const greedy = options.greedy ?? true;
  const temperature = options.temperature ?? 1;
  if (greedy || temperature <= 0) return { id: argmax, logprob: logits[argmax] - logZ, entropy };
  const topP = options.topP ?? 1;
  const max = logits[argmax];
  // tokens below exp(-40) of the best carry no mass at any temperature used in practice
  const floor = max - 40 * temperature;
  const ids: number[] = [];
  const weights: number[] = [];
  let total = 0;
  for (let i = 0; i < logits.length; i++) {
    if (logits[i] < floor) continue;
    const w = Math.exp((logits[i] - max) / temperature);
    ids.push(i);
    weights.push(w);
    total += w;
  }
  let order = ids.map((_, k) => k);
  if (topP < 1) {
    order.sort((x, y) => weights[y] - weights[x] || ids[x] - ids[y]);
    let kept = 0;
    let mass = 0;
    while (kept < order.length && mass < topP * total) mass += weights[order[kept++]];
    order = order.slice(0, Math.max(1, kept));
    total = mass;
  }
  let r = random() * total;
  let pick = order[order.length - 1];
  for (const k of order) {
    r -= weights[k];
    if (r < 0) {
      pick = k;
      break;
    }
  }
  const id = ids[pick];
  return { id, logprob: logits[id] - logZ, entropy };
}
