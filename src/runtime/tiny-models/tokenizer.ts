// tokenizer files for the tiny models: a GPT-2-style byte-level BPE with a small vocabulary, plus special tokens
// placed at the ids the real families use (Qwen 151643+, Whisper 50257+, CLIP 49406+), and chat templates.

/** A special (or added) token and its id. */
export interface AddedToken {
  id: number;
  content: string;
  /** special tokens are dropped by `skip_special_tokens`; Whisper timestamps and Qwen tool tokens are not special */
  special: boolean;
}

/** A byte-level BPE vocabulary: ids 0-255 are the bytes (GPT-2 order), then merged words. */
export interface BpeVocab {
  vocab: Record<string, number>;
  merges: [string, string][];
  /** number of ids in `vocab` (they are 0..size-1) */
  size: number;
  /** ids whose text is printable ASCII (space included, newline not): the only ones the tiny decoders emit */
  readable: number[];
}

// GPT-2's bytes_to_unicode: printable latin-1 bytes map to themselves, the rest to U+0100 onwards
const BYTE_ORDER: number[] = (() => {
  const order: number[] = [];
  for (let b = 33; b <= 126; b++) order.push(b);
  for (let b = 161; b <= 172; b++) order.push(b);
  for (let b = 174; b <= 255; b++) order.push(b);
  for (let b = 0; b < 256; b++) if (!order.includes(b)) order.push(b);
  return order;
})();
const BYTE_CHAR: string[] = (() => {
  const chars = new Array<string>(256);
  let extra = 0;
  BYTE_ORDER.forEach((b, i) => {
    const printable = i < 188;
    chars[b] = String.fromCharCode(printable ? b : 256 + extra++);
  });
  return chars;
})();

const WORDS = (
  "the a an of is are on in and to with this that what does it there image photo picture video frame audio sound " +
  "speech music text caption describe answer question yes no left right top bottom box red green blue white black " +
  "yellow cat dog person man woman car tree sky water house street one two three hello world good bad think"
).split(" ");

function toSymbols(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => BYTE_CHAR[b]).join("");
}

/**
 * The byte-level BPE vocabulary shared by the tiny text models: 256 byte tokens, then left-to-right merges that spell a
 * few dozen common words, each also with a leading space ("Ġthe").
 *
 * @example
 * import { bpeVocab } from "./tokenizer.js";
 * bpeVocab().vocab["Ġthe"]; // a merged token id above 255
 */
export function bpeVocab(): BpeVocab {
  const vocab: Record<string, number> = {};
  BYTE_ORDER.forEach((b, i) => (vocab[BYTE_CHAR[b]] = i));
  const merges: [string, string][] = [];
  const add = (left: string, right: string): string => {
    const merged = left + right;
    if (vocab[merged] === undefined) {
      vocab[merged] = Object.keys(vocab).length;
      merges.push([left, right]);
    }
    return merged;
  };
  for (const word of WORDS) {
    const symbols = Array.from(toSymbols(word));
    const whole = symbols.slice(1).reduce((left, s) => add(left, s), symbols[0]);
    // the spaced form merges the space last, so BPE reaches it from the finished word
    add(BYTE_CHAR[32], whole);
  }
  const readable: number[] = [];
  const byteOf = new Map(BYTE_CHAR.map((c, b) => [c, b]));
  for (const [token, id] of Object.entries(vocab)) {
    if (Array.from(token).every((c) => (byteOf.get(c) ?? 0) >= 32 && (byteOf.get(c) ?? 0) <= 126)) readable.push(id);
  }
  readable.sort((x, y) => x - y);
  return { vocab, merges, size: Object.keys(vocab).length, readable };
}

/** `added_tokens` entries for consecutive ids starting at `firstId` */
export function consecutiveTokens(firstId: number, contents: string[], special = true): AddedToken[] {
  return contents.map((content, i) => ({ id: firstId + i, content, special }));
}

/**
 * A `tokenizer.json` document for a byte-level BPE vocabulary plus added tokens.
 *
 * @example
 * import { bpeVocab, tokenizerJson, consecutiveTokens } from "./tokenizer.js";
 * const json = tokenizerJson(bpeVocab(), consecutiveTokens(50257, ["<|endoftext|>"]));
 */
export function tokenizerJson(
  bpe: BpeVocab,
  added: AddedToken[],
  options: { postProcessor?: object | null; lowercase?: boolean } = {},
): object {
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added.map((t) => ({
      id: t.id,
      content: t.content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: t.special,
    })),
    normalizer: options.lowercase ? { type: "Lowercase" } : null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: options.postProcessor ?? null,
    decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: bpe.vocab,
      merges: bpe.merges,
    },
  };
}

/** The Qwen2 family's added tokens from 151643 (`<|endoftext|>`) up to `lastId`; tool, FIM and think tokens are not special. */
export function qwenSpecialTokens(lastId: number): AddedToken[] {
  const names = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>", "<|box_start|>",
    "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>",
    "<|image_pad|>", "<|video_pad|>", "<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>",
    "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>", "<tool_response>", "</tool_response>",
    "<think>", "</think>",
  ];
  return names.slice(0, lastId - QWEN_FIRST_SPECIAL + 1).map((content, i) => ({
    id: QWEN_FIRST_SPECIAL + i,
    content,
    special: QWEN_FIRST_SPECIAL + i <= 151656,
  }));
}

/** id of `<|endoftext|>` in every Qwen2-family vocabulary */
export const QWEN_FIRST_SPECIAL = 151643;
/** `vocab_size` of the Qwen2-family checkpoints (the embedding is padded past the last token) */
export const QWEN_VOCAB_SIZE = 151936;

const VISION_PARTS =
  "{% if content['type'] == 'image' or 'image' in content or 'image_url' in content %}" +
  "{% set image_count.value = image_count.value + 1 %}" +
  "{% if add_vision_id %}Picture {{ image_count.value }}: {% endif %}" +
  "<|vision_start|><|image_pad|><|vision_end|>" +
  "{% elif content['type'] == 'video' or 'video' in content %}" +
  "{% set video_count.value = video_count.value + 1 %}" +
  "{% if add_vision_id %}Video {{ video_count.value }}: {% endif %}" +
  "<|vision_start|><|video_pad|><|vision_end|>" +
  "{% elif 'text' in content %}{{ content['text'] }}{% endif %}";

/**
 * A ChatML template with image and video parts, as the Qwen2-VL family writes prompts. `defaultSystem` adds
 * "You are a helpful assistant." when the first message is not a system message (Qwen2-VL and Qwen2.5-VL do).
 *
 * @example
 * import { qwenVisionChatTemplate } from "./tokenizer.js";
 * const template = qwenVisionChatTemplate(true);
 */
export function qwenVisionChatTemplate(defaultSystem: boolean): string {
  return (
    "{% set image_count = namespace(value=0) %}{% set video_count = namespace(value=0) %}" +
    "{% for message in messages %}" +
    (defaultSystem
      ? "{% if loop.first and message['role'] != 'system' %}<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n{% endif %}"
      : "") +
    "<|im_start|>{{ message['role'] }}\n" +
    "{% if message['content'] is string %}{{ message['content'] }}" +
    "{% else %}{% for content in message['content'] %}" +
    VISION_PARTS +
    "{% endfor %}{% endif %}<|im_end|>\n" +
    "{% endfor %}" +
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
  );
}

/**
 * A Qwen3-style ChatML template for text chat: `enable_thinking=false` pre-fills an empty think block, as Qwen3 does.
 *
 * @example
 * import { qwen3ChatTemplate } from "./tokenizer.js";
 * const template = qwen3ChatTemplate();
 */
export function qwen3ChatTemplate(): string {
  return (
    "{% for message in messages %}" +
    "<|im_start|>{{ message['role'] }}\n" +
    "{% if message['content'] is string %}{{ message['content'] }}" +
    "{% else %}{% for content in message['content'] %}" +
    "{% if 'text' in content %}{{ content['text'] }}{% endif %}" +
    "{% endfor %}{% endif %}<|im_end|>\n" +
    "{% endfor %}" +
    "{% if add_generation_prompt %}<|im_start|>assistant\n" +
    "{% if enable_thinking is defined and enable_thinking is false %}<think>\n\n</think>\n\n{% endif %}" +
    "{% endif %}"
  );
}
