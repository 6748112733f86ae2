// `flex-roster drift`: the drift gate. A refreshing preview; exit 2 when live
// Flex differs from the roster (or the roster was merged but not applied).

import type { Command } from "commander";
import { action, type CliContext } from "../context";
import { addFolderOptions, folderDrift, isFolderRun, type FolderOptions } from "../folder-flow";
import { EXIT, exitCodesHelp } from "../exit-codes";
import {
  addOutputOptions,
  addStackOptions,
  emitReport,
  previewPlan,
  stackSelection,
  type OutputOptions,
  type StackOptions,
} from "../flow";
import { hasChanges } from "../../report";

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("drift")
    .summary("drift gate: does live Flex match the roster? (exit 0 in sync, 2 drift, 1 error)")
    .description(
      "Run a refreshing `pulumi preview --json` and report every worker whose live state differs from " +
        "the roster (non-canonical contact_uri, changed skills or capacities, deleted workers, agents " +
        "not yet applied). Changes nothing.",
    );
  addStackOptions(cmd);
  addFolderOptions(cmd);
  addOutputOptions(cmd);
  cmd.addHelpText(
    "after",
    `
${exitCodesHelp("drift")}

Example:
  flex-roster drift --stack prod --out drift.md; code=$?   # 0 in sync, 2 drift, 1 error
  flex-roster drift --roster roster.d                      # every team's stack, one report`,
  );
  cmd.action(
    action(ctx, "drift", async (pulumiArgs: string[], opts: OutputOptions & StackOptions & FolderOptions) => {
      if (isFolderRun(opts)) return folderDrift(ctx, opts, pulumiArgs);
      const { plan } = await previewPlan(ctx, stackSelection(ctx, opts), pulumiArgs);
      emitReport(ctx, plan, { ...opts, mode: "drift" });
      if (plan.failed) return EXIT.ERROR;
      return hasChanges(plan) ? EXIT.DRIFT : EXIT.OK;
    }),
  );
}
