// text normalisers shared by the metrics: the OFASys attributes and a coco-caption style word split.

export interface TextNormalization {
  /** lower-case before comparing (the OFASys `uncased` attribute) */
  uncased?: boolean;
  /** drop punctuation and symbols before comparing (the OFASys `no_punctuation` attribute) */
  noPunctuation?: boolean;
}

const PUNCTUATION = /[\p{P}\p{S}]/gu;

/**
 * Trims, collapses runs of whitespace to one space, and applies `uncased` / `noPunctuation`.
 *
 * @example
 * import { normalizeText } from "omnispec/metrics";
 * normalizeText("  A red  Car! ", { uncased: true, noPunctuation: true }); // "a red car"
 */
export function normalizeText(text: string, options: TextNormalization = {}): string {
  let out = String(text);
  if (options.uncased) out = out.toLowerCase();
  if (options.noPunctuation) out = out.replace(PUNCTUATION, " ");
  return out.trim().split(/\s+/).filter(Boolean).join(" ");
}

const COCO_CLITIC = /(n't|'s|'re|'ve|'ll|'d|'m)\b/g;

/**
 * Splits a caption into words the way coco-caption's PTBTokenizer leaves them for BLEU/ROUGE-L/CIDEr-D: lower-cased,
 * clitics split off (`don't` -> `do n't`), punctuation tokens dropped. An approximation of the Stanford tokenizer that
 * agrees with it on plain English captions.
 *
 * @example
 * import { cocoTokenize } from "omnispec/metrics";
 * cocoTokenize("A man's dog, running."); // ["a", "man", "'s", "dog", "running"]
 */
export function cocoTokenize(text: string): string[] {
  const spaced = String(text)
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(COCO_CLITIC, " $1")
    .replace(/(^|\s)'(?!(s|re|ve|ll|d|m)\b)/g, "$1 ")
    .replace(/[^\p{L}\p{N}\s']+/gu, " ");
  return spaced.split(/\s+/).filter((w) => w !== "" && w !== "'");
}

/** Word tokens of a text: coco-caption style (`"coco"`) or a plain whitespace split of text that is already tokenised (`"none"`). */
export function words(text: string, tokenize: "coco" | "none"): string[] {
  return tokenize === "coco" ? cocoTokenize(text) : String(text).trim().split(/\s+/).filter(Boolean);
}
