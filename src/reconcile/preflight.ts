// What must hold before any worker is written, checked once per run (per
// provider process) and cached: Twilio accepts the credentials, the workspace
// resolves, it has the activity new and retiring workers are put in (Flex's
// offline activity, else the one named Offline), and which task channels it
// has. check() awaits it for every resource, and the refresh's read() for every
// worker in state (a run that only deletes gets no check), so a preview fails
// exactly where up would, with one message and no write.

import { credentialsMessage, isRestException } from "../twilio/errors";
import type { TaskRouter } from "../twilio/taskrouter";
import { OFFLINE_ACTIVITY } from "./reconciler";

export interface WorkspaceFacts {
  sid: string;
  friendlyName: string;
  /** The activity create and delete put a worker in. */
  offlineActivitySid: string;
  /** Task channel unique names, sorted. */
  channels: string[];
}

/** A preflight failure: the run cannot succeed until a setting or the roster changes. */
export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreflightError";
  }
}

const WS_SID = /^WS[0-9a-f]{32}$/;

/** Where a run's offline activity comes from: Flex's Configuration or the activity named Offline. */
export type OfflineActivityLookup = (workspaceSid: string) => Promise<string>;

export class Preflight {
  private readonly runs = new Map<string, Promise<WorkspaceFacts>>();

  constructor(
    private readonly taskRouter: () => TaskRouter,
    private readonly offlineActivity: OfflineActivityLookup,
  ) {}

  /** The workspace's facts, once per workspace spelling per process. Rejects with a PreflightError. */
  workspace(nameOrSid: string): Promise<WorkspaceFacts> {
    let p = this.runs.get(nameOrSid);
    if (!p) {
      p = this.check(nameOrSid);
      this.runs.set(nameOrSid, p);
    }
    return p;
  }

  private async check(nameOrSid: string): Promise<WorkspaceFacts> {
    const tr = this.taskRouter();
    const settings = tr.client.settings;
    try {
      const ws = await tr.resolveWorkspace(nameOrSid);
      const channels = await tr.client.twilio.taskrouter.v1.workspaces(ws.sid).taskChannels.list({ pageSize: 100 });
      const offlineActivitySid = await this.offlineActivityOf(ws);
      return { sid: ws.sid, friendlyName: ws.friendlyName, offlineActivitySid, channels: channels.map((c) => c.uniqueName).sort() };
    } catch (err) {
      if (isRestException(err) && err.status === 401) throw new PreflightError(`${credentialsMessage(settings, err)}; nothing was written`);
      if (isRestException(err) && err.status === 404 && WS_SID.test(nameOrSid)) {
        throw new PreflightError(`TaskRouter workspace ${nameOrSid} (the roster's "workspace") does not exist in account ${settings.accountSid}`);
      }
      if (err instanceof Error && /workspace .* not found/.test(err.message)) {
        const sidLike = /^WS/i.test(nameOrSid) && !WS_SID.test(nameOrSid) ? ` ("${nameOrSid}" is not a workspace SID either: WS + 32 lower-case hex digits)` : "";
        throw new PreflightError(`${err.message}: check the roster's "workspace"${sidLike}`);
      }
      throw err;
    }
  }

  /**
   * The activity create and delete need, and that it exists in the workspace: a
   * Flex Configuration may name one that was deleted since, and without Flex the
   * activity is found by the name Offline, which an admin may have renamed.
   */
  private async offlineActivityOf(ws: { sid: string; friendlyName: string }): Promise<string> {
    const tr = this.taskRouter();
    let sid: string;
    try {
      sid = await this.offlineActivity(ws.sid);
    } catch (err) {
      if (isRestException(err)) throw err;
      throw new PreflightError(
        `the workspace "${ws.friendlyName}" (${ws.sid}) has no activity named "${OFFLINE_ACTIVITY}", and no Flex Configuration ` +
          "names its offline activity: flex-roster puts new and removed agents' workers in it. " +
          `Add an activity named "${OFFLINE_ACTIVITY}" (available: false) to the workspace; nothing was written`,
      );
    }
    let activity: { friendlyName: string; available: boolean };
    try {
      activity = await tr.client.twilio.taskrouter.v1.workspaces(ws.sid).activities(sid).fetch();
    } catch (err) {
      if (isRestException(err) && err.status === 404) {
        throw new PreflightError(
          `the Flex Configuration names offline activity ${sid} (taskrouter_offline_activity_sid), which the workspace ` +
            `"${ws.friendlyName}" (${ws.sid}) does not have: fix it in Flex; nothing was written`,
        );
      }
      throw err;
    }
    // Delete takes a worker there with RejectPendingReservations, which Twilio refuses for an available activity.
    if (activity.available) {
      throw new PreflightError(
        `the offline activity "${activity.friendlyName}" (${sid}) of workspace "${ws.friendlyName}" is available: new workers ` +
          "would receive work before their agent signs in, and removing an agent fails; name an unavailable one " +
          "(Flex's taskrouter_offline_activity_sid, else an activity named Offline); nothing was written",
      );
    }
    return sid;
  }
}

/** Problems with one worker's channels against the workspace's task channels. */
export function unknownChannels(email: string, channels: Record<string, unknown>, facts: WorkspaceFacts): string | undefined {
  const missing = Object.keys(channels).filter((c) => !facts.channels.includes(c));
  if (missing.length === 0) return undefined;
  return (
    `${email}: the workspace "${facts.friendlyName}" has no task channel ${missing.map((m) => `"${m}"`).join(", ")} ` +
    `(it has ${facts.channels.join(", ")}); fix "channels" in the roster`
  );
}
