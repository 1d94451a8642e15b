// the parsed form of an instruction; the parser produces it, everything downstream reads it.

export type Side = "source" | "target";

/** An attribute value after its modality's zod schema has parsed it. */
export type AttrValue = string | number | boolean | readonly string[];

export interface SlotNode {
  kind: "slot";
  /** registry key, upper case: "TEXT", "IMAGE", ... */
  modality: string;
  /** explicit name, or the slot's global position as a string ("0", "1", ...) when unnamed */
  name: string;
  /** false when the name is positional */
  named: boolean;
  /** typed attributes, as parsed by the modality's attribute schema */
  attrs: Record<string, AttrValue>;
  /** `name?` */
  optional: boolean;
  /** `name[]` */
  list: boolean;
  side: Side;
  /** 0-based global position among slots (source first, then target) */
  position: number;
  /** 0-based [start, end) offsets in the instruction string */
  span: readonly [number, number];
}

export interface TextNode {
  kind: "text";
  text: string;
  side: Side;
  span: readonly [number, number];
}

/** `( [BOX] [TEXT])*`: the items repeat; the group is one list-typed slot whose items are objects keyed by inner slot names. */
export interface RepeatNode {
  kind: "repeat";
  name: string;
  named: boolean;
  side: Side;
  position: number;
  segments: readonly (SlotNode | TextNode)[];
  span: readonly [number, number];
}

/** `[[IMAGE:a]|[VIDEO:b]]`: exactly one of the alternatives is given. */
export interface ChoiceNode {
  kind: "choice";
  side: Side;
  options: readonly SlotNode[];
  span: readonly [number, number];
}

export type Segment = SlotNode | TextNode | RepeatNode | ChoiceNode;

export interface ParseWarning {
  code: "bos-eos" | "legacy-attribute" | "ignored-attribute";
  message: string;
  column: number;
}

export interface ParsedInstruction {
  instruction: string;
  source: readonly Segment[];
  target: readonly Segment[];
  warnings: readonly ParseWarning[];
}
