// The machine-readable twin of the Markdown report (`--summary-json`), for
// workflows and dashboards. Versioned by `schema`; values are as Pulumi gave
// them (secrets stay "[secret]").

import type { AgentListing } from "../roster/folder";
import type { GuardVerdict } from "./guard";
import type { ReportMode } from "./markdown";
import { changedAgents, hasChanges, type ChannelSummary, type OtherChange, type PlanDiagnostic, type PlanModel, type Totals } from "./plan";
import type { Reason } from "./reasons";
import { routingSummary, type RoutingReport } from "./routing";

export const SUMMARY_SCHEMA = "flex-roster.report/v1";

export type ReportStatus = "in-sync" | "changes" | "failed";

export interface AgentSummary {
  identity: string;
  email?: string;
  action: string;
  sid?: string;
  reasons: Reason[];
  channels?: Record<string, ChannelSummary>;
  /** Which repair policy applies to a corrupted worker, and why. */
  repair?: { policy: "recreate" | "in-place"; why: string };
  /** Not drift: differences owned by SSO or Flex. */
  notes?: string[];
  /** A delete that is a move to another team's stack (roster folder): the worker is kept. */
  movedTo?: AgentListing;
}

/** An agent without changes whose worker differs from the roster only in what SSO or Flex owns. */
export interface AgentNote {
  identity: string;
  email?: string;
  notes: string[];
}

export interface ReportSummary {
  schema: typeof SUMMARY_SCHEMA;
  mode: ReportMode;
  stack?: string;
  project?: string;
  /** in-sync: nothing to do; changes: the plan changes something; failed: the preview reported errors. */
  status: ReportStatus;
  totals: Totals;
  guard?: GuardVerdict;
  /** Routing impact: per queue eligible before → after, joins and leaves, the routing guard (preview/up only). */
  routing?: ReturnType<typeof routingSummary>;
  /** Agents with a change, in report order. */
  agents: AgentSummary[];
  /** Unchanged agents with notes (SSO-owned keys, skills disabled in Flex, waiting for first sign-in). */
  information?: AgentNote[];
  others: OtherChange[];
  diagnostics: PlanDiagnostic[];
}

/** Reason fields in a fixed order (code, key, from, to, replaces, message), absent ones left out. */
function orderedReason(r: Reason): Reason {
  const out: Partial<Reason> = { code: r.code };
  if (r.key !== undefined) out.key = r.key;
  if ("from" in r && r.from !== undefined) out.from = r.from;
  if ("to" in r && r.to !== undefined) out.to = r.to;
  if (r.replaces) out.replaces = true;
  out.message = r.message;
  return out as Reason;
}

export function statusOf(plan: PlanModel): ReportStatus {
  if (plan.failed) return "failed";
  return hasChanges(plan) ? "changes" : "in-sync";
}

/** The guard's verdict with its keys in a fixed order. */
export function guardSummary(g: GuardVerdict): GuardVerdict {
  const guard: Partial<GuardVerdict> = { status: g.status, removals: g.removals, deletes: g.deletes, replaces: g.replaces };
  if (g.moves) guard.moves = g.moves;
  guard.managed = g.managed;
  guard.max = g.max;
  guard.rule = g.rule;
  if (g.allowedBy) guard.allowedBy = g.allowedBy;
  guard.message = g.message;
  return guard as GuardVerdict;
}

export function buildSummary(plan: PlanModel, opts: { mode?: ReportMode; guard?: GuardVerdict; routing?: RoutingReport } = {}): ReportSummary {
  // Built key by key so the JSON reads top-down: what, where, verdict, details.
  const summary: Partial<ReportSummary> = { schema: SUMMARY_SCHEMA, mode: opts.mode ?? "plan" };
  if (plan.stack) summary.stack = plan.stack;
  if (plan.project) summary.project = plan.project;
  summary.status = statusOf(plan);
  summary.totals = { ...plan.totals };
  if (opts.guard) summary.guard = guardSummary(opts.guard);
  if (opts.routing) summary.routing = routingSummary(opts.routing);
  summary.agents = changedAgents(plan).map((a) => {
    const s: Partial<AgentSummary> = { identity: a.identity };
    if (a.email) s.email = a.email;
    s.action = a.action;
    if (a.sid) s.sid = a.sid;
    s.reasons = a.reasons.map(orderedReason);
    if (a.channels) s.channels = a.channels;
    if (a.repair) s.repair = a.repair;
    if (a.notes) s.notes = a.notes;
    if (a.movedTo) s.movedTo = a.movedTo;
    return s as AgentSummary;
  });
  const information = plan.agents
    .filter((a) => a.action === "same" && a.notes)
    .map((a) => ({ identity: a.identity, ...(a.email ? { email: a.email } : {}), notes: a.notes! }));
  if (information.length > 0) summary.information = information;
  summary.others = plan.others;
  summary.diagnostics = plan.diagnostics;
  return summary as ReportSummary;
}

/** Stable JSON text (2-space indent, trailing newline). */
export function summaryJson(summary: ReportSummary): string {
  return JSON.stringify(summary, null, 2) + "\n";
}
