// text token counting: a real tokenizer from tokenizer.json (no transformers.js), or a labelled estimate.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { OmnispecError } from "../../errors.js";

/** Counts the tokens of a piece of text. `exact: false` marks an estimate. */
export interface TextCounter {
  readonly exact: boolean;
  /** where the counts come from: a tokenizer file, or "estimate (4 chars/token)" */
  readonly source: string;
  count(text: string): number;
  /** token ids, when a real tokenizer is loaded */
  encode?(text: string): number[];
  /** id of a special token such as "<|image_pad|>", when the vocabulary has it */
  tokenId?(token: string): number | undefined;
}

const WORD = /[\p{L}\p{M}]+|\p{N}|[^\s\p{L}\p{M}\p{N}]/gu;

/**
 * A counter that estimates: each word costs ceil(length / charsPerToken) tokens, each digit and symbol one.
 *
 * @example
 * import { estimateCounter } from "omnispec/text";
 * estimateCounter(4).count("what does the image describe?"); // 6
 */
export function estimateCounter(charsPerToken = 4): TextCounter {
  return {
    exact: false,
    source: `estimate (${charsPerToken} chars/token)`,
    count(text: string): number {
      let n = 0;
      WORD.lastIndex = 0;
      for (let m = WORD.exec(text); m !== null; m = WORD.exec(text)) n += Math.max(1, Math.ceil(m[0].length / charsPerToken));
      return n;
    },
  };
}

const loaded = new Map<string, TextCounter>();

/**
 * Loads a tokenizer from a `tokenizer.json` file or a model folder that has one, without loading any model.
 * Counts exclude special tokens the tokenizer would add around a whole sequence (the plan adds those itself).
 *
 * @example
 * import { loadTokenizer } from "omnispec/text";
 * const tok = loadTokenizer("./models/tiny-qwen2-vl");
 * tok.count("what does the image describe?");
 */
export function loadTokenizer(path: string): TextCounter {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, "tokenizer.json") : path;
  const hit = loaded.get(file);
  if (hit) return hit;
  if (!existsSync(file)) {
    throw new OmnispecError("model/not-found", "no tokenizer.json there", {
      file,
      hint: "pass a tokenizer.json file or a model folder that contains one",
    });
  }
  const configFile = join(file, "..", "tokenizer_config.json");
  let json: object;
  let config: object = {};
  try {
    json = JSON.parse(readFileSync(file, "utf8")) as object;
    if (existsSync(configFile)) config = JSON.parse(readFileSync(configFile, "utf8")) as object;
  } catch (e) {
    throw new OmnispecError("model/mismatch", "tokenizer file is not valid JSON", { file, cause: e });
  }
  const tok = new Tokenizer(json, config);
  const cache = new Map<string, number>();
  const counter: TextCounter = {
    exact: true,
    source: file,
    count(text: string): number {
      const c = cache.get(text);
      if (c !== undefined) return c;
      const n = tok.encode(text, { add_special_tokens: false }).ids.length;
      if (cache.size > 50_000) cache.clear();
      cache.set(text, n);
      return n;
    },
    encode: (text: string) => tok.encode(text, { add_special_tokens: false }).ids,
    tokenId: (token: string) => tok.token_to_id(token),
  };
  loaded.set(file, counter);
  return counter;
}
