// omnispec/instruction: the token table, the run-time parser and the type-level parser.
export { parseInstruction, parseInstructionUncached, formatInstruction, instructionToJSON, type SegmentJSON, type InstructionJSON } from "./parse.js";
export { TOKENS, NAME_CHARS, NAME_CHAR, SPACES, MAX_INSTRUCTION_LENGTH, MAX_SLOT_ATTRIBUTES, PARSE_CACHE_SIZE, type Tokens } from "./tokens.js";
export type { Infer, InferInput, InferOutput, ModalityTypes, Box, TableRows } from "./infer.js";
export type * from "./ast.js";
