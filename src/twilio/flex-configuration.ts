// The account's Flex Configuration (`GET https://flex-api.twilio.com/v1/Configuration`),
// read once per run through the same SDK client (and base-URL override) as
// TaskRouter. It names the workspace, the offline activity and the skill
// catalogue. An account without Flex, or a key without permission, has none:
// the caller says so once and falls back to the roster's own rules.

import type { FlexSkill } from "../flex/types";
import type { FlexRosterClient } from "./client";
import { isRestException, twilioErrorText } from "./errors";
import { isRecord } from "../json";

export interface FlexConfiguration {
  workspaceSid?: string;
  offlineActivitySid?: string;
  /** undefined when Flex has no catalogue (null or empty): the roster's skills are not checked against it. */
  skills?: FlexSkill[];
  flexInstanceSid?: string;
}

export type FlexConfigurationResult = { ok: true; config: FlexConfiguration } | { ok: false; reason: string };

/** Flex's `taskrouter_skills` entries that have the documented shape. */
export function parseSkills(raw: unknown): FlexSkill[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const out: FlexSkill[] = [];
  for (const s of raw) {
    if (!isRecord(s) || typeof s.name !== "string") continue;
    const multivalue = s.multivalue === true;
    const minimum = typeof s.minimum === "number" ? s.minimum : 0;
    const maximum = typeof s.maximum === "number" ? s.maximum : minimum;
    out.push({ name: s.name, multivalue, minimum, maximum });
  }
  return out.length > 0 ? out : undefined;
}

/** Why the Configuration could not be read, in one line (never credentials). */
function reasonOf(err: unknown): string {
  if (isRestException(err)) {
    if (err.status === 404) return "the account has no Flex Configuration (Twilio 404)";
    if (err.status === 401 || err.status === 403) return `no permission to read it (Twilio ${err.status})`;
    return twilioErrorText(err);
  }
  return err instanceof Error ? err.message : String(err);
}

/** The one message a run prints when it falls back. */
export function fallbackMessage(reason: string): string {
  return (
    `Flex Configuration (/v1/Configuration) could not be read: ${reason}. ` +
    "Falling back: the roster must name its workspace, the offline activity is found by the name Offline, " +
    "and skill levels are checked against 0..10 instead of Flex's skill catalogue."
  );
}

export async function readFlexConfiguration(client: FlexRosterClient): Promise<FlexConfigurationResult> {
  try {
    const c = await client.twilio.flexApi.v1.configuration().fetch();
    const config: FlexConfiguration = {};
    if (c.taskrouterWorkspaceSid) config.workspaceSid = c.taskrouterWorkspaceSid;
    if (c.taskrouterOfflineActivitySid) config.offlineActivitySid = c.taskrouterOfflineActivitySid;
    const skills = parseSkills(c.taskrouterSkills);
    if (skills) config.skills = skills;
    if (c.flexInstanceSid) config.flexInstanceSid = c.flexInstanceSid;
    return { ok: true, config };
  } catch (err) {
    return { ok: false, reason: reasonOf(err) };
  }
}

/** Reads the Configuration at most once per process (one Pulumi run), whatever the number of workers. */
export class FlexConfigurationCache {
  private pending?: Promise<FlexConfigurationResult>;

  constructor(private readonly client: () => FlexRosterClient) {}

  get(): Promise<FlexConfigurationResult> {
    this.pending ??= readFlexConfiguration(this.client());
    return this.pending;
  }
}
