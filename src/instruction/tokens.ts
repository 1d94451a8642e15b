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
  /** after a name: optional slot */
  optional: "?",
  /** after a name: list slot */
  list: "[]",
  /** a repeated group: `( [BOX] [TEXT])*` */
  groupOpen: "(",
  groupClose: ")*",
  /** alternatives: `[[IMAGE:a]|[VIDEO:b]]`; also separates `choices=` values */
  alt: "|",
  /** OFASys v0.1.0 markers, dropped with a warning */
  bos: "<BOS>",
  eos: "<EOS>",
} as const;

export type Tokens = typeof TOKENS;

/** Characters a slot name, attribute key, or group name may use (OFASys: `[_A-Za-z0-9]+`). */
export const NAME_CHAR = /[A-Za-z0-9_]/;

/** Instructions longer than this are refused before parsing. */
export const MAX_INSTRUCTION_LENGTH = 65_536;
