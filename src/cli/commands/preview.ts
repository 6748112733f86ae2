// `flex-roster preview`: the pull-request check. A refreshing
// `pulumi preview --json`, the blast-radius guard, the report.

import type { Command } from "commander";
import { action, type CliContext } from "../context";
import { guardedFolderPlan, isFolderRun, type FolderOptions } from "../folder-flow";
import { EXIT, exitCodesHelp } from "../exit-codes";
import { guardedPlan, stackSelection, type GuardedPlanOptions } from "../flow";
import { addPlanOptions } from "../plan-options";

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("preview")
    .summary("plan a roster change: refreshing preview + blast-radius guard + report")
    .description(
      "Run a refreshing `pulumi preview --json` (live Flex is read first), apply the blast-radius guard " +
        "and write the Markdown report (the pull-request comment). Changes nothing.",
    );
  addPlanOptions(cmd);
  cmd.addHelpText(
    "after",
    `
${exitCodesHelp("preview")}

Example:
  flex-roster preview --stack prod --out comment.md --summary-json summary.json
  flex-roster preview --roster roster.d --out comment.md   # every team's stack, one report`,
  );
  cmd.action(
    action(ctx, "preview", async (pulumiArgs: string[], opts: GuardedPlanOptions & FolderOptions) => {
      if (isFolderRun(opts)) return (await guardedFolderPlan(ctx, opts, pulumiArgs)).stop ?? EXIT.OK;
      const { stop } = await guardedPlan(ctx, stackSelection(ctx, opts), pulumiArgs, opts);
      return stop ?? EXIT.OK;
    }),
  );
}
