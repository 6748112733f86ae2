// Why a worker changes: compare the worker's state before the plan (after a
// refresh: live Flex) with the roster's desired inputs, key by key, the way
// the provider's drift classification does (src/flex/drift.ts), and say it
// with Flex's attribute names. Pure; values are shown as Pulumi gave them, so
// a secret stays "[secret]".

import { isDeepStrictEqual } from "node:util";
import { classify, type Drift } from "../../flex/drift";
import { INPUT_KEYS, type WorkerInputs } from "../../flex/worker-model";

export type ReasonCode =
  /** create: the agent is new in the roster */
  | "new-agent"
  /** create: the worker is in Pulumi state but gone from Flex (deleted outside flex-roster) */
  | "missing-in-flex"
  /** delete: the agent is no longer in the roster */
  | "removed-from-roster"
  /** corruption: contact_uri is not `client:` + identity, or missing */
  | "contact-uri"
  /** corruption: the attributes string is not a JSON object */
  | "attributes-format"
  /** corruption: the worker's friendly_name is not the agent's identity */
  | "friendly-name"
  /** corruption: the worker is in another workspace */
  | "workspace"
  /** a managed attribute key changes */
  | "attribute"
  /** a channel's capacity or availability changes */
  | "channel"
  /** a channel the roster names is missing on the worker */
  | "channel-missing"
  /** a flex-roster setting of the agent changes (ownAllAttributes) */
  | "setting"
  /** anything else Pulumi reports */
  | "other";

export interface Reason {
  code: ReasonCode;
  /** The Flex-side name: `contact_uri`, `routing.skills`, `team`, `chat.capacity`, ... */
  key?: string;
  /** Value before (live, after refresh). Absent: missing. */
  from?: unknown;
  /** Value the roster wants. Absent: removed / not applicable. */
  to?: unknown;
  /** True when this reason makes Pulumi replace the worker. */
  replaces?: boolean;
  /** One plain-text line. */
  message: string;
}

/** Provider input keys, shared with the provider. */
export { INPUT_KEYS };

/** Keys that are never inputs (outputs Twilio assigns, Pulumi's own bookkeeping). */
const IGNORED_KEYS = new Set(["__provider", "sid", "workspaceSid", "activityName", "unmanagedKeys", "disabledSkills"]);

/** Values Pulumi blinds in JSON output. */
export const SECRET = "[secret]";
/** Pulumi's secret signature, should an unblinded secret object ever come through. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** Replace any secret-shaped value by "[secret]" (Pulumi already blinds them; this is a second belt). */
export function redact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(redact);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (SECRET_SIG in o) return SECRET;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, redact(x)]));
  }
  return v;
}

/** Compact one-line JSON for plain-text messages; missing is "(missing)". */
export function plain(v: unknown): string {
  if (v === undefined) return "(missing)";
  if (v === SECRET) return SECRET;
  return JSON.stringify(v);
}

type Props = Record<string, unknown>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function record(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

export interface ChannelView {
  capacity?: unknown;
  available?: unknown;
}

/**
 * A channel as stored in provider state, in either form the provider has used:
 * the short one (a capacity number = available; `{capacity, available: false}`)
 * or the long one (`{capacity, available}`). Undefined when absent.
 */
export function channelOf(v: unknown): ChannelView | undefined {
  if (typeof v === "number" || v === SECRET) return { capacity: v, available: true };
  if (isRecord(v)) return { capacity: v.capacity, available: "available" in v ? v.available : true };
  return undefined;
}

/** Roles and skills are sets in Flex (the provider compares them so). */
function sameSet(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return isDeepStrictEqual(a, b);
  const sa = new Set(a.map((x) => JSON.stringify(x)));
  const sb = new Set(b.map((x) => JSON.stringify(x)));
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

function change(code: ReasonCode, key: string, from: unknown, to: unknown, what: string, replaces?: boolean): Reason {
  const r: Reason = { code, key, message: `${what}: ${plain(from)} → ${plain(to)}` };
  if (from !== undefined) r.from = from;
  if (to !== undefined) r.to = to;
  if (replaces) r.replaces = true;
  return r;
}

/**
 * Reasons the worker is recreated rather than patched (provider: corruptions).
 * `replaceKeys` are Pulumi's replaceReasons; a corruption is marked `replaces`
 * when its key is among them or when no list was given.
 */
export function corruptionReasons(before: Props, desired: Props, replaceKeys?: ReadonlySet<string>): Reason[] {
  const out: Reason[] = [];
  const rep = (key: string) => !replaceKeys || replaceKeys.size === 0 || replaceKeys.has(key);
  const format = before.attributesFormat;
  if (format !== undefined && format !== "json-object" && format !== desired.attributesFormat) {
    out.push({
      code: "attributes-format",
      key: "attributes",
      from: format,
      to: desired.attributesFormat ?? "json-object",
      replaces: rep("attributesFormat") || undefined,
      message:
        format === "invalid-json"
          ? "attributes are not valid JSON"
          : format === "not-an-object"
            ? "attributes are JSON but not an object"
            : `attributes format is ${plain(format)}`,
    });
  } else if (before.contactUri !== desired.contactUri) {
    const r: Reason = {
      code: "contact-uri",
      key: "contact_uri",
      message:
        before.contactUri === undefined
          ? `contact_uri is missing; expected ${plain(desired.contactUri)}`
          : `contact_uri ${plain(before.contactUri)} is not canonical; expected ${plain(desired.contactUri)}`,
    };
    if (before.contactUri !== undefined) r.from = before.contactUri;
    if (desired.contactUri !== undefined) r.to = desired.contactUri;
    if (rep("contactUri")) r.replaces = true;
    out.push(r);
  }
  if (before.friendlyName !== undefined && before.friendlyName !== desired.friendlyName) {
    out.push({
      code: "friendly-name",
      key: "friendly_name",
      from: before.friendlyName,
      to: desired.friendlyName,
      replaces: rep("friendlyName") || undefined,
      message: `friendly_name ${plain(before.friendlyName)} is not the agent's identity ${plain(desired.friendlyName)}`,
    });
  }
  if (before.workspace !== undefined && before.workspace !== desired.workspace) {
    out.push({
      code: "workspace",
      key: "workspace",
      from: before.workspace,
      to: desired.workspace,
      replaces: rep("workspace") || undefined,
      message: `the worker is in workspace ${plain(before.workspace)}; the roster says ${plain(desired.workspace)}`,
    });
  }
  for (const r of out) if (r.replaces === undefined) delete r.replaces;
  return out;
}

/** Managed fields that differ and are written in place (provider: inPlaceChanges). */
export function inPlaceReasons(before: Props, desired: Props): Reason[] {
  const out: Reason[] = [];
  if (before.email !== desired.email && !(before.email === "" && desired.email === undefined)) {
    out.push(change("attribute", "email", before.email === "" ? undefined : before.email, desired.email, "email"));
  }
  if (before.fullName !== desired.fullName) {
    out.push(change("attribute", "full_name", before.fullName, desired.fullName, "full_name"));
  }
  if (!sameSet(before.roles, desired.roles)) out.push(change("attribute", "roles", before.roles, desired.roles, "roles"));
  if (!sameSet(before.skills, desired.skills)) {
    out.push(change("attribute", "routing.skills", before.skills, desired.skills, "routing.skills"));
  }
  const levelsBefore = before.levels;
  const levelsWanted = desired.levels;
  if (!isDeepStrictEqual(levelsBefore, levelsWanted)) {
    if (isRecord(levelsBefore) && isRecord(levelsWanted)) {
      const keys = [...new Set([...Object.keys(levelsBefore), ...Object.keys(levelsWanted)])].sort();
      for (const k of keys) {
        if (!isDeepStrictEqual(levelsBefore[k], levelsWanted[k])) {
          out.push(change("attribute", `routing.levels.${k}`, levelsBefore[k], levelsWanted[k], `routing.levels.${k}`));
        }
      }
    } else {
      out.push(change("attribute", "routing.levels", levelsBefore, levelsWanted, "routing.levels"));
    }
  }
  const extraBefore = record(before.extraAttributes);
  const extraWanted = record(desired.extraAttributes);
  for (const key of Object.keys(extraWanted).sort()) {
    if (!isDeepStrictEqual(extraBefore[key], extraWanted[key])) {
      out.push(change("attribute", key, extraBefore[key], extraWanted[key], `attribute ${key}`));
    }
  }
  if (desired.ownAllAttributes === true) {
    for (const key of Object.keys(extraBefore).sort()) {
      if (!(key in extraWanted)) out.push(change("attribute", key, extraBefore[key], undefined, `attribute ${key} (removed)`));
    }
  }
  // Absent means false (the provider stores the flag only when true).
  if (Boolean(before.ownAllAttributes) !== Boolean(desired.ownAllAttributes)) {
    out.push(change("setting", "ownAllAttributes", Boolean(before.ownAllAttributes), Boolean(desired.ownAllAttributes), "ownAllAttributes"));
  }
  // The roster-wide settings: absent means the default.
  for (const [key, dflt] of [["identityProvider", "none"], ["repair", "recreate"], ["contactUriByFlex", false]] as const) {
    const was = before[key] ?? dflt;
    const now = desired[key] ?? dflt;
    if (!isDeepStrictEqual(was, now)) out.push(change("setting", key, was, now, key));
  }
  const chBefore = record(before.channels);
  for (const [name, wantRaw] of Object.entries(record(desired.channels))) {
    const want = channelOf(wantRaw) ?? {};
    const have = channelOf(chBefore[name]);
    if (!have) {
      out.push({
        code: "channel-missing",
        key: name,
        to: channelOf(wantRaw) ?? wantRaw,
        message: `channel ${name} is missing on the worker (is the task channel missing from the workspace?)`,
      });
      continue;
    }
    if (!isDeepStrictEqual(have.capacity, want.capacity)) {
      out.push(change("channel", `${name}.capacity`, have.capacity, want.capacity, `${name} capacity`));
    }
    if (!isDeepStrictEqual(have.available, want.available)) {
      out.push(change("channel", `${name}.available`, have.available, want.available, `${name} available`));
    }
  }
  // Inputs a newer provider may add: shown generically so nothing is hidden.
  const known = new Set<string>(INPUT_KEYS);
  for (const key of Object.keys(desired).sort()) {
    if (known.has(key) || IGNORED_KEYS.has(key)) continue;
    if (!isDeepStrictEqual(before[key], desired[key])) out.push(change("other", key, before[key], desired[key], key));
  }
  return out;
}

/** The provider's shape of a props object (state outputs or new inputs), for classify. */
function asWorker(p: Props): WorkerInputs {
  return { ...p, extraAttributes: record(p.extraAttributes), channels: record(p.channels) } as unknown as WorkerInputs;
}

/**
 * The health rule itself (src/flex/drift.ts classify) on the plan's before/after:
 * what is drift, what is information (SSO-owned keys, skills disabled in Flex,
 * a worker waiting for first sign-in) and which repair policy applies.
 */
export function healthOf(before: Props, desired: Props): Drift {
  return classify(asWorker(desired), asWorker(before));
}

/** The input field a reason is about, to match it with classify's findings. */
function fieldOf(r: Reason): string | undefined {
  switch (r.code) {
    case "contact-uri":
      return "contactUri";
    case "channel":
    case "channel-missing":
      return "channels";
    case "attribute": {
      const k = r.key ?? "";
      if (k === "email") return "email";
      if (k === "full_name") return "fullName";
      if (k === "roles") return "roles";
      if (k === "routing.skills") return "skills";
      if (k.startsWith("routing.levels")) return "levels";
      return "extraAttributes";
    }
    default:
      return undefined;
  }
}

/** All reasons for an update or a replacement, replacing ones first. */
export function changeReasons(before: Props, desired: Props, replaceKeys?: ReadonlySet<string>): Reason[] {
  const drift = healthOf(before, desired);
  const drifting = new Set<string>([...drift.changes, ...drift.corruptions].map((f) => f.field));
  // Drift is what classify says: SSO-owned keys and disabled skills are left out here (they are notes).
  const bad = corruptionReasons(before, desired, replaceKeys).flatMap((r): Reason[] => {
    if (r.code !== "contact-uri" || drift.corruptions.some((f) => f.field === "contactUri")) return [r];
    // Not a corruption: fixed in place (repair: in-place) or written to a worker waiting for first sign-in.
    const fix = drift.changes.find((f) => f.field === "contactUri");
    if (!fix) return [];
    const { replaces: _r, ...rest } = r;
    return [{ ...rest, message: fix.message }];
  });
  const rest = inPlaceReasons(before, desired).filter((r) => {
    const f = fieldOf(r);
    return f === undefined || drifting.has(f);
  });
  for (const f of drift.changes) {
    if (f.path === "disabledSkills") rest.push({ code: "attribute", key: "disabled_skills", from: f.from, to: f.to, message: f.message });
  }
  const explained = new Set(bad.filter((r) => r.replaces).map((r) => inputKeyOf(r.code)));
  const unexplained = [...(replaceKeys ?? [])].filter((k) => !explained.has(k) && !IGNORED_KEYS.has(k)).sort();
  const extra: Reason[] = unexplained.map((k) => ({
    code: "other",
    key: k,
    replaces: true,
    message: `Pulumi replaces the worker because ${k} changed`,
  }));
  return [...bad, ...extra, ...rest];
}

function inputKeyOf(code: ReasonCode): string | undefined {
  switch (code) {
    case "contact-uri":
      return "contactUri";
    case "attributes-format":
      return "attributesFormat";
    case "friendly-name":
      return "friendlyName";
    case "workspace":
      return "workspace";
    default:
      return undefined;
  }
}
