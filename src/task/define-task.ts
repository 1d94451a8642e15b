// the task API: one instruction line becomes a typed task with zod schemas for its inputs and outputs.
import { z } from "zod";
import type { ChoiceNode, ParsedInstruction, RepeatNode, Segment, SlotNode } from "../instruction/ast.js";
import { parseInstruction } from "../instruction/index.js";
import type { Infer } from "../instruction/index.js";
import { getModality } from "../modalities/builtin.js";

/** A slot as the task sees it: the key of a sample value. */
export interface TaskSlot {
  name: string;
  modality: string;
  optional: boolean;
  list: boolean;
  /** a repetition group: the value is a list of objects keyed by `fields` */
  fields?: readonly TaskSlot[];
  /** one of several alternatives (`[[IMAGE:a]|[VIDEO:b]]`) */
  alternative?: boolean;
  attrs: Readonly<Record<string, unknown>>;
}

/** Options of a preset task entry: `defineTask(presets.tasks.caption)`. */
export interface TaskSpec<I extends string = string> {
  instruction: I;
  name?: string;
  metric?: string;
  dataset?: string;
  description?: string;
}

export interface Task<I extends string = string> {
  readonly instruction: I;
  readonly name?: string;
  readonly metric?: string;
  readonly parsed: ParsedInstruction;
  /** keys a sample must (or may) provide to run the task */
  readonly inputs: readonly TaskSlot[];
  /** keys the model produces */
  readonly outputs: readonly TaskSlot[];
  /** zod schema of a sample's inputs (parse results are `TaskInput<typeof task>`) */
  readonly inputSchema: z.ZodType;
  /** zod schema of the outputs (`TaskOutput<typeof task>`) */
  readonly outputSchema: z.ZodType;
  /** JSON Schema (draft 2020-12) of the inputs and outputs */
  jsonSchema(): { input: Record<string, unknown>; output: Record<string, unknown> };
}

/** The inferred input type of a task: `TaskInput<typeof task>`. */
export type TaskInput<T> = T extends Task<infer I> ? Infer<I>["input"] : never;
/** The inferred output type of a task: `TaskOutput<typeof task>`. */
export type TaskOutput<T> = T extends Task<infer I> ? Infer<I>["output"] : never;

/**
 * Defines a task from one instruction line; slot types are inferred by the compiler and checked at run time by zod.
 *
 * @example
 * import { defineTask, type TaskInput } from "omnispec";
 * const vqa = defineTask("[IMAGE:img] [TEXT:question] -> [TEXT:answer]");
 * const sample: TaskInput<typeof vqa> = { img: "photo.jpg", question: "what is it?" };
 */
export function defineTask<const I extends string>(instruction: I | TaskSpec<I>, options: { name?: string } = {}): Task<I> {
  const spec: TaskSpec<I> = typeof instruction === "string" ? { instruction } : instruction;
  const parsed = parseInstruction(spec.instruction);
  const { inputs, outputs } = splitSlots(parsed);
  const inputSchema = objectSchema(inputs, "input");
  const outputSchema = objectSchema(outputs, "output");
  return {
    instruction: spec.instruction,
    name: options.name ?? spec.name,
    metric: spec.metric,
    parsed,
    inputs,
    outputs,
    inputSchema,
    outputSchema,
    jsonSchema: () => ({
      input: z.toJSONSchema(inputSchema, { unrepresentable: "any", io: "input" }) as Record<string, unknown>,
      output: z.toJSONSchema(outputSchema, { unrepresentable: "any", io: "output" }) as Record<string, unknown>,
    }),
  };
}

function slotOf(node: SlotNode): TaskSlot {
  return { name: node.name, modality: node.modality, optional: node.optional, list: node.list, attrs: node.attrs };
}

function repeatOf(node: RepeatNode): TaskSlot {
  const fields = node.segments.filter((s): s is SlotNode => s.kind === "slot").map(slotOf);
  return { name: node.name, modality: "REPEAT", optional: false, list: true, fields, attrs: {} };
}

function choiceOf(node: ChoiceNode): TaskSlot[] {
  return node.options.map((o) => ({ ...slotOf(o), optional: true, alternative: true }));
}

function slotsOf(segments: readonly Segment[]): TaskSlot[] {
  const out: TaskSlot[] = [];
  for (const s of segments) {
    if (s.kind === "slot") out.push(slotOf(s));
    else if (s.kind === "repeat") out.push(repeatOf(s));
    else if (s.kind === "choice") out.push(...choiceOf(s));
  }
  return out;
}

/**
 * Inputs are the source slots plus target slots marked `no_loss` (a forced prefix the sample supplies);
 * outputs are the other target slots. A name used on both sides is an input.
 */
export function splitSlots(parsed: ParsedInstruction): { inputs: TaskSlot[]; outputs: TaskSlot[] } {
  const inputs = new Map<string, TaskSlot>();
  for (const s of slotsOf(parsed.source)) if (!inputs.has(s.name)) inputs.set(s.name, s);
  const outputs = new Map<string, TaskSlot>();
  for (const s of slotsOf(parsed.target)) {
    if (inputs.has(s.name) || outputs.has(s.name)) continue;
    if (s.attrs.no_loss === true) inputs.set(s.name, s);
    else outputs.set(s.name, s);
  }
  return { inputs: [...inputs.values()], outputs: [...outputs.values()] };
}

/** The zod schema of one slot's value (lists and repetition groups included). */
export function slotSchema(slot: TaskSlot, io: "input" | "output"): z.ZodType {
  let base: z.ZodType;
  if (slot.fields) {
    base = z.array(z.object(Object.fromEntries(slot.fields.map((f) => [f.name, fieldSchema(f, io)]))));
    return base;
  }
  base = fieldSchema(slot, io);
  return base;
}

function fieldSchema(slot: TaskSlot, io: "input" | "output"): z.ZodType {
  const m = getModality(slot.modality);
  let base: z.ZodType = io === "input" ? m.input : m.output;
  const choices = slot.attrs.choices;
  if (Array.isArray(choices) && choices.length > 0) base = z.enum(choices as [string, ...string[]]);
  if (slot.list) base = z.array(base);
  if (slot.optional) base = base.optional();
  return base;
}

function objectSchema(slots: readonly TaskSlot[], io: "input" | "output"): z.ZodType {
  return z.object(Object.fromEntries(slots.map((s) => [s.name, s.alternative ? slotSchema(s, io).optional() : slotSchema(s, io)])));
}
