// bin/flex-roster run on a test stack, as the GitOps workflows run it: in the
// stack's directory with its isolated Pulumi environment, the report and the
// JSON summary written to files next to it and read back.

import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { FlexStack } from "./flex-stack";
import { describeRun, REPO_ROOT, runCommand, type RunResult } from "./pulumi-cli";

const BIN = path.join(REPO_ROOT, "bin", "flex-roster");

export interface FlexRosterRun extends RunResult {
  /** The Markdown report ("" when the command wrote none). */
  md: string;
  /** The --summary-json document (undefined when none was written). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  describe(): string;
}

/** A runner for one stack; each run gets its own report files. */
export function flexRosterCli(stack: () => FlexStack, stackName: string) {
  let n = 0;
  return async (args: string[], env: Record<string, string> = {}): Promise<FlexRosterRun> => {
    const s = stack();
    const k = ++n;
    const out = path.join(path.dirname(s.dir), `report-${k}.md`);
    const summary = path.join(path.dirname(s.dir), `summary-${k}.json`);
    const r = await runCommand(BIN, [...args, "--stack", stackName, "--out", out, "--summary-json", summary], {
      cwd: s.dir,
      env: { ...s.env, ...env },
      timeoutMs: 5 * 60_000,
    });
    let md = "";
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      md = readFileSync(out, "utf8");
      json = JSON.parse(readFileSync(summary, "utf8"));
    } catch {
      // no report (an error before the preview): checked by the caller's exit-code expectation
    }
    return { ...r, md, json, describe: () => describeRun(`flex-roster ${args.join(" ")}`, r) + `\n--- report ---\n${md}` };
  };
}
