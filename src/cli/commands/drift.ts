// `flex-roster drift`: the drift gate. A refreshing preview; exit 2 when live
// Flex differs from the roster (or the roster was merged but not applied). The
// report's Routing section says which queues the repair would make agents join
// or leave, and whether `up` would be refused for emptying one.

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
import { addRoutingOptions, planRouting, type RoutingOptions } from "../routing";
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
  addRoutingOptions(cmd);
  cmd.addHelpText(
    "after",
    `
${exitCodesHelp("drift")}

Example:
  flex-roster drift --stack prod --out drift.md; code=$?   # 0 in sync, 2 drift, 1 error
  flex-roster drift --roster roster.d                      # every team's stack, one report`,
  );
  cmd.action(
    action(ctx, "drift", async (pulumiArgs: string[], opts: OutputOptions & StackOptions & FolderOptions & RoutingOptions) => {
      if (isFolderRun(opts)) return folderDrift(ctx, opts, pulumiArgs);
      const sel = stackSelection(ctx, opts);
      const { plan } = await previewPlan(ctx, sel, pulumiArgs);
      // Informs only: drift's exit code is the drift, not the routing guard's verdict.
      const routing = plan.failed ? undefined : await planRouting(ctx, sel, plan, opts);
      emitReport(ctx, plan, { ...opts, mode: "drift", routing });
      if (plan.failed) return EXIT.ERROR;
      return hasChanges(plan) ? EXIT.DRIFT : EXIT.OK;
    }),
  );
}
