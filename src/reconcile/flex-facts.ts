// The Flex Configuration as a run uses it: read once; when it cannot be read
// the run says so once and falls back to the roster's own rules.

import { fallbackMessage, FlexConfigurationCache, type FlexConfiguration } from "../twilio/flex-configuration";
import type { FlexRosterClient } from "../twilio/client";
import type { TaskRouter } from "../twilio/taskrouter";
import type { Notices } from "./notices";
import { OFFLINE_ACTIVITY } from "./reconciler";

export class FlexFacts {
  private readonly cache: FlexConfigurationCache;

  constructor(
    client: () => FlexRosterClient,
    private readonly notices: Notices,
  ) {
    this.cache = new FlexConfigurationCache(client);
  }

  /** The Flex Configuration, or undefined (said once per run) when the account has none we can read. */
  async configuration(): Promise<FlexConfiguration | undefined> {
    const res = await this.cache.get();
    if (res.ok) return res.config;
    await this.notices.warn(fallbackMessage(res.reason));
    return undefined;
  }

  /** Flex's offline activity for the workspace, else the activity named Offline. */
  async offlineActivity(tr: TaskRouter, wsSid: string): Promise<string> {
    const conf = await this.configuration();
    if (conf?.offlineActivitySid && conf.workspaceSid === wsSid) return conf.offlineActivitySid;
    return tr.activitySid(wsSid, OFFLINE_ACTIVITY);
  }
}
