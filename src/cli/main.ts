#!/usr/bin/env node
// the omnispec command line.
import { Command, CommanderError } from "commander";
import { OmnispecError } from "../errors.js";
import { registerCodegen } from "./commands/codegen.js";
import { registerParse } from "./commands/parse.js";
import { registerPlan } from "./commands/plan.js";
import { registerPresets } from "./commands/presets.js";
import { registerStats } from "./commands/stats.js";
import { registerPack } from "./commands/pack.js";
import { registerRun } from "./commands/run.js";
import { registerModels } from "./commands/models.js";

const program = new Command();
program
  .name("omnispec")
  .description("Define multimodal tasks in one line, and see exactly what a model will see before spending GPU hours.")
  .version("0.1.0")
  .showHelpAfterError()
  .exitOverride()
  .addHelpText(
    "after",
    `
An instruction is one line, "source -> target", mixing text with slots [MODALITY:name,attr=value,flag]:
  [IMAGE:img] what does the image describe? -> [TEXT:caption]

Examples:
  $ omnispec parse "[IMAGE:img] [TEXT:question] -> [TEXT:answer]"
  $ omnispec plan caption --preset qwen2-vl --input img=photo.jpg
  $ omnispec presets`,
  );

registerParse(program);
registerPlan(program);
registerPresets(program);
registerCodegen(program);
registerStats(program);
registerPack(program);
registerRun(program);
registerModels(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (e instanceof OmnispecError) {
    process.stderr.write(`omnispec: ${e.code}: ${e.message}\n`);
    process.exit(e.code.startsWith("parse/") || e.code.startsWith("input/") || e.code === "preset/unknown" ? 2 : 1);
  }
  throw e;
}
