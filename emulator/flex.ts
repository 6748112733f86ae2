/**
 * The parts of Flex that write to TaskRouter workers, as the emulator plays
 * them: the Flex Configuration resource (Flex v1 `/v1/Configuration`), and
 * three things Flex users do that flex-roster must live with:
 *
 * - an agent signs in through SSO: Flex writes `roles`, `full_name` and
 *   `email` from the identity provider's claims, fills `contact_uri` from the
 *   username when it is missing, and creates the worker when there is none;
 * - a supervisor disables a skill: Flex moves it (and its level) from
 *   `routing` into `disabled_skills`;
 * - a second chat: Flex adds the agent to the conversation by the identity it
 *   derives from the username, so it fails with "You are not a chat
 *   participant" unless `contact_uri` is `client:` + that identity.
 */

import { Errors, TwilioApiError } from "./errors";
import type { Actor } from "./events";
import { iso, type RenderContext } from "./render";
import { newSid } from "./sids";
import { isRecord, now, parseAttributes, type FlexConfigRec, type WorkerRec, type WorkspaceRec } from "./records";
import type { Store } from "./store";

/** One skill of Flex's skill catalogue (`taskrouter_skills`). */
export interface FlexSkill {
  name: string;
  /** true: the skill has levels minimum..maximum; false: on/off, no level. */
  multivalue: boolean;
  minimum: number;
  maximum: number;
}

/** The catalogue a fresh emulator's Flex has: the skills the examples and tests use, plus one on/off skill. */
export const DEFAULT_SKILLS: readonly FlexSkill[] = [
  { name: "sales", multivalue: true, minimum: 0, maximum: 10 },
  { name: "support", multivalue: true, minimum: 0, maximum: 10 },
  { name: "billing", multivalue: true, minimum: 0, maximum: 10 },
  { name: "spanish", multivalue: true, minimum: 0, maximum: 10 },
  { name: "mandarin", multivalue: true, minimum: 0, maximum: 10 },
  { name: "vip", multivalue: false, minimum: 0, maximum: 0 },
];

/** Properties of `flex.v1.configuration` in Twilio's Flex v1 description, in its order. */
export const CONFIGURATION_PROPERTIES = [
  "account_sid", "date_created", "date_updated", "attributes", "status", "taskrouter_workspace_sid",
  "taskrouter_target_workflow_sid", "taskrouter_target_taskqueue_sid", "taskrouter_taskqueues", "taskrouter_skills",
  "taskrouter_worker_channels", "taskrouter_worker_attributes", "taskrouter_offline_activity_sid", "runtime_domain",
  "messaging_service_instance_sid", "chat_service_instance_sid", "flex_service_instance_sid", "flex_instance_sid",
  "ui_language", "ui_attributes", "ui_dependencies", "ui_version", "service_version", "call_recording_enabled",
  "call_recording_webhook_url", "crm_enabled", "crm_type", "crm_callback_url", "crm_fallback_url", "crm_attributes",
  "public_attributes", "plugin_service_enabled", "plugin_service_attributes", "integrations", "outbound_call_flows",
  "serverless_service_sids", "queue_stats_configuration", "notifications", "markdown", "url", "flex_insights_hr",
  "flex_insights_drilldown", "flex_url", "channel_configs", "debugger_integration", "flex_ui_status_report",
  "agent_conv_end_methods", "citrix_voice_vdi", "offline_config",
] as const;

/** Set by the server, never by a POST. */
const READ_ONLY = new Set(["account_sid", "date_created", "date_updated", "url"]);

/** A Flex-like default configuration for the workspace (its Offline activity, the default catalogue). */
export function defaultFlexConfig(ws: WorkspaceRec): FlexConfigRec {
  const t = now();
  const offline = ws.activities.find((a) => a.friendlyName === "Offline") ?? ws.activities[0];
  return {
    dateCreated: t,
    dateUpdated: t,
    fields: {
      status: "ok",
      taskrouter_workspace_sid: ws.sid,
      taskrouter_offline_activity_sid: offline?.sid ?? null,
      taskrouter_skills: DEFAULT_SKILLS.map((s) => ({ ...s })),
      flex_instance_sid: newSid("GO"),
      ui_language: "en",
      ui_version: "2.0",
      service_version: "2.0",
    },
  };
}

/** The account's configuration; creates the default one for the first workspace. 404 when the account has no Flex. */
export function flexConfigOf(store: Store, path: string): FlexConfigRec {
  if (!store.options.flexEnabled) throw Errors.notFound(path);
  if (!store.flexConfig) {
    const ws = store.catalogue.findWorkspace("default");
    if (!ws) throw Errors.notFound(path);
    store.flexConfig = defaultFlexConfig(ws);
    store.onChange();
  }
  return store.flexConfig;
}

export function renderConfiguration(c: RenderContext, rec: FlexConfigRec) {
  const out: Record<string, unknown> = {};
  for (const key of CONFIGURATION_PROPERTIES) out[key] = structuredClone(rec.fields[key] ?? null);
  out.account_sid = c.store.accountSid;
  out.date_created = iso(rec.dateCreated);
  out.date_updated = iso(rec.dateUpdated);
  out.url = `${c.base}/v1/Configuration`;
  return out;
}

function checkSkills(v: unknown): void {
  if (v === null) return;
  if (!Array.isArray(v)) throw Errors.badRequest("taskrouter_skills must be a list");
  for (const s of v) {
    const ok =
      isRecord(s) &&
      typeof s.name === "string" &&
      s.name !== "" &&
      typeof s.multivalue === "boolean" &&
      Number.isInteger(s.minimum) &&
      Number.isInteger(s.maximum) &&
      (s.minimum as number) <= (s.maximum as number);
    if (!ok) throw Errors.badRequest(`Invalid skill in taskrouter_skills: ${JSON.stringify(s)}`);
  }
}

/** POST /v1/Configuration: Flex merges the documented top-level properties it is given. */
export function updateFlexConfig(store: Store, rec: FlexConfigRec, body: unknown): FlexConfigRec {
  if (!isRecord(body)) throw Errors.badRequest("the Configuration update must be a JSON object");
  const known = new Set<string>(CONFIGURATION_PROPERTIES);
  for (const [key, value] of Object.entries(body)) {
    if (!known.has(key) || READ_ONLY.has(key)) continue;
    if (key === "taskrouter_skills") checkSkills(value);
    rec.fields[key] = structuredClone(value);
  }
  rec.dateUpdated = Math.max(now(), rec.dateUpdated);
  store.onChange();
  return rec;
}

/**
 * Who Flex's own writes are by, in the event log: the Flex instance (its
 * `flex_instance_sid`), or the workspace when the account has no Flex
 * Configuration yet. Twilio does not document the actor of these writes.
 */
function flexActor(store: Store, ws: WorkspaceRec): Actor {
  const sid = store.flexConfig?.fields.flex_instance_sid;
  return typeof sid === "string" ? { type: "flex", sid } : { type: "workspace", sid: ws.sid };
}

// -- identities ---------------------------------------------------------------

/** Flex's identity for a username: every character outside [A-Za-z0-9] becomes `_` + its hex code. */
export function flexIdentityOf(username: string): string {
  let out = "";
  for (const ch of username) {
    const code = ch.codePointAt(0)!;
    out += /^[A-Za-z0-9]$/.test(ch) ? ch : `_${code.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function attributesOf(w: WorkerRec): Record<string, unknown> {
  const a = parseAttributes(w.attributes);
  // Flex itself cannot read such a worker either; the error says so.
  if (!a) throw Errors.badRequest(`Worker ${w.sid} has attributes that are not a JSON object; Flex cannot update it`);
  return a;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

// -- SSO sign-in --------------------------------------------------------------

export interface SsoClaims {
  /** The Flex username (usually the email). Required. */
  username: string;
  email?: string;
  fullName?: string;
  roles?: string[];
}

export interface SsoResult {
  workerSid: string;
  created: boolean;
  contactUri: string;
  /** Whether contact_uri was missing and Flex filled it in. */
  filledContactUri: boolean;
}

/** What Flex does to the worker when an agent signs in through SSO. */
export function ssoSignIn(store: Store, ws: WorkspaceRec, claims: SsoClaims): SsoResult {
  if (typeof claims?.username !== "string" || claims.username === "") throw Errors.missingParameter("username");
  const identity = flexIdentityOf(claims.username);
  const profile: Record<string, unknown> = {
    email: claims.email ?? claims.username,
    full_name: claims.fullName ?? claims.username,
    roles: claims.roles ?? ["agent"],
  };
  const existing = store.workers.find(ws, identity);
  if (!existing) {
    const attributes = { contact_uri: `client:${identity}`, ...profile };
    const w = store.workers.create(ws, { friendlyName: identity, attributes: JSON.stringify(attributes) }, flexActor(store, ws));
    return { workerSid: w.sid, created: true, contactUri: attributes.contact_uri, filledContactUri: true };
  }
  const a = attributesOf(existing);
  const filled = typeof a.contact_uri !== "string" || a.contact_uri === "";
  // Flex derives the identity from the username; the email claim names the same user.
  if (filled) a.contact_uri = `client:${identity}`;
  Object.assign(a, profile);
  store.workers.update(ws, existing, { attributes: JSON.stringify(a) }, undefined, flexActor(store, ws));
  return { workerSid: existing.sid, created: false, contactUri: String(a.contact_uri), filledContactUri: filled };
}

// -- supervisor disables a skill ---------------------------------------------------

/** Flex's "disable skill" on a worker: routing.skills/levels → disabled_skills.skills/levels. */
export function disableSkill(store: Store, ws: WorkspaceRec, w: WorkerRec, skill: string): Record<string, unknown> {
  if (typeof skill !== "string" || skill === "") throw Errors.missingParameter("skill");
  const a = attributesOf(w);
  const routing = isRecord(a.routing) ? a.routing : {};
  const skills = stringList(routing.skills);
  if (!skills.includes(skill)) throw Errors.badRequest(`Worker ${w.sid} has no enabled skill "${skill}"`);
  const levels = isRecord(routing.levels) ? { ...routing.levels } : {};
  const disabled = isRecord(a.disabled_skills) ? a.disabled_skills : {};
  const dSkills = stringList(disabled.skills);
  const dLevels = isRecord(disabled.levels) ? { ...disabled.levels } : {};
  if (skill in levels) {
    dLevels[skill] = levels[skill];
    delete levels[skill];
  }
  a.routing = { ...routing, skills: skills.filter((s) => s !== skill), levels };
  a.disabled_skills = { skills: [...dSkills.filter((s) => s !== skill), skill], levels: dLevels };
  store.workers.update(ws, w, { attributes: JSON.stringify(a) }, undefined, flexActor(store, ws));
  return a;
}

// -- a second chat ----------------------------------------------------------------

export const NOT_A_PARTICIPANT = "You are not a chat participant";

export interface ChatResult {
  ok: true;
  identity: string;
  workerSid: string;
}

/**
 * An agent who already has one chat accepts a second: Flex adds the agent by
 * the identity of its username and checks it against the worker's contact_uri.
 */
export function secondChat(store: Store, ws: WorkspaceRec, username: string): ChatResult {
  if (typeof username !== "string" || username === "") throw Errors.missingParameter("username");
  const identity = flexIdentityOf(username);
  const w = store.workers.find(ws, identity);
  if (!w) throw new TwilioApiError(404, 20404, `No worker for ${username} (identity ${identity}) in workspace ${ws.sid}`);
  const a = parseAttributes(w.attributes);
  if (!a || a.contact_uri !== `client:${identity}`) throw new TwilioApiError(403, 20403, NOT_A_PARTICIPANT);
  return { ok: true, identity, workerSid: w.sid };
}
