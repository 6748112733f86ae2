// Drift classification: compare the desired worker with the live one and say
// what Pulumi must do. Pure; the provider's diff maps the result 1:1, and the
// PR report and doctor read the same result. The one health rule:
//
//   corrupted   → replace (delete before create: friendly names are unique)
//                 A wrong contact_uri is corrupted, but with `repair: in-place`
//                 it is fixed by an update on the same SID instead.
//   healthy drift → update in place, same SID
//   in sync     → nothing
//
// What other writers own is information (notes), never drift: with SSO the
// identity provider's full_name, email and roles; skills a supervisor
// disabled in Flex; a pre-provisioned worker waiting for its first sign-in
// (no contact_uri yet). ("gone" is not decided here: a 404 on read removes the
// resource from state and the engine plans a create.)

import { isDeepStrictEqual } from "node:util";
import { channelSpec, type WorkerInputs } from "./worker-model";

export type DriftKind = "in-sync" | "update" | "replace";

/** How a worker's health is repaired, and why (shown by preview and the PR report). */
export interface RepairPolicy {
  policy: "recreate" | "in-place";
  /** One line: which setting chose it and what it means for this worker. */
  why: string;
}

export interface Finding {
  /** The provider input key that differs (what `pulumi preview --diff` shows). */
  field: keyof WorkerInputs;
  /** Dotted detail path, e.g. `channels.chat.capacity` or `extraAttributes.team`. */
  path: string;
  from?: unknown;
  to?: unknown;
  /** One line a Flex admin understands. */
  message: string;
}

export interface Drift {
  kind: DriftKind;
  /** Why the worker is corrupted; non-empty exactly when kind is "replace". */
  corruptions: Finding[];
  /** Managed fields that differ and can be fixed in place. */
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

/**
 * A contact_uri that is present and not canonical: the seed's bug ("You are not
 * a chat participant"). A missing one is a worker waiting for its first sign-in.
 */
function wrongContactUri(desired: WorkerInputs, live: WorkerInputs): Finding | undefined {
  if (live.attributesFormat !== undefined && live.attributesFormat !== "json-object") return undefined;
  if (live.contactUri === undefined || live.contactUri === desired.contactUri) return undefined;
  return {
    field: "contactUri",
    path: "contactUri",
    from: live.contactUri,
    to: desired.contactUri,
    message: `contact_uri "${live.contactUri}" is not canonical "${desired.contactUri}"`,
  };
}

/** Reasons a live worker must be recreated rather than patched. */
export function corruptions(desired: WorkerInputs, live: WorkerInputs): Finding[] {
  const out: Finding[] = [];
  if (live.attributesFormat !== undefined && live.attributesFormat !== "json-object") {
    out.push({
      field: "attributesFormat",
      path: "attributesFormat",
      from: live.attributesFormat,
      message:
        live.attributesFormat === "invalid-json" ? "attributes are not valid JSON" : "attributes are JSON but not an object",
    });
  } else {
    const wrong = wrongContactUri(desired, live);
    // repair: in-place fixes it on the same SID (inPlaceChanges); otherwise recreate.
    if (wrong && desired.repair !== "in-place") out.push(wrong);
  }
  if (live.friendlyName !== desired.friendlyName) {
    out.push({
      field: "friendlyName",
      path: "friendlyName",
      from: live.friendlyName,
      to: desired.friendlyName,
      message: `friendly_name "${live.friendlyName}" does not match the agent's identity "${desired.friendlyName}"`,
    });
  }
  if (live.workspace !== desired.workspace) {
    out.push({
      field: "workspace",
      path: "workspace",
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
  const add = (field: keyof WorkerInputs, path: string, from: unknown, to: unknown, what: string) =>
    out.push({ field, path, from, to, message: `${what} ${show(from)} → ${show(to)}` });

  const wrong = wrongContactUri(desired, live);
  if (wrong && desired.repair === "in-place") {
    out.push({ ...wrong, message: `${wrong.message}; fixed in place on the same worker (repair: in-place)` });
  } else if (live.contactUri === undefined && !desired.contactUriByFlex && !badFormat(live)) {
    out.push({
      field: "contactUri",
      path: "contactUri",
      to: desired.contactUri,
      message: `contact_uri is missing (waiting for first sign-in); flex-roster writes "${desired.contactUri}"`,
    });
  }
  if (desired.identityProvider !== "sso") {
    for (const f of profileDifferences(desired, live)) out.push(f);
  }
  const disabled = disabledSkills(desired, live);
  const wantSkills = (desired.skills ?? []).filter((s) => !disabled.includes(s));
  const wantLevels = desired.levels === undefined ? undefined : withoutKeys(desired.levels, disabled);
  if (!sameSet(live.skills, wantSkills)) add("skills", "skills", live.skills, wantSkills, "routing.skills");
  if (!isDeepStrictEqual(live.levels ?? undefined, wantLevels)) {
    add("levels", "levels", live.levels, wantLevels, "routing.levels");
  }
  const gone = (live.disabledSkills?.skills ?? []).filter((s) => !(desired.skills ?? []).includes(s));
  if (gone.length > 0) {
    out.push({
      field: "skills",
      path: "disabledSkills",
      from: live.disabledSkills!.skills,
      to: disabled,
      message: `disabled_skills: ${gone.map((s) => `"${s}"`).join(", ")} no longer in the roster; removed from disabled_skills too`,
    });
  }
  for (const [key, want] of Object.entries(desired.extraAttributes)) {
    const have = live.extraAttributes[key];
    if (!isDeepStrictEqual(have, want)) add("extraAttributes", `extraAttributes.${key}`, have, want, `attribute ${key}`);
  }
  if (desired.ownAllAttributes) {
    for (const key of Object.keys(live.extraAttributes)) {
      if (!(key in desired.extraAttributes)) {
        add("extraAttributes", `extraAttributes.${key}`, live.extraAttributes[key], undefined, `attribute ${key}`);
      }
    }
  }
  for (const [name, wantState] of Object.entries(desired.channels)) {
    const want = channelSpec(wantState);
    const haveState = live.channels[name];
    if (haveState === undefined) {
      out.push({
        field: "channels",
        path: `channels.${name}`,
        to: want,
        message: `channel ${name} does not exist on the worker (is the task channel missing from the workspace?)`,
      });
      continue;
    }
    const have = channelSpec(haveState);
    if (have.capacity !== want.capacity) {
      add("channels", `channels.${name}.capacity`, have.capacity, want.capacity, `${name} capacity`);
    }
    if (have.available !== want.available) {
      add("channels", `channels.${name}.available`, have.available, want.available, `${name} available`);
    }
  }
  return out;
}

function badFormat(live: WorkerInputs): boolean {
  return live.attributesFormat !== undefined && live.attributesFormat !== "json-object";
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
  const add = (field: keyof WorkerInputs, from: unknown, to: unknown, what: string) =>
    out.push({ field, path: field, from, to, message: `${what} ${show(from)} → ${show(to)}` });
  if (live.email !== desired.email) add("email", live.email || undefined, desired.email, "email");
  if (live.fullName !== desired.fullName) add("fullName", live.fullName, desired.fullName, "full_name");
  if (!sameSet(live.roles, desired.roles)) add("roles", live.roles, desired.roles, "roles");
  return out;
}

/** What other writers own: shown as information, never planned. */
export function notes(desired: WorkerInputs, live: WorkerInputs): Finding[] {
  const out: Finding[] = [];
  if (desired.identityProvider === "sso" && !badFormat(live)) {
    for (const f of profileDifferences(desired, live)) {
      const what = f.field === "fullName" ? "full_name" : f.field;
      out.push({ ...f, message: `${what} is set by SSO at sign-in: ${show(f.from)} (the roster says ${show(f.to)})` });
    }
  }
  for (const skill of disabledSkills(desired, live)) {
    out.push({ field: "skills", path: `disabledSkills.${skill}`, from: skill, message: `skill "${skill}" is disabled in Flex (left disabled)` });
  }
  if (live.contactUri === undefined && desired.contactUriByFlex && !badFormat(live)) {
    out.push({
      field: "contactUri",
      path: "contactUri",
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

export function classify(desired: WorkerInputs, live: WorkerInputs): Drift {
  const bad = corruptions(desired, live);
  const changes = inPlaceChanges(desired, live);
  const kind: DriftKind = bad.length > 0 ? "replace" : changes.length > 0 ? "update" : "in-sync";
  const drift: Drift = { kind, corruptions: bad, changes, notes: notes(desired, live) };
  if (live.contactUri === undefined && !badFormat(live)) drift.waitingForFirstSignIn = true;
  const repair = repairPolicy(desired, live, bad);
  if (repair) drift.repair = repair;
  return drift;
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
