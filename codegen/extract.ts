// finding defineTask(...) calls in a user's TypeScript file, statically (ts-morph), without running it.
import { Node, Project, SyntaxKind, type CallExpression } from "ts-morph";
import { OmnispecError } from "../src/errors.js";
import { taskPresets } from "../presets/tasks.js";

export interface FoundTask {
  /** the variable the task is assigned to (`caption` in `export const caption = defineTask(...)`) */
  name: string;
  instruction: string;
  exported: boolean;
  /** 1-based line of the call */
  line: number;
}

/**
 * Lists the tasks a file defines: string literals, `presets.tasks.<key>` / `taskPresets.<key>`, and `{ instruction: "..." }`.
 *
 * @example
 * import { findTasks } from "omnispec/codegen";
 * findTasks("src/tasks.ts"); // [{ name: "caption", instruction: "[IMAGE:img] ... -> [TEXT:cap]", exported: true, line: 3 }]
 */
export function findTasks(file: string): FoundTask[] {
  const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true, compilerOptions: { allowJs: true } });
  const source = project.addSourceFileAtPath(file);
  const found: FoundTask[] = [];
  for (const call of source.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression().getText();
    if (callee !== "defineTask" && !callee.endsWith(".defineTask")) continue;
    const instruction = instructionOf(call, file);
    const decl = call.getFirstAncestorByKind(SyntaxKind.VariableDeclaration);
    const line = call.getStartLineNumber();
    const name = decl?.getName() ?? `task${found.length + 1}`;
    const exported = decl?.getVariableStatement()?.isExported() ?? false;
    found.push({ name, instruction, exported, line });
  }
  return found;
}

function instructionOf(call: CallExpression, file: string): string {
  const arg = call.getArguments()[0];
  const fail = (why: string): never => {
    throw new OmnispecError("dataset/source", `cannot read the instruction of defineTask(...) statically: ${why}`, {
      file: `${file}:${call.getStartLineNumber()}`,
      hint: "pass a string literal, presets.tasks.<name>, or { instruction: \"...\" }",
    });
  };
  if (!arg) return fail("no argument");
  if (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg)) return arg.getLiteralValue();
  if (Node.isPropertyAccessExpression(arg)) {
    const key = arg.getName();
    const preset = (taskPresets as Record<string, { instruction: string }>)[key];
    if (preset) return preset.instruction;
    return fail(`"${arg.getText()}" is not a known task preset`);
  }
  if (Node.isObjectLiteralExpression(arg)) {
    const prop = arg.getProperty("instruction");
    const init = prop && Node.isPropertyAssignment(prop) ? prop.getInitializer() : undefined;
    if (init && (Node.isStringLiteral(init) || Node.isNoSubstitutionTemplateLiteral(init))) return init.getLiteralValue();
    return fail("the object has no literal `instruction`");
  }
  if (Node.isIdentifier(arg)) {
    const decl = arg.getDefinitionNodes()[0];
    const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
    if (init && (Node.isStringLiteral(init) || Node.isNoSubstitutionTemplateLiteral(init))) return init.getLiteralValue();
  }
  return fail(`"${arg.getText().slice(0, 60)}" is not a literal`);
}
