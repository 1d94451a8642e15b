import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "presets/**/*.test.ts", "codegen/**/*.test.ts", "tests/**/*.test.ts", "examples/**/*.test.ts"],
    // tests/tmp holds what tests and benches generate, never tests
    exclude: ["**/*.media.test.ts", "node_modules", "dist", "tests/tmp/**"],
    globalSetup: ["tests/setup/global.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
