// The PR report pipeline: `pulumi preview --json` text, or a preview's engine
// events → digest → plan model → Markdown comment + JSON summary. Everything here is pure.

import type { GuardVerdict } from "./guard";
import { parseDigest } from "./digest";
import { renderMarkdown, type MarkdownOptions, type ReportMode } from "./markdown";
import { buildPlan, type PlanModel } from "./plan";
import { buildSummary, type ReportSummary } from "./summary";

export { PreviewEvents, digestFromEvents } from "./events";
export { DigestError, parseDigest, parseUrn, type PreviewDigest, type PreviewStep } from "./digest";
export { DEFAULT_COLLAPSE_AFTER, DEFAULT_MAX_CHARS, REPORT_MARKER, renderMarkdown, type MarkdownOptions, type ReportMode } from "./markdown";
export { ACTIONS, CHANGE_ACTIONS, actionOf, buildPlan, changedAgents, hasChanges, markTeamMoves, type AgentPlan, type PlanModel } from "./plan";
/** The Pulumi type of a flex-roster worker, which the plan picks out of a preview. */
export { WORKER_TYPE } from "../provider/resource-type";
export {
  WORKSPACE_SUMMARY_SCHEMA,
  buildWorkspaceSummary,
  plannedForNewStack,
  renderWorkspaceMarkdown,
  workspaceHasChanges,
  workspacePlan,
  type AgentMove,
  type TeamPlan,
  type WorkspacePlan,
  type WorkspaceSummary,
} from "./workspace";
export { changeReasons, type Reason, type ReasonCode } from "./reasons";
export { SUMMARY_SCHEMA, buildSummary, guardSummary, statusOf, summaryJson, type ReportStatus, type ReportSummary } from "./summary";

export interface Report {
  plan: PlanModel;
  markdown: string;
  summary: ReportSummary;
}

export interface ReportOptions extends Omit<MarkdownOptions, "guard" | "mode"> {
  mode?: ReportMode;
  guard?: GuardVerdict;
}
export {
  ALLOW_EMPTY_QUEUE_FLAG,
  ALLOW_EMPTY_QUEUES_KEY,
  disagreementMessage,
  evaluateRoutingGuard,
  routingImpact,
  type RoutingGuardVerdict,
  type RoutingReport,
} from "./routing";
export { readLiveRouting, routingReport } from "./routing-live";

/** Build the whole report from an already-built plan. */
export function reportFromPlan(plan: PlanModel, opts: ReportOptions = {}): Report {
  return {
    plan,
    markdown: renderMarkdown(plan, opts),
    summary: buildSummary(plan, { mode: opts.mode, guard: opts.guard, routing: opts.routing }),
  };
}

/** Build the whole report from the text `pulumi preview --json` printed. */
export function reportFromPreviewJson(text: string, opts: ReportOptions = {}): Report {
  return reportFromPlan(buildPlan(parseDigest(text)), opts);
}
