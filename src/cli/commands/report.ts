// `flex-roster report`: turn saved `pulumi preview --json` output into the
// Markdown PR comment and JSON summary. No Pulumi run; pure transformation.

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Option, type Command } from "commander";
import { CliError, action, type CliContext } from "../context";
import { EXIT, exitCodesHelp } from "../exit-codes";
import { addOutputOptions, emitReport, guardPlan, type OutputOptions } from "../flow";
import { DigestError, buildPlan, hasChanges, parseDigest, type ReportMode } from "../../report";

interface ReportOpts extends OutputOptions {
  previewJson: string;
  mode: ReportMode;
  guard?: boolean;
  allowMassRemoval?: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("report")
    .summary("turn `pulumi preview --json` output into a Markdown PR comment")
    .description(
      "Turn `pulumi preview --json` output into a Markdown pull-request comment (totals, one row per agent " +
        "with the reasons, collapsed long lists, a hidden <!-- flex-roster-report --> marker) and a JSON summary.",
    )
    .option("-p, --preview-json <file>", "the preview JSON, or - for stdin", "-")
    .addOption(new Option("--mode <mode>", "wording of the report").choices(["plan", "drift"]).default("plan"))
    .option("--guard", "also apply the blast-radius guard; exit 3 when it refuses the plan")
    .option("--allow-mass-removal", "with --guard: allow a plan over the removal limit");
  addOutputOptions(cmd);
  cmd.addHelpText(
    "after",
    `
${exitCodesHelp("report")}

Example:
  pulumi preview --json --refresh > preview.json
  flex-roster report --preview-json preview.json --out comment.md --summary-json summary.json`,
  );
  cmd.action(
    action(ctx, "report", async (opts: ReportOpts) => {
      let text: string;
      try {
        text = opts.previewJson === "-" ? await ctx.readStdin() : readFileSync(path.resolve(ctx.cwd, opts.previewJson), "utf8");
      } catch (err) {
        if (err instanceof CliError) throw err;
        throw new CliError(`cannot read ${opts.previewJson}: ${(err as Error).message}`);
      }
      let plan;
      try {
        plan = buildPlan(parseDigest(text));
      } catch (err) {
        if (err instanceof DigestError) throw new CliError(err.message);
        throw err;
      }
      const guard = opts.guard && !plan.failed ? guardPlan(ctx, plan, !!opts.allowMassRemoval) : undefined;
      emitReport(ctx, plan, { ...opts, mode: opts.mode, guard });
      // The same outcomes as preview (plan mode) and drift (drift mode), from saved JSON.
      if (plan.failed) return EXIT.ERROR;
      if (guard?.status === "blocked") return EXIT.BLOCKED;
      return opts.mode === "drift" && hasChanges(plan) ? EXIT.DRIFT : EXIT.OK;
    }),
  );
}
