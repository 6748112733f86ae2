// `preview`, `up` and `drift` over a whole roster folder (`--roster <dir>`):
// every team's stack previewed (several at once, within a memory budget), one
// report with one guard verdict, and for `up` the teams applied in an order
// that keeps a moving agent held by a stack. The stacks are run by
// src/pulumi/folder-run.ts; the report is src/report/workspace.ts, with one
// Routing section over every team's changes (src/cli/routing.ts reads TaskRouter).

import * as path from "node:path";
import { Option, type Command } from "commander";
import { applyOrder, checkStackTemplate, DEFAULT_MEMORY_BUDGET_MIB, DEFAULT_STACK_TEMPLATE, defaultMaxParallel, parseStackMap, type StackNaming } from "../pulumi/team-stacks";
import { createTeamStack, eachTeam, teamStacks, type TeamStack } from "../pulumi/folder-run";
import { loadRosterFolder } from "../roster";
import { CliError, type CliContext } from "./context";
import { EXIT, type ExitCode } from "./exit-codes";
import { previewPlan, type OutputOptions } from "./flow";
import { evaluateGuard, GuardConfigError, removalLimit, resolveGuardPolicy, type GuardPolicy, type GuardVerdict } from "../report/guard";
import { intOption } from "./options";
import { folderRouting, type RoutingOptions } from "./routing";
import { describeExit } from "../pulumi/exit";
import {
  buildWorkspaceSummary,
  hasChanges,
  plannedForNewStack,
  renderWorkspaceMarkdown,
  workspaceHasChanges,
  workspacePlan,
  type PlanModel,
  type ReportMode,
  type RoutingReport,
  type TeamPlan,
  type WorkspacePlan,
} from "../report";

export const STACK_NAME_ENV = "FLEX_ROSTER_STACK_NAME";
export const STACK_MAP_ENV = "FLEX_ROSTER_STACK_MAP";
export const MEMORY_BUDGET_ENV = "FLEX_ROSTER_MEMORY_BUDGET_MIB";

export interface FolderOptions extends OutputOptions, RoutingOptions {
  roster?: string;
  stackName?: string;
  stackMap?: string;
  memoryBudget?: number;
  cwd?: string;
  allowMassRemoval?: boolean;
}

/** --roster, --stack-name, --stack-map, --memory-budget */
export function addFolderOptions(cmd: Command): Command {
  return cmd
    .option("--roster <dir>", "a roster folder: run every team's stack and write one report (instead of --stack)")
    .option("--stack-name <template>", `with --roster: each team's stack name, {team} the team (default "${DEFAULT_STACK_TEMPLATE}", or $${STACK_NAME_ENV})`)
    .option("--stack-map <team=stack,...>", `with --roster: stacks named otherwise, over --stack-name (or $${STACK_MAP_ENV})`)
    .addOption(
      new Option("--memory-budget <MiB>", `with --roster: memory the team runs may take at once, estimated (default ${DEFAULT_MEMORY_BUDGET_MIB}, or $${MEMORY_BUDGET_ENV})`).argParser(
        intOption("--memory-budget", 256),
      ),
    );
}

/** The command runs over a roster folder. */
export function isFolderRun(opts: FolderOptions & { stack?: string }): boolean {
  if (opts.roster === undefined) return false;
  if (opts.stack !== undefined) throw new CliError("--roster runs every team's stack: leave out --stack");
  return true;
}

function naming(ctx: CliContext, opts: FolderOptions): StackNaming {
  try {
    const template = checkStackTemplate(opts.stackName ?? (ctx.env[STACK_NAME_ENV] || DEFAULT_STACK_TEMPLATE));
    const raw = opts.stackMap ?? ctx.env[STACK_MAP_ENV];
    return { template, ...(raw ? { map: parseStackMap(raw) } : {}) };
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

function budget(ctx: CliContext, opts: FolderOptions): number {
  if (opts.memoryBudget !== undefined) return opts.memoryBudget;
  const raw = ctx.env[MEMORY_BUDGET_ENV];
  if (!raw) return DEFAULT_MEMORY_BUDGET_MIB;
  try {
    return intOption(MEMORY_BUDGET_ENV, 256)(raw);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

/** stderr of one team's run, each line prefixed with the team: runs of several teams interleave. */
function teamContext(ctx: CliContext, team: string): CliContext {
  let partial = "";
  return {
    ...ctx,
    stderr: (t: string) => {
      const lines = (partial + t).split("\n");
      partial = lines.pop() ?? "";
      if (lines.length > 0) ctx.stderr(lines.map((l) => `[${team}] ${l}\n`).join(""));
    },
  };
}

/** A stack whose config names another team or roster would plan the wrong agents. */
function configProblem(plan: PlanModel, t: TeamStack, rosterDir: string, projectDir: string): string | undefined {
  const team = plan.config["flex-roster:team"];
  const roster = plan.config["flex-roster:roster"];
  if (roster === undefined || path.resolve(projectDir, roster) !== rosterDir) {
    return `stack ${t.stack} is not a stack of this roster folder: its flex-roster:roster is ${JSON.stringify(roster ?? "")}; set it to the folder, or name the team's stack with --stack-name / --stack-map`;
  }
  if (team !== t.team) {
    return `stack ${t.stack} belongs to team ${JSON.stringify(team ?? "")}, not ${t.team}: fix its flex-roster:team, or name the team's stack with --stack-name / --stack-map`;
  }
  return undefined;
}

export interface FolderPlan {
  rosterDir: string;
  projectDir: string;
  teams: TeamStack[];
  plans: Map<string, PlanModel>;
  ws: WorkspacePlan;
  /** Every team file's `allowEmptyQueues`: queues the routing guard lets empty. */
  allowEmptyQueues: string[];
}

/** Preview every team's stack (a missing stack plans its agents as creates) and pair the moves. */
export async function planFolder(ctx: CliContext, opts: FolderOptions, pulumiArgs: string[]): Promise<FolderPlan> {
  const rosterDir = path.resolve(ctx.cwd, opts.roster!);
  const folder = loadRosterFolder(rosterDir);
  const dirLabel = opts.roster!;
  const projectDir = path.resolve(ctx.cwd, opts.cwd ?? ".");
  const target = { ...(opts.cwd ? { cwd: opts.cwd } : {}), env: ctx.env };
  const members = folder.teams.map((t) => ({ team: t.team, file: t.roster.file, agents: t.roster.agents.map((a) => ({ identity: a.identity, email: a.email })) }));
  const teams = await teamStacks(ctx.pulumi, rosterDir, members, naming(ctx, opts), target);
  const maxParallel = defaultMaxParallel();
  const budgetMiB = budget(ctx, opts);
  ctx.stderr(
    `flex-roster: roster folder ${dirLabel}: ${teams.length} team(s): ${teams.map((t) => `${t.team} (stack ${t.stack}${t.exists ? "" : ", not created yet"})`).join(", ")}; ` +
      `previewing up to ${maxParallel} at once within ${budgetMiB} MiB\n`,
  );
  const plans = await eachTeam(teams, {
    budgetMiB,
    maxParallel,
    work: async (t) => {
      if (!t.exists) return plannedForNewStack(t.agents, t.stack);
      const sel = { stack: t.stack, ...(opts.cwd ? { cwd: opts.cwd } : {}) };
      const { plan } = await previewPlan(teamContext(ctx, t.team), sel, pulumiArgs);
      const problem = plan.failed ? undefined : configProblem(plan, t, rosterDir, projectDir);
      if (problem) {
        plan.failed = true;
        plan.diagnostics.push({ severity: "error", message: problem });
      }
      return plan;
    },
  });
  const teamPlans: TeamPlan[] = teams.map((t) => ({
    team: t.team,
    stack: t.stack,
    file: path.join(dirLabel, path.basename(t.file)),
    plan: plans.get(t.team)!,
    ...(t.exists ? {} : { stackStatus: "missing" as const }),
  }));
  const allowEmptyQueues = [...new Set(folder.teams.flatMap((t) => t.roster.allowEmptyQueues ?? []))];
  return { rosterDir, projectDir, teams, plans, ws: workspacePlan(dirLabel, teamPlans), allowEmptyQueues };
}

/**
 * One verdict over the whole change: removals of every team against the
 * workers of every team. Each stack may set its own limit; the strictest holds.
 */
export function guardFolder(ctx: CliContext, fp: FolderPlan, allowFlag: boolean): GuardVerdict {
  try {
    const { ws } = fp;
    const managed = ws.totals.managed;
    const configs = [...fp.plans.values()].filter((p) => Object.keys(p.config).length > 0).map((p) => p.config);
    const policies: GuardPolicy[] = (configs.length > 0 ? configs : [{}]).map((config) => resolveGuardPolicy({ config, env: ctx.env, allowFlag }));
    const strictest = policies.reduce((a, b) => (removalLimit(b.limit, managed).max < removalLimit(a.limit, managed).max ? b : a));
    // A mass removal is allowed for the folder only when every stack allows it (or the flag or env does).
    const policy = policies.every((p) => p.allowedBy) ? strictest : { ...strictest, allowedBy: undefined };
    const deletes = [...fp.plans.values()].reduce((n, p) => n + p.totals.delete, 0);
    return evaluateGuard({ managed, deletes, replaces: ws.totals.replace, moves: ws.moves.length }, policy);
  } catch (err) {
    if (err instanceof GuardConfigError) throw new CliError(err.message);
    throw err;
  }
}

function headline(ws: WorkspacePlan): string {
  const t = ws.totals;
  const parts = (["replace", "delete", "create", "update"] as const).filter((a) => t[a] > 0).map((a) => `${t[a]} to ${a}`);
  if (t.moves > 0) parts.push(`${t.moves} to move between teams (workers kept)`);
  const created = ws.teams.filter((x) => x.stackStatus === "missing").length;
  if (created > 0) parts.push(`${created} team stack(s) to create`);
  return `${ws.teams.length} teams: ${parts.length > 0 ? parts.join(", ") : "no changes"}${ws.failed ? " (a preview reported errors)" : ""}`;
}

/**
 * The folder's routing impact: every team's changes against the workspace's
 * queues at once, TaskRouter read with the first existing team stack's config.
 */
export function routeFolder(ctx: CliContext, fp: FolderPlan, opts: FolderOptions): Promise<RoutingReport | undefined> {
  const first = fp.teams.find((t) => t.exists);
  const sel = first ? { stack: first.stack, ...(opts.cwd ? { cwd: opts.cwd } : {}) } : undefined;
  const configs = fp.teams.filter((t) => t.exists).map((t) => fp.plans.get(t.team)!.config);
  return folderRouting(ctx, sel, { routed: fp.ws.routed, configs, allowEmptyQueues: fp.allowEmptyQueues }, opts);
}

/** Whether the folder's plan must stop here: a failed preview (exit 1), or the removal or the routing guard refusing it (exit 3). */
export function folderStop(ws: WorkspacePlan, guard: GuardVerdict | undefined, routing: RoutingReport | undefined): ExitCode | undefined {
  if (ws.failed) return EXIT.ERROR;
  return guard?.status === "blocked" || routing?.guard.status === "blocked" ? EXIT.BLOCKED : undefined;
}

/** Write the folder's one report (stdout or --out) and its JSON summary. */
export function emitFolderReport(ctx: CliContext, ws: WorkspacePlan, opts: OutputOptions & { mode: ReportMode; guard?: GuardVerdict; routing?: RoutingReport }): void {
  const markdown = renderWorkspaceMarkdown(ws, { mode: opts.mode, guard: opts.guard, routing: opts.routing, collapseAfter: opts.collapseAfter });
  if (opts.out && opts.out !== "-") {
    ctx.writeFile(opts.out, markdown);
    ctx.stderr(`flex-roster: report written to ${opts.out}\n`);
  } else {
    ctx.stdout(markdown);
  }
  if (opts.summaryJson) ctx.writeFile(opts.summaryJson, JSON.stringify(buildWorkspaceSummary(ws, { mode: opts.mode, guard: opts.guard, routing: opts.routing }), null, 2) + "\n");
  ctx.stderr(`flex-roster: ${headline(ws)}\n`);
  if (opts.guard && opts.guard.status !== "pass") ctx.stderr(`flex-roster: ${opts.guard.message}\n`);
  if (opts.routing && opts.routing.guard.status !== "pass") ctx.stderr(`flex-roster: ${opts.routing.guard.message}\n`);
}

/** `preview --roster` and the first half of `up --roster`: plan, guard, report; `stop` when the command must not go on. */
export async function guardedFolderPlan(ctx: CliContext, opts: FolderOptions, pulumiArgs: string[]) {
  const fp = await planFolder(ctx, opts, pulumiArgs);
  const guard = fp.ws.failed ? undefined : guardFolder(ctx, fp, !!opts.allowMassRemoval);
  const routing = fp.ws.failed ? undefined : await routeFolder(ctx, fp, opts);
  emitFolderReport(ctx, fp.ws, { ...opts, mode: "plan", guard, routing });
  return { fp, guard, routing, stop: folderStop(fp.ws, guard, routing) };
}

/** `drift --roster`: exit 2 when any team's live Flex differs from its file, or a team has no stack yet. */
export async function folderDrift(ctx: CliContext, opts: FolderOptions, pulumiArgs: string[]): Promise<ExitCode> {
  const fp = await planFolder(ctx, opts, pulumiArgs);
  const { ws } = fp;
  const routing = ws.failed ? undefined : await routeFolder(ctx, fp, opts);
  emitFolderReport(ctx, ws, { ...opts, mode: "drift", routing });
  if (ws.failed) return EXIT.ERROR;
  return workspaceHasChanges(ws) ? EXIT.DRIFT : EXIT.OK;
}

type Outcome = "applied" | "nothing to apply" | "failed" | "not applied";

/**
 * `up --roster`: the guarded plan, then missing team stacks created, then each
 * team's `pulumi up`, a team that gains an agent before the team losing it.
 * Teams run at once within the budget once the teams they wait for are done.
 * SIGINT/SIGTERM stops starting teams (a running one stops as `up` does); a
 * rerun picks up where it stopped.
 */
export async function folderUp(ctx: CliContext, opts: FolderOptions, pulumiArgs: string[]): Promise<ExitCode> {
  const { fp, stop } = await guardedFolderPlan(ctx, opts, pulumiArgs);
  if (stop !== undefined) return stop;
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => void (interrupted ??= sig);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const template = fp.teams.find((t) => t.exists)?.stack;
    const created = new Set<string>();
    for (const t of fp.teams.filter((x) => !x.exists)) {
      if (interrupted) break;
      await createTeamStack(ctx.pulumi, t, { cwd: opts.cwd, env: ctx.env, rosterDir: fp.rosterDir, ...(template ? { copyFrom: template } : {}) });
      created.add(t.team);
      ctx.stderr(
        `flex-roster up: team ${t.team}: its stack ${t.stack} did not exist: created it ` +
          `(flex-roster:roster and flex-roster:team set${template ? `, other config copied from stack ${template}` : "; credentials from the environment"})\n`,
      );
    }
    const { order, after, cycles } = applyOrder(
      fp.teams.map((t) => t.team),
      fp.ws.moves.map((m) => ({ identity: m.identity, from: m.from, to: m.to })),
    );
    if (cycles.length > 0) {
      ctx.stderr(`flex-roster up: teams ${cycles.join(", ")} swap agents: each such agent is held by no stack between the two ups (its worker is kept)\n`);
    }
    ctx.stderr(`flex-roster up: applying in this order (a team gaining an agent before the team losing it): ${order.join(", ")}\n`);
    const ordered = order.map((team) => fp.teams.find((t) => t.team === team)!);
    const outcomesSoFar = new Map<string, Outcome>();
    const outcomes = await eachTeam<Outcome>(ordered, {
      budgetMiB: budget(ctx, opts),
      maxParallel: defaultMaxParallel(),
      stopped: () => interrupted !== undefined,
      ready: (t, done) => [...after.get(t.team)!].every((p) => [...done.keys()].some((d) => d.team === p)),
      work: async (t) => {
        const waited = [...after.get(t.team)!].filter((p) => outcomesSoFar.get(p) === "failed" || outcomesSoFar.get(p) === "not applied");
        const plan = fp.plans.get(t.team)!;
        let outcome: Outcome;
        if (waited.length > 0) {
          outcome = "not applied";
          ctx.stderr(`flex-roster up: team ${t.team}: not applied: it waits for team ${waited.join(", ")}, not applied\n`);
        } else if (interrupted) {
          outcome = "not applied";
        } else if (!created.has(t.team) && t.exists && !hasChanges(plan) && !plan.stackChanges) {
          outcome = "nothing to apply";
          ctx.stderr(`flex-roster up: team ${t.team} (stack ${t.stack}): nothing to apply\n`);
        } else {
          ctx.stderr(`flex-roster up: team ${t.team} (stack ${t.stack}): applying with pulumi up...\n`);
          const sel = { stack: t.stack, ...(opts.cwd ? { cwd: opts.cwd } : {}) };
          const res = await ctx.pulumi.up(sel, pulumiArgs, { env: ctx.env, log: teamContext(ctx, t.team).stderr });
          outcome = res.code === 0 ? "applied" : "failed";
          ctx.stderr(`flex-roster up: team ${t.team} (stack ${t.stack}): ${outcome === "applied" ? "applied" : `pulumi up ${describeExit(res)}`}\n`);
        }
        outcomesSoFar.set(t.team, outcome);
        return outcome;
      },
    });
    const by = (o: Outcome) => order.filter((team) => (outcomes.get(team) ?? "not applied") === o);
    const line = (["applied", "nothing to apply", "failed", "not applied"] as const)
      .map((o) => [o, by(o)] as const)
      .filter(([, teams]) => teams.length > 0)
      .map(([o, teams]) => `${o}: ${teams.join(", ")}`)
      .join("; ");
    ctx.stderr(`flex-roster up: ${interrupted ? `stopped after ${interrupted}: ` : ""}${line}\n`);
    if (interrupted || by("failed").length > 0 || by("not applied").length > 0) {
      ctx.stderr("flex-roster up: run it again to finish: each team's stack picks up where it stopped\n");
      return EXIT.ERROR;
    }
    return EXIT.OK;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
