// The machine-readable twin of the Markdown report (`--summary-json`), for
// workflows and dashboards. Versioned by `schema`; values are as Pulumi gave
// them (secrets stay "[secret]").

import type { GuardVerdict } from "../guard";
import type { ReportMode } from "./markdown";
import { changedAgents, hasChanges, type ChannelSummary, type OtherChange, type PlanDiagnostic, type PlanModel, type Totals } from "./plan";
import type { Reason } from "./reasons";

export const SUMMARY_SCHEMA = "flex-roster.report/v1";

export type ReportStatus = "in-sync" | "changes" | "failed";

export interface AgentSummary {
  identity: string;
  email?: string;
  action: string;
  sid?: string;
  reasons: Reason[];
  channels?: Record<string, ChannelSummary>;
}

export interface ReportSummary {
  schema: typeof SUMMARY_SCHEMA;
  mode: ReportMode;
  stack?: string;
  project?: string;
  /** in-sync: nothing to do; changes: the plan changes something; failed: the preview reported errors. */
  status: ReportStatus;
  totals: Totals;
  guard?: Omit<GuardVerdict, "message"> & { message: string };
  /** Agents with a change, in report order. */
  agents: AgentSummary[];
  others: OtherChange[];
  diagnostics: PlanDiagnostic[];
}

export function statusOf(plan: PlanModel): ReportStatus {
  if (plan.failed) return "failed";
  return hasChanges(plan) ? "changes" : "in-sync";
}

export function buildSummary(plan: PlanModel, opts: { mode?: ReportMode; guard?: GuardVerdict } = {}): ReportSummary {
  const summary: ReportSummary = {
    schema: SUMMARY_SCHEMA,
    mode: opts.mode ?? "plan",
    status: statusOf(plan),
    totals: { ...plan.totals },
    agents: changedAgents(plan).map((a) => {
      const s: AgentSummary = { identity: a.identity, action: a.action, reasons: a.reasons };
      if (a.email) s.email = a.email;
      if (a.sid) s.sid = a.sid;
      if (a.channels) s.channels = a.channels;
      return s;
    }),
    others: plan.others,
    diagnostics: plan.diagnostics,
  };
  if (plan.stack) summary.stack = plan.stack;
  if (plan.project) summary.project = plan.project;
  if (opts.guard) summary.guard = { ...opts.guard };
  return summary;
}

/** Stable JSON text (2-space indent, trailing newline). */
export function summaryJson(summary: ReportSummary): string {
  return JSON.stringify(summary, null, 2) + "\n";
}
