// omnispec/instruction: the token table, the run-time parser and the type-level parser.
export { parseInstruction, formatInstruction, instructionToJSON, type SegmentJSON } from "./parse.js";
export { TOKENS, NAME_CHAR, MAX_INSTRUCTION_LENGTH, type Tokens } from "./tokens.js";
export type { Infer, ModalityTypes, Box, TableRows } from "./infer.js";
export type * from "./ast.js";
