// Roster checks beyond the shape: zod issues turned into roster messages, and
// the checks that span fields or agents (levels vs. skills, identities,
// duplicate agents). The cross-field checks read the raw YAML value
// defensively, so they run even when zod rejected other parts of the file and
// every problem is reported in one pass.

import type { z } from "zod";
import { flexIdentity, nameKey } from "../flex/identity";
import {
  AGENT_KEYS,
  CHANNEL_KEYS,
  DEFAULTS_KEYS,
  IDENTITY,
  MANAGED_ATTRIBUTES,
  ROOT_KEYS,
} from "./schema";
import type { PathSegment } from "./source";
import { isRecord } from "../json";
import { closest } from "./suggest";
import { ATTRIBUTES_JSON_MAX, IDENTITY_MAX } from "./limits";
import { canonicalAttributes } from "../flex/attributes";
import { desiredWorker } from "../flex/worker-model";
import type { AgentSpec } from "../flex/types";

/** Report one problem at `path`; `atKey` points at the key rather than the value. */
export type Report = (path: PathSegment[], message: string, atKey?: boolean) => void;

function toSegments(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((seg) => (typeof seg === "number" ? seg : String(seg)));
}

/** Message for a key a strict object does not know, with a hint where one is cheap. */
export function unknownKeyMessage(objectPath: readonly PathSegment[], key: string): string {
  const head = `unknown key "${key}"`;
  const last = objectPath[objectPath.length - 1];
  const parent = objectPath[objectPath.length - 2];
  let known: readonly string[];
  let scope: "root" | "defaults" | "agent" | "channel";
  if (objectPath.length === 0) {
    known = ROOT_KEYS;
    scope = "root";
  } else if (objectPath.length === 1 && last === "defaults") {
    known = DEFAULTS_KEYS;
    scope = "defaults";
  } else if (objectPath.length === 2 && objectPath[0] === "agents") {
    known = AGENT_KEYS;
    scope = "agent";
  } else if (parent === "channels") {
    known = CHANNEL_KEYS;
    scope = "channel";
  } else {
    return head;
  }
  const suggestion = closest(key, known);
  if (scope === "defaults" && (AGENT_KEYS as readonly string[]).includes(key)) {
    return `${head}: "${key}" is set on each agent, it cannot have a default`;
  }
  if (suggestion) return `${head} (did you mean "${suggestion}"?)`;
  if (scope === "root" && (AGENT_KEYS as readonly string[]).includes(key)) {
    return `${head}: agent settings go on each agent, or under "defaults" for all agents`;
  }
  if ((scope === "agent" || scope === "defaults") && Object.prototype.hasOwnProperty.call(MANAGED_ATTRIBUTES, key)) {
    return `${head}: ${MANAGED_ATTRIBUTES[key as keyof typeof MANAGED_ATTRIBUTES]}`;
  }
  const extra = scope === "agent" || scope === "defaults" ? `; custom worker attributes go under "attributes"` : "";
  return `${head} (known keys: ${known.join(", ")}${extra})`;
}

/** Turn zod issues into roster problems. */
export function reportZodIssues(issues: readonly z.core.$ZodIssue[], report: Report): void {
  for (const issue of issues) {
    const path = toSegments(issue.path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) report([...path, key], unknownKeyMessage(path, key), true);
    } else if (issue.code === "invalid_key") {
      report(path, issue.issues[0]?.message ?? issue.message, true);
    } else {
      report(path, issue.message);
    }
  }
}

function stringList(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === "string") ? v.map((s) => s.trim()) : undefined;
}

function nonAscii(s: string): string[] {
  return [...new Set([...s].filter((ch) => ch.codePointAt(0)! > 0x7f))];
}

interface Seen {
  index: number;
  line: number;
}

/**
 * Checks that span fields or agents, on the raw parsed YAML value.
 * `agentLine(i)` is the 1-based line of agents[i].
 */
export function crossCheck(data: unknown, agentLine: (index: number) => number, report: Report): void {
  if (!isRecord(data) || !Array.isArray(data.agents)) return;
  const defaults = isRecord(data.defaults) ? data.defaults : {};
  const defaultSkills = defaults.skills === undefined ? [] : stringList(defaults.skills);
  const emails = new Map<string, Seen>();
  const identities = new Map<string, Seen>();

  data.agents.forEach((agent: unknown, index: number) => {
    if (!isRecord(agent)) return;
    const at = (...rest: PathSegment[]): PathSegment[] => ["agents", index, ...rest];

    // levels must name the agent's own skills
    const skills = agent.skills === undefined ? defaultSkills : stringList(agent.skills);
    if (skills && isRecord(agent.levels)) {
      const from = agent.skills === undefined ? "defaults.skills" : "skills";
      const have = skills.length ? `${from}: ${skills.join(", ")}` : "the agent has no skills";
      for (const skill of Object.keys(agent.levels)) {
        if (!skills.includes(skill.trim())) {
          report(at("levels", skill), `level for "${skill}", which is not one of the agent's skills (${have})`, true);
        }
      }
    }

    // identity: explicit, or derived from the email
    const email = typeof agent.email === "string" ? agent.email.trim() : undefined;
    const usableEmail = email && /^\S+$/.test(email) ? email : undefined;
    let identity: string | undefined;
    let identityPath: PathSegment[] | undefined;
    let derived = false;
    if (agent.identity !== undefined) {
      if (typeof agent.identity === "string" && IDENTITY.test(agent.identity)) identity = agent.identity;
      identityPath = at("identity");
    } else if (usableEmail) {
      const bad = nonAscii(usableEmail);
      if (bad.length) {
        report(
          at("email"),
          `"${usableEmail}" contains non-ASCII characters (${bad.join(" ")}), so its Flex identity cannot be derived; ` +
            `add "identity" with the identity Flex uses for this user`,
        );
      } else {
        identity = flexIdentity(usableEmail);
        identityPath = at("email");
        derived = true;
        if (identity.length > IDENTITY_MAX) {
          report(
            at("email"),
            `the Flex identity derived from this email is ${identity.length} characters long (${identity}); ` +
              `the limit is ${IDENTITY_MAX}, because it becomes the worker's friendly name. ` +
              `Use a shorter username, or set "identity" if Flex's identity for this user is different`,
          );
        }
      }
    }

    // duplicate agents: same email or same identity, ignoring case
    const line = agentLine(index);
    const first = (seen: Seen) => `agents[${seen.index}] at line ${seen.line}`;
    const emailKey = usableEmail === undefined ? undefined : nameKey(usableEmail);
    const identityKey = identity === undefined ? undefined : nameKey(identity);
    const sameEmail = emailKey !== undefined ? emails.get(emailKey) : undefined;
    const sameIdentity = identityKey !== undefined ? identities.get(identityKey) : undefined;
    if (sameEmail) {
      report(at("email"), `duplicate agent: email "${usableEmail}" is also used by ${first(sameEmail)} (emails are compared ignoring case)`);
    } else if (sameIdentity && identityPath) {
      const what = derived ? `identity "${identity}" (derived from the email)` : `identity "${identity}"`;
      report(identityPath, `duplicate agent: ${what} is also the identity of ${first(sameIdentity)} (identities are compared ignoring case)`);
    }
    if (emailKey !== undefined && !emails.has(emailKey)) emails.set(emailKey, { index, line });
    if (identityKey !== undefined && !identities.has(identityKey)) identities.set(identityKey, { index, line });
  });
}

/**
 * Limits on what an agent becomes after defaults: the attributes JSON
 * flex-roster writes (live keys written by Flex or SSO come on top).
 */
export function checkAgentSizes(workspace: string, agents: readonly AgentSpec[], report: Report): void {
  agents.forEach((agent, index) => {
    const size = JSON.stringify(canonicalAttributes(desiredWorker(workspace, agent))).length;
    if (size > ATTRIBUTES_JSON_MAX) {
      report(
        ["agents", index],
        `the worker attributes for ${agent.email} would be ${size} characters of JSON; the limit is ${ATTRIBUTES_JSON_MAX} ` +
          `(shorten fullName, attributes, skills or roles)`,
      );
    }
  });
}
