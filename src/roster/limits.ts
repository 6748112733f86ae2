// Size limits of a roster. String limits follow what Twilio accepts (a
// worker's or workspace's friendly name is at most 64 characters, per the
// TaskRouter v1 API description in emulator/spec); the rest bound the work a
// hostile or broken file can cause before anything is sent to Twilio.

/** Worker and workspace FriendlyName: "It can be up to 64 characters long." */
export const FRIENDLY_NAME_MAX = 64;
/** The identity is the worker's friendly name. */
export const IDENTITY_MAX = FRIENDLY_NAME_MAX;
/** RFC 5321's limit for an email address path. */
export const EMAIL_MAX = 254;
export const FULL_NAME_MAX = 256;
/** Roles, skills, task channel names and attribute keys. */
export const NAME_MAX = 64;
export const ATTRIBUTE_KEY_MAX = 128;
/**
 * The worker's whole `attributes` JSON as flex-roster writes it. flex-roster's
 * own cap, kept small on purpose: TaskRouter evaluates these attributes in
 * every routing decision and lists its attribute size limits per workspace.
 */
export const ATTRIBUTES_JSON_MAX = 4096;

/** Whole roster file; 15,000 agents (TaskRouter's default worker limit) take about 3 MB. */
export const MAX_ROSTER_BYTES = 16 * 1024 * 1024;
/** YAML aliases (`*x`, also `<<: *x`): a few per agent at TaskRouter's 15,000-worker limit. */
export const MAX_ALIASES = 100_000;
/** Values after every alias is expanded: stops alias bombs ("billion laughs") in linear time. */
export const MAX_EXPANDED_VALUES = 5_000_000;
/** Errors listed in a RosterError's message; the rest are counted. */
export const MAX_LISTED_ERRORS = 50;
