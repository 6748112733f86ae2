// The worker-health rule, the only place that decides it: compare the desired
// worker with the live one and say what flex-roster must do, with a code and
// one line a Flex admin understands per reason. Pure. Its consumers only map
// the verdict: the provider's diff (and so the Pulumi plan), `doctor`'s
// per-worker findings, `import`'s CORRUPTED/UPDATE comments and the PR
// report's reasons.
//
//   gone        → create (no live worker: deleted outside flex-roster, or new)
//   corrupted   → replace (delete before create: friendly names are unique)
//                 A wrong contact_uri is corrupted, but with `repair: in-place`
//                 it is fixed by an update on the same SID instead.
//   healthy drift → update in place, same SID
//   in sync     → nothing
//
// What other writers own is information (notes), never drift: with SSO the
// identity provider's full_name, email and roles; skills a supervisor
// disabled in Flex; a pre-provisioned worker waiting for its first sign-in
// (no contact_uri yet).

import { isDeepStrictEqual } from "node:util";
import { contactUriFor } from "./identity";
import { channelSpec, type WorkerInputs } from "./worker-model";
import { isRecord } from "../json";

export type DriftKind = "in-sync" | "update" | "replace" | "gone";

/** Why a worker is recreated. */
export type CorruptionCode =
  | "attributes-invalid-json"
  | "attributes-not-object"
  | "contact-uri-not-canonical"
  | "friendly-name-mismatch"
  | "other-workspace";

/** Why a worker is written in place (or created, when gone). */
export type ChangeCode =
  | "contact-uri-not-canonical"
  | "contact-uri-missing"
  | "profile"
  | "routing-skills"
  | "routing-levels"
  | "disabled-skills"
  | "attribute"
  | "attribute-removed"
  | "channel-capacity"
  | "channel-available"
  | "channel-missing"
  | "setting"
  | "worker-missing";

/** What another writer owns: shown, never planned. */
export type NoteCode = "sso-owned" | "skill-disabled-in-flex" | "waiting-for-first-sign-in";

export type HealthCode = CorruptionCode | ChangeCode | NoteCode;

/** How a worker's health is repaired, and why (shown by preview and the PR report). */
export interface RepairPolicy {
  policy: "recreate" | "in-place";
  /** One line: which setting chose it and what it means for this worker. */
  why: string;
}

export interface Finding {
  /** Stable machine code of the reason; consumers map it to their own vocabulary. */
  code: HealthCode;
  /** The provider input key that differs (what `pulumi preview --diff` shows); "worker" when there is none. */
  field: keyof WorkerInputs | "worker";
  /** Dotted detail path, e.g. `channels.chat.capacity` or `extraAttributes.team`. */
  path: string;
  /** Flex's name for it: `contact_uri`, `routing.levels.support`, `team`, `chat.capacity`, ... */
  key: string;
  from?: unknown;
  to?: unknown;
  /** One line a Flex admin understands. */
  message: string;
}

export interface Drift {
  kind: DriftKind;
  /** Why the worker is corrupted; non-empty exactly when kind is "replace". */
  corruptions: Finding[];
  /** Managed fields that differ and can be fixed in place; for "gone", the missing worker. */
  changes: Finding[];
  /** Differences that are not drift: owned by SSO or by Flex (disabled skills, first sign-in). */
  notes: Finding[];
  /** Set when no contact_uri is on the worker yet: Flex writes it at the agent's first sign-in. */
  waitingForFirstSignIn?: boolean;
  /** Set when the worker's contact_uri or identity needs a repair (replace, or in-place fix). */
  repair?: RepairPolicy;
}

const show = (v: unknown) => (v === undefined ? "(missing)" : JSON.stringify(v));

/** Order does not matter for roles and skills in Flex; compare them as sets. */
function sameSet(a: string[] | undefined, b: string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function badFormat(live: WorkerInputs): boolean {
  return live.attributesFormat !== undefined && live.attributesFormat !== "json-object";
}

/** A change `what from → to` (what defaults to the key), the one shape every consumer prints. */
function changed(code: ChangeCode, field: Finding["field"], path: string, key: string, from: unknown, to: unknown, what = key): Finding {
  return { code, field, path, key, from, to, message: `${what} ${show(from)} → ${show(to)}` };
}

/**
 * A contact_uri that is present and not canonical: the seed's bug ("You are not
 * a chat participant"). A missing one is a worker waiting for its first sign-in.
 */
function wrongContactUri(desired: WorkerInputs, live: WorkerInputs): Finding | undefined {
  if (badFormat(live)) return undefined;
  if (live.contactUri === undefined || live.contactUri === desired.contactUri) return undefined;
  return {
    code: "contact-uri-not-canonical",
    field: "contactUri",
    path: "contactUri",
    key: "contact_uri",
    from: live.contactUri,
    to: desired.contactUri,
    message: `contact_uri "${live.contactUri}" is not canonical "${desired.contactUri}"`,
  };
}

/** Reasons a live worker must be recreated rather than patched. */
export function corruptions(desired: WorkerInputs, live: WorkerInputs): Finding[] {
  const out: Finding[] = [];
  if (badFormat(live)) {
    const invalid = live.attributesFormat === "invalid-json";
    out.push({
      code: invalid ? "attributes-invalid-json" : "attributes-not-object",
      field: "attributesFormat",
      path: "attributesFormat",
      key: "attributes",
      from: live.attributesFormat,
      message: invalid ? "attributes are not valid JSON" : "attributes are JSON but not an object",
    });
  } else {
    const wrong = wrongContactUri(desired, live);
    // repair: in-place fixes it on the same SID (inPlaceChanges); otherwise recreate.
    if (wrong && desired.repair !== "in-place") out.push(wrong);
  }
  if (live.friendlyName !== desired.friendlyName) {
    out.push({
      code: "friendly-name-mismatch",
      field: "friendlyName",
      path: "friendlyName",
      key: "friendly_name",
      from: live.friendlyName,
      to: desired.friendlyName,
      message: `friendly_name "${live.friendlyName}" does not match the agent's identity "${desired.friendlyName}"`,
    });
  }
  if (live.workspace !== desired.workspace) {
    out.push({
      code: "other-workspace",
      field: "workspace",
      path: "workspace",
      key: "workspace",
      from: live.workspace,
      to: desired.workspace,
      message: `the worker belongs to workspace "${live.workspace}", the roster says "${desired.workspace}"`,
    });
  }
  return out;
}

/** Managed fields that differ but can be written in place. */
export function inPlaceChanges(desired: WorkerInputs, live: WorkerInputs): Finding[] {
  const out: Finding[] = [];
  const wrong = wrongContactUri(desired, live);
  if (wrong && desired.repair === "in-place") {
    out.push({ ...wrong, message: `${wrong.message}; fixed in place on the same worker (repair: in-place)` });
  } else if (live.contactUri === undefined && !desired.contactUriByFlex && !badFormat(live)) {
    out.push({
      code: "contact-uri-missing",
      field: "contactUri",
      path: "contactUri",
      key: "contact_uri",
      to: desired.contactUri,
      message: `contact_uri is missing (waiting for first sign-in); flex-roster writes "${desired.contactUri}"`,
    });
  }
  if (desired.identityProvider !== "sso") out.push(...profileDifferences(desired, live));
  out.push(...routingChanges(desired, live));
  for (const [key, want] of Object.entries(desired.extraAttributes)) {
    const have = live.extraAttributes[key];
    if (!isDeepStrictEqual(have, want)) out.push(changed("attribute", "extraAttributes", `extraAttributes.${key}`, key, have, want));
  }
  if (desired.ownAllAttributes) {
    for (const key of Object.keys(live.extraAttributes)) {
      if (!(key in desired.extraAttributes)) {
        out.push(changed("attribute-removed", "extraAttributes", `extraAttributes.${key}`, key, live.extraAttributes[key], undefined));
      }
    }
  }
  out.push(...channelChanges(desired, live), ...settingChanges(desired, live));
  return out;
}

/** routing.skills and routing.levels (per skill), leaving skills disabled in Flex alone. */
function routingChanges(desired: WorkerInputs, live: WorkerInputs): Finding[] {
  const out: Finding[] = [];
  const disabled = disabledSkills(desired, live);
  const wantSkills = (desired.skills ?? []).filter((s) => !disabled.includes(s));
  const wantLevels = desired.levels === undefined ? undefined : withoutKeys(desired.levels, disabled);
  if (!sameSet(live.skills, wantSkills)) out.push(changed("routing-skills", "skills", "skills", "routing.skills", live.skills, wantSkills));
  const haveLevels = live.levels ?? undefined;
  if (!isDeepStrictEqual(haveLevels, wantLevels)) {
    if (isRecord(haveLevels) && isRecord(wantLevels)) {
      for (const k of [...new Set([...Object.keys(haveLevels), ...Object.keys(wantLevels)])].sort()) {
        if (haveLevels[k] !== wantLevels[k]) {
          out.push(changed("routing-levels", "levels", `levels.${k}`, `routing.levels.${k}`, haveLevels[k], wantLevels[k]));
        }
      }
    } else {
      out.push(changed("routing-levels", "levels", "levels", "routing.levels", haveLevels, wantLevels));
    }
  }
  const gone = (live.disabledSkills?.skills ?? []).filter((s) => !(desired.skills ?? []).includes(s));
  if (gone.length > 0) {
    out.push({
      code: "disabled-skills",
      field: "skills",
      path: "disabledSkills",
      key: "disabled_skills",
      from: live.disabledSkills!.skills,
      to: disabled,
      message: `disabled_skills: ${gone.map((s) => `"${s}"`).join(", ")} no longer in the roster; removed from disabled_skills too`,
    });
  }
  return out;
}

function channelChanges(desired: WorkerInputs, live: WorkerInputs): Finding[] {
  const out: Finding[] = [];
  for (const [name, wantState] of Object.entries(desired.channels)) {
    const want = channelSpec(wantState);
    const haveState = live.channels[name];
    if (haveState === undefined) {
      out.push({
        code: "channel-missing",
        field: "channels",
        path: `channels.${name}`,
        key: name,
        to: want,
        message: `channel ${name} does not exist on the worker (is the task channel missing from the workspace?)`,
      });
      continue;
    }
    const have = channelSpec(haveState);
    if (have.capacity !== want.capacity) {
      out.push(changed("channel-capacity", "channels", `channels.${name}.capacity`, `${name}.capacity`, have.capacity, want.capacity, `${name} capacity`));
    }
    if (have.available !== want.available) {
      out.push(changed("channel-available", "channels", `channels.${name}.available`, `${name}.available`, have.available, want.available, `${name} available`));
    }
  }
  return out;
}

/** The roster settings a worker carries; absent means the default. */
const SETTING_DEFAULTS = { ownAllAttributes: false, identityProvider: "none", repair: "recreate", contactUriByFlex: false } as const;

/** A roster setting that changed (only the provider's recorded inputs can differ from the roster here). */
function settingChanges(desired: WorkerInputs, live: WorkerInputs): Finding[] {
  const out: Finding[] = [];
  for (const [key, dflt] of Object.entries(SETTING_DEFAULTS) as [keyof typeof SETTING_DEFAULTS, string | boolean][]) {
    const was = live[key] ?? dflt;
    const now = desired[key] ?? dflt;
    if (was !== now) out.push(changed("setting", key, key, key, was, now));
  }
  return out;
}

function withoutKeys(levels: Record<string, number>, keys: string[]): Record<string, number> {
  return Object.fromEntries(Object.entries(levels).filter(([k]) => !keys.includes(k)));
}

/** Roster skills a supervisor disabled in Flex: left disabled, never drift. */
export function disabledSkills(desired: WorkerInputs, live: WorkerInputs): string[] {
  const d = live.disabledSkills?.skills ?? [];
  return (desired.skills ?? []).filter((s) => d.includes(s));
}

/** full_name, email and roles that differ from the roster (drift, or with SSO, information). */
function profileDifferences(desired: WorkerInputs, live: WorkerInputs): Finding[] {
  const out: Finding[] = [];
  if (live.email !== desired.email) out.push(changed("profile", "email", "email", "email", live.email || undefined, desired.email));
  if (live.fullName !== desired.fullName) out.push(changed("profile", "fullName", "fullName", "full_name", live.fullName, desired.fullName));
  if (!sameSet(live.roles, desired.roles)) out.push(changed("profile", "roles", "roles", "roles", live.roles, desired.roles));
  return out;
}

/** What other writers own: shown as information, never planned. */
export function notes(desired: WorkerInputs, live: WorkerInputs): Finding[] {
  const out: Finding[] = [];
  if (desired.identityProvider === "sso" && !badFormat(live)) {
    for (const f of profileDifferences(desired, live)) {
      out.push({ ...f, code: "sso-owned", message: `${f.key} is set by SSO at sign-in: ${show(f.from)} (the roster says ${show(f.to)})` });
    }
  }
  for (const skill of disabledSkills(desired, live)) {
    out.push({
      code: "skill-disabled-in-flex",
      field: "skills",
      path: `disabledSkills.${skill}`,
      key: "disabled_skills",
      from: skill,
      message: `skill "${skill}" is disabled in Flex (left disabled)`,
    });
  }
  if (live.contactUri === undefined && desired.contactUri !== undefined && desired.contactUriByFlex && !badFormat(live)) {
    out.push({
      code: "waiting-for-first-sign-in",
      field: "contactUri",
      path: "contactUri",
      key: "contact_uri",
      to: desired.contactUri,
      message: `waiting for first sign-in: no contact_uri yet; Flex writes "${desired.contactUri}" when the agent signs in`,
    });
  }
  return out;
}

/** Which repair policy applies to this worker, and why. Undefined when no repair is needed. */
export function repairPolicy(desired: WorkerInputs, live: WorkerInputs, bad: Finding[]): RepairPolicy | undefined {
  const wrong = wrongContactUri(desired, live);
  if (bad.length === 0 && !wrong) return undefined;
  if (bad.length === 0) {
    return {
      policy: "in-place",
      why: "repair: in-place (roster setting): contact_uri is fixed with an If-Match update on the same worker SID, keeping its Flex User link and history",
    };
  }
  if (desired.repair === "in-place") {
    const what = bad.map((f) => (f.field === "attributesFormat" ? "attributes that are not a JSON object" : f.field === "friendlyName" ? "a friendly_name that does not match" : "a worker in another workspace"));
    return {
      policy: "recreate",
      why: `repair: in-place cannot fix ${[...new Set(what)].join(" and ")}, so the worker is recreated`,
    };
  }
  return {
    policy: "recreate",
    why: "repair: recreate (the default): the worker gets a new SID; `repair: in-place` in the roster fixes contact_uri on the same SID",
  };
}

/** The verdict for an agent whose worker is not in Flex (never created, or deleted outside flex-roster). */
function gone(desired: WorkerInputs): Drift {
  const missing: Finding = {
    code: "worker-missing",
    field: "worker",
    path: "worker",
    key: "worker",
    to: desired.friendlyName,
    message: `worker "${desired.friendlyName}" is missing in Flex; it is created from the roster`,
  };
  return { kind: "gone", corruptions: [], changes: [missing], notes: [] };
}

/**
 * The health rule: `live` is the worker as found (projected with projectLive,
 * or the provider's recorded state), undefined when Flex has none.
 */
export function classify(desired: WorkerInputs, live: WorkerInputs | undefined): Drift {
  if (live === undefined) return gone(desired);
  const bad = corruptions(desired, live);
  const changes = inPlaceChanges(desired, live);
  const kind: DriftKind = bad.length > 0 ? "replace" : changes.length > 0 ? "update" : "in-sync";
  const drift: Drift = { kind, corruptions: bad, changes, notes: notes(desired, live) };
  if (live.contactUri === undefined && !badFormat(live)) drift.waitingForFirstSignIn = true;
  const repair = repairPolicy(desired, live, bad);
  if (repair) drift.repair = repair;
  return drift;
}

/**
 * The verdict for a live worker judged against its own identity when no roster
 * says more: only the identity rules apply (readable attributes, a canonical
 * contact_uri, left to Flex until the first sign-in). `identity` is the
 * worker's friendly name when that is a Flex identity; without one there is
 * no contact_uri to expect and only the attributes are judged.
 */
export function classifyOwnIdentity(live: WorkerInputs, identity: string | undefined): Drift {
  const found: WorkerInputs = { ...live, contactUriByFlex: true };
  const { attributesFormat: _format, disabledSkills: _disabled, ...rest } = found;
  // Disabled skills are the agent's too: they stay disabled, not "gone from the roster".
  const skills = [...new Set([...(live.skills ?? []), ...(live.disabledSkills?.skills ?? [])])];
  const contactUri = identity === undefined ? live.contactUri : contactUriFor(identity);
  return classify({ ...rest, skills, contactUri }, found);
}

/** Every reason of a verdict in the order consumers list them: corruptions, changes, then notes. */
export function reasonsOf(drift: Drift): Finding[] {
  return [...drift.corruptions, ...drift.changes, ...drift.notes];
}

/** The warning an admin sees once per corrupted agent on preview and up. */
export function corruptionWarning(email: string, drift: Drift): string {
  const why = drift.corruptions.map((f) => f.message).join("; ");
  const policy = drift.repair ? ` [${drift.repair.why}]` : "";
  return `${email}: ${why}; the worker will be recreated (the agent must sign in again)${policy}`;
}

/** The line preview shows for a worker repaired in place (repair: in-place). */
export function inPlaceRepairWarning(email: string, drift: Drift): string | undefined {
  if (drift.kind === "replace" || drift.repair?.policy !== "in-place") return undefined;
  const fix = drift.changes.find((c) => c.field === "contactUri");
  return `${email}: ${fix?.message ?? "contact_uri is fixed in place"} [${drift.repair.why}]`;
}

/** The information line for one note: `bob@acme.com: not drift: roles is set by SSO ...`. */
export function notDriftMessage(email: string, note: string): string {
  return `${email}: ${NOT_DRIFT} ${note}`;
}

export const NOT_DRIFT = "not drift:";
const NOT_DRIFT_LINE = new RegExp(`^(\\S+): ${NOT_DRIFT} (.+)$`);

/** The email and note of a notDriftMessage line (as the engine log passes it on); undefined for any other line. */
export function parseNotDrift(line: string): { email: string; note: string } | undefined {
  const m = NOT_DRIFT_LINE.exec(line);
  return m ? { email: m[1]!, note: m[2]! } : undefined;
}
