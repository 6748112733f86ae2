// Attribute keys a worker carries that are not the team's to manage: Flex, its
// SSO login, Flex Insights or a plugin write them. Beside attributes.ts, which
// builds the keys flex-roster does manage (MANAGED_KEYS in worker-model.ts).

/**
 * Attribute keys that Flex, its SSO login or Flex Insights write. Import leaves
 * them unmanaged (the roster would fight the next login otherwise).
 */
export const FLEX_OWNED_KEYS: readonly string[] = [
  "image_url",
  "disabled_skills",
  "disabled_levels",
  "agent_attribute_1",
  "agent_attribute_2",
  "agent_attribute_3",
  "agent_attribute_4",
  "department_id",
  "department_name",
  "location",
  "manager",
  "team_id",
  "team_name",
  "team_name_in_hierarchy",
  "channel_sids",
  "language",
  "phone",
  "sip_uri",
];

/** Prefixes of keys that belong to Flex, Twilio or a plugin rather than to the team. */
const FLEX_OWNED_PREFIXES = ["_", "flex_", "twilio_", "sso_", "insights_"];

export function isFlexOwnedKey(key: string): boolean {
  const k = key.toLowerCase();
  return FLEX_OWNED_KEYS.includes(k) || FLEX_OWNED_PREFIXES.some((p) => k.startsWith(p));
}
