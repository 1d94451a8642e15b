// npm run build:wasm: assembles pil.wat with wabt and writes its bytes, as base64, into
// pil-wasm.ts beside it (the runtime needs no build tool; pil-wasm.test.ts checks that the two agree).
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import wabt from "wabt";

const dir = fileURLToPath(new URL("./", import.meta.url));
export const WAT_FILE = `${dir}pil.wat`;
const TS_FILE = `${dir}pil-wasm.ts`;

/**
 * The WebAssembly binary of the Pillow SIMD passes, assembled from pil.wat (SIMD enabled).
 *
 * @example
 * const bytes = await assemblePilWat(); // starts with "\0asm"
 */
export async function assemblePilWat(): Promise<Uint8Array> {
  const module = (await wabt()).parseWat("pil.wat", readFileSync(WAT_FILE, "utf8"), { simd: true });
  try {
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** the TS module holding `bytes` */
export function pilWasmModule(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes).toString("base64");
  return `// GENERATED from pil.wat by \`npm run build:wasm\` (pil-wasm.build.ts); do not edit. pil-wasm.test.ts checks it.
/** pil.wat assembled: the horizontal and vertical Pillow passes in WebAssembly SIMD, ${bytes.length} bytes as base64 */
export const PIL_WASM_BASE64 =
  "${b64}";
`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const bytes = await assemblePilWat();
  writeFileSync(TS_FILE, pilWasmModule(bytes));
  console.log(`pil-wasm.ts: ${bytes.length} bytes from pil.wat`);
}
