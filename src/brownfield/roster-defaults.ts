// The defaults of a generated roster (`flex-roster import`): the most common
// value of each key becomes `defaults:` when it saves lines, and each agent's
// entry keeps only what differs from them. Pure.

import { isDeepStrictEqual } from "node:util";
import type { ChannelSpec } from "../flex/types";
import type { AgentEntry, DefaultsEntry } from "../roster";

/** An agent's values as read from its worker, before defaults. */
export interface AgentValues {
  email: string;
  identity?: string;
  fullName?: string;
  roles?: string[];
  /** Undefined when the attributes are unreadable: the defaults apply. */
  skills?: string[];
  levels: Record<string, number>;
  channels: Record<string, ChannelSpec>;
  attributes: Record<string, unknown>;
}

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

const setKey = (list: readonly string[]) => JSON.stringify([...list].sort());

/**
 * The `defaults:` that keep the file short: per key, the most common value when
 * at least two agents share it and no agent would have to undo it.
 */
export function computeDefaults(drafts: readonly AgentValues[]): DefaultsEntry {
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

/** The agent's entry as written: only what its defaults do not already give it. */
export function entryFor(d: AgentValues, defaults: DefaultsEntry): AgentEntry {
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
