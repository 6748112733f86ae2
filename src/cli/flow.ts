// Steps the preview/up/drift/report commands share: run a refreshing preview
// (Automation API, src/pulumi/runner.ts), turn its engine events into a plan, guard
// it, write the report.

import * as path from "node:path";
import { Command, Option } from "commander";
import { RosterError, StackRoster } from "../roster";
import { CliError, type CliContext } from "./context";
import { EXIT } from "./exit-codes";
import { GuardConfigError, evaluateGuard, resolveGuardPolicy, type GuardVerdict } from "../report/guard";
import { intOption } from "./options";
import { planRouting, type RoutingOptions } from "./routing";
import { describeExit } from "../pulumi/exit";
import type { StackTarget } from "../pulumi/workspace";
import {
  DEFAULT_COLLAPSE_AFTER,
  DigestError,
  PreviewEvents,
  buildPlan,
  markTeamMoves,
  reportFromPlan,
  type PlanModel,
  type Report,
  type ReportMode,
  type RoutingReport,
} from "../report";

export const STACK_ENV = "FLEX_ROSTER_STACK";

export interface OutputOptions {
  out?: string;
  summaryJson?: string;
  collapseAfter?: number;
}

export interface StackOptions {
  stack?: string;
  cwd?: string;
}

/** --out, --summary-json, --collapse-after */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option("-o, --out <file>", "write the Markdown report to <file> instead of stdout")
    .option("--summary-json <file>", "also write the machine-readable JSON summary to <file>")
    .addOption(
      new Option("--collapse-after <rows>", "collapse agent tables longer than this into <details>")
        .argParser(intOption("--collapse-after", 1))
        .default(DEFAULT_COLLAPSE_AFTER),
    );
}

/** --stack, --cwd and extra pulumi arguments after `--`. */
export function addStackOptions(cmd: Command): Command {
  return cmd
    .option("-s, --stack <name>", `Pulumi stack (default: $${STACK_ENV}, else the selected stack)`)
    .option("-C, --cwd <dir>", "directory of the Pulumi project (default: the current directory)")
    .argument("[pulumiArgs...]", "extra arguments for pulumi, after --");
}

export function stackSelection(ctx: CliContext, opts: StackOptions): StackTarget {
  const stack = opts.stack ?? (ctx.env[STACK_ENV] || undefined);
  const sel: StackTarget = {};
  if (stack) sel.stack = stack;
  if (opts.cwd) sel.cwd = opts.cwd;
  return sel;
}

export interface PreviewOutcome {
  plan: PlanModel;
  /** Pulumi's exit code (non-zero with a plan: the preview reported errors). */
  pulumiCode: number | null;
}

/** Run a refreshing preview and build the plan from its engine events. */
export async function previewPlan(ctx: CliContext, sel: StackTarget, extra: string[]): Promise<PreviewOutcome> {
  ctx.stderr(`flex-roster: running a refreshing preview${sel.stack ? ` of stack ${sel.stack}` : ""} (reads live Flex first)...\n`);
  const events = new PreviewEvents();
  const res = await ctx.pulumi.preview(sel, extra, { env: ctx.env, log: ctx.stderr, onEvent: (e) => events.add(e) });
  let plan: PlanModel;
  try {
    plan = buildPlan(events.digest());
  } catch (err) {
    if (!(err instanceof DigestError)) throw err;
    throw new CliError(`pulumi preview ${describeExit(res)} without a plan (${err.message}); see its errors above`);
  }
  if (res.code !== 0 && !plan.failed) {
    plan.failed = true;
    plan.diagnostics.push({ severity: "error", message: `pulumi preview ${describeExit(res)}` });
  }
  if (!plan.failed) markMoves(ctx, sel, plan);
  return { plan, pulumiCode: res.code };
}

/**
 * With a roster folder (stack config `flex-roster:roster` a folder, `flex-roster:team`
 * this stack's team), a delete whose agent another team's file lists is a move:
 * the provider keeps that worker for the other team's stack. The report says so
 * and the guard does not count it. A folder that does not load marks nothing, so
 * every delete counts.
 */
function markMoves(ctx: CliContext, sel: StackTarget, plan: PlanModel): void {
  if (!plan.agents.some((a) => a.action === "delete")) return;
  const baseDir = path.resolve(ctx.cwd, sel.cwd ?? ".");
  const roster = new StackRoster(plan.config["flex-roster:roster"], plan.config["flex-roster:team"], { baseDir });
  try {
    markTeamMoves(plan, (identity) => roster.movedTo(identity));
  } catch (err) {
    if (!(err instanceof RosterError)) throw err;
  }
}

/** Evaluate the blast-radius guard for a plan (config from the preview, env, flag). */
export function guardPlan(ctx: CliContext, plan: PlanModel, allowFlag: boolean): GuardVerdict {
  try {
    const policy = resolveGuardPolicy({ config: plan.config, env: ctx.env, allowFlag });
    const moves = plan.agents.filter((a) => a.movedTo).length;
    return evaluateGuard({ managed: plan.totals.managed, deletes: plan.totals.delete, replaces: plan.totals.replace, moves }, policy);
  } catch (err) {
    if (err instanceof GuardConfigError) throw new CliError(err.message);
    throw err;
  }
}

/** One line for the log: what the plan does. */
export function planHeadline(plan: PlanModel): string {
  const t = plan.totals;
  const moved = plan.agents.filter((a) => a.movedTo).length;
  const parts = (["replace", "delete", "create", "update"] as const)
    .filter((a) => t[a] > 0)
    .map((a) => `${t[a]} to ${a}${a === "delete" && moved > 0 ? ` (${moved} moved to another team's stack, kept in Flex)` : ""}`);
  if (plan.others.length > 0) parts.push(`${plan.others.length} other resource change(s)`);
  const what = parts.length > 0 ? parts.join(", ") : "no changes";
  return `${what}${plan.failed ? " (the preview reported errors)" : ""}`;
}

/** Write the Markdown (stdout or --out) and the JSON summary; returns the report. */
export function emitReport(
  ctx: CliContext,
  plan: PlanModel,
  opts: OutputOptions & { mode: ReportMode; guard?: GuardVerdict; routing?: RoutingReport },
): Report {
  const report = reportFromPlan(plan, { mode: opts.mode, guard: opts.guard, routing: opts.routing, collapseAfter: opts.collapseAfter });
  if (opts.out && opts.out !== "-") {
    ctx.writeFile(opts.out, report.markdown);
    ctx.stderr(`flex-roster: report written to ${opts.out}\n`);
  } else {
    ctx.stdout(report.markdown);
  }
  if (opts.summaryJson) {
    ctx.writeFile(opts.summaryJson, JSON.stringify(report.summary, null, 2) + "\n");
  }
  ctx.stderr(`flex-roster: ${planHeadline(plan)}\n`);
  if (opts.guard && opts.guard.status !== "pass") ctx.stderr(`flex-roster: ${opts.guard.message}\n`);
  if (opts.routing && opts.routing.guard.status !== "pass") ctx.stderr(`flex-roster: ${opts.routing.guard.message}\n`);
  return report;
}

/** Options shared by `preview` and `up`. */
export interface GuardedPlanOptions extends OutputOptions, StackOptions, RoutingOptions {
  allowMassRemoval?: boolean;
}

/**
 * The first half of `preview` and `up`: a refreshing preview, the guard on its
 * plan, the report. `stop` is the exit code when the command must not go on.
 */
export async function guardedPlan(ctx: CliContext, sel: StackTarget, pulumiArgs: string[], opts: GuardedPlanOptions) {
  const { plan } = await previewPlan(ctx, sel, pulumiArgs);
  const guard = plan.failed ? undefined : guardPlan(ctx, plan, !!opts.allowMassRemoval);
  const routing = plan.failed ? undefined : await planRouting(ctx, sel, plan, opts);
  emitReport(ctx, plan, { ...opts, mode: "plan", guard, routing });
  const blocked = guard?.status === "blocked" || routing?.guard.status === "blocked";
  const stop = plan.failed ? EXIT.ERROR : blocked ? EXIT.BLOCKED : undefined;
  return { plan, guard, routing, stop };
}
