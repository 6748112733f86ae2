import { defineConfig } from "vitest/config";

// `npm run test:languages`: flex-roster from other Pulumi languages, end to end
// (scripts/test-languages builds the language hosts first).
export default defineConfig({
  test: {
    include: ["test/languages/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30 * 60_000,
    maxWorkers: 1,
    pool: "forks",
  },
});
