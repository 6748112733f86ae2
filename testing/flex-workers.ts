// Workers as Flex leaves them after an agent's SSO sign-in, to seed the
// emulator with: a brownfield workspace, an SSO tenant, a benchmark's crowd.
import type { SeedWorkerSpec } from "../emulator";
import { flexIdentity } from "../src/flex/identity";

export interface SignedInAgent {
  /** The login Flex derives the identity (the worker's friendly name) from. */
  email: string;
  fullName: string;
  /** Skill -> level, in the order Flex lists the skills. */
  levels: Record<string, number>;
  /** Default ["agent"]. */
  roles?: string[];
  imageUrl?: string;
}

/** The attributes Flex writes at sign-in (contact_uri from the identity, the SSO claims, routing). */
export function signedInAttributes(a: SignedInAgent): Record<string, unknown> {
  return {
    contact_uri: `client:${flexIdentity(a.email)}`,
    email: a.email,
    full_name: a.fullName,
    roles: a.roles ?? ["agent"],
    routing: { skills: Object.keys(a.levels), levels: a.levels },
    ...(a.imageUrl === undefined ? {} : { image_url: a.imageUrl }),
  };
}

/** A seed spec for the control API: those attributes (then `extra` on top) and the given channel capacities. */
export function signedInWorker(
  a: SignedInAgent,
  capacities: Record<string, number>,
  extra: Record<string, unknown> = {},
): SeedWorkerSpec {
  return {
    friendlyName: flexIdentity(a.email),
    attributes: { ...signedInAttributes(a), ...extra },
    channels: Object.fromEntries(Object.entries(capacities).map(([name, capacity]) => [name, { capacity }])),
  };
}
