// The CI summary line must count every failure: failed tests, test files that
// failed to load and unhandled errors. Fed real vitest reports (test/fixtures/vitest).
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ES module without types
import { summarize, summaryLine } from "../../scripts/vitest-summary.mjs";

const ROOT = join(__dirname, "../..");
const FIXTURES = join(ROOT, "test/fixtures/vitest");
const SCRIPT = join(ROOT, "scripts/vitest-summary.mjs");
const read = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));

function runScript(report: string, run: string) {
  return spawnSync(process.execPath, [SCRIPT, join(FIXTURES, report), join(FIXTURES, run)], { encoding: "utf8" });
}

describe("vitest summary", () => {
  it("counts a test file that failed to load as a failure", () => {
    const report = read("file-load-failure.report.json");
    // vitest's own test counts hide it: 2 passed, 0 failed tests.
    expect(report.numFailedTests).toBe(0);
    const counts = summarize(report, read("file-load-failure.run.json"));
    expect(counts).toMatchObject({ passed: 2, failed: 1, skipped: 0 });
    expect(counts.brokenFiles).toEqual(["/project/test/broken.test.ts"]);
    expect(summaryLine(counts)).toBe("2 passed, 1 failed");
  });

  it("prints a non-zero failed count and exits non-zero for that report", () => {
    const result = runScript("file-load-failure.report.json", "file-load-failure.run.json");
    expect(result.status).toBe(1);
    const lines = result.stdout.trim().split("\n");
    expect(lines.at(-1)).toBe("2 passed, 1 failed");
    expect(result.stdout).toContain("test file failed to load or run: /project/test/broken.test.ts");
  });

  it("counts an unhandled error that vitest's JSON report leaves out", () => {
    const report = read("unhandled-error.report.json");
    expect(report.success).toBe(true);
    expect(report.numFailedTests).toBe(0);
    const result = runScript("unhandled-error.report.json", "unhandled-error.run.json");
    expect(result.status).toBe(1);
    expect(result.stdout.trim().split("\n").at(-1)).toBe("4 passed, 1 failed");
    expect(result.stdout).toContain("unhandled error: late boom");
  });

  it("fails when the report is missing, and when the run file is missing", () => {
    const noReport = spawnSync(process.execPath, [SCRIPT, join(FIXTURES, "nope.json"), join(FIXTURES, "nope.run.json")], { encoding: "utf8" });
    expect(noReport.status).toBe(1);
    expect(noReport.stdout.trim().split("\n").at(-1)).toBe("0 passed, 1 failed");
    const noRun = runScript("unhandled-error.report.json", "nope.run.json");
    expect(noRun.status).toBe(1);
    expect(noRun.stdout.trim().split("\n").at(-1)).toMatch(/^\d+ passed, 1 failed$/);
  });

  it("adds up several runs (npm test, then npm run test:languages): every failure of either counts", () => {
    const both = spawnSync(process.execPath, [
      SCRIPT,
      join(FIXTURES, "file-load-failure.report.json"), join(FIXTURES, "file-load-failure.run.json"),
      join(FIXTURES, "unhandled-error.report.json"), join(FIXTURES, "unhandled-error.run.json"),
    ], { encoding: "utf8" });
    expect(both.status).toBe(1);
    expect(both.stdout.trim().split("\n").at(-1)).toBe("6 passed, 2 failed");
    expect(both.stdout).toContain("test file failed to load or run: /project/test/broken.test.ts");
    expect(both.stdout).toContain("unhandled error: late boom");
    // A second run whose report is missing (it never ran to the end) is a failure too.
    const missing = spawnSync(process.execPath, [
      SCRIPT,
      join(FIXTURES, "unhandled-error.report.json"), join(FIXTURES, "unhandled-error.run.json"),
      join(FIXTURES, "nope.json"), join(FIXTURES, "nope.run.json"),
    ], { encoding: "utf8" });
    expect(missing.status).toBe(1);
    expect(missing.stdout.trim().split("\n").at(-1)).toBe("4 passed, 2 failed");
  });

  it("a clean report gives exit 0 and the plain line", () => {
    const clean = { numPassedTests: 3, numFailedTests: 0, numPendingTests: 1, success: true, testResults: [{ status: "passed", assertionResults: [] }] };
    expect(summaryLine(summarize(clean, { unhandledErrors: [] }))).toBe("3 passed, 0 failed, 1 skipped");
    const out = execFileSync(process.execPath, ["-e", `
      import(${JSON.stringify(SCRIPT)}).then(m => console.log(m.summaryLine(m.summarize(${JSON.stringify(clean)}, {}))))`], { encoding: "utf8" });
    expect(out.trim()).toBe("3 passed, 0 failed, 1 skipped");
  });
});
