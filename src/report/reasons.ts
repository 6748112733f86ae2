// Why a worker changes: the health rule (src/flex/drift.ts classify) run on
// the worker's state before the plan (after a refresh: live Flex) and the
// roster's desired inputs, its findings put in the report's vocabulary. The
// report does not judge anything itself, so it explains the plan Pulumi runs.
// Pure; values are shown as Pulumi gave them, so a secret stays "[secret]".

import { isDeepStrictEqual } from "node:util";
import { classify, type ChangeCode, type CorruptionCode, type Drift, type Finding } from "../flex/drift";
import { INPUT_KEYS, type WorkerInputs } from "../flex/worker-model";
import { isRecord } from "../json";

export type ReasonCode =
  /** create: the agent is new in the roster */
  | "new-agent"
  /** create: the worker is in Pulumi state but gone from Flex (deleted outside flex-roster) */
  | "missing-in-flex"
  /** delete: the agent is no longer in the roster */
  | "removed-from-roster"
  /** delete from this stack only: the agent moved to another team's file (roster folder); the worker is kept */
  | "moved-to-team"
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
const IGNORED_KEYS = new Set(["__provider", "sid", "workspaceSid", "activityName", "disabledSkills"]);

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

/** The report's code for each of the rule's reasons (notes are never reasons). */
export const REASON_FOR_RULE: Record<CorruptionCode | ChangeCode, ReasonCode> = {
  "attributes-invalid-json": "attributes-format",
  "attributes-not-object": "attributes-format",
  "contact-uri-not-canonical": "contact-uri",
  "contact-uri-missing": "contact-uri",
  "friendly-name-mismatch": "friendly-name",
  "other-workspace": "workspace",
  profile: "attribute",
  "routing-skills": "attribute",
  "routing-levels": "attribute",
  "disabled-skills": "attribute",
  attribute: "attribute",
  "attribute-removed": "attribute",
  "channel-capacity": "channel",
  "channel-available": "channel",
  "channel-missing": "channel-missing",
  setting: "setting",
  "worker-missing": "missing-in-flex",
};

/** One of the rule's findings as a report reason, with its key, values and message unchanged. */
export function reasonOf(f: Finding, replaces = false): Reason {
  const r: Reason = { code: REASON_FOR_RULE[f.code as CorruptionCode | ChangeCode] ?? "other", key: f.key, message: f.message };
  if (f.from !== undefined) r.from = f.from;
  if (f.to !== undefined) r.to = f.to;
  if (replaces) r.replaces = true;
  return r;
}

/** The provider's shape of a props object (state outputs or new inputs), for classify. */
function asWorker(p: Props): WorkerInputs {
  // Channels may be stored in either form (or blinded); the long form is what classify reads.
  const channels = Object.fromEntries(
    Object.entries(record(p.channels)).flatMap(([name, ch]) => {
      const c = channelOf(ch);
      return c ? [[name, { capacity: c.capacity, available: c.available }]] : [];
    }),
  );
  return { ...p, extraAttributes: record(p.extraAttributes), channels } as unknown as WorkerInputs;
}

/**
 * The health rule itself on the plan's before/after: what is drift, what is
 * information (SSO-owned keys, skills disabled in Flex, a worker waiting for
 * first sign-in) and which repair policy applies.
 */
export function healthOf(before: Props, desired: Props): Drift {
  return classify(asWorker(desired), asWorker(before));
}

/** Why a worker is created for an agent Pulumi knew (the rule's verdict "gone"). */
export function goneReasons(desired: Props): Reason[] {
  return classify(asWorker(desired), undefined).changes.map((f) => reasonOf(f));
}

/** Pulumi's replaceReasons mark a corruption `replaces` when they name its key, or when there is no list. */
function replacing(drift: Drift, replaceKeys?: ReadonlySet<string>): Reason[] {
  const rep = (key: string) => !replaceKeys || replaceKeys.size === 0 || replaceKeys.has(key);
  return drift.corruptions.map((f) => reasonOf(f, rep(f.field)));
}

/** Reasons the worker is recreated rather than patched (the rule's corruptions). */
export function corruptionReasons(before: Props, desired: Props, replaceKeys?: ReadonlySet<string>): Reason[] {
  return replacing(healthOf(before, desired), replaceKeys);
}

/** Managed fields that differ and are written in place (the rule's changes), then inputs it does not know. */
export function inPlaceReasons(before: Props, desired: Props): Reason[] {
  return [...healthOf(before, desired).changes.map((f) => reasonOf(f)), ...unknownInputReasons(before, desired)];
}

/** Inputs a newer provider may add: shown generically so nothing is hidden. */
function unknownInputReasons(before: Props, desired: Props): Reason[] {
  const known = new Set<string>(INPUT_KEYS);
  return Object.keys(desired)
    .sort()
    .filter((key) => !known.has(key) && !IGNORED_KEYS.has(key) && !isDeepStrictEqual(before[key], desired[key]))
    .map((key) => {
      const r: Reason = { code: "other", key, message: `${key}: ${plain(before[key])} → ${plain(desired[key])}` };
      if (before[key] !== undefined) r.from = before[key];
      if (desired[key] !== undefined) r.to = desired[key];
      return r;
    });
}

/** All reasons for an update or a replacement, replacing ones first. */
export function changeReasons(before: Props, desired: Props, replaceKeys?: ReadonlySet<string>): Reason[] {
  const drift = healthOf(before, desired);
  const explained = new Set<string>(drift.corruptions.map((f) => f.field));
  // A replacement Pulumi plans for a key the rule does not explain is still listed.
  const extra = [...(replaceKeys ?? [])]
    .filter((k) => !explained.has(k) && !IGNORED_KEYS.has(k))
    .sort()
    .map((k): Reason => ({ code: "other", key: k, replaces: true, message: `Pulumi replaces the worker because ${k} changed` }));
  return [
    ...replacing(drift, replaceKeys),
    ...extra,
    ...drift.changes.map((f) => reasonOf(f)),
    ...unknownInputReasons(before, desired),
  ];
}
