// Roster generation for `flex-roster import`: one agent per live worker that
// flex-roster can adopt (one per group of workers that are one agent, by the
// audit's duplicate rule), in stable order, with `defaults` holding the most
// common values (./roster-defaults.ts) so the file stays short, and YAML
// comments (./roster-render.ts) on every agent the first `pulumi up` will not
// simply adopt (corrupted → recreated, drift → updated in place). Pure: works on
// the audit's facts; the result is checked by parsing it back with the roster loader.

import type { DriftKind } from "../flex/drift";
import { isFlexOwnedKey } from "../flex/flex-owned";
import { nameKey } from "../flex/identity";
import type { AgentSpec, ChannelSpec, Roster } from "../flex/types";
import { MANAGED_KEYS } from "../flex/worker-model";
import { CAPACITY_MAX, CAPACITY_MIN, CHANNEL_NAME, LEVEL_MAX, LEVEL_MIN, parseRoster, toAgentSpec } from "../roster";
import type { AgentEntry, DefaultsEntry } from "../roster";
import { audit, type AuditReport } from "./audit";
import { healthAgainst, type ScannedWorker, type WorkerFacts } from "./facts";
import { agentGroups } from "./findings";
import { tryFlexIdentity } from "./patterns";
import { computeDefaults, entryFor, type AgentValues } from "./roster-defaults";
import { renderRoster } from "./roster-render";
import { isRecord } from "../json";

export type Plan = "adopt" | "update" | "replace";

export interface ImportedAgent {
  sid: string;
  friendlyName: string;
  email: string;
  /** What the first `pulumi up` with this roster does to the worker. */
  plan: Plan;
  /** Why (corruptions for replace, changes for update). */
  reasons: string[];
  /** The entry as written to the roster (before defaults). */
  entry: AgentEntry;
}

export type SkipKind = "duplicate" | "not-an-identity" | "no-username";

export interface SkippedWorker {
  sid: string;
  friendlyName: string;
  kind: SkipKind;
  reason: string;
}

export interface ImportOptions {
  /** The roster's `workspace:` (friendly name or WS SID). */
  workspace: string;
  /** Attribute keys to leave unmanaged, on top of FLEX_OWNED_KEYS. */
  ignoreAttributes?: readonly string[];
  /** Comment lines for the top of the file. Keep them free of timestamps so re-imports diff cleanly. */
  header?: readonly string[];
  /** Name of the output file, for the loader's messages. */
  file?: string;
  /** The audit of the same workers, if the caller already has it. */
  report?: AuditReport;
}

export interface ImportResult {
  yaml: string;
  /** The generated file parsed back with the roster loader. */
  roster: Roster;
  agents: ImportedAgent[];
  skipped: SkippedWorker[];
  defaults: DefaultsEntry;
  /** Attribute keys found on workers and left unmanaged. */
  unmanagedKeys: string[];
  counts: Record<Plan, number> & { skipped: number };
}

/** An agent as read from its worker, with what import noticed. */
interface Draft extends AgentValues {
  facts: WorkerFacts;
  notes: string[];
  duplicates: WorkerFacts[];
}

function names(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) return undefined;
  return [...new Set(v.map((x: string) => x.trim()).filter((x) => x !== ""))];
}

/** A live worker channel as the roster writes it (not flex/worker-model's channelSpec, which reads state). */
function rosterChannel(c: { configuredCapacity: number; available: boolean }): ChannelSpec {
  return { capacity: c.configuredCapacity, available: c.available };
}

function draftFor(f: WorkerFacts, ignore: Set<string>): Draft {
  const a = f.attributes;
  const notes: string[] = [];
  const email = f.email!;
  const draft: Draft = { facts: f, email, levels: {}, channels: {}, attributes: {}, notes, duplicates: [] };
  if (tryFlexIdentity(email) !== f.friendlyName) draft.identity = f.friendlyName;
  if (typeof a.full_name === "string" && a.full_name.trim() !== "") draft.fullName = a.full_name.trim();
  const roles = names(a.roles);
  if (roles && roles.length > 0) draft.roles = roles;
  const routing = isRecord(a.routing) ? a.routing : {};
  const skills = f.format === "json-object" ? (names(routing.skills) ?? []) : undefined;
  draft.skills = skills;
  if (isRecord(routing.levels)) {
    for (const [skill, level] of Object.entries(routing.levels)) {
      const ok = Number.isInteger(level) && (level as number) >= LEVEL_MIN && (level as number) <= LEVEL_MAX;
      if (ok && skills?.includes(skill)) draft.levels[skill] = level as number;
      else notes.push(`routing.levels.${skill} = ${JSON.stringify(level)} left out (not a 0..10 level of one of the agent's skills)`);
    }
  }
  for (const c of [...f.channels].sort((x, y) => x.taskChannelUniqueName.localeCompare(y.taskChannelUniqueName))) {
    const ok =
      CHANNEL_NAME.test(c.taskChannelUniqueName) &&
      Number.isInteger(c.configuredCapacity) &&
      c.configuredCapacity >= CAPACITY_MIN &&
      c.configuredCapacity <= CAPACITY_MAX;
    if (ok) draft.channels[c.taskChannelUniqueName] = rosterChannel(c);
    else notes.push(`channel ${c.taskChannelUniqueName} (capacity ${c.configuredCapacity}) left out`);
  }
  for (const key of Object.keys(a).sort()) {
    if ((MANAGED_KEYS as readonly string[]).includes(key) || isFlexOwnedKey(key) || ignore.has(key)) continue;
    draft.attributes[key] = structuredClone(a[key]);
  }
  return draft;
}

/** Which of several workers for one agent the roster keeps. */
function keeperFirst(a: WorkerFacts, b: WorkerFacts): number {
  return (
    Number(a.corrupted) - Number(b.corrupted) ||
    Number(tryFlexIdentity(a.email ?? "") !== a.friendlyName) - Number(tryFlexIdentity(b.email ?? "") !== b.friendlyName) ||
    a.order - b.order
  );
}

/** The import plan for each of the rule's verdicts (a scanned worker is never gone). */
const PLAN: Record<Exclude<DriftKind, "gone">, Plan> = { "in-sync": "adopt", update: "update", replace: "replace" };

/**
 * What the first `pulumi up` does with a roster agent and the worker it is
 * imported from: the health rule's verdict, its corruptions (replace) or
 * changes (update) as the reasons.
 */
export function importPlan(workspace: string, agent: AgentSpec, raw: ScannedWorker): { plan: Plan; reasons: string[] } {
  const drift = healthAgainst(agent, workspace, raw);
  if (drift.kind === "gone") throw new Error(`${raw.sid}: a scanned worker cannot be gone`);
  const plan = PLAN[drift.kind];
  return { plan, reasons: (plan === "replace" ? drift.corruptions : drift.changes).map((c) => c.message) };
}

export function generateRoster(scanned: ScannedWorker[], opts: ImportOptions): ImportResult {
  const report = opts.report ?? audit(scanned);
  const ignore = new Set(opts.ignoreAttributes ?? []);
  const skipped: SkippedWorker[] = [];
  const candidates: WorkerFacts[] = [];
  for (const f of report.workers) {
    if (!f.identityName) {
      skipped.push({
        sid: f.sid,
        friendlyName: f.friendlyName,
        kind: "not-an-identity",
        reason: `friendly name "${f.friendlyName}" is not a Flex identity, so no Flex login uses this worker; delete it in the Flex console if it is a leftover`,
      });
    } else if (f.email === undefined || !/^\S+$/.test(f.email)) {
      // An attributes.email with spaces is no username; fall back to the friendly name.
      if (f.username && /^\S+$/.test(f.username)) {
        candidates.push({ ...f, email: f.username, emailSource: "friendly-name" });
      } else {
        skipped.push({
          sid: f.sid,
          friendlyName: f.friendlyName,
          kind: "no-username",
          reason: `no usable email: attributes.email is missing and "${f.friendlyName}" does not decode to a username`,
        });
      }
    } else {
      candidates.push(f);
    }
  }

  const drafts: Draft[] = [];
  for (const group of agentGroups(candidates)) {
    // Same friendly name: the provider adopts the first worker Twilio lists, so keep that one.
    const sameName = new Set(group.map((f) => nameKey(f.friendlyName))).size === 1;
    const sorted = [...group].sort(sameName ? (a, b) => a.order - b.order : keeperFirst);
    const [keep, ...rest] = sorted;
    const d = draftFor(keep, ignore);
    d.duplicates = rest;
    drafts.push(d);
    for (const r of rest) {
      skipped.push({
        sid: r.sid,
        friendlyName: r.friendlyName,
        kind: "duplicate",
        reason:
          `duplicate of ${keep.sid} "${keep.friendlyName}" (${nameKey(r.friendlyName) === nameKey(keep.friendlyName) ? "same identity" : `same email ${keep.email}`}), ` +
          `which is imported; flex-roster leaves this worker alone: delete it in the Flex console once you know which one the agent uses`,
      });
    }
  }
  drafts.sort((a, b) => nameKey(a.email).localeCompare(nameKey(b.email)) || a.facts.friendlyName.localeCompare(b.facts.friendlyName));

  const defaults = computeDefaults(drafts);
  const rawBySid = new Map(scanned.map((w) => [w.sid, w]));
  const agents: ImportedAgent[] = drafts.map((d) => {
    const entry = entryFor(d, defaults);
    const { plan, reasons } = importPlan(opts.workspace, toAgentSpec(entry, defaults, 0), rawBySid.get(d.facts.sid)!);
    return { sid: d.facts.sid, friendlyName: d.facts.friendlyName, email: d.email, plan, reasons, entry };
  });

  const unmanagedKeys = [
    ...new Set(
      report.workers.flatMap((f) =>
        Object.keys(f.attributes).filter((k) => !(MANAGED_KEYS as readonly string[]).includes(k) && (isFlexOwnedKey(k) || ignore.has(k))),
      ),
    ),
  ].sort();

  const counts = {
    adopt: agents.filter((a) => a.plan === "adopt").length,
    update: agents.filter((a) => a.plan === "update").length,
    replace: agents.filter((a) => a.plan === "replace").length,
    skipped: skipped.length,
  };
  const header = [
    ...(opts.header ?? []),
    `${agents.length} agents: pulumi up adopts ${counts.adopt} unchanged, updates ${counts.update} in place, recreates ${counts.replace} corrupted.`,
    ...(skipped.length ? [`${skipped.length} workers not imported (listed at the end).`] : []),
    ...(unmanagedKeys.length
      ? [`Attributes left to Flex/SSO (unmanaged): ${unmanagedKeys.join(", ")}.`]
      : []),
  ];
  const yaml = renderRoster({
    workspace: opts.workspace,
    defaults,
    header,
    agents: agents.map((a, i) => ({ ...a, notes: drafts[i].notes, duplicates: drafts[i].duplicates })),
    skipped,
  });

  // The file must load: a failure here is a bug in import, not in the workspace.
  const roster = parseRoster(yaml, opts.file ?? "roster.yaml");
  return { yaml, roster, agents, skipped, defaults, unmanagedKeys, counts };
}
