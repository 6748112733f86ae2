// Blast-radius guard (like peribolos' --maximum-removal-delta): a plan that
// deletes or replaces more workers than allowed is refused before anything is
// applied. Replacing a worker signs its agent out (new SID), so replacements
// count like deletions. Pure: the caller passes counts, config and env.
//
// Limit: `flex-roster:maxRemovalDelta` (stack config), default 25% of the workers
// currently managed (in Pulumi state), rounded down but never below a floor of 1,
// so a roster of 1-7 workers can still replace one corrupted worker per run.
//   "25%"  a share in percent          -> max(1, floor(share * managed))
//   "0.25" a share as a fraction 0..1   -> same
//   "10"   an absolute number of workers (no floor: "0" forbids any removal)
// Override: stack config `flex-roster:allowMassRemoval` = true, or the environment
// FLEX_ROSTER_ALLOW_MASS_REMOVAL=1 (or true), or the CLI flag --allow-mass-removal.

export const MAX_REMOVAL_DELTA_KEY = "flex-roster:maxRemovalDelta";
export const ALLOW_MASS_REMOVAL_KEY = "flex-roster:allowMassRemoval";
export const ALLOW_MASS_REMOVAL_ENV = "FLEX_ROSTER_ALLOW_MASS_REMOVAL";
export const DEFAULT_MAX_REMOVAL_SHARE = 0.25;
/** A share-based limit is never below this many workers. */
export const REMOVAL_FLOOR = 1;

export type RemovalLimit = { kind: "share"; share: number } | { kind: "count"; count: number };

export interface GuardPolicy {
  limit: RemovalLimit;
  /** Where the limit came from, for messages. */
  limitSource: "default" | "stack config";
  /** Set when the operator explicitly allowed a mass removal, naming how. */
  allowedBy?: string;
}

export interface GuardCounts {
  /** Workers in Pulumi state before the plan. */
  managed: number;
  deletes: number;
  replaces: number;
  /**
   * Of `deletes`, those that are moves: with a roster folder, the agent is now
   * in another team's file, so this stack only forgets the worker and Flex
   * keeps it. Not removals.
   */
  moves?: number;
}

export type GuardStatus = "pass" | "allowed" | "blocked";

export interface GuardVerdict {
  status: GuardStatus;
  /** deletes - moves + replaces */
  removals: number;
  deletes: number;
  replaces: number;
  /** Deletes that are moves to another team's stack (not counted as removals). */
  moves?: number;
  managed: number;
  /** The most removals the policy permits for this plan. */
  max: number;
  /** How `max` was derived, e.g. "25% of 12 managed workers, at least 1". */
  rule: string;
  allowedBy?: string;
  /** One paragraph for people; for "blocked" it says how to proceed. */
  message: string;
}

export class GuardConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GuardConfigError";
  }
}

/** Parse a `maxRemovalDelta` value: "25%", "0.25" or "10". */
export function parseMaxRemovalDelta(raw: string): RemovalLimit {
  const v = raw.trim();
  const bad = () =>
    new GuardConfigError(
      `${MAX_REMOVAL_DELTA_KEY} must be a percentage ("25%"), a fraction between 0 and 1 ("0.25") or a whole number of workers ("10"); got ${JSON.stringify(raw)}`,
    );
  let m = /^(\d+(?:\.\d+)?)\s*%$/.exec(v);
  if (m) {
    const pct = Number(m[1]);
    if (!(pct >= 0 && pct <= 100)) throw bad();
    return { kind: "share", share: pct / 100 };
  }
  m = /^(\d*\.\d+)$/.exec(v);
  if (m) {
    const share = Number(m[1]);
    if (!(share >= 0 && share <= 1)) throw bad();
    return { kind: "share", share };
  }
  if (/^\d+$/.test(v)) return { kind: "count", count: Number(v) };
  throw bad();
}

export function parseBool(raw: string | undefined, what: string): boolean | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if (v === "") return undefined;
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  throw new GuardConfigError(`${what} must be true or false; got ${JSON.stringify(raw)}`);
}

export interface PolicyInputs {
  /** Stack config as the preview saw it (`pulumi preview --json` "config"). */
  config?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** The CLI flag --allow-mass-removal. */
  allowFlag?: boolean;
}

/** Resolve the policy from stack config, environment and flags. Throws GuardConfigError on bad values. */
export function resolveGuardPolicy(inputs: PolicyInputs): GuardPolicy {
  const config = inputs.config ?? {};
  const env = inputs.env ?? {};
  const rawLimit = config[MAX_REMOVAL_DELTA_KEY];
  if (rawLimit === "[secret]") {
    throw new GuardConfigError(`${MAX_REMOVAL_DELTA_KEY} is a secret; set it as plain config (it is not sensitive)`);
  }
  const policy: GuardPolicy =
    rawLimit !== undefined && rawLimit.trim() !== ""
      ? { limit: parseMaxRemovalDelta(rawLimit), limitSource: "stack config" }
      : { limit: { kind: "share", share: DEFAULT_MAX_REMOVAL_SHARE }, limitSource: "default" };
  if (inputs.allowFlag) policy.allowedBy = "--allow-mass-removal";
  else if (parseBool(env[ALLOW_MASS_REMOVAL_ENV], ALLOW_MASS_REMOVAL_ENV)) policy.allowedBy = `${ALLOW_MASS_REMOVAL_ENV}=${env[ALLOW_MASS_REMOVAL_ENV]}`;
  else if (parseBool(config[ALLOW_MASS_REMOVAL_KEY], ALLOW_MASS_REMOVAL_KEY)) policy.allowedBy = `${ALLOW_MASS_REMOVAL_KEY}=true`;
  return policy;
}

function pct(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function workers(n: number): string {
  return `${n} worker${n === 1 ? "" : "s"}`;
}

/** The most removals a policy permits when `managed` workers exist, and how that was derived. */
export function removalLimit(limit: RemovalLimit, managed: number): { max: number; rule: string } {
  if (limit.kind === "count") return { max: limit.count, rule: `at most ${workers(limit.count)}` };
  const raw = Math.floor(limit.share * managed + 1e-9);
  const max = Math.max(REMOVAL_FLOOR, raw);
  return { max, rule: `${pct(limit.share)} of ${managed} managed, at least ${REMOVAL_FLOOR}` };
}

export function evaluateGuard(counts: GuardCounts, policy: GuardPolicy): GuardVerdict {
  const moves = Math.min(counts.moves ?? 0, counts.deletes);
  const deletes = counts.deletes - moves;
  const removals = deletes + counts.replaces;
  const { max, rule } = removalLimit(policy.limit, counts.managed);
  const share = counts.managed > 0 ? ` (${pct(removals / counts.managed)} of ${counts.managed} managed)` : "";
  const moved = moves > 0 ? `; ${moves} moved to another team's stack, kept in Flex, not counted` : "";
  const what = `${deletes} delete${deletes === 1 ? "" : "s"} + ${counts.replaces} replace${counts.replaces === 1 ? "" : "s"} = ${workers(removals)} removed${share}${moved}`;
  const base: Omit<GuardVerdict, "status" | "message"> = { removals, deletes: counts.deletes, replaces: counts.replaces, managed: counts.managed, max, rule };
  if (moves > 0) base.moves = moves;
  if (removals <= max) {
    return { ...base, status: "pass", message: `blast-radius guard: ${what}; limit ${max} (${rule}): ok` };
  }
  if (policy.allowedBy) {
    return {
      ...base,
      status: "allowed",
      allowedBy: policy.allowedBy,
      message: `blast-radius guard: ${what} exceeds the limit of ${max} (${rule}), allowed by ${policy.allowedBy}`,
    };
  }
  return {
    ...base,
    status: "blocked",
    message:
      `blast-radius guard: this plan would delete or replace ${workers(removals)} ` +
      `(${deletes} delete${deletes === 1 ? "" : "s"}, ${counts.replaces} replace${counts.replaces === 1 ? "" : "s"}${moved}) ` +
      `of ${counts.managed} managed; the limit is ${max} (${rule}${policy.limitSource === "stack config" ? `, from ${MAX_REMOVAL_DELTA_KEY}` : ""}). ` +
      `flex-roster up refuses to apply it. If this is intended, re-run with ${ALLOW_MASS_REMOVAL_ENV}=1 (or --allow-mass-removal), ` +
      `or set \`pulumi config set ${ALLOW_MASS_REMOVAL_KEY} true\` for one run, or raise \`${MAX_REMOVAL_DELTA_KEY}\`.`,
  };
}
