import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "presets/**/*.test.ts", "codegen/**/*.test.ts", "tests/**/*.test.ts", "examples/**/*.test.ts"],
    exclude: ["**/*.media.test.ts", "node_modules", "dist"],
    globalSetup: ["tests/setup/global.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
