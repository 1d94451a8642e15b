// finding defineTask(...) calls in a user's TypeScript file, statically (ts-morph), without running it.
import { Node, Project, SyntaxKind, type CallExpression, type Expression } from "ts-morph";
import { OmnispecError } from "../src/errors.js";
import { taskPresets } from "../presets/tasks.js";

export interface FoundTask {
  /** the variable the task is assigned to (`caption` in `export const caption = defineTask(...)`); `task<line>` when it has none */
  name: string;
  instruction: string;
  exported: boolean;
  /** 1-based line of the call */
  line: number;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Lists the tasks a file defines: string literals, `presets.tasks.<key>` / `taskPresets.<key>` (or `["key"]`), `{ instruction: "..." }`,
 * and constants holding any of these.
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
    const line = call.getStartLineNumber();
    const fail = (why: string): never => {
      throw new OmnispecError("dataset/source", `cannot read the instruction of defineTask(...) statically: ${why}`, {
        file: `${file}:${line}`,
        hint: 'pass a string literal, presets.tasks.<name>, { instruction: "..." }, or a const holding one of these',
      });
    };
    const arg = call.getArguments()[0];
    const instruction = arg ? instructionOf(arg, fail) : fail("no argument");
    // only a call that is the whole initializer names the task: `const all = [defineTask(a), defineTask(b)]` names neither
    const decl = call.getFirstAncestorByKind(SyntaxKind.VariableDeclaration);
    const init = decl?.getInitializer();
    const direct = decl !== undefined && init !== undefined && unwrap(init) === call && IDENTIFIER.test(decl.getName());
    found.push({
      name: direct ? decl.getName() : `task${line}`,
      instruction,
      exported: direct ? (decl.getVariableStatement()?.isExported() ?? false) : false,
      line,
    });
  }
  return found;
}

/** `(x)`, `x as const`, `x satisfies T` and `x!` are still `x` */
function unwrap(node: Node): Node {
  let n = node;
  while (Node.isParenthesizedExpression(n) || Node.isAsExpression(n) || Node.isSatisfiesExpression(n) || Node.isNonNullExpression(n)) n = n.getExpression();
  return n;
}

function instructionOf(expr: Node, fail: (why: string) => never, depth = 0): string {
  const arg = unwrap(expr);
  if (depth > 8) return fail(`"${arg.getText().slice(0, 60)}" refers through too many constants`);
  if (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg)) return arg.getLiteralValue();
  if (Node.isPropertyAccessExpression(arg) || Node.isElementAccessExpression(arg)) {
    const owner = arg.getExpression().getText().replace(/\s+/g, "");
    const key = Node.isPropertyAccessExpression(arg) ? arg.getName() : literalKey(arg.getArgumentExpression());
    if (owner !== "taskPresets" && owner !== "tasks" && !owner.endsWith(".tasks")) {
      return fail(`"${arg.getText().slice(0, 60)}" is not a literal or presets.tasks.<name>`);
    }
    const preset = key === undefined ? undefined : (taskPresets as Record<string, { instruction: string }>)[key];
    if (preset) return preset.instruction;
    return fail(`"${arg.getText()}" is not a known task preset (known: ${Object.keys(taskPresets).join(", ")})`);
  }
  if (Node.isObjectLiteralExpression(arg)) {
    const prop = arg.getProperty("instruction");
    const init = prop && Node.isPropertyAssignment(prop) ? prop.getInitializer() : undefined;
    if (init) return instructionOf(init, fail, depth + 1);
    return fail("the object has no `instruction: ...` property");
  }
  if (Node.isIdentifier(arg)) {
    const decl = arg.getDefinitionNodes()[0];
    const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
    if (init) return instructionOf(init, fail, depth + 1);
  }
  return fail(`"${arg.getText().slice(0, 60)}" is not a literal`);
}

function literalKey(node: Expression | undefined): string | undefined {
  return node && (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) ? node.getLiteralValue() : undefined;
}
