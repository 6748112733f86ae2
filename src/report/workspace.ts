// One report for a roster folder's whole change: every team's stack planned,
// then a workspace summary (totals, moves, one guard verdict, one Routing
// section over every team's changes) and one section per team. An agent moving between teams shows in the old team's plan as a
// delete (the provider keeps the worker) and in the new team's as a create
// (which adopts it): here it is one move, and neither team's section repeats it.
// Pure, like the rest of report/.

import type { AgentListing } from "../roster/folder";
import type { GuardVerdict } from "./guard";
import { code, text } from "./markdown-util";
import { DEFAULT_COLLAPSE_AFTER, DEFAULT_MAX_CHARS, REPORT_MARKER, agentCell, guardBlock, planSection, plural, VERB, type ReportMode } from "./markdown";
import { CHANGE_ACTIONS, changedAgents, hasChanges, type AgentPlan, type PlanModel, type Totals } from "./plan";
import { routingMarkdown, routingSummary, type RoutingReport } from "./routing";
import { buildSummary, guardSummary, statusOf, type ReportStatus, type ReportSummary } from "./summary";

export const WORKSPACE_SUMMARY_SCHEMA = "flex-roster.workspace-report/v1";

/** One team of the folder as its stack planned it. */
export interface TeamPlan {
  team: string;
  stack: string;
  /** The team's file. */
  file: string;
  /** Its stack's plan; for a stack that does not exist yet, every agent a create (see plannedForNewStack). */
  plan: PlanModel;
  /** The stack does not exist yet (`up` creates it), or was created by this run. */
  stackStatus?: "missing" | "created";
}

/** An agent moving from one team's file (and stack) to another's. */
export interface AgentMove {
  identity: string;
  email?: string;
  /** The worker, kept: the old stack lets go of it and the new one adopts it. */
  sid?: string;
  from: string;
  to: string;
  /** Where the new team's file lists it. */
  listing: AgentListing;
  /** The new team's row: "create" (adopts the worker), "same" (already adopted), or absent. */
  newAction?: AgentPlan["action"];
  /** What the adoption changes on the worker (the new team's file differs from the old one). */
  changes?: string[];
}

export interface WorkspacePlan {
  /** The roster folder. */
  dir: string;
  moves: AgentMove[];
  /** Each team's plan without the moves' rows. */
  teams: TeamPlan[];
  totals: Totals & { moves: number };
  failed: boolean;
  /**
   * What routing impact evaluates over the whole folder: every team's changed
   * agents, and each move adopted by a create as one row from the worker's
   * attributes in the old team's stack to those the new team's file gives it
   * (a move that changes no attribute joins and leaves no queue).
   */
  routed: AgentPlan[];
}

const key = (identity: string) => identity.toLowerCase();

/** The plan of a team whose stack does not exist: every agent of its file is created (or adopted). */
export function plannedForNewStack(agents: readonly { identity: string; email: string }[], stack: string): PlanModel {
  const rows: AgentPlan[] = agents.map((a) => ({
    identity: a.identity,
    email: a.email,
    action: "create",
    managed: false,
    ops: ["create"],
    reasons: [{ code: "new-agent", message: `new agent (stack ${stack} does not exist yet: up creates it)` }],
  }));
  return {
    stack,
    agents: rows,
    totals: { create: rows.length, update: 0, replace: 0, delete: 0, unchanged: 0, managed: 0 },
    others: [],
    diagnostics: [],
    failed: false,
    unchangedKnown: true,
    config: {},
    stackChanges: true,
  };
}

/** `plan` without the agents of `drop`, its totals adjusted. */
function without(plan: PlanModel, drop: Set<AgentPlan>): PlanModel {
  if (drop.size === 0) return plan;
  const totals = { ...plan.totals };
  for (const a of drop) if (a.action !== "same") totals[a.action]--;
  return { ...plan, agents: plan.agents.filter((a) => !drop.has(a)), totals };
}

/** Pair each delete that is a move with the new team's row, and take both out of the teams' sections. */
export function workspacePlan(dir: string, teams: readonly TeamPlan[]): WorkspacePlan {
  const byTeam = new Map(teams.map((t) => [t.team, t]));
  const drop = new Map<string, Set<AgentPlan>>(teams.map((t) => [t.team, new Set()]));
  const moves: AgentMove[] = [];
  const routedMoves: AgentPlan[] = [];
  for (const t of teams) {
    for (const a of t.plan.agents) {
      if (a.action !== "delete" || !a.movedTo) continue;
      drop.get(t.team)!.add(a);
      const move: AgentMove = { identity: a.identity, from: t.team, to: a.movedTo.team, listing: a.movedTo };
      if (a.email) move.email = a.email;
      if (a.sid) move.sid = a.sid;
      const target = byTeam.get(a.movedTo.team)?.plan.agents.find((b) => key(b.identity) === key(a.identity) && b.action !== "delete");
      if (target) {
        move.newAction = target.action;
        const changes = target.reasons.filter((r) => r.code !== "new-agent").map((r) => r.message);
        if (changes.length > 0) move.changes = changes;
        // A row with more than the adoption (a replace: the worker is corrupted) stays in its team's section too.
        if (target.action === "create" || target.action === "same") drop.get(a.movedTo.team)?.add(target);
        const row = routedMove(a, target);
        if (row) routedMoves.push(row);
      }
      moves.push(move);
    }
  }
  const sections = teams.map((t) => ({ ...t, plan: without(t.plan, drop.get(t.team)!) }));
  const totals: WorkspacePlan["totals"] = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0, managed: 0, moves: moves.length };
  for (const t of teams) {
    for (const k of ["update", "replace", "unchanged", "managed"] as const) totals[k] += t.plan.totals[k];
  }
  for (const t of sections) {
    totals.create += t.plan.totals.create;
    totals.delete += t.plan.totals.delete;
  }
  const routed = [...sections.flatMap((t) => t.plan.agents), ...routedMoves];
  return { dir, moves, teams: sections, totals, failed: teams.some((t) => t.plan.failed), routed };
}

/**
 * A move adopted by a create, for routing impact: the worker (its SID and its
 * attributes in the old stack's state) going to the attributes the new team's
 * file gives it. Undefined when either side is unknown (a team without a stack
 * yet) or the new team's row is routed on its own (an update or a replace).
 */
function routedMove(old: AgentPlan, target: AgentPlan): AgentPlan | undefined {
  if (target.action !== "create" || !old.routing?.before || !target.routing?.after) return undefined;
  const workspace = target.routing.workspace ?? old.routing.workspace;
  return {
    ...target,
    action: "update",
    managed: true,
    ...(old.sid ? { sid: old.sid } : {}),
    routing: { before: old.routing.before, after: target.routing.after, ...(workspace ? { workspace } : {}) },
  };
}

/** Whether applying the folder would change anything (drift, in drift mode). */
export function workspaceHasChanges(ws: WorkspacePlan): boolean {
  return ws.moves.length > 0 || ws.teams.some((t) => t.stackStatus === "missing" || hasChanges(t.plan));
}

export interface WorkspaceReportOptions {
  mode?: ReportMode;
  guard?: GuardVerdict;
  /** Routing impact over every team's changes (preview/up): one Routing section for the folder. */
  routing?: RoutingReport;
  collapseAfter?: number;
  maxChars?: number;
}

function countsLine(ws: WorkspacePlan): string {
  const t = ws.totals;
  const parts = CHANGE_ACTIONS.filter((a) => t[a] > 0).map((a) => `${t[a]} ${VERB[a]}`);
  if (t.moves > 0) parts.push(`${t.moves} to move between teams`);
  const head = parts.length > 0 ? `**${parts.join(" · ")}**` : "**No worker changes**";
  return `${head} · ${t.unchanged} unchanged · ${plural(t.managed, "managed worker")} · ${plural(ws.teams.length, "team")}`;
}

function teamRef(ws: WorkspacePlan, team: string): string {
  const stack = ws.teams.find((t) => t.team === team)?.stack;
  return `${code(team)}${stack && stack !== team ? ` <sub>stack ${code(stack)}</sub>` : ""}`;
}

function movesBlock(ws: WorkspacePlan, limit: number): string {
  if (ws.moves.length === 0) return "";
  const lines = ["| Agent | From team | To team | Worker |", "| --- | --- | --- | --- |"];
  for (const m of ws.moves.slice(0, limit)) {
    const agent = agentCell({ identity: m.identity, email: m.email } as AgentPlan);
    const where = `${teamRef(ws, m.to)}<br><sub>${code(`${m.listing.file}:${m.listing.line}`)}</sub>`;
    const done = m.newAction === "same" ? "already adopted by the new team's stack" : m.newAction === "create" ? "adopted by the new team's stack" : "kept; the new team's stack adopts it";
    const changes = (m.changes ?? []).map((c) => `<br><sub>${text(c)}</sub>`).join("");
    lines.push(`| ${agent} | ${teamRef(ws, m.from)} | ${where} | ${m.sid ? `${code(m.sid)} ` : ""}${done}${changes} |`);
  }
  if (ws.moves.length > limit) lines.push(`\n_… and ${plural(ws.moves.length - limit, "more move")} (see the JSON summary)._`);
  return `#### Moved between teams: ${plural(ws.moves.length, "agent")}\n\n${lines.join("\n")}\n\n<sub>A move keeps the worker and its SID: the new team's stack adopts it, the old team's stack only forgets it.</sub>`;
}

function teamBlock(t: TeamPlan, opts: Required<Pick<WorkspaceReportOptions, "mode" | "collapseAfter">>, rowLimit: number): string {
  const status = t.stackStatus === "missing" ? " · _new stack: `up` creates it_" : t.stackStatus === "created" ? " · _stack created by this run_" : "";
  const title = `#### Team ${code(t.team, false)} · stack ${code(t.stack, false)} · ${code(t.file, false)}${status}`;
  // The guard is the folder's, said once above.
  return [title, ...planSection(t.plan, { mode: opts.mode, collapseAfter: opts.collapseAfter }, rowLimit)].join("\n\n");
}

/** The preview warnings of every team (the Routing section does not repeat one). */
function warningsOf(ws: WorkspacePlan): string[] {
  return ws.teams.flatMap((t) => t.plan.diagnostics.filter((d) => d.severity === "warning").map((d) => d.message.replace(/^warning: /, "")));
}

function render(
  ws: WorkspacePlan,
  opts: Required<Omit<WorkspaceReportOptions, "guard" | "routing" | "maxChars">> & Pick<WorkspaceReportOptions, "guard" | "routing">,
  rowLimit: number,
): string {
  const what = opts.mode === "drift" ? "drift check" : "plan";
  const blocks = [REPORT_MARKER, `### flex-roster ${what} · roster folder ${code(ws.dir, false)}`];
  const failed = ws.teams.filter((t) => t.plan.failed).map((t) => code(t.team, false));
  if (failed.length > 0) blocks.push(`> [!CAUTION]\n> **The preview failed** for team ${failed.join(", ")}; see its section.`);
  const changes = workspaceHasChanges(ws);
  if (!changes && failed.length === 0) {
    blocks.push(`**${opts.mode === "drift" ? "In sync" : "No changes"}.** Live Flex matches every team's roster (${plural(ws.totals.managed, "managed worker")}, ${plural(ws.teams.length, "team")}).`);
  } else {
    if (opts.mode === "drift" && changes) blocks.push("**Drift:** live Flex differs from the roster folder. `flex-roster up` would:");
    blocks.push(countsLine(ws));
  }
  if (opts.guard) {
    const g = guardBlock(opts.guard);
    if (g) blocks.push(g);
  }
  const moves = movesBlock(ws, rowLimit);
  if (moves) blocks.push(moves);
  if (opts.routing) blocks.push(routingMarkdown(opts.routing, opts.collapseAfter, warningsOf(ws)));
  for (const t of ws.teams) blocks.push(teamBlock(t, opts, rowLimit));
  blocks.push(`<sub>flex-roster report over ${plural(ws.teams.length, "team stack")}, each from its refreshing preview.</sub>`);
  return blocks.join("\n\n") + "\n";
}

/** The Markdown of the whole folder; cut like one stack's report when it would not fit in a comment. */
export function renderWorkspaceMarkdown(ws: WorkspacePlan, options: WorkspaceReportOptions = {}): string {
  const opts = { mode: options.mode ?? "plan", collapseAfter: options.collapseAfter ?? DEFAULT_COLLAPSE_AFTER, guard: options.guard, routing: options.routing };
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  let rowLimit = Number.POSITIVE_INFINITY;
  let out = render(ws, opts, rowLimit);
  while (out.length > maxChars && rowLimit > 1) {
    const longest = Math.max(ws.moves.length, ...ws.teams.map((t) => changedAgents(t.plan).length));
    rowLimit = Math.max(1, Math.floor(Math.min(rowLimit, longest) / 2));
    out = render(ws, opts, rowLimit);
  }
  return out;
}

export interface WorkspaceSummary {
  schema: typeof WORKSPACE_SUMMARY_SCHEMA;
  mode: ReportMode;
  roster: string;
  status: ReportStatus;
  totals: WorkspacePlan["totals"];
  guard?: GuardVerdict;
  /** Routing impact over every team's changes, as one stack's summary carries it. */
  routing?: ReturnType<typeof routingSummary>;
  moves: AgentMove[];
  /** One stack's summary per team (without the moves' rows), with its team, file and stack status. */
  teams: (ReportSummary & { team: string; file: string; stackStatus?: TeamPlan["stackStatus"] })[];
}

export function buildWorkspaceSummary(ws: WorkspacePlan, opts: { mode?: ReportMode; guard?: GuardVerdict; routing?: RoutingReport } = {}): WorkspaceSummary {
  const status: ReportStatus = ws.failed ? "failed" : workspaceHasChanges(ws) ? "changes" : "in-sync";
  const summary: WorkspaceSummary = { schema: WORKSPACE_SUMMARY_SCHEMA, mode: opts.mode ?? "plan", roster: ws.dir, status, totals: ws.totals, moves: ws.moves, teams: [] };
  if (opts.guard) summary.guard = guardSummary(opts.guard);
  if (opts.routing) summary.routing = routingSummary(opts.routing);
  summary.teams = ws.teams.map((t) => ({
    team: t.team,
    file: t.file,
    ...(t.stackStatus ? { stackStatus: t.stackStatus } : {}),
    ...buildSummary(t.plan, { mode: opts.mode }),
    status: t.stackStatus === "missing" ? "changes" : statusOf(t.plan),
  }));
  return summary;
}
