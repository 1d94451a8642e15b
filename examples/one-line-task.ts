// npx tsx examples/one-line-task.ts
// A new task in one line: the instruction is the whole definition. omnispec infers typed slots from it (checked by the
// TypeScript compiler as you type), validates samples at run time, explains what is wrong with a line it cannot read,
// and describes both sides as JSON Schema for other tools.
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { compile, defineTask, OmnispecError, type TaskInput, type TaskOutput } from "../src/index.js";
import { exampleMedia, outDir } from "./example-media.js";

const media = await exampleMedia();

// %% [markdown]
// One line: an image and a question in, an answer out. The slot names become the keys of a sample.

// %%
const vqa = defineTask("[IMAGE:photo] [TEXT:question] Answer in one word. -> [TEXT:answer]");
console.log("inputs: ", vqa.inputs.map((s) => `${s.name}: ${s.modality}`).join(", "));
console.log("outputs:", vqa.outputs.map((s) => `${s.name}: ${s.modality}`).join(", "));

// %% [markdown]
// The types come from the string itself: `TaskInput<typeof vqa>` is `{ photo: ImageInput; question: string }`.
// A typo in a key or a number where text belongs is a compile error, before anything runs.

// %%
const sample: TaskInput<typeof vqa> = { photo: media.photos[0], question: "what is in the picture?" };
const answer: TaskOutput<typeof vqa> = { answer: media.real ? "waterfall" : "house" };
// @ts-expect-error `questoin` is not a slot of this task
const typo: TaskInput<typeof vqa> = { photo: media.photos[0], questoin: "what?" };
void typo;
console.log("\na typed sample:", sample, answer);

// %% [markdown]
// Closed sets, optional slots, lists and repeated groups are part of the line too, and of the types.

// %%
const triage = defineTask("[IMAGE:scans[]] [TEXT:notes?] how urgent is it? -> [CATEGORY:urgency,choices=low|medium|high]");
const detect = defineTask("[IMAGE:img] find the objects -> ( [BOX:box] is a [TEXT:label] )*:objects");
const urgency: TaskOutput<typeof triage>["urgency"] = "high"; // only "low" | "medium" | "high" compile
const found: TaskOutput<typeof detect> = { objects: [{ box: [10, 20, 200, 240], label: "house" }] };
console.log("\ntriage slots:", triage.inputs.map((s) => `${s.name}${s.list ? "[]" : ""}${s.optional ? "?" : ""}`).join(", "), "->", urgency);
console.log("detect output:", JSON.stringify(found));

// %% [markdown]
// At run time the same rules are zod schemas: data from files, the network or a model is checked slot by slot.

// %%
const checked = triage.outputSchema.safeParse({ urgency: "critical" });
console.log("\n{ urgency: 'critical' } ->", checked.success ? "valid" : checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));

// %% [markdown]
// Where OFASys silently turned a malformed slot into plain text, omnispec names the problem, points at it, and hints.

// %%
for (const bad of ["[IMGAE:photo] what is it? -> [TEXT:answer]", "[IMAGE:photo] [TEXT:q,max_lenght=5] -> [TEXT:a]", "[IMAGE:photo] what is it? [TEXT:answer]"]) {
  try {
    defineTask(bad);
  } catch (e) {
    if (!(e instanceof OmnispecError)) throw e;
    console.log(`\n${e.code}: ${e.message}`);
  }
}

// %% [markdown]
// Both sides as JSON Schema (draft 2020-12): for a labelling tool, an API contract, or structured output.

// %%
const schema = triage.jsonSchema();
const schemaFile = join(outDir, "one-line-task.schema.json");
writeFileSync(schemaFile, JSON.stringify(schema, null, 2) + "\n");
console.log("\noutput schema:", JSON.stringify(schema.output));

// %% [markdown]
// And what a model would see for the sample: the plan, drawn (image resized to the patch grid, 2x2 merges marked).

// %%
const plan = await compile(vqa, sample, { preset: "qwen2-vl" });
console.log(`\n${plan.explain()}`);
const picture = join(outDir, "one-line-task.png");
await plan.render({ out: picture });
console.log(`\nwrote ${relative(process.cwd(), picture)} and ${relative(process.cwd(), schemaFile)}`);
