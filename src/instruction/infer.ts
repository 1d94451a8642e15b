// the type-level parser: Infer<"[IMAGE:img] [TEXT:q] -> [TEXT:a]"> = { input: { img: ImageInput; q: string }; output: { a: string } }.
// it reads the same token table as the run-time parser and names slots the same way (positions count text runs).
// what it cannot follow degrades to Record<string, unknown>; the run-time parser is the strict layer.
// recursion is tail-position throughout, so long instructions (hundreds of slots) stay within the compiler's limits.
import type { AudioInput, ImageInput, VideoInput } from "../modalities/media-value.js";
import type { NAME_CHARS, SPACES, TOKENS } from "./tokens.js";

type T = typeof TOKENS;
type Open = T["open"];
type Close = T["close"];
type Arrow = T["arrow"];
type NameSep = T["name"];
type AttrSep = T["attr"];
type Assign = T["assign"];
type Opt = T["optional"];
type ListMark = T["list"];
type GroupOpen = T["groupOpen"];
type GroupClose = T["groupClose"];
type Alt = T["alt"];

/** a string literal's characters as a union */
type Chars<S extends string, Acc = never> = S extends `${infer C}${infer R}` ? Chars<R, Acc | C> : Acc;
type NameChar = Chars<typeof NAME_CHARS>;
type Space = Chars<typeof SPACES>;

export type Box = [number, number, number, number];
export type TableRows = (string | number | boolean | null)[][];

/**
 * The TypeScript type of each modality's values. Augment it (through "omnispec" or "omnispec/instruction") to give a new
 * modality its types: `declare module "omnispec" { interface ModalityTypes { POINT: { input: [number, number]; output: [number, number] } } }`
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

type TrimLeft<S extends string> = S extends `${Space}${infer R}` ? TrimLeft<R> : S;
type TrimRight<S extends string> = S extends `${infer R}${Space}` ? TrimRight<R> : S;
type IsBlank<S extends string> = TrimLeft<S> extends "" ? true : false;
type ReadName<S extends string, Acc extends string = ""> = S extends `${infer C}${infer R}` ? (C extends NameChar ? ReadName<R, `${Acc}${C}`> : Acc) : Acc;
type Split<S extends string, D extends string, Acc extends string[] = []> = S extends `${infer A}${D}${infer B}` ? Split<B, D, [...Acc, A]> : [...Acc, S];

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
type Count = 0[];
type Tick<P extends Count, Text extends string> = IsBlank<Text> extends true ? P : [...P, 0];

/** the body of a slot opened just before R, and what follows its "]"; a `name[]` marker keeps its brackets */
type ReadSlot<R extends string> = R extends `${infer A}${Close}${infer After}`
  ? A extends `${infer H}${Open}`
    ? After extends `${infer B}${Close}${infer After2}`
      ? [`${H}${ListMark}${B}`, After2]
      : never
    : [A, After]
  : never;

type SplitHead<B extends string> = B extends `${infer H}${AttrSep}${infer A}` ? [H, A] : [B, ""];

type Named<N extends string, M extends string, A extends string> = N extends `${infer N2}${ListMark}${Opt}`
  ? { name: N2; modality: M; attrs: A; optional: true; list: true }
  : N extends `${infer N2}${Opt}`
    ? { name: N2; modality: M; attrs: A; optional: true; list: false }
    : N extends `${infer N2}${ListMark}`
      ? { name: N2; modality: M; attrs: A; optional: false; list: true }
      : { name: N; modality: M; attrs: A; optional: false; list: false };

type MakeSlot<Body extends string, P extends Count> = SplitHead<Body> extends [infer H extends string, infer A extends string]
  ? H extends `${infer M}${NameSep}${infer N}`
    ? Named<N, M, A>
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

type ParseSlot<Pre extends string, Rest extends string, P extends Count, Acc extends SlotT[]> = Rest extends `${Open}${infer Inner}`
  ? ParseChoice<Inner, Tick<P, Pre>, Acc>
  : ReadSlot<Rest> extends [infer Body extends string, infer After extends string]
    ? ParseSide<After, [...Tick<P, Pre>, 0], [...Acc, MakeSlot<Body, Tick<P, Pre>>]>
    : [Acc, P];

/** `[[IMAGE:a] | [VIDEO:b]]`: R is what follows the second "["; every option takes a position and is optional */
type ParseChoice<R extends string, P extends Count, Acc extends SlotT[]> = ReadSlot<R> extends [infer Body extends string, infer After extends string]
  ? TrimLeft<After> extends `${Alt}${infer More}`
    ? TrimLeft<More> extends `${Open}${infer Next}`
      ? ParseChoice<Next, [...P, 0], [...Acc, AsOptional<MakeSlot<Body, P>>]>
      : [Acc, P]
    : TrimLeft<After> extends `${Close}${infer Rest}`
      ? ParseSide<Rest, [...P, 0], [...Acc, AsOptional<MakeSlot<Body, P>>]>
      : [Acc, P]
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

/** `key` as a flag, `key=true`, or `key=...` among the attributes A */
type HasFlag<A extends string, K extends string> = `${AttrSep}${A}${AttrSep}` extends `${string}${AttrSep}${K}${AttrSep}${string}`
  ? true
  : `${AttrSep}${A}${AttrSep}` extends `${string}${AttrSep}${K}${Assign}${infer V}`
    ? V extends `false${AttrSep}${string}`
      ? false
      : true
    : false;
type Choices<A extends string> = `${AttrSep}${A}` extends `${string}${AttrSep}choices${Assign}${infer C}`
  ? Split<C extends `${infer V}${AttrSep}${string}` ? V : C, Alt>[number]
  : never;

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

/** a target slot marked no_loss is a forced prefix the sample supplies: an input */
type NoLoss<S> = S extends SlotT ? (HasFlag<S["attrs"], "no_loss"> extends true ? S : never) : never;

type Inputs<Src extends SlotT[], Tgt extends SlotT[]> = (Src[number] | NoLoss<Tgt[number]>)[];
type Outputs<Src extends SlotT[], Tgt extends SlotT[]> = Exclude<Tgt[number], { name: Src[number]["name"] } | NoLoss<Tgt[number]>>[];

type Build<Src extends string, Tgt extends string> = ParseSide<Src, [], []> extends [infer SA extends SlotT[], infer P extends Count]
  ? ParseSide<Tgt, P, []> extends [infer TA extends SlotT[], Count]
    ? { input: ObjectOf<Inputs<SA, TA>, "input">; output: ObjectOf<Outputs<SA, TA>, "output"> }
    : Loose
  : Loose;

/**
 * The input and output types of an instruction, inferred from its text.
 *
 * @example
 * import type { Infer } from "omnispec/instruction";
 * type VQA = Infer<"[IMAGE:img] [TEXT:question] -> [TEXT:answer]">;
 * // { input: { img: ImageInput; question: string }; output: { answer: string } }
 */
export type Infer<I extends string> = string extends I
  ? Loose
  : I extends `${infer Src}${Arrow}${infer Tgt}`
    ? Tgt extends `${string}${Arrow}${string}`
      ? Loose
      : Build<Src, Tgt>
    : Loose;

/** `Infer<I>["input"]` */
export type InferInput<I extends string> = Infer<I>["input"];
/** `Infer<I>["output"]` */
export type InferOutput<I extends string> = Infer<I>["output"];
