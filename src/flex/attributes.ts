// Canonical worker attributes: what flex-roster writes to TaskRouter.
// Managed keys come from the roster; everything else on the live worker
// (written by Flex, SSO or Insights: image_url, disabled_skills, ...) is kept,
// unless the roster owns the whole object.

import type { WorkerInputs } from "./worker-model";

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** The keys flex-roster writes for an agent, with Flex's attribute names. */
export function managedAttributes(desired: WorkerInputs): Record<string, unknown> {
  return {
    contact_uri: desired.contactUri,
    email: desired.email,
    full_name: desired.fullName,
    roles: [...(desired.roles ?? [])],
    routing: { skills: [...(desired.skills ?? [])], levels: { ...(desired.levels ?? {}) } },
    ...structuredClone(desired.extraAttributes),
  };
}

/**
 * Merge the managed keys over the live attributes object. `live` is undefined
 * when the live attributes are unusable (not JSON, not an object) or for a new
 * worker. Inside `routing`, keys other than skills/levels are kept too.
 */
export function canonicalAttributes(desired: WorkerInputs, live?: Record<string, unknown>): Record<string, unknown> {
  const managed = managedAttributes(desired);
  if (desired.ownAllAttributes || !live) return managed;
  const merged: Record<string, unknown> = { ...structuredClone(live), ...managed };
  if (isRecord(live.routing)) {
    merged.routing = { ...structuredClone(live.routing), ...(managed.routing as Record<string, unknown>) };
  }
  return merged;
}
