// Drift classification: compare the desired worker with the live one and say
// what Pulumi must do. Pure; the provider's diff maps the result 1:1.
//
//   corrupted   → replace (delete before create: friendly names are unique)
//   healthy drift → update in place, same SID
//   in sync     → nothing
// ("gone" is not decided here: a 404 on read removes the resource from state
// and the engine plans a create.)

import { isDeepStrictEqual } from "node:util";
import { channelSpec, type WorkerInputs } from "./worker-model";

export type DriftKind = "in-sync" | "update" | "replace";

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
}

const show = (v: unknown) => (v === undefined ? "(missing)" : JSON.stringify(v));

/** Order does not matter for roles and skills in Flex; compare them as sets. */
function sameSet(a: string[] | undefined, b: string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
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
  } else if (live.contactUri === undefined) {
    out.push({
      field: "contactUri",
      path: "contactUri",
      to: desired.contactUri,
      message: `contact_uri is missing; canonical is "${desired.contactUri}"`,
    });
  } else if (live.contactUri !== desired.contactUri) {
    out.push({
      field: "contactUri",
      path: "contactUri",
      from: live.contactUri,
      to: desired.contactUri,
      message: `contact_uri "${live.contactUri}" is not canonical "${desired.contactUri}"`,
    });
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

  if (live.email !== desired.email) add("email", "email", live.email || undefined, desired.email, "email");
  if (live.fullName !== desired.fullName) add("fullName", "fullName", live.fullName, desired.fullName, "full_name");
  if (!sameSet(live.roles, desired.roles)) add("roles", "roles", live.roles, desired.roles, "roles");
  if (!sameSet(live.skills, desired.skills)) add("skills", "skills", live.skills, desired.skills, "routing.skills");
  if (!isDeepStrictEqual(live.levels ?? undefined, desired.levels)) {
    add("levels", "levels", live.levels, desired.levels, "routing.levels");
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

export function classify(desired: WorkerInputs, live: WorkerInputs): Drift {
  const bad = corruptions(desired, live);
  const changes = inPlaceChanges(desired, live);
  const kind: DriftKind = bad.length > 0 ? "replace" : changes.length > 0 ? "update" : "in-sync";
  return { kind, corruptions: bad, changes };
}

/** The warning an admin sees once per corrupted agent on preview and up. */
export function corruptionWarning(email: string, drift: Drift): string {
  const why = drift.corruptions.map((f) => f.message).join("; ");
  return `${email}: ${why}; the worker will be recreated (the agent must sign in again)`;
}
