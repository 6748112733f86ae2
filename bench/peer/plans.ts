// Reading both tools' plans into one shape: per agent (worker), what the plan
// does and which keys it touches, plus a one-line summary of the whole plan.

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

const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced"]);

/** `pulumi preview --json` (refresh on): steps per URN; a worker with only a refresh step is unchanged. */
export function readPulumiPreview(stdout: string, code: number | null, total: number): PlanReading {
  const agents = new Map<string, AgentStep>();
  const errors: string[] = [];
  let json: any;
  try {
    json = JSON.parse(stdout);
  } catch {
    return { ok: false, agents, summary: `error: preview printed no JSON (exit ${code})`, errors: [`exit ${code}`] };
  }
  for (const s of json.steps ?? []) {
    if (!String(s.urn).includes("flex-roster:Worker")) continue;
    const name = String(s.urn).split("::").pop()!;
    const op = REPLACE_OPS.has(s.op) ? "replace" : s.op === "refresh" ? "same" : s.op;
    const prev = agents.get(name);
    if (prev && (prev.action === "replace" || op === "same")) continue;
    const keys = Object.keys(s.detailedDiff ?? {}).length ? Object.keys(s.detailedDiff) : (s.diffReasons ?? s.replaceReasons ?? []);
    agents.set(name, { action: op, keys: [...new Set(keys.map((k: string) => k.split(/[.[]/)[0]))] as string[] });
  }
  for (const d of json.diagnostics ?? []) if (d.severity === "error") errors.push(String(d.message).trim().split("\n")[0]);
  const ok = code === 0 && errors.length === 0;
  return { ok, agents, summary: ok ? summarise(agents, total) : `error: ${errors[0] ?? `exit ${code}`}`, errors };
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
      current = e[1].trim();
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
