// zod schemas for the roster file (see README.md in this folder for the format).
//
// The schemas validate the *shape* of a parsed YAML document: types, ranges,
// unknown keys (strict objects), managed attribute keys. Checks that need more
// than one field (levels vs. skills, duplicate agents, identity derivation) and
// the merge with `defaults` live in validate.ts / normalize.ts.
//
// Every leaf carries its own error message so that what the admin reads is
// about the roster ("capacity must be an integer between 0 and 50 (got 60)"),
// never zod's generic wording.

import { z } from "zod";
import { isRecord } from "../json";
import type { ChannelSpec } from "../flex/types";
import { MANAGED_KEYS } from "../flex/worker-model";
import { ATTRIBUTE_KEY_MAX, EMAIL_MAX, FRIENDLY_NAME_MAX, FULL_NAME_MAX, IDENTITY_MAX, NAME_MAX } from "./limits";

/** Twilio's range for a worker channel capacity. */
export const CAPACITY_MIN = 0;
export const CAPACITY_MAX = 50;

/**
 * Levels are non-negative integers here. Their range is each skill's own
 * minimum..maximum in the Flex Configuration's `taskrouter_skills`, checked
 * by the provider (src/roster/catalogue.ts); without a readable Configuration
 * it falls back to LEVEL_MIN..LEVEL_MAX.
 */
export const LEVEL_MIN = 0;
export const LEVEL_MAX = 10;

/** Task channel unique names: the built-in ones (voice, chat, sms, email, video, default) and custom ones. */
export const CHANNEL_NAME = /^[a-z0-9_-]+$/;

/**
 * Explicit Flex identities: exactly what Flex's encoding can produce, letters
 * and digits with every other byte as `_` + two upper-case hex digits.
 * `bob_acme_com` or `bob_40acme_2ecom` would give a contact_uri Flex never matches.
 */
export const IDENTITY = /^(?:[A-Za-z0-9]|_[0-9A-F]{2})+$/;

const IDENTITY_HELP =
  `identity must be Flex's encoding of the username: letters and digits, every other character as "_" and two upper-case hex digits, e.g. bob_40acme_2Ecom`;

/** Worker attribute keys flex-roster writes itself, and the roster field that sets each one. */
export const MANAGED_ATTRIBUTES: Record<(typeof MANAGED_KEYS)[number], string> = {
  contact_uri: `"contact_uri" is managed by the roster: it is "client:" + the agent's identity; set "identity" if Flex's username is not the email`,
  email: `"email" is managed by the roster: use the agent's "email" field`,
  full_name: `"full_name" is managed by the roster: use "fullName"`,
  roles: `"roles" is managed by the roster: use "roles"`,
  routing: `"routing" is managed by the roster: use "skills" and "levels"`,
};

/** Keys allowed in each kind of mapping, for "did you mean" hints. */
export const ROOT_KEYS = ["workspace", "identityProvider", "contactUri", "repair", "defaults", "agents"] as const;
export const DEFAULTS_KEYS = [
  "roles",
  "skills",
  "levels",
  "channels",
  "attributes",
  "ownAttributes",
  "protect",
] as const;
export const AGENT_KEYS = ["email", "fullName", "identity", ...DEFAULTS_KEYS] as const;
export const CHANNEL_KEYS = ["capacity", "available"] as const;

/** Short, human rendering of a YAML value for "(got ...)". */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (typeof value === "string") {
    const s = value.length > 40 ? value.slice(0, 37) + "..." : value;
    return JSON.stringify(s);
  }
  if (typeof value === "number") {
    if (Number.isNaN(value)) return ".nan";
    if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
    return String(value);
  }
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : "a list";
  if (value instanceof Uint8Array) return "binary data";
  if (typeof value === "object") return "a mapping";
  return typeof value;
}

type IssueLike = { code?: string; input?: unknown };

/**
 * Error map for one field: `<what> (got <value>)`, or `missing required key`
 * when `key` is given and the value is absent. Returning undefined for
 * record-key issues lets the key schema's own message through.
 */
function expect(what: string, key?: string) {
  return (iss: IssueLike): string | undefined => {
    if (iss.code === "invalid_key" || iss.code === "unrecognized_keys") return undefined;
    if (iss.input === undefined && key !== undefined) return `missing required key "${key}"`;
    return `${what} (got ${describe(iss.input)})`;
  };
}

/** Strings longer than `max` characters: `<noun> is N characters long; the limit is max`. */
function maxLength<T extends z.ZodType<string>>(schema: T, max: number, noun: string, why = "") {
  return schema.superRefine((s, ctx) => {
    if (s.length > max) {
      ctx.addIssue({ code: "custom", input: s, message: `${noun} is ${s.length} characters long; the limit is ${max}${why}` });
    }
  });
}

/** A trimmed, non-empty string of at most `max` characters. */
function text(what: string, key?: string, max = NAME_MAX, noun = "the value") {
  return maxLength(z.string({ error: expect(what, key) }).trim().min(1), max, noun);
}

/** A list of distinct names; `noun` names one element in messages. */
function nameList(listWhat: string, noun: string, nonEmpty: boolean) {
  const element = text(`each ${noun} must be a non-empty string`, undefined, NAME_MAX, `the ${noun} name`);
  const list = z.array(element, { error: expect(listWhat) });
  return (nonEmpty ? list.min(1) : list).superRefine((names, ctx) => {
    const seen = new Set<string>();
    names.forEach((name, i) => {
      if (seen.has(name)) ctx.addIssue({ code: "custom", path: [i], message: `duplicate ${noun} "${name}"` });
      seen.add(name);
    });
  });
}

export const RolesSchema = nameList(
  "roles must be a non-empty list of Flex roles, e.g. [agent, supervisor]",
  "role",
  true,
);

export const SkillsSchema = nameList("skills must be a list of skill names", "skill", false);

const LevelSchema = z
  .number({ error: expect("level must be a non-negative integer (the skill's range comes from Flex's skill catalogue)") })
  .int()
  .min(LEVEL_MIN);

export const LevelsSchema = z.record(
  text("skill name must be a non-empty string", undefined, NAME_MAX, "the skill name"),
  LevelSchema,
  { error: expect("levels must be a mapping of skill name to level, e.g. { support: 3 }") },
);

const CapacitySchema = z
  .number({ error: expect(`capacity must be an integer between ${CAPACITY_MIN} and ${CAPACITY_MAX}`, "capacity") })
  .int()
  .min(CAPACITY_MIN)
  .max(CAPACITY_MAX);

const ChannelObjectSchema = z.strictObject({
  capacity: CapacitySchema,
  available: z.boolean({ error: expect("available must be true or false") }).optional(),
});

/**
 * `chat: 2` or `chat: { capacity: 2, available: false }`, normalized to a
 * ChannelSpec. The form is picked from the input's type (rather than with a
 * z.union) so that errors are about the form the admin wrote.
 */
export const ChannelSchema = z.unknown().transform((input, ctx): ChannelSpec => {
  if (typeof input !== "number" && !isRecord(input)) {
    ctx.addIssue({
      code: "custom",
      input,
      message: `channel must be a capacity (integer ${CAPACITY_MIN}..${CAPACITY_MAX}) or a mapping { capacity, available } (got ${describe(input)})`,
    });
    return z.NEVER;
  }
  const parsed = typeof input === "number" ? CapacitySchema.safeParse(input) : ChannelObjectSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  }
  const v = parsed.data;
  return typeof v === "number" ? { capacity: v, available: true } : { capacity: v.capacity, available: v.available ?? true };
});

const ChannelNameSchema = z
  .string()
  .regex(CHANNEL_NAME, {
    error: (iss: IssueLike) =>
      `invalid task channel name ${describe(iss.input)}: use the task channel's unique name (lowercase letters, digits, "_" and "-"), e.g. voice, chat, sms`,
  })
  .max(NAME_MAX, { error: (iss: IssueLike) => `task channel name is ${String(iss.input).length} characters long; the limit is ${NAME_MAX}` });

export const ChannelsSchema = z.record(ChannelNameSchema, ChannelSchema, {
  error: expect("channels must be a mapping of task channel name to capacity, e.g. { chat: 2, voice: 1 }"),
});

/** First value inside `v` that JSON cannot represent, with its path. */
function firstNonJson(v: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: unknown } | undefined {
  if (v === null || typeof v === "string" || typeof v === "boolean") return undefined;
  if (typeof v === "number") return Number.isFinite(v) ? undefined : { path, value: v };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const bad = firstNonJson(v[i], [...path, i]);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
      const bad = firstNonJson(item, [...path, k]);
      if (bad) return bad;
    }
    return undefined;
  }
  return { path, value: v };
}

const JsonValueSchema = z.unknown().superRefine((v, ctx) => {
  const bad = firstNonJson(v);
  if (bad) {
    ctx.addIssue({
      code: "custom",
      path: bad.path,
      message: `attribute values must be JSON: strings, numbers, true/false, null, lists and mappings (got ${describe(bad.value)})`,
    });
  }
});

const AttributeKeySchema = z
  .string()
  .refine((k) => !Object.prototype.hasOwnProperty.call(MANAGED_ATTRIBUTES, k), {
    error: (iss: IssueLike) => MANAGED_ATTRIBUTES[iss.input as keyof typeof MANAGED_ATTRIBUTES],
  })
  .max(ATTRIBUTE_KEY_MAX, {
    error: (iss: IssueLike) => `attribute key is ${String(iss.input).length} characters long; the limit is ${ATTRIBUTE_KEY_MAX}`,
  });

export const AttributesSchema = z.record(AttributeKeySchema, JsonValueSchema, {
  error: expect("attributes must be a mapping of extra worker attributes, e.g. { team: emea }"),
});

const OwnAttributesSchema = z.boolean({ error: expect("ownAttributes must be true or false") });
const ProtectSchema = z.boolean({ error: expect("protect must be true or false") });

/** Fields an agent may set and `defaults` may set for every agent. */
const SHARED_FIELDS = {
  roles: RolesSchema.optional(),
  skills: SkillsSchema.optional(),
  levels: LevelsSchema.optional(),
  channels: ChannelsSchema.optional(),
  attributes: AttributesSchema.optional(),
  ownAttributes: OwnAttributesSchema.optional(),
  protect: ProtectSchema.optional(),
};

export const DefaultsSchema = z.strictObject(
  SHARED_FIELDS,
  { error: expect("defaults must be a mapping, e.g. { roles: [agent], channels: { chat: 2 } }") },
);

export const AgentSchema = z.strictObject(
  {
    email: maxLength(
      z
        .string({ error: expect("email must be the agent's Flex username, a non-empty string without spaces", "email") })
        .trim()
        .min(1, { abort: true })
        .regex(/^\S+$/),
      EMAIL_MAX,
      "email",
    ),
    fullName: text("fullName must be a non-empty string", undefined, FULL_NAME_MAX, "fullName").optional(),
    identity: z
      .string({ error: expect(IDENTITY_HELP) })
      .superRefine((s, ctx) => {
        if (!IDENTITY.test(s)) ctx.addIssue({ code: "custom", input: s, message: `${IDENTITY_HELP} (got ${describe(s)})` });
        else if (s.length > IDENTITY_MAX) {
          ctx.addIssue({
            code: "custom",
            input: s,
            message: `identity is ${s.length} characters long; the limit is ${IDENTITY_MAX} (it is the worker's friendly name, which Twilio caps at ${FRIENDLY_NAME_MAX})`,
          });
        }
      })
      .optional(),
    ...SHARED_FIELDS,
  },
  { error: expect(`each agent must be a mapping with at least "email", e.g. { email: bob@acme.com }`) },
);

/** Who owns full_name, email and roles: "sso" = the identity provider writes them at every login. */
export const IdentityProviderSchema = z.enum(["sso", "none"], {
  error: expect(`identityProvider must be "sso" (an identity provider owns full_name, email and roles) or "none"`),
});
/** Whether flex-roster writes contact_uri when it creates a worker, or leaves it to Flex at first sign-in. */
export const ContactUriSchema = z.enum(["write", "leave-to-flex"], {
  error: expect(`contactUri must be "write" (flex-roster writes it on create) or "leave-to-flex" (Flex writes it at first sign-in)`),
});
/** How a wrong contact_uri is repaired. */
export const RepairSchema = z.enum(["recreate", "in-place"], {
  error: expect(`repair must be "recreate" (delete and create the worker) or "in-place" (fix contact_uri on the same worker)`),
});

export const RosterFileSchema = z.strictObject(
  {
    workspace: text(
      "workspace must be a TaskRouter workspace friendly name or WS... SID",
      undefined,
      FRIENDLY_NAME_MAX,
      "the workspace friendly name",
    ).optional(),
    identityProvider: IdentityProviderSchema.optional(),
    contactUri: ContactUriSchema.optional(),
    repair: RepairSchema.optional(),
    defaults: DefaultsSchema.optional(),
    // TaskQueues the routing guard lets this roster leave with no eligible worker.
    allowEmptyQueues: nameList("allowEmptyQueues must be a list of TaskQueue friendly names", "queue", false).optional(),
    agents: z.array(AgentSchema, { error: expect("agents must be a list of agents", "agents") }),
  },
  { error: expect("the roster must be a mapping with workspace, defaults and agents") },
);

/** The roster file after shape validation, before defaults are applied. */
export type RosterFile = z.output<typeof RosterFileSchema>;
export type AgentEntry = z.output<typeof AgentSchema>;
export type DefaultsEntry = z.output<typeof DefaultsSchema>;
