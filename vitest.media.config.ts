import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.media.test.ts", "tests/**/*.media.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
