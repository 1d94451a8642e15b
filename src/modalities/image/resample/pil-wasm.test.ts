import { describe, expect, it } from "vitest";
import { assemblePilWat } from "./pil-wasm.build.js";
import { PIL_WASM_BASE64 } from "./pil-wasm.js";

describe("pil-wasm.ts", () => {
  it("holds exactly the bytes that pil.wat assembles to (else run npm run build:wasm)", async () => {
    const assembled = Buffer.from(await assemblePilWat());
    expect(assembled.subarray(0, 4).toString("latin1")).toBe("\0asm");
    expect(Buffer.from(PIL_WASM_BASE64, "base64").equals(assembled)).toBe(true);
  });
});
