import type { Command } from "commander";
import { instructionToJSON, parseInstruction } from "../../instruction/index.js";

export function registerParse(program: Command): void {
  program
    .command("parse")
    .description("parse an instruction and print its slots")
    .argument("<instruction>", 'e.g. "[IMAGE:img] what does the image describe? -> [TEXT:caption]"')
    .option("--json", 'print { "source": [...], "target": [...] }')
    .addHelpText(
      "after",
      `
Examples:
  $ omnispec parse "[IMAGE:img] [TEXT:question] -> [TEXT:answer]"
  $ omnispec parse "[IMAGE:img] is it safe? -> [CATEGORY:label,choices=yes|no]" --json

Exit code 2 and the error, with a caret under the offending text, for a bad instruction.`,
    )
    .action((instruction: string, opts: { json?: boolean }) => {
      const parsed = parseInstruction(instruction);
      for (const w of parsed.warnings) process.stderr.write(`warning: ${w.message} (column ${w.column})\n`);
      const json = instructionToJSON(parsed);
      if (opts.json) {
        process.stdout.write(JSON.stringify(json) + "\n");
        return;
      }
      for (const side of ["source", "target"] as const) {
        process.stdout.write(`${side}:\n`);
        for (const seg of json[side]) process.stdout.write(`  ${describe(seg)}\n`);
      }
    });
}

function describe(seg: Record<string, unknown>): string {
  if (seg.kind === "text") return `text     ${JSON.stringify(seg.text)}`;
  if (seg.kind === "slot") {
    const attrs = Object.entries((seg.attrs ?? {}) as Record<string, unknown>)
      .map(([k, v]) => (v === true ? k : `${k}=${Array.isArray(v) ? v.join("|") : String(v)}`))
      .join(",");
    const flags = `${seg.optional ? "?" : ""}${seg.list ? "[]" : ""}`;
    return `slot     ${String(seg.name)}${flags}: ${String(seg.modality)}${attrs ? `  (${attrs})` : ""}`;
  }
  if (seg.kind === "repeat") return `repeat   ${String(seg.name)}: ( ${((seg.segments ?? []) as Record<string, unknown>[]).map(describe).join(" ; ")} )*`;
  return `choice   ${((seg.options ?? []) as Record<string, unknown>[]).map(describe).join(" | ")}`;
}
