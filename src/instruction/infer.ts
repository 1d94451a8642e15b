// the type-level parser: Infer<"[IMAGE:img] [TEXT:q] -> [TEXT:a]"> = { input: { img: ImageInput; q: string }; output: { a: string } }.
// it reads the same token table as the run-time parser. what it cannot follow degrades to Record<string, unknown>;
// the run-time parser is the strict layer.
import type { AudioInput, ImageInput, VideoInput } from "../modalities/media-value.js";
import type { TOKENS } from "./tokens.js";

type T = typeof TOKENS;
type Open = T["open"];
type Close = T["close"];
type NameSep = T["name"];
type AttrSep = T["attr"];
type Opt = T["optional"];
type ListMark = T["list"];
type GroupOpen = T["groupOpen"];
type GroupClose = T["groupClose"];
type Alt = T["alt"];

export type Box = [number, number, number, number];
export type TableRows = (string | number | boolean | null)[][];

/**
 * The TypeScript type of each modality's values. Augment it to give a new modality its types:
 * `declare module "omnispec" { interface ModalityTypes { POINT: { input: [number, number]; output: [number, number] } } }`
 */
export interface ModalityTypes {
  TEXT: { input: string; output: string };
  IMAGE: { input: ImageInput; output: ImageInput };
  AUDIO: { input: AudioInput; output: AudioInput };
  VIDEO: { input: VideoInput; output: VideoInput };
  BOX: { input: Box | string; output: Box };
  STRUCT: { input: string | TableRows; output: string | TableRows };
  CATEGORY: { input: string; output: string };
  MOTION: { input: string | Uint8Array | number[][]; output: string | Uint8Array | number[][] };
  PHONE: { input: string | string[]; output: string | string[] };
}

type Loose = { input: Record<string, unknown>; output: Record<string, unknown> };

type WS = " " | "\n" | "\t" | "\r";
type TrimLeft<S extends string> = S extends `${WS}${infer R}` ? TrimLeft<R> : S;
type TrimRight<S extends string> = S extends `${infer R}${WS}` ? TrimRight<R> : S;
type Trim<S extends string> = TrimLeft<TrimRight<S>>;

type NameChar =
  | "_" | "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9"
  | "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h" | "i" | "j" | "k" | "l" | "m" | "n" | "o" | "p" | "q" | "r" | "s" | "t" | "u" | "v" | "w" | "x" | "y" | "z"
  | "A" | "B" | "C" | "D" | "E" | "F" | "G" | "H" | "I" | "J" | "K" | "L" | "M" | "N" | "O" | "P" | "Q" | "R" | "S" | "U" | "T" | "V" | "W" | "X" | "Y" | "Z";
type ReadName<S extends string, Acc extends string = ""> = S extends `${infer C}${infer R}` ? (C extends NameChar ? ReadName<R, `${Acc}${C}`> : Acc) : Acc;

type Split<S extends string, D extends string> = S extends `${infer A}${D}${infer B}` ? [A, ...Split<B, D>] : [S];

/** one slot as the type level sees it */
interface SlotT {
  name: string;
  modality: string;
  attrs: string;
  optional: boolean;
  list: boolean;
  /** a repetition group: its fields */
  fields?: SlotT[];
}

/** a position counter (OFASys: every slot and every non-empty text run takes one) */
type Count = unknown[];
type Tick<P extends Count, Text extends string> = Trim<Text> extends "" ? P : [...P, 0];

/** the body of a slot opened just before R, and what follows its "]"; `name[]` keeps its brackets */
type ReadSlot<R extends string> = R extends `${infer A}${Close}${infer After}`
  ? A extends `${infer H}${Open}`
    ? After extends `${infer B}${Close}${infer After2}`
      ? [`${H}${ListMark}${B}`, After2]
      : never
    : [A, After]
  : never;

type SplitHead<B extends string> = B extends `${infer H}${AttrSep}${infer A}` ? [H, A] : [B, ""];

type MakeSlot<Body extends string, P extends Count> = SplitHead<Body> extends [infer H extends string, infer A extends string]
  ? H extends `${infer M}${NameSep}${infer N}`
    ? N extends `${infer N2}${Opt}`
      ? { name: N2; modality: M; attrs: A; optional: true; list: false }
      : N extends `${infer N2}${ListMark}`
        ? { name: N2; modality: M; attrs: A; optional: false; list: true }
        : { name: N; modality: M; attrs: A; optional: false; list: false }
    : { name: `${P["length"]}`; modality: H; attrs: A; optional: false; list: false }
  : never;

/** the last "(" of a text run with no ")" after it: where a group may open */
type GroupHead<Pre extends string> = Pre extends `${infer P0}${GroupOpen}${infer P1}`
  ? P1 extends `${string}${GroupOpen}${string}`
    ? GroupHead<P1> extends [infer Q0 extends string, infer Q1 extends string]
      ? [`${P0}${GroupOpen}${Q0}`, Q1]
      : never
    : P1 extends `${string})${string}`
      ? never
      : [P0, P1]
  : never;

/** the slots of one side, in order, and the position counter after it */
type ParseSide<S extends string, P extends Count, Acc extends SlotT[]> = S extends `${infer Pre}${Open}${infer Rest}`
  ? GroupHead<Pre> extends [infer Before extends string, infer Inside extends string]
    ? `${Inside}${Open}${Rest}` extends `${infer G}${GroupClose}${infer After}`
      ? G extends `${string})${string}`
        ? ParseSlot<Pre, Rest, P, Acc>
        : ParseSide<GroupRest<After>, [...Tick<P, Before>, 0], [...Acc, MakeGroup<G, After, Tick<P, Before>>]>
      : ParseSlot<Pre, Rest, P, Acc>
    : ParseSlot<Pre, Rest, P, Acc>
  : [Acc, Tick<P, S>];

type ParseSlot<Pre extends string, Rest extends string, P extends Count, Acc extends SlotT[]> = Rest extends `${Open}${infer Inner}${Close}${Close}${infer After}`
  ? ParseChoice<Split<Inner, `${Close}${Alt}${Open}`>, Tick<P, Pre>, Acc> extends [infer A2 extends SlotT[], infer P2 extends Count]
    ? ParseSide<After, P2, A2>
    : never
  : ReadSlot<Rest> extends [infer Body extends string, infer After extends string]
    ? ParseSide<After, [...Tick<P, Pre>, 0], [...Acc, MakeSlot<Body, Tick<P, Pre>>]>
    : [Acc, P];

type ParseChoice<Bodies extends string[], P extends Count, Acc extends SlotT[]> = Bodies extends [infer B extends string, ...infer Rest extends string[]]
  ? ParseChoice<Rest, [...P, 0], [...Acc, AsOptional<MakeSlot<B, P>>]>
  : [Acc, P];

type AsOptional<S extends SlotT> = { name: S["name"]; modality: S["modality"]; attrs: S["attrs"]; optional: true; list: S["list"] };

type GroupName<After extends string> = After extends `${NameSep}${infer R}` ? (ReadName<R> extends "" ? undefined : ReadName<R>) : undefined;
type GroupRest<After extends string> = GroupName<After> extends string
  ? After extends `${NameSep}${GroupName<After>}${infer R}`
    ? R
    : After
  : After;

type MakeGroup<G extends string, After extends string, P extends Count> = {
  name: GroupName<After> extends string ? GroupName<After> : `${P["length"]}`;
  modality: "REPEAT";
  attrs: "";
  optional: false;
  list: true;
  fields: ParseSide<G, [], []>[0];
};

type HasAttr<A extends string, K extends string> = A extends K | `${K}${AttrSep}${string}` | `${string}${AttrSep}${K}` | `${string}${AttrSep}${K}${AttrSep}${string}` | `${K}=${string}` | `${string}${AttrSep}${K}=${string}` ? true : false;
type Choices<A extends string> = A extends `${string}choices=${infer C}` ? Split<C extends `${infer V}${AttrSep}${string}` ? V : C, Alt>[number] : never;

type Value<S extends SlotT, IO extends "input" | "output"> = S["fields"] extends SlotT[]
  ? ObjectOf<S["fields"], IO>[]
  : ([Choices<S["attrs"]>] extends [never]
        ? S["modality"] extends keyof ModalityTypes
          ? ModalityTypes[S["modality"]][IO]
          : unknown
        : Choices<S["attrs"]>) extends infer V
    ? S["list"] extends true
      ? V[]
      : V
    : never;

type Simplify<O> = { [K in keyof O]: O[K] } & {};

type ObjectOf<L extends SlotT[], IO extends "input" | "output"> = Simplify<
  { [S in L[number] as S["optional"] extends true ? never : S["name"]]: Value<S, IO> } & {
    [S in L[number] as S["optional"] extends true ? S["name"] : never]?: Value<S, IO>;
  }
>;

type Inputs<Src extends SlotT[], Tgt extends SlotT[]> = [...Src, ...Extract<Tgt[number], { attrs: `${string}no_loss${string}` }>[]] extends infer L extends SlotT[]
  ? L
  : never;
type Outputs<Src extends SlotT[], Tgt extends SlotT[]> = Exclude<
  Tgt[number],
  { name: Src[number]["name"] } | (Tgt[number] extends infer S extends SlotT ? (HasAttr<S["attrs"], "no_loss"> extends true ? S : never) : never)
>[];

type Build<Src extends string, Tgt extends string> = ParseSide<Src, [], []> extends [infer SA extends SlotT[], infer P extends Count]
  ? ParseSide<Tgt, P, []> extends [infer TA extends SlotT[], Count]
    ? { input: ObjectOf<Inputs<SA, TA>, "input">; output: ObjectOf<Outputs<SA, TA>, "output"> }
    : Loose
  : Loose;

/**
 * The input and output types of an instruction, inferred from its text.
 *
 * @example
 * import type { Infer } from "omnispec";
 * type VQA = Infer<"[IMAGE:img] [TEXT:question] -> [TEXT:answer]">;
 * // { input: { img: ImageInput; question: string }; output: { answer: string } }
 */
export type Infer<I extends string> = string extends I
  ? Loose
  : I extends `${infer Src}->${infer Tgt}`
    ? Tgt extends `${string}->${string}`
      ? Loose
      : Build<Src, Tgt>
    : Loose;
