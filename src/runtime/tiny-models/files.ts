// the in-memory form of a generated model folder: relative path → bytes.

/** relative path inside a model folder (e.g. "onnx/model.onnx") → file bytes */
export type ModelFiles = Map<string, Uint8Array>;

/** pretty-printed JSON with a trailing newline, as UTF-8 bytes */
export function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value, null, 2) + "\n");
}
