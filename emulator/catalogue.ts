/**
 * The catalogue: workspaces and what each one is born with, its activities
 * and task channels (Twilio lets flex-roster read but never write those).
 */

import { DEFAULT_WORKSPACE_NAME } from "./credentials";
import { Errors, orNotFound } from "./errors";
import { paginate, type PageRequest, type PageResult } from "./paging";
import {
  lower,
  now,
  requireFriendlyName,
  zeroCounters,
  type ActivityRec,
  type StoreContext,
  type TaskChannelRec,
  type WorkspaceRec,
  workspaceIndex,
} from "./records";
import { isSid, newSid } from "./sids";

export const DEFAULT_ACTIVITIES: ReadonlyArray<readonly [string, boolean]> = [
  ["Offline", false],
  ["Available", true],
  ["Unavailable", false],
  ["Break", false],
];

export const DEFAULT_TASK_CHANNELS: ReadonlyArray<readonly [string, string]> = [
  ["default", "Default"],
  ["voice", "Voice"],
  ["chat", "Chat"],
  ["sms", "SMS"],
  ["video", "Video"],
  ["email", "Email"],
];

export interface CreateWorkspaceInput {
  friendlyName?: string;
  multiTaskEnabled?: boolean;
  prioritizeQueueOrder?: string;
  eventCallbackUrl?: string;
  eventsFilter?: string;
}

interface CatalogueIndex {
  activityBySid: Map<string, ActivityRec>;
  channelBySid: Map<string, TaskChannelRec>;
  channelByName: Map<string, TaskChannelRec>;
}

export class Catalogue {
  private readonly list: WorkspaceRec[] = [];
  private readonly bySid = new Map<string, WorkspaceRec>();
  private readonly idx = workspaceIndex<CatalogueIndex>((ws) => ({
    activityBySid: new Map(ws.activities.map((a) => [a.sid, a])),
    channelBySid: new Map(ws.taskChannels.map((c) => [c.sid, c])),
    channelByName: new Map(ws.taskChannels.map((c) => [lower(c.uniqueName), c])),
  }));

  constructor(
    private readonly ctx: StoreContext,
    /** What else a new workspace is born with (the routing defaults). */
    private readonly seedWorkspace: (ws: WorkspaceRec) => void = () => {},
  ) {}

  // -- workspaces -----------------------------------------------------------

  get workspaces(): readonly WorkspaceRec[] {
    return this.list;
  }

  createWorkspace(input: CreateWorkspaceInput): WorkspaceRec {
    requireFriendlyName(input.friendlyName, true);
    const order = input.prioritizeQueueOrder ?? "FIFO";
    if (order !== "FIFO" && order !== "LIFO") throw Errors.badRequest("PrioritizeQueueOrder must be FIFO or LIFO");
    const t = now();
    const activities: ActivityRec[] = DEFAULT_ACTIVITIES.map(([name, available]) => ({
      sid: newSid("WA"),
      seq: this.ctx.nextSeq(),
      friendlyName: name,
      available,
      dateCreated: t,
      dateUpdated: t,
    }));
    const taskChannels: TaskChannelRec[] = DEFAULT_TASK_CHANNELS.map(([unique, friendly]) => ({
      sid: newSid("TC"),
      seq: this.ctx.nextSeq(),
      uniqueName: unique,
      friendlyName: friendly,
      channelOptimizedRouting: null,
      dateCreated: t,
      dateUpdated: t,
    }));
    const offline = activities[0]!.sid;
    const ws: WorkspaceRec = {
      sid: newSid("WS"),
      seq: this.ctx.nextSeq(),
      friendlyName: input.friendlyName!,
      dateCreated: t,
      dateUpdated: t,
      defaultActivitySid: offline,
      timeoutActivitySid: offline,
      multiTaskEnabled: input.multiTaskEnabled ?? true,
      prioritizeQueueOrder: order,
      eventCallbackUrl: input.eventCallbackUrl ?? null,
      eventsFilter: input.eventsFilter ?? null,
      activities,
      taskChannels,
      workers: [],
      tasks: [],
      reservations: [],
      cumulative: zeroCounters(),
      taskQueues: [],
      workflows: [],
    };
    this.seedWorkspace(ws);
    this.add(ws);
    this.ctx.changed();
    return ws;
  }

  /** Create the default "Flex Task Assignment" workspace when there is none. */
  ensureDefaultWorkspace(): WorkspaceRec {
    return (
      this.list.find((w) => w.friendlyName === DEFAULT_WORKSPACE_NAME) ??
      this.createWorkspace({ friendlyName: DEFAULT_WORKSPACE_NAME })
    );
  }

  /** Take in a workspace record as it is (from a state file). */
  add(ws: WorkspaceRec): void {
    this.list.push(ws);
    this.bySid.set(ws.sid, ws);
  }

  /** Drop every workspace (control API reset). */
  clear(): void {
    this.list.length = 0;
    this.bySid.clear();
  }

  listWorkspaces(filter: { friendlyName?: string }, page: PageRequest): PageResult<WorkspaceRec> {
    const name = filter.friendlyName;
    return paginate(this.list, name === undefined ? null : (w) => w.friendlyName === name, page);
  }

  /** Workspace by SID; 404 with `path` in the message otherwise. */
  workspace(sid: string, path: string): WorkspaceRec {
    return orNotFound(this.bySid.get(sid), path);
  }

  /** Workspace by SID, or by friendly name, or "default" (= the first). Undefined when absent. */
  findWorkspace(ref: string): WorkspaceRec | undefined {
    if (ref === "default") return this.list[0];
    return this.bySid.get(ref) ?? this.list.find((w) => lower(w.friendlyName) === lower(ref));
  }

  // -- activities -----------------------------------------------------------

  listActivities(ws: WorkspaceRec, filter: { friendlyName?: string; available?: boolean }, page: PageRequest) {
    const name = filter.friendlyName === undefined ? undefined : lower(filter.friendlyName);
    const avail = filter.available;
    const match =
      name === undefined && avail === undefined
        ? null
        : (a: ActivityRec) =>
            (name === undefined || lower(a.friendlyName) === name) && (avail === undefined || a.available === avail);
    return paginate(ws.activities, match, page);
  }

  activity(ws: WorkspaceRec, sid: string, path: string): ActivityRec {
    return orNotFound(this.activityOf(ws, sid), path);
  }

  activityOf(ws: WorkspaceRec, sid: string): ActivityRec | undefined {
    return this.idx(ws).activityBySid.get(sid);
  }

  /** An `ActivitySid` form field: 400 unless it names an activity of the workspace. */
  requireActivity(ws: WorkspaceRec, sid: string): ActivityRec {
    const a = isSid(sid, "WA") ? this.activityOf(ws, sid) : undefined;
    if (!a) throw Errors.badRequest(`ActivitySid ${sid} is not a valid Activity in workspace ${ws.sid}`);
    return a;
  }

  // -- task channels --------------------------------------------------------

  listTaskChannels(ws: WorkspaceRec, page: PageRequest) {
    return paginate(ws.taskChannels, null, page);
  }

  /** Task channel by TC sid or unique name. */
  taskChannel(ws: WorkspaceRec, ref: string, path: string): TaskChannelRec {
    return orNotFound(this.findTaskChannel(ws, ref), path);
  }

  findTaskChannel(ws: WorkspaceRec, ref: string): TaskChannelRec | undefined {
    const ix = this.idx(ws);
    return ix.channelBySid.get(ref) ?? ix.channelByName.get(lower(ref));
  }

  taskChannelOf(ws: WorkspaceRec, sid: string): TaskChannelRec | undefined {
    return this.idx(ws).channelBySid.get(sid);
  }
}
