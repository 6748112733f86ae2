// The shape of one managed worker as the provider sees it: the desired inputs
// built from a roster agent, and the same shape projected from a live
// TaskRouter worker. Diffing the two shapes key by key is what makes
// `pulumi preview --diff` show "contactUri: client:bob => client:bob_40acme_2Ecom".

import type { AgentSpec, ChannelSpec } from "./types";
import { isRecord } from "../json";

/**
 * A channel as stored in provider inputs/state, in the roster's own short
 * form: a capacity number when the channel is available (the usual case), or
 * `{ capacity, available: false }`. Short because state is paid per worker.
 */
export type ChannelState = number | { capacity: number; available: boolean };

export function channelState(spec: ChannelSpec): ChannelState {
  return spec.available ? spec.capacity : { capacity: spec.capacity, available: false };
}

export function channelSpec(state: ChannelState): ChannelSpec {
  return typeof state === "number" ? { capacity: state, available: true } : { capacity: state.capacity, available: state.available };
}

/** Flex's `disabled_skills` attribute: skills a supervisor disabled, with the levels they had. */
export interface DisabledSkills {
  skills: string[];
  levels: Record<string, number>;
}

/** How the live `attributes` string parsed. Only "json-object" is healthy. */
export type AttributesFormat = "json-object" | "invalid-json" | "not-an-object";

/** Provider inputs of a flex-roster worker (and, mirrored from live, its outputs). */
export interface WorkerInputs {
  /** Workspace friendly name or WS SID, as in the roster. */
  workspace: string;
  /** The worker's friendly name: Flex uses the identity. */
  friendlyName: string;
  email: string;
  /** Optional in live state: a worker may lack contact_uri entirely. */
  contactUri?: string;
  fullName?: string;
  roles?: string[];
  skills?: string[];
  levels?: Record<string, number>;
  /** Extra attribute keys the roster manages (live: the same keys as found). */
  extraAttributes: Record<string, unknown>;
  /** The roster owns the whole attributes object (drop unmanaged keys on write). Present only when true. */
  ownAllAttributes?: boolean;
  /** An identity provider (SSO) owns full_name, email and roles: never written, never drift. Present only when set. */
  identityProvider?: "sso";
  /** How a wrong contact_uri is repaired: absent = recreate (delete before create), "in-place" = If-Match update on the same SID. */
  repair?: "in-place";
  /** New workers get no contact_uri: Flex writes it at first sign-in, as Twilio advises. Present only when true. */
  contactUriByFlex?: boolean;
  /**
   * Live only: what Flex lists in `disabled_skills` (a supervisor disabled these
   * skills). Not a provider input: it lives in state outputs so that diff sees it.
   */
  disabledSkills?: DisabledSkills;
  channels: Record<string, ChannelState>;
  /**
   * Present only on a live worker whose attributes are unusable ("invalid-json",
   * "not-an-object"); desired never has it, so the diff shows it going away.
   * Absent keys keep the state small (the goal is under 3 KB per worker).
   */
  attributesFormat?: AttributesFormat;
}

/** Every provider input key, in display order (reports and read's `inputs` use it). */
export const INPUT_KEYS = [
  "workspace",
  "friendlyName",
  "email",
  "contactUri",
  "fullName",
  "roles",
  "skills",
  "levels",
  "extraAttributes",
  "ownAllAttributes",
  "identityProvider",
  "repair",
  "contactUriByFlex",
  "channels",
  "attributesFormat",
] as const satisfies readonly (keyof WorkerInputs)[];

/** Provider outputs: the inputs mirrored from live plus what Twilio assigned. */
export interface WorkerOutputs extends WorkerInputs {
  sid: string;
  workspaceSid: string;
}

/** The roster settings a worker's inputs carry (only when not the default, to keep state small). */
export type WorkerSettings = Pick<WorkerInputs, "ownAllAttributes" | "identityProvider" | "repair" | "contactUriByFlex">;

function settingsOf(s: WorkerSettings): WorkerSettings {
  const out: WorkerSettings = {};
  if (s.ownAllAttributes) out.ownAllAttributes = true;
  if (s.identityProvider === "sso") out.identityProvider = "sso";
  if (s.repair === "in-place") out.repair = "in-place";
  if (s.contactUriByFlex) out.contactUriByFlex = true;
  return out;
}

/**
 * Desired inputs for one agent. Values are copied so the caller's roster can't
 * alias them. Without a workspace (the roster may leave it to the Flex
 * Configuration) it is "", and the provider's check fills it in.
 */
export function desiredWorker(workspace: string | undefined, agent: AgentSpec): WorkerInputs {
  const out: WorkerInputs = {
    workspace: workspace ?? "",
    friendlyName: agent.identity,
    email: agent.email,
    contactUri: agent.contactUri,
    fullName: agent.fullName,
    roles: [...agent.roles],
    skills: [...agent.skills],
    levels: { ...agent.levels },
    extraAttributes: structuredClone(agent.attributes),
    channels: Object.fromEntries(Object.entries(agent.channels).map(([k, v]) => [k, channelState(v)])),
    ...settingsOf({
      ownAllAttributes: agent.ownAllAttributes,
      identityProvider: agent.identityProvider,
      repair: agent.repair === "in-place" ? "in-place" : undefined,
      contactUriByFlex: agent.contactUriByFlex,
    }),
  };
  return out;
}

/** The parts of a TaskRouter worker that the projection reads (SDK instance or emulator JSON). */
export interface LiveWorkerRecord {
  sid: string;
  workspaceSid: string;
  friendlyName: string;
  /** The raw attributes string as Twilio returns it on fetch. */
  attributes: string | null | undefined;
  activityName?: string | null;
}

/** The parts of a TaskRouter worker channel the projection reads. */
export interface LiveChannelRecord {
  taskChannelUniqueName: string;
  configuredCapacity: number;
  available: boolean;
  assignedTasks?: number;
}

/** Keys of the attributes object that flex-roster always manages. */
export const MANAGED_KEYS = ["contact_uri", "email", "full_name", "roles", "routing"] as const;

/**
 * Keys that Flex, Teams, Insights and webchat write and read. They stay on the
 * worker even when an agent owns its whole attributes object, unless the
 * roster names them. `disabled_skills` is Flex's too (see drift.ts).
 */
export const FLEX_KEPT_KEYS = [
  "team_sid",
  "team_id",
  "team_name",
  "department_id",
  "department_name",
  "location",
  "manager",
  "image_url",
  "public_identity",
  "disabled_skills",
] as const;

/** Whether an unmanaged live key stays on the worker when the roster owns the whole object. */
export function keptUnderOwnership(key: string, desired: Pick<WorkerInputs, "extraAttributes">): boolean {
  return (FLEX_KEPT_KEYS as readonly string[]).includes(key) && !(key in desired.extraAttributes);
}

export interface ParsedAttributes {
  format: AttributesFormat;
  /** The object when format is json-object, else empty. */
  value: Record<string, unknown>;
}

export function parseAttributes(raw: string | null | undefined): ParsedAttributes {
  if (raw === null || raw === undefined || raw === "") return { format: "json-object", value: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { format: "invalid-json", value: {} };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { format: "not-an-object", value: {} };
  }
  return { format: "json-object", value: parsed as Record<string, unknown> };
}

function stringArray(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? [...v] : undefined;
}

function numberRecord(v: unknown): Record<string, number> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(v)) {
    if (typeof n !== "number") return undefined;
    out[k] = n;
  }
  return out;
}

/** Flex's `disabled_skills` of a live attributes object; undefined when absent or empty. */
export function disabledSkillsOf(a: Record<string, unknown>): DisabledSkills | undefined {
  const d = a.disabled_skills;
  if (!isRecord(d)) return undefined;
  const skills = stringArray(d.skills) ?? [];
  const levels = numberRecord(d.levels) ?? {};
  return skills.length > 0 ? { skills, levels } : undefined;
}

/**
 * Project a live worker into the provider's shape. `desired` decides which
 * extra keys and channels are managed (only those are compared); its
 * workspace/ownAllAttributes are carried over since they are not live facts.
 */
export function projectLive(
  desired: Pick<WorkerInputs, "workspace" | "extraAttributes" | "channels"> & WorkerSettings,
  worker: LiveWorkerRecord,
  channels: LiveChannelRecord[],
): WorkerOutputs {
  const parsed = parseAttributes(worker.attributes);
  const a = parsed.value;
  const routing = isRecord(a.routing) ? a.routing : {};
  const extraAttributes: Record<string, unknown> = {};
  const managedExtras = desired.ownAllAttributes
    ? Object.keys(a).filter((k) => !(MANAGED_KEYS as readonly string[]).includes(k) && !keptUnderOwnership(k, desired))
    : Object.keys(desired.extraAttributes);
  for (const key of managedExtras) {
    if (key in a) extraAttributes[key] = structuredClone(a[key]);
  }
  const liveChannels: Record<string, ChannelState> = {};
  for (const name of Object.keys(desired.channels)) {
    const ch = channels.find((c) => c.taskChannelUniqueName === name);
    if (ch) liveChannels[name] = channelState({ capacity: ch.configuredCapacity, available: ch.available });
  }
  const out: WorkerOutputs = {
    sid: worker.sid,
    workspaceSid: worker.workspaceSid,
    workspace: desired.workspace,
    friendlyName: worker.friendlyName,
    email: typeof a.email === "string" ? a.email : "",
    extraAttributes,
    channels: liveChannels,
  };
  Object.assign(out, settingsOf(desired));
  if (parsed.format !== "json-object") out.attributesFormat = parsed.format;
  const disabled = disabledSkillsOf(a);
  if (disabled) out.disabledSkills = disabled;
  // Optional fields are left out when absent so the diff shows them as added.
  if (typeof a.contact_uri === "string") out.contactUri = a.contact_uri;
  if (typeof a.full_name === "string") out.fullName = a.full_name;
  const roles = stringArray(a.roles);
  if (roles) out.roles = roles;
  const skills = stringArray(routing.skills);
  if (skills) out.skills = skills;
  const levels = numberRecord(routing.levels);
  if (levels) out.levels = levels;
  return out;
}
