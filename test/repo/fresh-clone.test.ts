// A fresh clone in an empty folder, with nothing beside it, runs the emulator's
// contract test and the CI summary script: the repository carries everything they
// need. Then the spec is taken away and the summary must report the failure.
// It clones HEAD (what a user gets), borrows this checkout's node_modules through a
// symlink instead of installing, and runs one test file, not the whole suite.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
let parent: string;
let clone: string;

function run(cmd: string, args: string[], cwd: string) {
  const env = { ...process.env };
  // The outer vitest's settings must not leak into the inner run.
  for (const k of Object.keys(env)) if (k.startsWith("VITEST") || k === "FLEX_ROSTER_VITEST_RUN_FILE") delete env[k];
  env.NODE_ENV = "test";
  return spawnSync(cmd, args, { cwd, env, encoding: "utf8", timeout: 240_000 });
}

function contractTestAndSummary() {
  const vitest = run(join(clone, "node_modules/.bin/vitest"), [
    "run", "test/emulator/contract.test.ts",
    "--reporter=json", "--reporter=./scripts/vitest-run-reporter.mjs", "--outputFile.json=reports/vitest.json",
  ], clone);
  const summary = run(process.execPath, ["scripts/vitest-summary.mjs", "reports/vitest.json", "reports/vitest-run.json"], clone);
  const line = summary.stdout.trim().split("\n").at(-1) ?? "";
  return { vitest, summary, line };
}

beforeAll(() => {
  parent = mkdtempSync(join(tmpdir(), "flex-roster-clone-"));
  clone = join(parent, "flex-roster");
  const cloned = run("git", ["clone", "--quiet", "--no-hardlinks", ROOT, clone], parent);
  expect(cloned.status, cloned.stderr).toBe(0);
  symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"), "dir");
}, 120_000);

afterAll(() => {
  if (parent) rmSync(parent, { recursive: true, force: true });
});

describe("fresh clone in an empty folder", () => {
  it("has no sibling folders", () => {
    expect(readdirSync(parent)).toEqual(["flex-roster"]);
    expect(existsSync(join(clone, "..", "shared"))).toBe(false);
  });

  it("runs the contract test, and the summary shows the true counts", () => {
    const { vitest, summary, line } = contractTestAndSummary();
    expect(vitest.status, vitest.stderr.slice(-2000)).toBe(0);
    expect(summary.status, summary.stdout).toBe(0);
    const m = /^(\d+) passed, 0 failed$/.exec(line);
    expect(m, line).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(10);
  }, 240_000);

  it("with the spec path broken, the failed count and the exit are non-zero", () => {
    renameSync(join(clone, "emulator/spec/twilio_taskrouter_v1.json"), join(clone, "emulator/spec/moved.json"));
    const { vitest, summary, line } = contractTestAndSummary();
    expect(vitest.status).not.toBe(0);
    expect(summary.status).toBe(1);
    expect(line).toMatch(/^\d+ passed, [1-9]\d* failed$/);
    expect(summary.stdout).toContain("test file failed to load or run:");
  }, 240_000);
});
