// Apply `defaults` to a validated agent entry and produce the AgentSpec the
// rest of flex-roster works with.
//
// Merge rules:
// - roles, skills: the agent's list replaces the default list when given.
// - levels: key-wise, agent wins; a default level only applies when the agent
//   ends up with that skill (an agent that replaces `skills` does not inherit
//   levels for skills it no longer has).
// - channels, attributes: key-wise (shallow), agent wins.
// - ownAttributes, protect: agent, else defaults, else false.
//
// The one place where a roster key's name becomes flex-roster's own, which the
// AgentSpec, the provider inputs and the state all use: `ownAttributes` becomes
// ownAllAttributes, the roster-wide `contactUri: leave-to-flex` becomes
// contactUriByFlex.
// - fullName: as given, else the email. Flex's SSO usually sets full_name on
//   login, so a roster that omits fullName overwrites it with the email:
//   give fullName for every agent.

import { contactUriFor, flexIdentity } from "../flex/identity";
import type { AgentSpec, ChannelSpec } from "../flex/types";
import type { AgentEntry, DefaultsEntry, RosterFile } from "./schema";

export const DEFAULT_ROLES: readonly string[] = ["agent"];

function channels(...layers: (Record<string, ChannelSpec> | undefined)[]): Record<string, ChannelSpec> {
  const out: Record<string, ChannelSpec> = {};
  for (const layer of layers) {
    for (const [name, spec] of Object.entries(layer ?? {})) out[name] = { capacity: spec.capacity, available: spec.available };
  }
  return out;
}

/** The skills an agent ends up with: its own list, else the default list, else none. */
export function effectiveSkills(agent: Pick<AgentEntry, "skills">, defaults: Pick<DefaultsEntry, "skills">): string[] {
  return [...(agent.skills ?? defaults.skills ?? [])];
}

/** The roster-wide settings (keys at the top of a roster file). */
export type RosterSettings = Pick<RosterFile, "identityProvider" | "contactUri" | "repair">;

/** The settings each agent carries, only where not the default (to keep state small). */
function agentSettings(s: RosterSettings): Pick<AgentSpec, "identityProvider" | "contactUriByFlex" | "repair"> {
  const out: Pick<AgentSpec, "identityProvider" | "contactUriByFlex" | "repair"> = {};
  if (s.identityProvider === "sso") out.identityProvider = "sso";
  if (s.contactUri === "leave-to-flex") out.contactUriByFlex = true;
  if (s.repair === "in-place") out.repair = "in-place";
  return out;
}

/**
 * A validated agent entry with defaults and the roster-wide settings applied. Throws FlexIdentityError when
 * the identity cannot be derived; the loader reports that case with a position
 * before it gets here.
 */
export function toAgentSpec(agent: AgentEntry, defaults: DefaultsEntry, line: number, settings: RosterSettings = {}): AgentSpec {
  const skills = effectiveSkills(agent, defaults);
  const levels: Record<string, number> = {};
  for (const [skill, level] of Object.entries(defaults.levels ?? {})) if (skills.includes(skill)) levels[skill] = level;
  Object.assign(levels, agent.levels ?? {});
  const identity = agent.identity ?? flexIdentity(agent.email);
  return {
    email: agent.email,
    identity,
    contactUri: contactUriFor(identity),
    fullName: agent.fullName ?? agent.email,
    roles: [...(agent.roles ?? defaults.roles ?? DEFAULT_ROLES)],
    skills,
    levels,
    channels: channels(defaults.channels, agent.channels),
    attributes: { ...structuredClone(defaults.attributes ?? {}), ...structuredClone(agent.attributes ?? {}) },
    ownAllAttributes: agent.ownAttributes ?? defaults.ownAttributes ?? false,
    protect: agent.protect ?? defaults.protect ?? false,
    line,
    ...agentSettings(settings),
  };
}
