// Reading both tools' plans into one shape: per agent (worker), what the plan
// does and which keys it touches, plus a one-line summary of the whole plan.

import { parseDigest } from "../../src/report/digest";
import { buildPlan } from "../../src/report/plan";

export interface AgentStep {
  /** update | replace | create | delete | same | error */
  action: string;
  /** Changed inputs (Pulumi) or changed attribute keys (Terraform's attributes string). */
  keys: string[];
}

export interface PlanReading {
  ok: boolean;
  /** Per resource name (the agent's identity for flex-roster, the HCL name for the peer). */
  agents: Map<string, AgentStep>;
  /** e.g. "2 update, 1 replace, 97 same" or "error: ..." */
  summary: string;
  errors: string[];
}

function summarise(agents: Map<string, AgentStep>, total: number): string {
  const counts = new Map<string, number>();
  for (const s of agents.values()) counts.set(s.action, (counts.get(s.action) ?? 0) + 1);
  const same = total - [...agents.values()].filter((s) => s.action !== "same").length;
  counts.set("same", Math.max(0, same));
  return [...counts.entries()]
    .filter(([, n]) => n > 0)
    .sort((a, b) => (a[0] === "same" ? 1 : b[0] === "same" ? -1 : a[0].localeCompare(b[0])))
    .map(([a, n]) => `${n} ${a}`)
    .join(", ");
}

/**
 * `pulumi preview --json` (refresh on), read with flex-roster's own report code
 * (src/report): per agent the action and the Flex-side keys that change.
 */
export function readPulumiPreview(stdout: string, code: number | null, total: number): PlanReading {
  const agents = new Map<string, AgentStep>();
  let plan;
  try {
    plan = buildPlan(parseDigest(stdout));
  } catch (err) {
    return { ok: false, agents, summary: `error: ${(err as Error).message} (exit ${code})`, errors: [`exit ${code}`] };
  }
  for (const a of plan.agents) {
    agents.set(a.identity, { action: a.action, keys: [...new Set(a.reasons.map((r) => r.key ?? r.code))] });
  }
  const errors = plan.diagnostics.filter((d) => d.severity === "error").map((d) => shortError(d.message.split("\n")[0]));
  const ok = code === 0 && errors.length === 0;
  return { ok, agents, summary: ok ? summarise(agents, total) : `error: ${errors[0] ?? `exit ${code}`}`, errors };
}

/** Twilio error text without the per-run SIDs and the docs link, so tables stay short and comparable. */
export function shortError(s: string): string {
  return s
    .replace(/\s*More info:.*$/, "")
    .replace(/\s*\(null\)/g, "")
    .replace(/\/v1\/Workspaces\/WS[0-9a-f]{32}\/Workers\/WK[0-9a-f]{32}/g, "/v1/Workspaces/WS…/Workers/WK…")
    .trim();
}

function parseJsonObject(s: unknown): Record<string, unknown> | undefined {
  if (typeof s !== "string") return undefined;
  try {
    const v = JSON.parse(s);
    return v && typeof v === "object" && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Keys of two attribute objects whose values differ. */
function changedKeys(before: unknown, after: unknown): string[] {
  const a = parseJsonObject(before) ?? {};
  const b = parseJsonObject(after) ?? {};
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/** `tofu show -json <plan>`: resource_changes per address; attributes is one JSON string, so its keys are diffed here. */
export function readTofuPlan(plan: any, total: number): PlanReading {
  const agents = new Map<string, AgentStep>();
  for (const rc of plan.resource_changes ?? []) {
    const actions: string[] = rc.change?.actions ?? [];
    const action = actions.includes("delete") && actions.includes("create") ? "replace"
      : actions[0] === "no-op" || actions[0] === "read" ? "same" : actions[0];
    const keys = action === "update" ? changedKeys(rc.change.before?.attributes, rc.change.after?.attributes).map((k) => `attributes.${k}`) : [];
    if (action === "update") {
      for (const f of ["friendly_name", "activity_sid"]) if (rc.change.before?.[f] !== rc.change.after?.[f] && rc.change.after?.[f] !== undefined) keys.push(f);
    }
    agents.set(rc.name, { action, keys });
  }
  return { ok: true, agents, summary: summarise(agents, total), errors: [] };
}

/** A failed `tofu plan/apply`: the error lines and the resources they name ("with <address>,"). */
export function readTofuFailure(output: string): PlanReading {
  const agents = new Map<string, AgentStep>();
  const errors: string[] = [];
  const lines = output.split("\n").map((l) => l.replace(/^[│╷╵\s]+/, ""));
  let current = "";
  for (const l of lines) {
    const e = /^Error: (.*)$/.exec(l);
    if (e) {
      current = shortError(e[1]);
      errors.push(current);
      continue;
    }
    const w = /^with [a-z0-9_]+\.([A-Za-z0-9_]+),?$/.exec(l.trim());
    if (w && current) agents.set(w[1], { action: "error", keys: [current] });
  }
  const first = errors[0] ?? "failed";
  const more = errors.length > 1 ? ` (${errors.length} errors)` : "";
  return { ok: false, agents, summary: `error: ${first}${more}`, errors };
}
