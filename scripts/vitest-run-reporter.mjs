// A vitest reporter that records what vitest's JSON report leaves out: the
// unhandled errors of a run (an error thrown outside any test makes vitest exit
// 1 while its JSON still says every test passed). scripts/vitest-summary.mjs
// counts them. Writes the file named by FLEX_ROSTER_VITEST_RUN_FILE, else
// reports/vitest-run.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export default class RunReporter {
  onTestRunEnd(_testModules, unhandledErrors, reason) {
    const file = resolve(process.env.FLEX_ROSTER_VITEST_RUN_FILE ?? "reports/vitest-run.json");
    const errors = [...(unhandledErrors ?? [])].map((e) => String(e?.message ?? e).slice(0, 500));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ reason, unhandledErrors: errors }, null, 2));
  }
}
