// The options and wiring of routing impact for `preview` and `up`: which
// credentials read TaskRouter (the stack's config, else the environment, as the
// provider has them), which queues the roster allows to empty, and the opt-outs.
// The computation is src/report/routing*.ts.

import * as path from "node:path";
import type { Command } from "commander";
import { stackConfigValues } from "../brownfield/connect";
import { ROUTING_IMPACT_ENV, ROUTING_IMPACT_KEY } from "../reconcile/routing-facts";
import { ALLOW_EMPTY_QUEUE_FLAG, disagreementMessage, routingReport, type PlanModel, type RoutingReport } from "../report";
import type { RoutedPlan } from "../report/routing";
import { loadRoster, RosterError, stackRosterFile } from "../roster";
import { createClient } from "../twilio/client";
import { resolveTwilioSettings, SettingsError } from "../twilio/settings";
import { TaskRouter } from "../twilio/taskrouter";
import type { CliContext } from "./context";
import type { StackTarget } from "../pulumi/workspace";

export interface RoutingOptions {
  /** --no-routing-check sets it false. */
  routingCheck?: boolean;
  allowEmptyQueue?: string[];
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** --allow-empty-queue <name> (repeatable), --no-routing-check */
export function addRoutingOptions(cmd: Command): Command {
  return cmd
    .option(`${ALLOW_EMPTY_QUEUE_FLAG} <queue>`, "let this TaskQueue lose its last eligible worker (repeatable)", collect)
    .option("--no-routing-check", "do not ask TaskRouter who each queue the plan touches picks (saves one call per queue)");
}

const off = (v: string | undefined) => v !== undefined && ["0", "false", "no", "off"].includes(v.trim().toLowerCase());

/** The roster's `allowEmptyQueues`; none when the roster does not load here (the preview reported why). */
function rosterAllowances(ctx: CliContext, sel: StackTarget, plan: PlanModel): string[] {
  const baseDir = path.resolve(ctx.cwd, sel.cwd ?? ".");
  try {
    const file = stackRosterFile(plan.config["flex-roster:roster"], plan.config["flex-roster:team"], { baseDir });
    return file ? (loadRoster(path.resolve(baseDir, file)).allowEmptyQueues ?? []) : [];
  } catch (err) {
    if (err instanceof RosterError) return [];
    throw err;
  }
}

/** TaskRouter with the credentials the provider has: the stack's config (read on the stack the preview used), else the environment. */
async function taskRouterOf(ctx: CliContext, sel: StackTarget | undefined): Promise<TaskRouter> {
  const config = sel && ctx.pulumi.config ? stackConfigValues(await ctx.pulumi.config(sel, { env: ctx.env })) : new Map<string, string>();
  return new TaskRouter(createClient(resolveTwilioSettings((key) => config.get(key), ctx.env)));
}

/**
 * The plan's Routing section, or undefined: turned off (`flex-roster:routingImpact`
 * false or FLEX_ROSTER_ROUTING_IMPACT=0), nothing routed changes, or TaskRouter
 * could not be read (said on stderr: routing impact informs, the preview goes on).
 */
export async function planRouting(ctx: CliContext, sel: StackTarget, plan: PlanModel, opts: RoutingOptions): Promise<RoutingReport | undefined> {
  if (off(plan.config[ROUTING_IMPACT_KEY])) return undefined;
  return routingOf(ctx, sel, plan, rosterAllowances(ctx, sel, plan), opts);
}

/**
 * A roster folder's one Routing section, over every team's changes (`routed`:
 * src/report/workspace.ts, a move as one row). Off when FLEX_ROSTER_ROUTING_IMPACT=0
 * or every team stack's config turns it off (one stack cannot turn off the
 * folder's guard); `allowEmptyQueues` of every team's file counts. TaskRouter
 * is read with the config of `sel` (a team's existing stack), else the environment.
 */
export async function folderRouting(
  ctx: CliContext,
  sel: StackTarget | undefined,
  folder: { routed: PlanModel["agents"]; configs: Record<string, string>[]; allowEmptyQueues: string[] },
  opts: RoutingOptions,
): Promise<RoutingReport | undefined> {
  if (folder.configs.length > 0 && folder.configs.every((c) => off(c[ROUTING_IMPACT_KEY]))) return undefined;
  return routingOf(ctx, sel, { agents: folder.routed }, folder.allowEmptyQueues, opts);
}

async function routingOf(ctx: CliContext, sel: StackTarget | undefined, plan: RoutedPlan, roster: string[], opts: RoutingOptions): Promise<RoutingReport | undefined> {
  if (off(ctx.env[ROUTING_IMPACT_ENV])) return undefined;
  if (!plan.agents.some((a) => a.action !== "same" && a.routing && !a.movedTo)) return undefined;
  let report: RoutingReport | undefined;
  try {
    report = await routingReport(await taskRouterOf(ctx, sel), plan, {
      check: opts.routingCheck !== false,
      allow: { roster, flag: opts.allowEmptyQueue ?? [] },
    });
  } catch (err) {
    // Credentials, network, Twilio: said, not fatal (routing impact informs a review).
    if (!(err instanceof Error)) throw err;
    const why = err instanceof SettingsError ? err.message : err.message.split("\n")[0];
    ctx.stderr(`flex-roster: routing impact not computed: ${why}\n`);
    return undefined;
  }
  for (const d of report?.impact.disagreements ?? []) ctx.stderr(`flex-roster: warning: ${disagreementMessage(d)}\n`);
  return report;
}
