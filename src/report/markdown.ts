// The pull-request comment (and drift issue body): a hidden marker so a
// workflow updates one comment, totals, the guard verdict, a per-agent table
// with reasons, other resources, and the preview's errors and warnings. Pure
// and deterministic (no clock), so golden files can pin it.

import type { GuardVerdict } from "./guard";
import { code, codeBlock, text, value, valueText } from "./markdown-util";
import { CHANGE_ACTIONS, changedAgents, type AgentPlan, type ChangeAction, type PlanModel } from "./plan";
import type { Reason } from "./reasons";
import { routingMarkdown, type RoutingReport } from "./routing";

/** Hidden marker a workflow searches for to update its one comment. */
export const REPORT_MARKER = "<!-- flex-roster-report -->";
/** GitHub refuses comments over 65,536 characters; stay well below. */
export const DEFAULT_MAX_CHARS = 60_000;
export const DEFAULT_COLLAPSE_AFTER = 20;

export type ReportMode = "plan" | "drift";

export interface MarkdownOptions {
  mode?: ReportMode;
  guard?: GuardVerdict;
  /** Tables longer than this are split per action and collapsed in <details>. */
  collapseAfter?: number;
  maxChars?: number;
  /** The marker line (default REPORT_MARKER); a drift issue uses its own. */
  marker?: string;
  /** Routing impact (flex-roster preview/up read it live): the Routing section. */
  routing?: RoutingReport;
}

export const VERB: Record<ChangeAction, string> = {
  replace: "to replace",
  delete: "to delete",
  create: "to create",
  update: "to update",
};

const TITLE: Record<ChangeAction, string> = {
  replace: "Replace",
  delete: "Delete",
  create: "Create",
  update: "Update",
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function channelsText(channels: AgentPlan["channels"]): string {
  const entries = Object.entries(channels ?? {});
  if (entries.length === 0) return "";
  return entries
    .map(([name, ch]) => {
      const cap = ch && typeof ch === "object" ? ch.capacity : undefined;
      const off = ch && typeof ch === "object" && ch.available === false ? " (unavailable)" : "";
      return `${code(name)} ${text(valueText(cap))}${off}`;
    })
    .join(", ");
}

function arrow(from: unknown, to: unknown): string {
  return `${value(from)} → ${to === undefined ? "_(removed)_" : value(to)}`;
}

export function reasonMarkdown(r: Reason, agent?: AgentPlan): string {
  switch (r.code) {
    case "contact-uri":
      return r.from === undefined
        ? `contact_uri is missing; expected ${value(r.to)}`
        : `contact_uri ${value(r.from)} is not canonical; expected ${value(r.to)}`;
    case "attributes-format":
      return text(r.message);
    case "friendly-name":
      return `friendly_name ${value(r.from)} is not the agent's identity ${value(r.to)}`;
    case "workspace":
      return `workspace ${arrow(r.from, r.to)}`;
    case "attribute":
      return `${code(r.key ?? "?")}: ${arrow(r.from, r.to)}`;
    case "channel": {
      const [name, field] = (r.key ?? "?.?").split(/\.(?=[^.]+$)/);
      return `${code(name)} ${text(field ?? "")} ${arrow(r.from, r.to)}`;
    }
    case "channel-missing":
      return `channel ${code(r.key ?? "?")} is missing on the worker`;
    case "setting":
      return `${code(r.key ?? "?")} ${arrow(r.from, r.to)}`;
    case "new-agent": {
      const ch = channelsText(agent?.channels);
      return ch ? `new agent; channels ${ch}` : "new agent";
    }
    case "missing-in-flex": {
      const ch = channelsText(agent?.channels);
      return `missing in Flex (deleted outside flex-roster); created again${ch ? `; channels ${ch}` : ""}`;
    }
    case "removed-from-roster":
      return "no longer in the roster";
    case "moved-to-team": {
      const to = agent?.movedTo;
      return to ? `moved to team ${code(to.team)} (${code(`${to.file}:${to.line}`)}): kept in Flex, that team's stack manages it` : text(r.message);
    }
    case "other":
      return r.key !== undefined && ("from" in r || "to" in r) ? `${code(r.key)}: ${arrow(r.from, r.to)}` : text(r.message);
  }
}

export function agentCell(a: AgentPlan): string {
  if (!a.email || a.email === a.identity) return code(a.identity);
  return `${code(a.email)}<br><sub>${code(a.identity)}</sub>`;
}

function actionCell(a: AgentPlan): string {
  if (a.movedTo) return `**delete** from this stack<br><sub>worker kept</sub>`;
  const label = a.action === "replace" || a.action === "delete" ? `**${a.action}**` : a.action;
  return a.sid && (a.action === "replace" || a.action === "delete") ? `${label}<br><sub>${code(a.sid)}</sub>` : label;
}

function whyCell(a: AgentPlan): string {
  const lines = a.reasons.map((r) => reasonMarkdown(r, a));
  if (a.action === "replace") {
    const ch = channelsText(a.channels);
    if (ch && !a.reasons.some((r) => r.code === "channel")) lines.push(`recreated with channels ${ch}`);
  }
  if (a.repair) lines.push(`<sub>${text(a.repair.why)}</sub>`);
  for (const n of a.notes ?? []) lines.push(`<sub>not drift: ${text(n)}</sub>`);
  return lines.join("<br>") || "&nbsp;";
}

/** Agents without a change that still differ from the roster in what SSO or Flex owns. */
function notesBlock(plan: PlanModel, limit: number): string {
  const rows = plan.agents.filter((a) => a.action === "same" && (a.notes?.length ?? 0) > 0);
  if (rows.length === 0) return "";
  const lines = ["| Agent | Not drift (owned by SSO or Flex) |", "| --- | --- |"];
  for (const a of rows.slice(0, limit)) lines.push(`| ${agentCell(a)} | ${a.notes!.map((n) => text(n)).join("<br>")} |`);
  if (rows.length > limit) lines.push(`\n_… and ${plural(rows.length - limit, "more agent")}._`);
  return `<details><summary>Information, not drift: ${plural(rows.length, "unchanged agent")}</summary>\n\n${lines.join("\n")}\n\n</details>`;
}

function table(rows: AgentPlan[], limit: number): string {
  const shown = rows.slice(0, limit);
  const lines = ["| Agent | Action | Why |", "| --- | --- | --- |"];
  for (const a of shown) lines.push(`| ${agentCell(a)} | ${actionCell(a)} | ${whyCell(a)} |`);
  let out = lines.join("\n");
  if (rows.length > shown.length) {
    out += `\n\n_… and ${plural(rows.length - shown.length, "more agent")} (see the JSON summary for the full list)._`;
  }
  return out;
}

function countsLine(plan: PlanModel): string {
  const t = plan.totals;
  const parts = CHANGE_ACTIONS.filter((a) => t[a] > 0).map((a) => `${t[a]} ${VERB[a]}`);
  const head = parts.length > 0 ? `**${parts.join(" · ")}**` : "**No worker changes**";
  const tail = plan.unchangedKnown ? ` · ${t.unchanged} unchanged · ${plural(t.managed, "managed worker")}` : "";
  return `${head}${tail}`;
}

export function guardBlock(g: GuardVerdict): string {
  switch (g.status) {
    // The guard's messages hold only numbers and fixed names, so they go in as written.
    case "blocked":
      return `> [!CAUTION]\n> **Blocked by the blast-radius guard:** ${g.message.replace(/^blast-radius guard: /, "")}`;
    case "allowed":
      return `> [!WARNING]\n> **Mass removal allowed:** ${g.message.replace(/^blast-radius guard: /, "")}`;
    case "pass":
      return g.removals > 0
        ? `Blast-radius guard: ${plural(g.removals, "worker")} deleted or replaced; the limit is ${g.max} (${text(g.rule)}).`
        : "";
  }
}

const MAX_DIAGNOSTICS = 30;
const MAX_DIAGNOSTIC_CHARS = 1500;

function diagnosticsText(list: PlanModel["diagnostics"]): string {
  const shown = list.slice(0, MAX_DIAGNOSTICS).map((d) =>
    d.message.length > MAX_DIAGNOSTIC_CHARS ? `${d.message.slice(0, MAX_DIAGNOSTIC_CHARS - 1)}…` : d.message,
  );
  if (list.length > shown.length) shown.push(`… and ${list.length - shown.length} more`);
  return codeBlock(shown.join("\n\n"));
}

function diagnosticsBlock(plan: PlanModel): string {
  const out: string[] = [];
  const errors = plan.diagnostics.filter((d) => d.severity === "error");
  const warnings = plan.diagnostics.filter((d) => d.severity === "warning");
  if (errors.length > 0) out.push(`#### Errors (${errors.length})\n\n${diagnosticsText(errors)}`);
  if (warnings.length > 0) {
    out.push(`<details><summary>Warnings (${warnings.length})</summary>\n\n${diagnosticsText(warnings)}\n\n</details>`);
  }
  return out.join("\n\n");
}

function othersBlock(plan: PlanModel): string {
  if (plan.others.length === 0) return "";
  const lines = ["| Resource | Type | Action |", "| --- | --- | --- |"];
  for (const o of plan.others) lines.push(`| ${code(o.name)} | ${code(o.type)} | ${text(o.op)} |`);
  return `#### Other resources (${plan.others.length})\n\n${lines.join("\n")}`;
}

function legend(rows: AgentPlan[]): string {
  const parts: string[] = [];
  if (rows.some((a) => a.action === "replace")) {
    parts.push("_replace_ deletes the worker and creates it again (new SID: the agent must sign in to Flex again)");
  }
  if (rows.some((a) => a.action === "delete" && !a.movedTo)) {
    parts.push("_delete_ takes the worker offline and deletes it (refused while the agent has tasks)");
  }
  if (rows.some((a) => a.movedTo)) {
    parts.push("_delete from this stack_ forgets a worker whose agent moved to another team's file; the worker stays in Flex");
  }
  return parts.length > 0 ? `<sub>${parts.join("; ")}.</sub>` : "";
}

function agentsBlock(rows: AgentPlan[], collapseAfter: number, rowLimit: number): string {
  if (rows.length === 0) return "";
  if (rows.length <= collapseAfter) return table(rows, rowLimit);
  const out: string[] = [];
  for (const action of CHANGE_ACTIONS) {
    const group = rows.filter((a) => a.action === action);
    if (group.length === 0) continue;
    const heading = `${TITLE[action]}: ${plural(group.length, "agent")}`;
    if (group.length <= collapseAfter) out.push(`#### ${heading}\n\n${table(group, rowLimit)}`);
    else out.push(`<details><summary><b>${heading}</b></summary>\n\n${table(group, rowLimit)}\n\n</details>`);
  }
  return out.join("\n\n");
}

export type SectionOptions = Pick<Required<MarkdownOptions>, "mode" | "collapseAfter"> & { guard?: GuardVerdict; routing?: RoutingReport };

/**
 * The body of one stack's report: the verdict, counts, guard, agents, notes,
 * other resources and diagnostics (no marker, title or footer), so a roster
 * folder's report can give each team's stack a section of its own.
 */
export function planSection(plan: PlanModel, opts: SectionOptions, rowLimit: number): string[] {
  const rows = changedAgents(plan);
  const anyChange = rows.length > 0 || plan.others.length > 0;
  const blocks: string[] = [];

  if (plan.failed) {
    blocks.push(
      `> [!CAUTION]\n> **The preview failed.** ${anyChange ? "The plan below may be incomplete; see" : "See"} the errors below.`,
    );
  }
  if (!anyChange && !plan.failed) {
    const n = plan.unchangedKnown ? ` for all ${plural(plan.totals.managed, "managed worker")}` : "";
    blocks.push(
      opts.mode === "drift"
        ? `**In sync.** Live Flex matches the roster${n}.`
        : `**No changes.** Live Flex already matches the roster${n}.`,
    );
  } else if (anyChange) {
    if (opts.mode === "drift") blocks.push("**Drift:** live Flex differs from the roster. `flex-roster up` would:");
    blocks.push(countsLine(plan));
  }
  if (opts.guard) {
    const g = guardBlock(opts.guard);
    if (g) blocks.push(g);
  }
  const agents = agentsBlock(rows, opts.collapseAfter, rowLimit);
  if (agents) blocks.push(agents);
  const leg = legend(rows);
  if (leg) blocks.push(leg);
  if (opts.routing) {
    const warnings = plan.diagnostics.filter((d) => d.severity === "warning").map((d) => d.message.replace(/^warning: /, ""));
    blocks.push(routingMarkdown(opts.routing, opts.collapseAfter, warnings));
  }
  const notes = notesBlock(plan, Number.isFinite(rowLimit) ? rowLimit : 200);
  if (notes) blocks.push(notes);
  const others = othersBlock(plan);
  if (others) blocks.push(others);
  const diags = diagnosticsBlock(plan);
  if (diags) blocks.push(diags);
  return blocks;
}

function render(
  plan: PlanModel,
  opts: Required<Omit<MarkdownOptions, "guard" | "routing">> & { guard?: GuardVerdict; routing?: RoutingReport },
  rowLimit: number,
): string {
  const stack = plan.stack ? ` · stack ${code(plan.stack, false)}` : "";
  const title = opts.mode === "drift" ? `### flex-roster drift check${stack}` : `### flex-roster plan${stack}`;
  const blocks: string[] = [opts.marker, title, ...planSection(plan, opts, rowLimit)];
  const where = [plan.project ? `project ${code(plan.project, false)}` : "", plan.stack ? `stack ${code(plan.stack, false)}` : ""]
    .filter(Boolean)
    .join(", ");
  blocks.push(`<sub>flex-roster report from \`pulumi preview --json\`${where ? ` (${where})` : ""}.</sub>`);
  return blocks.join("\n\n") + "\n";
}

/** Render the report. Long plans are collapsed; a plan too large for one comment is cut with a note. */
export function renderMarkdown(plan: PlanModel, options: MarkdownOptions = {}): string {
  const opts = {
    mode: options.mode ?? "plan",
    collapseAfter: options.collapseAfter ?? DEFAULT_COLLAPSE_AFTER,
    maxChars: options.maxChars ?? DEFAULT_MAX_CHARS,
    marker: options.marker ?? REPORT_MARKER,
    guard: options.guard,
    routing: options.routing,
  };
  let rowLimit = Number.POSITIVE_INFINITY;
  let out = render(plan, opts, rowLimit);
  while (out.length > opts.maxChars && rowLimit > 1) {
    const longest = Math.max(...CHANGE_ACTIONS.map((a) => plan.agents.filter((x) => x.action === a).length));
    rowLimit = Math.max(1, Math.floor(Math.min(rowLimit, longest) / 2));
    out = render(plan, opts, rowLimit);
  }
  return out;
}
