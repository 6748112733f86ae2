// The one builder of a roster agent (an AgentSpec, as roster/normalize.ts makes
// it) for tests. Its defaults are the least a valid agent has: a test passes
// every value it asserts on, so a reader sees them at the call.

import { contactUriFor, flexIdentity } from "../src/flex/identity";
import type { AgentSpec } from "../src/flex/types";

/** An agent: identity from the email and contact_uri from the identity unless given. */
export function agent(over: Partial<AgentSpec> = {}): AgentSpec {
  const email = over.email ?? "bob@acme.com";
  const identity = over.identity ?? flexIdentity(email);
  return {
    email,
    identity,
    contactUri: contactUriFor(identity),
    fullName: email,
    roles: ["agent"],
    skills: [],
    levels: {},
    channels: {},
    attributes: {},
    ownAllAttributes: false,
    protect: false,
    line: 1,
    ...over,
  };
}

/** Channels as the roster writes them (`chat: 2`): each available with that capacity. */
export function channels(capacities: Record<string, number>): AgentSpec["channels"] {
  return Object.fromEntries(Object.entries(capacities).map(([name, capacity]) => [name, { capacity, available: true }]));
}
