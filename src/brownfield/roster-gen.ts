// Roster generation for `flex-roster import`: one agent per live worker that
// flex-roster can adopt, in stable order, with `defaults` holding the most
// common values so the file stays short, and YAML comments on every agent the
// first `pulumi up` will not simply adopt (corrupted → recreated, drift →
// updated in place). Pure: works on the audit's facts; the result is checked
// by parsing it back with the roster loader.

import { isDeepStrictEqual } from "node:util";
import { Document, isMap, isSeq, type YAMLMap } from "yaml";
import type { DriftKind } from "../flex/drift";
import type { AgentSpec, ChannelSpec, Roster } from "../flex/types";
import { MANAGED_KEYS } from "../flex/worker-model";
import { CAPACITY_MAX, CAPACITY_MIN, CHANNEL_NAME, LEVEL_MAX, LEVEL_MIN, parseRoster, toAgentSpec } from "../roster";
import type { AgentEntry, DefaultsEntry } from "../roster";
import { audit, healthAgainst, type AuditReport, type ScannedWorker, type WorkerFacts } from "./audit";
import { tryFlexIdentity } from "./patterns";
import { isRecord } from "../json";

/**
 * Attribute keys that Flex, its SSO login or Flex Insights write. Import leaves
 * them unmanaged (the roster would fight the next login otherwise).
 */
export const FLEX_OWNED_KEYS: readonly string[] = [
  "image_url",
  "disabled_skills",
  "disabled_levels",
  "agent_attribute_1",
  "agent_attribute_2",
  "agent_attribute_3",
  "agent_attribute_4",
  "department_id",
  "department_name",
  "location",
  "manager",
  "team_id",
  "team_name",
  "team_name_in_hierarchy",
  "channel_sids",
  "language",
  "phone",
  "sip_uri",
];

/** Prefixes of keys that belong to Flex, Twilio or a plugin rather than to the team. */
const FLEX_OWNED_PREFIXES = ["_", "flex_", "twilio_", "sso_", "insights_"];

export function isFlexOwnedKey(key: string): boolean {
  const k = key.toLowerCase();
  return FLEX_OWNED_KEYS.includes(k) || FLEX_OWNED_PREFIXES.some((p) => k.startsWith(p));
}

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

interface Draft {
  facts: WorkerFacts;
  email: string;
  identity?: string;
  fullName?: string;
  roles?: string[];
  /** Undefined when the attributes are unreadable: the defaults apply. */
  skills?: string[];
  levels: Record<string, number>;
  channels: Record<string, ChannelSpec>;
  attributes: Record<string, unknown>;
  notes: string[];
  duplicates: WorkerFacts[];
}

const lower = (s: string) => s.toLowerCase();

/** JSON with sorted keys: equal values, equal strings. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** The most common value (ties: smallest key), with how many share it. */
export function mostCommon<T>(values: readonly T[], key: (v: T) => string = stableJson): { value: T; count: number } | undefined {
  const m = new Map<string, { value: T; count: number }>();
  for (const v of values) {
    const k = key(v);
    const e = m.get(k);
    if (e) e.count++;
    else m.set(k, { value: v, count: 1 });
  }
  let best: { value: T; count: number; key: string } | undefined;
  for (const [k, e] of m) {
    if (!best || e.count > best.count || (e.count === best.count && k < best.key)) best = { ...e, key: k };
  }
  return best && { value: best.value, count: best.count };
}

function names(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) return undefined;
  return [...new Set(v.map((x: string) => x.trim()).filter((x) => x !== ""))];
}

const setKey = (list: readonly string[]) => JSON.stringify([...list].sort());

function channelSpec(c: { configuredCapacity: number; available: boolean }): ChannelSpec {
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
    if (ok) draft.channels[c.taskChannelUniqueName] = channelSpec(c);
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

/** Union of workers that the roster cannot hold side by side: same identity or same email, ignoring case. */
function duplicateGroups(facts: WorkerFacts[]): WorkerFacts[][] {
  const parent = new Map<WorkerFacts, WorkerFacts>(facts.map((f) => [f, f]));
  const find = (f: WorkerFacts): WorkerFacts => {
    let r = f;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(f, r);
    return r;
  };
  const byKey = new Map<string, WorkerFacts>();
  for (const f of facts) {
    for (const key of [`id:${lower(f.friendlyName)}`, `email:${lower(f.email!)}`]) {
      const seen = byKey.get(key);
      if (seen) parent.set(find(f), find(seen));
      else byKey.set(key, f);
    }
  }
  const groups = new Map<WorkerFacts, WorkerFacts[]>();
  for (const f of facts) {
    const r = find(f);
    groups.set(r, [...(groups.get(r) ?? []), f]);
  }
  return [...groups.values()];
}

function computeDefaults(drafts: Draft[]): DefaultsEntry {
  const defaults: DefaultsEntry = {};
  const worth = (m: { count: number } | undefined) => m !== undefined && m.count >= 2;

  const roles = mostCommon(drafts.filter((d) => d.roles).map((d) => d.roles!), setKey);
  if (worth(roles)) defaults.roles = [...roles!.value];

  const skills = mostCommon(drafts.filter((d) => d.skills).map((d) => d.skills!), setKey);
  if (worth(skills) && skills!.value.length > 0) defaults.skills = [...skills!.value];

  // A default level applies to every agent with the skill; agents can override
  // a level but not remove one, so a skill gets a default level only when every
  // agent with the skill has a level for it.
  const levels: Record<string, number> = {};
  // (Unreadable workers, recreated anyway, simply inherit the default skills and levels.)
  const allSkills = [...new Set(drafts.flatMap((d) => d.skills ?? []))].sort();
  for (const skill of allSkills) {
    const holders = drafts.filter((d) => d.skills?.includes(skill));
    if (!holders.every((d) => skill in d.levels)) continue;
    const m = mostCommon(holders.map((d) => d.levels[skill]));
    if (worth(m)) levels[skill] = m!.value;
  }
  if (Object.keys(levels).length > 0) defaults.levels = levels;

  // Channels and attributes merge key by key and cannot be removed by an
  // agent: a key gets a default only when every agent has it.
  const channels: Record<string, ChannelSpec> = {};
  const everyChannel = drafts.length ? Object.keys(drafts[0].channels).filter((n) => drafts.every((d) => n in d.channels)) : [];
  for (const name of everyChannel) {
    const m = mostCommon(drafts.map((d) => d.channels[name]));
    if (worth(m)) channels[name] = { ...m!.value };
  }
  if (Object.keys(channels).length > 0) defaults.channels = channels;

  const attributes: Record<string, unknown> = {};
  const everyKey = drafts.length ? Object.keys(drafts[0].attributes).filter((k) => drafts.every((d) => k in d.attributes)) : [];
  for (const key of everyKey) {
    const m = mostCommon(drafts.map((d) => d.attributes[key]));
    if (worth(m)) attributes[key] = structuredClone(m!.value);
  }
  if (Object.keys(attributes).length > 0) defaults.attributes = attributes;
  return defaults;
}

function entryFor(d: Draft, defaults: DefaultsEntry): AgentEntry {
  const e: AgentEntry = { email: d.email };
  if (d.identity !== undefined) e.identity = d.identity;
  if (d.fullName !== undefined) e.fullName = d.fullName;
  if (d.roles && !(defaults.roles && setKey(defaults.roles) === setKey(d.roles))) e.roles = [...d.roles];
  if (d.skills && setKey(d.skills) !== setKey(defaults.skills ?? [])) e.skills = [...d.skills];
  const levels: Record<string, number> = {};
  for (const [skill, level] of Object.entries(d.levels)) if (defaults.levels?.[skill] !== level) levels[skill] = level;
  if (Object.keys(levels).length > 0) e.levels = levels;
  const channels: Record<string, ChannelSpec> = {};
  for (const [name, spec] of Object.entries(d.channels)) {
    if (!isDeepStrictEqual(defaults.channels?.[name], spec)) channels[name] = { ...spec };
  }
  if (Object.keys(channels).length > 0) e.channels = channels;
  const attributes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(d.attributes)) {
    if (!(defaults.attributes && key in defaults.attributes && isDeepStrictEqual(defaults.attributes[key], value))) {
      attributes[key] = structuredClone(value);
    }
  }
  if (Object.keys(attributes).length > 0) e.attributes = attributes;
  return e;
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

/** Channel mappings in the form the roster's short syntax allows: `chat: 2` when available. */
function channelsYaml(channels: Record<string, ChannelSpec>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(channels).map(([name, c]) => [name, c.available ? c.capacity : { capacity: c.capacity, available: false }]),
  );
}

function yamlEntry(e: AgentEntry | DefaultsEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined) continue;
    out[k] = k === "channels" ? channelsYaml(v as Record<string, ChannelSpec>) : v;
  }
  return out;
}

function flowSmallCollections(map: YAMLMap): void {
  for (const key of ["roles", "skills", "levels", "channels"]) {
    const node = map.get(key, true);
    if (isSeq(node) || isMap(node)) node.flow = true;
  }
}

function comment(lines: string[]): string {
  return lines.map((l) => ` ${l}`).join("\n");
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
  for (const group of duplicateGroups(candidates)) {
    // Same friendly name: the provider adopts the first worker Twilio lists, so keep that one.
    const sameName = new Set(group.map((f) => lower(f.friendlyName))).size === 1;
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
          `duplicate of ${keep.sid} "${keep.friendlyName}" (${lower(r.friendlyName) === lower(keep.friendlyName) ? "same identity" : `same email ${keep.email}`}), ` +
          `which is imported; flex-roster leaves this worker alone: delete it in the Flex console once you know which one the agent uses`,
      });
    }
  }
  drafts.sort((a, b) => lower(a.email).localeCompare(lower(b.email)) || a.facts.friendlyName.localeCompare(b.facts.friendlyName));

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

  // Render.
  const doc = new Document({
    workspace: opts.workspace,
    ...(Object.keys(defaults).length > 0 ? { defaults: yamlEntry(defaults) } : {}),
    agents: agents.map((a) => yamlEntry(a.entry)),
  });
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
  doc.commentBefore = comment(header);
  const defaultsNode = doc.get("defaults", true);
  if (isMap(defaultsNode)) flowSmallCollections(defaultsNode);
  const seq = doc.get("agents", true);
  if (isSeq(seq)) {
    seq.items.forEach((item, i) => {
      if (!isMap(item)) return;
      flowSmallCollections(item);
      const a = agents[i];
      const d = drafts[i];
      const lines: string[] = [];
      if (a.plan === "replace") {
        lines.push(`CORRUPTED: ${a.reasons.join("; ")}; flex-roster will recreate this worker (${a.sid}; the agent must sign in again)`);
      } else if (a.plan === "update") {
        lines.push(`UPDATE: pulumi up will change ${a.reasons.join("; ")}`);
      }
      for (const n of d.notes) lines.push(`NOTE: ${n}`);
      for (const dup of d.duplicates) lines.push(`DUPLICATE: worker ${dup.sid} "${dup.friendlyName}" is the same agent; not imported`);
      if (lines.length > 0) item.commentBefore = comment(lines);
    });
  }
  if (skipped.length > 0) {
    doc.comment = comment([
      "Not imported:",
      ...[...skipped]
        .sort((a, b) => a.friendlyName.localeCompare(b.friendlyName) || a.sid.localeCompare(b.sid))
        .map((s) => `  ${s.kind.toUpperCase()}: ${s.sid} "${s.friendlyName}": ${s.reason}`),
    ]);
  }
  const yaml = doc.toString({ lineWidth: 0, flowCollectionPadding: false });

  // The file must load: a failure here is a bug in import, not in the workspace.
  const roster = parseRoster(yaml, opts.file ?? "roster.yaml");
  return { yaml, roster, agents, skipped, defaults, unmanagedKeys, counts };
}
