// Routing impact of a plan: per TaskQueue, eligible workers before → after and
// which agents join or leave, from TaskRouter's own counts (unmanaged workers
// included) and the local evaluation of each changed agent's attributes
// (src/flex/routing.ts). Where TaskRouter was asked who a queue picks (the
// live check), its answer is the "before" and each changed agent's local
// verdict is checked against it: a disagreement is a warning naming the
// queue, the worker and the expression. Pure: the live facts come in.

import { compileQueues, eligibleQueues, unparsableQueueMessage, type QueueDefinition, type RoutingQueue } from "../flex/routing";
import { code, text } from "./markdown-util";
import type { AgentPlan, PlanModel } from "./plan";

/** What TaskRouter said about the workspace's routing (src/report/routing-live.ts reads it). */
export interface LiveRouting {
  workspaceSid: string;
  queues: QueueDefinition[];
  /** TaskQueues/Statistics total_eligible_workers, by queue SID. */
  eligible: Map<string, number>;
  /** TaskRouter's own answer (`Workers?TaskQueueSid=`), worker SIDs by queue SID, for the queues it was asked about. */
  members: Map<string, Set<string>>;
  /** API calls the reads took. */
  calls: number;
}

export interface QueueImpact {
  sid: string;
  name: string;
  targetWorkers: string;
  before: number;
  after: number;
  /** Agents (email, else identity) that join or leave the queue. */
  joins: string[];
  leaves: string[];
  /** TaskRouter checked this queue's members (the live check). */
  checked: boolean;
}

export interface RoutingDisagreement {
  queue: string;
  queueSid: string;
  worker: string;
  workerSid: string;
  expression: string;
  /** What the local evaluation says of the worker's live attributes; TaskRouter says the opposite. */
  localEligible: boolean;
}

export interface RoutingImpact {
  workspaceSid: string;
  /** Every queue whose expression parses, in TaskRouter's order. */
  queues: QueueImpact[];
  /** Queues whose target_workers does not parse: left out, said once. */
  unparsable: { sid: string; name: string; targetWorkers: string; error: string }[];
  disagreements: RoutingDisagreement[];
  calls: number;
}

const who = (a: AgentPlan) => a.email ?? a.identity;

/** What routing impact reads of a plan: its agents (one stack's, or a roster folder's with each move as one row). */
export type RoutedPlan = Pick<PlanModel, "agents">;

/** Changed agents whose worker routing can change: a move keeps its worker in Flex. */
function routedChanges(plan: RoutedPlan): AgentPlan[] {
  return plan.agents.filter((a) => a.action !== "same" && a.routing && !a.movedTo);
}

/** Which queues each side of an agent's change is eligible for (local evaluation). */
function sides(queues: RoutingQueue[], a: AgentPlan): { was: Set<string>; will: Set<string> } {
  return {
    was: new Set(eligibleQueues(queues, a.routing?.before).map((q) => q.sid)),
    will: new Set(eligibleQueues(queues, a.routing?.after).map((q) => q.sid)),
  };
}

/** The queues some changed agent joins or leaves, by the local evaluation: where the live check looks. */
export function touchedQueues(plan: RoutedPlan, queues: readonly QueueDefinition[]): string[] {
  const compiled = compileQueues(queues);
  const out = new Set<string>();
  for (const a of routedChanges(plan)) {
    const { was, will } = sides(compiled, a);
    for (const sid of was) if (!will.has(sid)) out.add(sid);
    for (const sid of will) if (!was.has(sid)) out.add(sid);
  }
  return [...out];
}

export function routingImpact(plan: RoutedPlan, live: LiveRouting): RoutingImpact {
  const compiled = compileQueues(live.queues);
  const changes = routedChanges(plan).map((a) => ({ agent: a, ...sides(compiled, a) }));
  const impact: RoutingImpact = { workspaceSid: live.workspaceSid, queues: [], unparsable: [], disagreements: [], calls: live.calls };
  for (const q of compiled) {
    if (q.error) {
      impact.unparsable.push({ sid: q.sid, name: q.name, targetWorkers: q.targetWorkers, error: q.error });
      continue;
    }
    const members = live.members.get(q.sid);
    let after = members ? members.size : (live.eligible.get(q.sid) ?? 0);
    const before = after;
    const joins: string[] = [];
    const leaves: string[] = [];
    for (const { agent, was, will } of changes) {
      const sid = agent.action === "create" ? undefined : agent.sid;
      // Before: TaskRouter's answer where it was asked, else the local verdict.
      let wasIn = was.has(q.sid);
      if (members && sid) {
        const listed = members.has(sid);
        if (listed !== wasIn && agent.routing?.before) {
          impact.disagreements.push({ queue: q.name, queueSid: q.sid, worker: who(agent), workerSid: sid, expression: q.targetWorkers, localEligible: wasIn });
        }
        wasIn = listed;
      }
      const willIn = will.has(q.sid);
      if (wasIn && !willIn) {
        after--;
        leaves.push(who(agent));
      } else if (!wasIn && willIn) {
        after++;
        joins.push(who(agent));
      }
    }
    impact.queues.push({ sid: q.sid, name: q.name, targetWorkers: q.targetWorkers, before, after: Math.max(0, after), joins, leaves, checked: !!members });
  }
  return impact;
}

/** Queues the plan leaves with no eligible worker that had at least one. */
export function emptiedQueues(impact: RoutingImpact): QueueImpact[] {
  return impact.queues.filter((q) => q.before >= 1 && q.after === 0);
}

/** The warning for a disagreement between the local evaluation and TaskRouter. */
export function disagreementMessage(d: RoutingDisagreement): string {
  const says = (yes: boolean) => (yes ? "eligible" : "not eligible");
  return (
    `routing check: TaskQueue "${d.queue}" (${d.queueSid}), worker ${d.worker} (${d.workerSid}): flex-roster evaluates ` +
    `${JSON.stringify(d.expression)} as ${says(d.localEligible)}, TaskRouter says ${says(!d.localEligible)}; ` +
    `the report follows TaskRouter (a key flex-roster does not manage, or an expression feature it reads differently)`
  );
}

// -- the routing guard -------------------------------------------------------------
// A queue that goes from 1 or more eligible workers to 0 strands its tasks: a
// critical finding. `flex-roster preview` and `up` refuse it (exit 3, nothing
// written) unless the roster (`allowEmptyQueues:`) or the flag
// `--allow-empty-queue <name>` names the queue.

export const ALLOW_EMPTY_QUEUE_FLAG = "--allow-empty-queue";
export const ALLOW_EMPTY_QUEUES_KEY = "allowEmptyQueues";

export interface RoutingGuardVerdict {
  status: "pass" | "allowed" | "blocked";
  /** Queues the plan empties: each with its count before and who allowed it, if anyone. */
  emptied: { name: string; sid: string; before: number; allowedBy?: string }[];
  message: string;
}

export interface EmptyQueueAllowances {
  /** From the roster's `allowEmptyQueues`. */
  roster: readonly string[];
  /** From `--allow-empty-queue` (repeatable). */
  flag: readonly string[];
}

export function evaluateRoutingGuard(impact: RoutingImpact, allow: EmptyQueueAllowances): RoutingGuardVerdict {
  const emptied = emptiedQueues(impact).map((q) => {
    const e: RoutingGuardVerdict["emptied"][number] = { name: q.name, sid: q.sid, before: q.before };
    if (allow.flag.includes(q.name)) e.allowedBy = `${ALLOW_EMPTY_QUEUE_FLAG} "${q.name}"`;
    else if (allow.roster.includes(q.name)) e.allowedBy = `the roster's ${ALLOW_EMPTY_QUEUES_KEY}`;
    return e;
  });
  if (emptied.length === 0) return { status: "pass", emptied, message: "routing guard: no queue loses its last eligible worker" };
  const list = (qs: typeof emptied) => qs.map((q) => `"${q.name}" (${q.before} → 0)`).join(", ");
  const refused = emptied.filter((q) => !q.allowedBy);
  if (refused.length === 0) {
    return { status: "allowed", emptied, message: `routing guard: this plan leaves ${list(emptied)} with no eligible worker, allowed by ${[...new Set(emptied.map((q) => q.allowedBy))].join(" and ")}` };
  }
  return {
    status: "blocked",
    emptied,
    message:
      `routing guard: this plan leaves ${list(refused)} with no eligible worker: tasks routed there would wait with nobody to take them. ` +
      `flex-roster refuses to apply it. If this is intended, name the queue in the roster's \`${ALLOW_EMPTY_QUEUES_KEY}:\` ` +
      `or re-run with ${ALLOW_EMPTY_QUEUE_FLAG} "<queue name>".`,
  };
}

// -- the report's Routing section ------------------------------------------------

/** What the report shows: the impact, and the guard's verdict on it. */
export interface RoutingReport {
  impact: RoutingImpact;
  guard: RoutingGuardVerdict;
}

function names(list: string[], max = 10): string {
  const shown = list.slice(0, max).map(text).join(", ");
  return list.length > max ? `${shown} … and ${list.length - max} more` : shown;
}

function queueRow(q: QueueImpact, emptied: Set<string>): string {
  const count = `${q.before} → ${q.after}${emptied.has(q.sid) ? " ⚠️" : ""}`;
  return `| ${text(q.name)} | ${code(q.targetWorkers)} | ${count} | ${names(q.joins)} | ${names(q.leaves)} |`;
}

const HEADER = ["| queue | target workers | eligible before → after | joins | leaves |", "| --- | --- | --- | --- | --- |"];

/** The report's Routing section: the queues the plan changes first, the others folded away. */
export function routingMarkdown(r: RoutingReport, collapseAfter: number, warnings: readonly string[] = []): string {
  const { impact, guard } = r;
  const emptied = new Set(guard.emptied.map((q) => q.sid));
  const changed = impact.queues.filter((q) => q.joins.length > 0 || q.leaves.length > 0);
  const unchanged = impact.queues.filter((q) => q.joins.length === 0 && q.leaves.length === 0);
  const out: string[] = ["#### Routing"];
  if (guard.status === "blocked") out.push(`> [!CAUTION]\n> **Blocked by the routing guard:** ${text(guard.message.replace(/^routing guard: /, ""))}`);
  if (guard.status === "allowed") out.push(`> [!WARNING]\n> **Queue emptied, allowed:** ${text(guard.message.replace(/^routing guard: /, ""))}`);
  if (changed.length > 0) {
    const table = [...HEADER, ...changed.map((q) => queueRow(q, emptied))].join("\n");
    out.push(changed.length > collapseAfter ? `<details><summary>Queues this plan changes (${changed.length})</summary>\n\n${table}\n\n</details>` : table);
  } else {
    out.push("No agent joins or leaves a TaskQueue.");
  }
  if (unchanged.length > 0) {
    const table = [...HEADER, ...unchanged.map((q) => queueRow(q, emptied))].join("\n");
    out.push(`<details><summary>Queues without a change (${unchanged.length})</summary>\n\n${table}\n\n</details>`);
  }
  for (const u of impact.unparsable) {
    // The provider's warning says it already (the report lists the preview's warnings): once is enough.
    if (warnings.includes(unparsableQueueMessage(u))) continue;
    out.push(`> [!WARNING]\n> ${text(`TaskQueue "${u.name}": its target_workers does not parse (${u.error}); it is left out.`)} ${code(u.targetWorkers, false)}`);
  }
  if (impact.disagreements.length > 0) {
    out.push(`> [!WARNING]\n> **The routing check disagrees with TaskRouter** (the counts follow TaskRouter):\n${impact.disagreements.map((d) => `> - ${text(disagreementMessage(d))}`).join("\n")}`);
  }
  const checked = impact.queues.filter((q) => q.checked).length;
  out.push(
    `<sub>Eligible counts are TaskRouter's (unmanaged workers included); joins and leaves are flex-roster's evaluation of each changed agent's attributes` +
      `${checked > 0 ? `, checked against TaskRouter's own answer for ${checked} queue${checked === 1 ? "" : "s"}` : ""}. ${impact.calls} API call${impact.calls === 1 ? "" : "s"}.</sub>`,
  );
  return out.join("\n\n");
}

/** The `routing` part of `--summary-json`: the same data. */
export function routingSummary(r: RoutingReport) {
  return {
    workspaceSid: r.impact.workspaceSid,
    guard: r.guard,
    queues: r.impact.queues,
    unparsable: r.impact.unparsable,
    disagreements: r.impact.disagreements,
    calls: r.impact.calls,
  };
}
