// Canonical worker attributes: what flex-roster writes to TaskRouter.
// Managed keys come from the roster; everything else on the live worker
// (written by Flex, SSO or Insights: image_url, disabled_skills, ...) is kept.
// When the roster owns the whole object, only Flex's own keys (FLEX_KEPT_KEYS)
// and, under SSO, the identity provider's keys survive.

import { keptUnderOwnership, type WorkerInputs } from "./worker-model";
import { isRecord } from "../json";

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Keys an identity provider writes at every SSO login (Twilio's Flex SSO guide). */
export const SSO_KEYS = ["email", "full_name", "roles"] as const;

/**
 * The roster skills a supervisor has disabled in Flex (live `disabled_skills`).
 * flex-roster leaves them disabled.
 */
export function disabledRosterSkills(desired: Pick<WorkerInputs, "skills">, live?: Record<string, unknown>): string[] {
  const d = live && isRecord(live.disabled_skills) ? strings(live.disabled_skills.skills) : [];
  return (desired.skills ?? []).filter((s) => d.includes(s));
}

/**
 * The keys flex-roster writes for an agent, with Flex's attribute names.
 * `live` (the worker's current attributes object, if usable) decides what is
 * Flex's: disabled skills stay disabled, and with `contactUriByFlex` a worker
 * that has no contact_uri yet gets none.
 */
export function managedAttributes(desired: WorkerInputs, live?: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!desired.contactUriByFlex || typeof live?.contact_uri === "string") out.contact_uri = desired.contactUri;
  if (desired.identityProvider !== "sso") {
    out.email = desired.email;
    out.full_name = desired.fullName;
    out.roles = [...(desired.roles ?? [])];
  }
  const disabled = disabledRosterSkills(desired, live);
  const levels: Record<string, number> = {};
  for (const [skill, level] of Object.entries(desired.levels ?? {})) if (!disabled.includes(skill)) levels[skill] = level;
  out.routing = { skills: (desired.skills ?? []).filter((s) => !disabled.includes(s)), levels };
  if (live && isRecord(live.disabled_skills)) {
    // A skill that left the roster leaves disabled_skills too; the rest stays as Flex has it.
    const liveLevels = isRecord(live.disabled_skills.levels) ? live.disabled_skills.levels : {};
    out.disabled_skills = {
      ...structuredClone(live.disabled_skills),
      skills: disabled,
      levels: Object.fromEntries(Object.entries(liveLevels).filter(([k]) => disabled.includes(k))),
    };
  }
  Object.assign(out, structuredClone(desired.extraAttributes));
  return out;
}

/**
 * Merge the managed keys over the live attributes object. `live` is undefined
 * when the live attributes are unusable (not JSON, not an object) or for a new
 * worker. Inside `routing`, keys other than skills/levels are kept too.
 */
export function canonicalAttributes(desired: WorkerInputs, live?: Record<string, unknown>): Record<string, unknown> {
  const managed = managedAttributes(desired, live);
  if (!live) return managed;
  let base: Record<string, unknown>;
  if (desired.ownAllAttributes) {
    base = {};
    for (const [k, v] of Object.entries(live)) {
      const sso = desired.identityProvider === "sso" && (SSO_KEYS as readonly string[]).includes(k);
      if (sso || keptUnderOwnership(k, desired)) base[k] = structuredClone(v);
    }
    if (desired.contactUriByFlex && typeof live.contact_uri === "string") base.contact_uri = live.contact_uri;
  } else {
    base = structuredClone(live);
  }
  const merged: Record<string, unknown> = { ...base, ...managed };
  if (!desired.ownAllAttributes && isRecord(live.routing)) {
    merged.routing = { ...structuredClone(live.routing), ...(managed.routing as Record<string, unknown>) };
  }
  return merged;
}
