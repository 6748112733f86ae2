// `flex-roster preview`: the pull-request check. A refreshing
// `pulumi preview --json`, the blast-radius guard, the report.

import { Command } from "commander";
import { EXIT, defaultContext, type CliContext } from "../context";
import { action, addOutputOptions, addStackOptions, guardedPlan, stackSelection, type GuardedPlanOptions } from "../flow";

export function register(program: Command, ctx: CliContext = defaultContext()): Command {
  const cmd = program
    .command("preview")
    .summary("plan a roster change: refreshing preview + blast-radius guard + report")
    .description(
      "Run a refreshing `pulumi preview --json` (live Flex is read first), apply the blast-radius guard " +
        "and write the Markdown report (the pull-request comment). Changes nothing.",
    )
    .option("--allow-mass-removal", "allow a plan that deletes/replaces more workers than the guard's limit");
  addStackOptions(cmd);
  addOutputOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Exit codes:
  0  plan made (with or without changes) and within the guard's limit
  1  error (pulumi failed, the preview reported errors, bad configuration)
  3  the blast-radius guard refused the plan (see docs/gitops.md to allow it)

Example:
  flex-roster preview --stack prod --out comment.md --summary-json summary.json`,
  );
  cmd.action(
    action(ctx, "preview", async (pulumiArgs: string[], opts: GuardedPlanOptions) => {
      const { stop } = await guardedPlan(ctx, stackSelection(ctx, opts), pulumiArgs, opts);
      return stop ?? EXIT.OK;
    }),
  );
  return cmd;
}
