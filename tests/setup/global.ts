// one-time setup for the main suite: generated fixtures live under tests/tmp (git-ignored).
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function setup(): void {
  mkdirSync(fileURLToPath(new URL("../tmp/", import.meta.url)), { recursive: true });
}
