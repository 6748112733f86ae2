// `flex-roster preview`: the pull-request check. A refreshing
// `pulumi preview --json`, the blast-radius guard, the report.

import { Command } from "commander";
import { EXIT, defaultContext, type CliContext } from "../context";
import {
  action,
  addOutputOptions,
  addStackOptions,
  emitReport,
  guardPlan,
  previewPlan,
  stackSelection,
  type OutputOptions,
  type StackOptions,
} from "../flow";

interface PreviewOpts extends OutputOptions, StackOptions {
  allowMassRemoval?: boolean;
}

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
    action(ctx, "preview", async (pulumiArgs: string[], opts: PreviewOpts) => {
      const { plan } = await previewPlan(ctx, stackSelection(ctx, opts), pulumiArgs);
      const guard = plan.failed ? undefined : guardPlan(ctx, plan, !!opts.allowMassRemoval);
      emitReport(ctx, plan, { ...opts, mode: "plan", guard });
      if (plan.failed) return EXIT.ERROR;
      return guard?.status === "blocked" ? EXIT.BLOCKED : EXIT.OK;
    }),
  );
  return cmd;
}
