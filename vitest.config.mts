import { configDefaults, defineConfig } from "vitest/config";

// Unit tests are fast and parallel; e2e tests drive the real Pulumi CLI and the
// emulator, so they get long timeouts and run one file at a time (2-core CI).
// test/languages/ needs language hosts built from outside the repository: it runs
// in its own command, `npm run test:languages` (vitest.languages.config.mts).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, "test/languages/**"],
    testTimeout: 30_000,
    hookTimeout: 600_000,
    fileParallelism: true,
    maxWorkers: 2,
    pool: "forks",
  },
});
