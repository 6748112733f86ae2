// Prints vitest's counts from its JSON report as the plain line CI reads:
// "N passed, N failed" (", N skipped" when any), and exits non-zero on any failure.
// Given several runs (npm test, then npm run test:languages), it adds them up.
//
// "failed" counts everything that went wrong, not only failed test cases:
// - every failed test case;
// - every test file that failed without a failed test case (it did not load or
//   collect, or a hook threw): vitest lists it in testResults with no assertions;
// - every unhandled error (an error thrown outside any test), which vitest's JSON
//   report leaves out: scripts/vitest-run-reporter.mjs records them beside it;
// - a run vitest itself marked unsuccessful with nothing else counted, as one.
// A missing or unreadable report is a failure, and so is a run that passed nothing.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * @param {any} report vitest's JSON report
 * @param {{unhandledErrors?: string[]}} [run] what scripts/vitest-run-reporter.mjs wrote
 * @returns {{passed:number, failed:number, skipped:number, brokenFiles:string[], unhandledErrors:string[]}}
 */
export function summarize(report, run = {}) {
  const passed = report.numPassedTests ?? 0;
  const failedTests = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTests ?? 0);
  const brokenFiles = (report.testResults ?? [])
    .filter((file) => file.status === "failed")
    .filter((file) => !(file.assertionResults ?? []).some((a) => a.status === "failed"))
    .map((file) => file.name);
  const unhandledErrors = run.unhandledErrors ?? [];
  let failed = failedTests + brokenFiles.length + unhandledErrors.length;
  if (failed === 0 && report.success === false) failed = 1;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return { passed, failed, skipped, brokenFiles, unhandledErrors };
}

/** The closing line, e.g. "490 passed, 1 failed". */
export function summaryLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
}

/** Counts of several runs (npm test, npm run test:languages) added up. */
export function combine(runs) {
  const sum = { passed: 0, failed: 0, skipped: 0, brokenFiles: [], unhandledErrors: [] };
  for (const c of runs) {
    sum.passed += c.passed;
    sum.failed += c.failed;
    sum.skipped += c.skipped;
    sum.brokenFiles.push(...c.brokenFiles);
    sum.unhandledErrors.push(...c.unhandledErrors);
  }
  return sum;
}

/** The counts of one run from its two files; an unreadable report is one failure. */
function countsOf(file, runFile) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    console.log(`vitest report ${file} unreadable: ${err.message}`);
    return { passed: 0, failed: 1, skipped: 0, brokenFiles: [], unhandledErrors: [] };
  }
  let run = {};
  try {
    run = JSON.parse(readFileSync(runFile, "utf8"));
  } catch {
    console.log(`vitest run file ${runFile} unreadable: unhandled errors cannot be counted`);
    run = { unhandledErrors: ["run file missing"] };
  }
  return summarize(report, run);
}

// Arguments: pairs of <vitest JSON report> <run file>, one pair per run; the line adds them up.
function main() {
  const args = process.argv.slice(2);
  if (args.length === 0) args.push("reports/vitest.json", "reports/vitest-run.json");
  if (args.length % 2 !== 0) args.push("reports/vitest-run.json");
  const runs = [];
  for (let i = 0; i < args.length; i += 2) runs.push(countsOf(args[i], args[i + 1]));
  const counts = combine(runs);
  for (const name of counts.brokenFiles) console.log(`test file failed to load or run: ${name}`);
  for (const message of counts.unhandledErrors) console.log(`unhandled error: ${message}`);
  console.log(summaryLine(counts));
  process.exit(counts.failed > 0 || counts.passed === 0 ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
