// the one token table of the instruction language: the run-time parser reads these values, the type-level parser their types.

export const TOKENS = {
  /** opens a slot: `[IMAGE:img]` */
  open: "[",
  close: "]",
  /** separates source from target; exactly one per instruction */
  arrow: "->",
  /** between modality and name */
  name: ":",
  /** between name and attributes, and between attributes */
  attr: ",",
  /** between an attribute key and its value */
  assign: "=",
  /** after a name (or after `[]`): optional slot */
  optional: "?",
  /** after a name: list slot */
  list: "[]",
  /** a repeated group: `( [BOX] [TEXT])*`, optionally named `( [BOX] [TEXT])*:objects` */
  groupOpen: "(",
  groupClose: ")*",
  /** alternatives: `[[IMAGE:a]|[VIDEO:b]]`; also separates `choices=` values */
  alt: "|",
  /** OFASys v0.1.0 markers, dropped with a warning */
  bos: "<BOS>",
  eos: "<EOS>",
} as const;

export type Tokens = typeof TOKENS;

/** Characters a modality, slot name, attribute key, or group name is made of (OFASys: `[_A-Za-z0-9]+`). */
export const NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_" as const;

/** `NAME_CHARS` as a one-character regex. */
export const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Characters stripped from both ends of a text run: Python's `str.strip()` set, since OFASys strips with it
 * (JavaScript's `trim()` differs: it keeps U+001C–U+001F and U+0085, and strips U+FEFF).
 */
export const SPACES =
  "\t\n\v\f\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000" as const;

/** Instructions longer than this (in UTF-16 code units) are refused before parsing. */
export const MAX_INSTRUCTION_LENGTH = 65_536;

/** A slot takes at most this many attributes (far above any modality's count; keeps the duplicate check constant). */
export const MAX_SLOT_ATTRIBUTES = 64;

/** The parse cache keeps at most this many instructions (oldest dropped first). */
export const PARSE_CACHE_SIZE = 1024;
