// `flex-roster up`: apply the roster. A refreshing preview, the blast-radius
// guard on that plan, the report, then `pulumi up` — only if the guard passed.
//
// Pulumi 3.248's update plans (`preview --save-plan` / `up --plan`) are still
// experimental (`up --plan` is hidden unless PULUMI_EXPERIMENTAL is set), so
// `up` does not use them: it runs `pulumi up --skip-preview` right after the
// guarded preview. Live changes made in the seconds between the two are not
// guarded; the next drift check reports them.

import type { Command } from "commander";
import { action, type CliContext } from "../context";
import { folderUp, isFolderRun, type FolderOptions } from "../folder-flow";
import { EXIT, exitCodesHelp } from "../exit-codes";
import { guardedPlan, stackSelection, type GuardedPlanOptions } from "../flow";
import { addPlanOptions } from "../plan-options";
import { describeExit } from "../../pulumi/exit";
import { hasChanges } from "../../report";

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("up")
    .summary("apply the roster: refreshing preview + blast-radius guard + pulumi up")
    .description(
      "Run a refreshing `pulumi preview --json`, apply the blast-radius guard and write the report; " +
        "then, only if the guard passed and there is something to do, run `pulumi up --yes --skip-preview --continue-on-error`. " +
        "Pulumi's progress goes to stderr; stdout carries only the report (unless --out).",
    );
  addPlanOptions(cmd);
  cmd.addHelpText(
    "after",
    `
${exitCodesHelp("up")}

Example:
  FLEX_ROSTER_STACK=prod flex-roster up --out applied.md
  flex-roster up --roster roster.d   # every team's stack: a team gaining an agent before the team losing it`,
  );
  cmd.action(
    action(ctx, "up", async (pulumiArgs: string[], opts: GuardedPlanOptions & FolderOptions) => {
      if (isFolderRun(opts)) return folderUp(ctx, opts, pulumiArgs);
      const sel = stackSelection(ctx, opts);
      const { plan, stop } = await guardedPlan(ctx, sel, pulumiArgs, opts);
      if (stop !== undefined) return stop;
      if (!hasChanges(plan) && !plan.stackChanges) {
        ctx.stderr("flex-roster up: nothing to apply\n");
        return EXIT.OK;
      }
      ctx.stderr("flex-roster up: applying with pulumi up...\n");
      const res = await ctx.pulumi.up(sel, pulumiArgs, { env: ctx.env, log: ctx.stderr });
      if (res.code !== 0) {
        ctx.stderr(`flex-roster up: pulumi up ${describeExit(res)}\n`);
        return EXIT.ERROR;
      }
      ctx.stderr("flex-roster up: applied\n");
      return EXIT.OK;
    }),
  );
}
