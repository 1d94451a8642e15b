import { expectTypeOf } from "vitest";
import { defineTask, type TaskInput, type TaskOutput } from "./define-task.js";

const vqa = defineTask("[IMAGE:img] [TEXT:question] -> [TEXT:answer]");
expectTypeOf<TaskOutput<typeof vqa>>().toEqualTypeOf<{ answer: string }>();
expectTypeOf<TaskInput<typeof vqa>["question"]>().toEqualTypeOf<string>();

const cls = defineTask("[IMAGE:img] is it safe? -> [CATEGORY:label,choices=yes|no|maybe]");
expectTypeOf<TaskOutput<typeof cls>["label"]>().toEqualTypeOf<"yes" | "no" | "maybe">();

const spec = defineTask({ instruction: "[TEXT:src] -> [TEXT:tgt]", name: "copy" });
expectTypeOf<TaskInput<typeof spec>>().toEqualTypeOf<{ src: string }>();
