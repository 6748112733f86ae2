// From a preview digest to the plan a reviewer reads: one entry per roster
// agent (a flex-roster Worker resource) with its action and reasons, totals,
// other resources that change, and the preview's warnings and errors. Pure.

import { parseNotDrift } from "../flex/drift";
import { WORKER_TYPE } from "../provider/resource-type";
import { decodeFlexIdentity, nameKey } from "../flex/identity";
import { attributesFromState, desiredRoutingAttributes } from "../flex/routing";
import type { WorkerInputs } from "../flex/worker-model";
import type { AgentListing } from "../roster/folder";
import { parseUrn, type PreviewDigest, type PreviewStep } from "./digest";
import { changeReasons, channelOf, goneReasons, healthOf, redact, type Reason } from "./reasons";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export type Action = "replace" | "delete" | "create" | "update" | "same";
/** Display and sort order: destructive first. */
export const ACTIONS: readonly Action[] = ["replace", "delete", "create", "update", "same"];
export type ChangeAction = Exclude<Action, "same">;
export const CHANGE_ACTIONS: readonly ChangeAction[] = ["replace", "delete", "create", "update"];

/** A channel of a worker: capacity and availability (whatever form the state used). */
export interface ChannelSummary {
  capacity?: unknown;
  available?: unknown;
}

function channelsOf(v: unknown): Record<string, ChannelSummary> | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const out: Record<string, ChannelSummary> = {};
  for (const [name, ch] of Object.entries(v)) {
    const c = channelOf(ch);
    if (c) out[name] = { capacity: c.capacity, available: c.available };
  }
  return out;
}

export interface AgentPlan {
  /** The Flex identity (the resource name and the worker's friendly name). */
  identity: string;
  /** The agent's login email (roster, else live, else decoded from the identity). */
  email?: string;
  action: Action;
  /** The worker SID before the change (absent for a new agent). */
  sid?: string;
  /** True when the worker was in Pulumi state before this plan. */
  managed: boolean;
  reasons: Reason[];
  /** The desired channels, for new and recreated workers. */
  channels?: Record<string, ChannelSummary>;
  /** The raw Pulumi ops for this resource, in order (refresh excluded). */
  ops: string[];
  /** Not drift: what SSO or Flex owns (SSO profile keys, skills disabled in Flex, waiting for first sign-in). */
  notes?: string[];
  /** Which repair policy applies to a corrupted worker, and why. */
  repair?: { policy: "recreate" | "in-place"; why: string };
  /**
   * A delete that is a move (roster folder): another team's file lists the
   * agent now. This stack forgets the worker; Flex keeps it, and that team's
   * stack adopts it. Not a removal for the blast-radius guard.
   */
  movedTo?: AgentListing;
  /**
   * What routing impact evaluates (src/report/routing.ts): the worker's
   * attributes as its state knows them before the plan and as `up` writes them
   * after (absent: no worker), and its workspace (SID, else as the roster names it).
   */
  routing?: { before?: Record<string, unknown>; after?: Record<string, unknown>; workspace?: string };
}

export interface OtherChange {
  urn: string;
  type: string;
  name: string;
  op: string;
}

export interface PlanDiagnostic {
  severity: "error" | "warning";
  message: string;
  urn?: string;
}

export interface Totals {
  create: number;
  update: number;
  replace: number;
  delete: number;
  unchanged: number;
  /** Workers in Pulumi state before the plan (the guard's denominator). */
  managed: number;
}

export interface PlanModel {
  stack?: string;
  project?: string;
  /** Every worker the preview mentions, sorted: action order, then email/identity. */
  agents: AgentPlan[];
  totals: Totals;
  /** Non-worker resources (except the root stack) that change. */
  others: OtherChange[];
  diagnostics: PlanDiagnostic[];
  /** The preview reported an error: the plan may be incomplete. */
  failed: boolean;
  /** Whether `unchanged` is known (the preview listed refresh or same steps). */
  unchangedKnown: boolean;
  /** Stack config the preview ran with (secrets blinded by Pulumi). */
  config: Record<string, string>;
  /** The root stack resource changes (e.g. its outputs); not drift, but `up` should run. */
  stackChanges: boolean;
}

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "import-replacement"]);
const IGNORED_OPS = new Set(["refresh", "read", "read-replacement", "discard", "discard-replaced", "remove-pending-replace"]);

type Props = Record<string, unknown>;

function props(v: unknown): Props | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (redact(v) as Props) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

function cleanMessage(m: string): string {
  return m.replace(ANSI, "").replace(/\s+$/, "");
}

interface Group {
  urn: string;
  type: string;
  name: string;
  steps: PreviewStep[];
}

function groupSteps(steps: PreviewStep[]): Group[] {
  const byUrn = new Map<string, Group>();
  for (const step of steps) {
    let g = byUrn.get(step.urn);
    if (!g) {
      const parts = parseUrn(step.urn);
      const type = parts?.type ?? step.newState?.type ?? step.oldState?.type ?? "";
      g = { urn: step.urn, type, name: parts?.name ?? step.urn, steps: [] };
      byUrn.set(step.urn, g);
    }
    g.steps.push(step);
  }
  return [...byUrn.values()];
}

/** The one action a set of ops amounts to for a resource. */
export function actionOf(ops: string[]): Action | "other" {
  const real = ops.filter((op) => !IGNORED_OPS.has(op));
  if (real.some((op) => REPLACE_OPS.has(op))) return "replace";
  if (real.includes("create") && real.includes("delete")) return "replace";
  if (real.includes("create") || real.includes("import")) return "create";
  if (real.includes("delete")) return "delete";
  if (real.includes("update")) return "update";
  if (real.length === 0 || real.every((op) => op === "same")) return "same";
  return "other";
}

function lastWith<T>(steps: PreviewStep[], pick: (s: PreviewStep) => T | undefined | null): T | undefined {
  for (let i = steps.length - 1; i >= 0; i--) {
    const v = pick(steps[i]);
    if (v !== undefined && v !== null) return v;
  }
  return undefined;
}

function planAgent(g: Group): AgentPlan {
  const ops = g.steps.map((s) => s.op);
  const planned = g.steps.filter((s) => !IGNORED_OPS.has(s.op));
  const resolved = actionOf(ops);
  const action: Action = resolved === "other" ? "update" : resolved;
  // State before the plan: the planned step's old state (after refresh), else the refresh step's.
  const oldState = lastWith(planned, (s) => s.oldState) ?? lastWith(g.steps, (s) => s.oldState);
  const before = props(oldState?.outputs) ?? props(oldState?.inputs);
  const desired = props(lastWith(planned, (s) => s.newState?.inputs));
  const managed = g.steps.some((s) => s.oldState) || g.steps.some((s) => s.op === "refresh");
  const email =
    str(desired?.email) ?? str(before?.email) ?? decodeFlexIdentity(g.name) ?? undefined;
  const sid = str(oldState?.id) ?? str(before?.sid);

  const agent: AgentPlan = { identity: g.name, action, managed, reasons: [], ops: ops.filter((op) => op !== "refresh") };
  if (email) agent.email = email;
  if (sid && action !== "create") agent.sid = sid;

  switch (action) {
    case "create": {
      // In state before but not in Flex: the rule's "gone"; else the roster has a new agent.
      if (managed && desired) agent.reasons.push(...goneReasons(desired));
      else agent.reasons.push({ code: managed ? "missing-in-flex" : "new-agent", message: managed ? "the worker is missing in Flex" : "new agent in the roster" });
      const ch = channelsOf(desired?.channels);
      if (ch) agent.channels = ch;
      break;
    }
    case "delete":
      agent.reasons.push({
        code: "removed-from-roster",
        message: sid ? `not in the roster any more; worker ${sid} is deleted` : "not in the roster any more",
      });
      break;
    case "replace":
    case "update": {
      const replaceKeys = new Set<string>(lastWith(planned, (s) => s.replaceReasons) ?? []);
      agent.reasons = before && desired ? changeReasons(before, desired, action === "replace" ? replaceKeys : new Set()) : [];
      if (action === "replace" && !agent.reasons.some((r) => r.replaces)) {
        agent.reasons.unshift({
          code: "other",
          replaces: true,
          message:
            replaceKeys.size > 0
              ? `Pulumi replaces the worker because of ${[...replaceKeys].sort().join(", ")}`
              : "Pulumi replaces the worker (a replacement was requested)",
        });
      }
      if (action === "update" && agent.reasons.length === 0) {
        const keys = lastWith(planned, (s) => s.diffReasons) ?? [];
        agent.reasons.push({
          code: "other",
          message:
            resolved === "other"
              ? `Pulumi plans ${ops.filter((op) => op !== "refresh").join(", ")}`
              : keys.length > 0
                ? `Pulumi updates ${keys.join(", ")}`
                : "Pulumi plans an update (no managed field differs in the preview)",
        });
      }
      const ch = channelsOf(desired?.channels);
      if (action === "replace" && ch) agent.channels = ch;
      break;
    }
    case "same":
      break;
  }
  if (action !== "same") agent.routing = routingAttributes(action, before, desired);
  if (before && desired && action !== "create" && action !== "delete") {
    const health = healthOf(before, desired);
    if (health.notes.length > 0) agent.notes = health.notes.map((n) => n.message);
    if (health.repair && action !== "same") agent.repair = health.repair;
  }
  return agent;
}

function routingAttributes(action: Action, before: Props | undefined, desired: Props | undefined): NonNullable<AgentPlan["routing"]> {
  const out: NonNullable<AgentPlan["routing"]> = {};
  const live = before && action !== "create" ? attributesFromState(before as Partial<WorkerInputs>) : undefined;
  if (live) out.before = live;
  if (desired && action !== "delete") out.after = desiredRoutingAttributes(desired as unknown as WorkerInputs, live);
  const workspace = str(before?.workspaceSid) ?? str(desired?.workspace) ?? str(before?.workspace);
  if (workspace) out.workspace = workspace;
  return out;
}

function sortKey(a: AgentPlan): string {
  return (a.email ?? a.identity).toLowerCase() + "\u0000" + a.identity;
}

export function compareAgents(a: AgentPlan, b: AgentPlan): number {
  const d = ACTIONS.indexOf(a.action) - ACTIONS.indexOf(b.action);
  if (d !== 0) return d;
  const ka = sortKey(a);
  const kb = sortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

export interface BuildPlanOptions {
  /** Pulumi type of the worker resource (default WORKER_TYPE). */
  workerType?: string;
}

export function buildPlan(digest: PreviewDigest, opts: BuildPlanOptions = {}): PlanModel {
  const workerType = opts.workerType ?? WORKER_TYPE;
  const steps = digest.steps ?? [];
  const groups = groupSteps(steps);
  const agents: AgentPlan[] = [];
  const others: OtherChange[] = [];
  let stack: string | undefined;
  let project: string | undefined;
  let stackChanges = false;

  for (const g of groups) {
    const parts = parseUrn(g.urn);
    if (parts) {
      stack ??= parts.stack;
      project ??= parts.project;
    }
    if (g.type === ROOT_STACK_TYPE) {
      if (actionOf(g.steps.map((s) => s.op)) !== "same") stackChanges = true;
      continue;
    }
    if (g.type === workerType) {
      agents.push(planAgent(g));
      continue;
    }
    const resolved = actionOf(g.steps.map((s) => s.op));
    if (resolved !== "same") {
      const op = g.steps.map((s) => s.op).filter((o) => !IGNORED_OPS.has(o)).join(", ");
      others.push({ urn: g.urn, type: g.type, name: g.name, op: resolved === "other" ? op : resolved });
    }
  }
  agents.sort(compareAgents);

  const count = (a: Action) => agents.filter((x) => x.action === a).length;
  const unchangedKnown = steps.some((s) => s.op === "refresh" || s.op === "same");
  const totals: Totals = {
    create: count("create"),
    update: count("update"),
    replace: count("replace"),
    delete: count("delete"),
    unchanged: count("same"),
    managed: agents.filter((a) => a.managed).length,
  };

  const diagnostics: PlanDiagnostic[] = [];
  for (const d of digest.diagnostics ?? []) {
    const sev = d.severity ?? "";
    if (sev !== "error" && sev !== "warning") continue;
    const message = cleanMessage(`${d.prefix ?? ""}${d.message ?? ""}`);
    if (!message) continue;
    const entry: PlanDiagnostic = { severity: sev, message };
    if (d.urn) entry.urn = d.urn;
    if (!diagnostics.some((x) => x.severity === entry.severity && x.message === entry.message)) diagnostics.push(entry);
  }

  // The provider says what SSO or Flex owns as info lines, `<email>: not drift: <note>`;
  // an unchanged agent has no other trace in the preview, so they become its notes.
  for (const d of digest.diagnostics ?? []) {
    if (d.severity !== "info") continue;
    const m = parseNotDrift(cleanMessage(d.message ?? ""));
    if (!m) continue;
    const who = nameKey(m.email);
    const agent = agents.find((a) => (a.email !== undefined && nameKey(a.email) === who) || nameKey(decodeFlexIdentity(a.identity) ?? "") === who);
    if (!agent) continue;
    agent.notes ??= [];
    if (!agent.notes.includes(m.note)) agent.notes.push(m.note);
  }

  const plan: PlanModel = {
    agents,
    totals,
    others,
    diagnostics,
    failed: diagnostics.some((d) => d.severity === "error"),
    unchangedKnown,
    config: { ...(digest.config ?? {}) },
    stackChanges,
  };
  if (stack) plan.stack = stack;
  if (project) plan.project = project;
  return plan;
}

/** Agents with a planned change (not "same"). */
export function changedAgents(plan: PlanModel): AgentPlan[] {
  return plan.agents.filter((a) => a.action !== "same");
}

/** True when the plan changes anything: a worker or another resource. */
export function hasChanges(plan: PlanModel): boolean {
  return changedAgents(plan).length > 0 || plan.others.length > 0;
}

/**
 * Marks each delete whose agent another team's file now lists (`listedIn`
 * says where, or undefined) as a move: its reason says where it went and that
 * the worker is kept. Returns how many deletes are moves.
 */
export function markTeamMoves(plan: PlanModel, listedIn: (identity: string) => AgentListing | undefined): number {
  let moves = 0;
  for (const agent of plan.agents) {
    if (agent.action !== "delete") continue;
    const listing = listedIn(agent.identity);
    if (!listing) continue;
    agent.movedTo = listing;
    agent.reasons = [
      {
        code: "moved-to-team",
        key: listing.team,
        message: `moved to team ${listing.team} (${listing.file}:${listing.line}); the worker is kept in Flex and that team's stack manages it`,
      },
    ];
    moves++;
  }
  return moves;
}
