// the type-level parser, checked by tsc (part of npm test): a wrong expectation fails the type check.
import { expectTypeOf } from "vitest";
import type { AudioInput, ImageInput, VideoInput } from "../modalities/media-value.js";
import type { AGREEMENT_CASES } from "./agreement-cases.js";
import type { Box, Infer } from "./infer.js";

type VQA = Infer<"[IMAGE:img] [TEXT:question] -> [TEXT:answer]">;
expectTypeOf<VQA>().toEqualTypeOf<{ input: { img: ImageInput; question: string }; output: { answer: string } }>();

// text around slots, attributes, other modalities
type Caption = Infer<"[IMAGE:img,max_pixels=1003520] what does the image describe? -> [TEXT:cap,max_length=30]">;
expectTypeOf<Caption["input"]>().toEqualTypeOf<{ img: ImageInput }>();
expectTypeOf<Infer<"[VIDEO:clip,audio=true] [AUDIO:wav] -> [TEXT:t]">["input"]>().toEqualTypeOf<{ clip: VideoInput; wav: AudioInput }>();

// CATEGORY choices infer a literal union
type Cls = Infer<"[IMAGE:img] is it safe? -> [CATEGORY:label,choices=yes|no|maybe]">;
expectTypeOf<Cls["output"]>().toEqualTypeOf<{ label: "yes" | "no" | "maybe" }>();

// BOX is a 4-tuple; [] an array; ? an optional key
type Ground = Infer<"[IMAGE:pics[]] [TEXT:hint?] -> [BOX:boxes[]]">;
expectTypeOf<Ground["input"]>().toEqualTypeOf<{ pics: ImageInput[]; hint?: string }>();
expectTypeOf<Ground["output"]>().toEqualTypeOf<{ boxes: Box[] }>();

// no_loss target slots are inputs (a forced prefix the sample supplies); a name on both sides is an input
type Snli = Infer<'[IMAGE:img] can image and text1 " [TEXT:cap] " imply text2 " [TEXT:hyp] "? -> can image and text1 " [TEXT:cap,no_loss] " imply text2 " [TEXT:hyp,no_loss] "? [TEXT:label,closed_set]'>;
expectTypeOf<Snli["output"]>().toEqualTypeOf<{ label: string }>();
expectTypeOf<keyof Snli["input"]>().toEqualTypeOf<"img" | "cap" | "hyp">();

// unnamed slots: OFASys positional names (text runs count)
type Itm = Infer<'[IMAGE] does the text " [TEXT] " describe the image ? -> [TEXT]'>;
expectTypeOf<Itm["input"]>().toEqualTypeOf<{ "0": ImageInput; "2": string }>();
expectTypeOf<Itm["output"]>().toEqualTypeOf<{ "4": string }>();

// repetition: a list of objects keyed by the inner slots
type Det = Infer<"[IMAGE:img] find the objects -> ( [BOX:box] [TEXT:label])*:objects">;
expectTypeOf<Det["output"]>().toEqualTypeOf<{ objects: { box: Box; label: string }[] }>();
type DetOfa = Infer<"[IMAGE:img] what are the objects in the image? -> ( [BOX] [TEXT])*">;
expectTypeOf<DetOfa["output"]>().toEqualTypeOf<{ "2": { "0": Box; "1": string }[] }>();

// alternatives: each option optional
type Alt = Infer<"[[IMAGE:pic]|[VIDEO:clip]] what is shown? -> [TEXT:a]">;
expectTypeOf<Alt["input"]>().toEqualTypeOf<{ pic?: ImageInput; clip?: VideoInput }>();

// malformed or non-literal strings degrade to a type that still compiles
expectTypeOf<Infer<string>["input"]>().toEqualTypeOf<Record<string, unknown>>();
expectTypeOf<Infer<"no arrow here">["output"]>().toEqualTypeOf<Record<string, unknown>>();
expectTypeOf<Infer<"[TEXT:a] -> [TEXT:b] -> [TEXT:c]">["input"]>().toEqualTypeOf<Record<string, unknown>>();

// a long instruction stays within the compiler's recursion limits
type Long = Infer<"[TEXT:a0] x [TEXT:a1] x [TEXT:a2] x [TEXT:a3] x [TEXT:a4] x [TEXT:a5] x [TEXT:a6] x [TEXT:a7] x [TEXT:a8] x [TEXT:a9] x [TEXT:b0] x [TEXT:b1] x [TEXT:b2] x [TEXT:b3] x [TEXT:b4] x [TEXT:b5] x [TEXT:b6] x [TEXT:b7] x [TEXT:b8] x [TEXT:b9] -> [TEXT:out]">;
expectTypeOf<keyof Long["input"]>().toEqualTypeOf<"a0" | "a1" | "a2" | "a3" | "a4" | "a5" | "a6" | "a7" | "a8" | "a9" | "b0" | "b1" | "b2" | "b3" | "b4" | "b5" | "b6" | "b7" | "b8" | "b9">();

// optional lists, spaced alternatives, no_loss=false
type OptList = Infer<"[IMAGE:pics[]?] [[IMAGE:a] | [VIDEO:b]] -> [TEXT:t,no_loss=false]">;
expectTypeOf<OptList["input"]>().toEqualTypeOf<{ pics?: ImageInput[]; a?: ImageInput; b?: VideoInput }>();
expectTypeOf<OptList["output"]>().toEqualTypeOf<{ t: string }>();

// a new modality is one entry in ModalityTypes (declaration merging); unknown modalities degrade to unknown
declare module "./infer.js" {
  interface ModalityTypes {
    POINT: { input: [number, number]; output: [number, number] };
  }
}
expectTypeOf<Infer<"[IMAGE:img] where? -> [POINT:p]">["output"]>().toEqualTypeOf<{ p: [number, number] }>();
expectTypeOf<Infer<"[NOPE:x] -> [TEXT:t]">["input"]>().toEqualTypeOf<{ x: unknown }>();

// a very long instruction (300 slots) still resolves
type Many<N extends number, Acc extends string = "", C extends 0[] = []> = C["length"] extends N ? Acc : Many<N, `${Acc} [TEXT:k${C["length"]}] and`, [...C, 0]>;
type Huge = Infer<`${Many<300>} -> [TEXT:out]`>;
expectTypeOf<Huge["input"]["k299"]>().toEqualTypeOf<string>();
expectTypeOf<keyof Huge["output"]>().toEqualTypeOf<"out">();

// the shared table: the type level names every key exactly as the run-time parser does (parse.test.ts checks the other side)
type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Described<O> = { [K in keyof O & string]-?: {} extends Pick<O, K> ? `${K}?` : K }[keyof O & string];
type Disagreeing = {
  [K in keyof typeof AGREEMENT_CASES & `${number}`]: (typeof AGREEMENT_CASES)[K] extends { instruction: infer I extends string; input: readonly (infer In)[]; output: readonly (infer Out)[] }
    ? Equal<Described<Infer<I>["input"]>, In> extends true
      ? Equal<Described<Infer<I>["output"]>, Out> extends true
        ? never
        : I
      : I
    : K;
}[keyof typeof AGREEMENT_CASES & `${number}`];
// a disagreement fails tsc naming the instruction: Type '"…"' does not satisfy the constraint 'never'
type AssertNone<D extends never> = D;
expectTypeOf<AssertNone<Disagreeing>>().toEqualTypeOf<never>();
