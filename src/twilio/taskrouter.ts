// The TaskRouter operations flex-roster needs, over the official SDK. Each
// method is one or two API calls; the reconciler (src/reconcile) composes them. 404s become
// `undefined` because "gone" is a normal state for reconciliation.

import type { WorkerInstance } from "twilio/lib/rest/taskrouter/v1/workspace/worker";
import type { WorkerChannelInstance } from "twilio/lib/rest/taskrouter/v1/workspace/worker/workerChannel";
import type { QueueDefinition } from "../flex/routing";
import type { LiveChannelRecord, LiveWorkerRecord } from "../flex/worker-model";
import type { FlexRosterClient } from "./client";
import { isNotFound } from "./errors";
import { sameName } from "../flex/identity";

// Callers of the port check its errors with these; they live with the formatters.
export { isNotFound, isPreconditionFailed, isRestException } from "./errors";

/** A worker as fetched: the record the core reads, and the ETag for If-Match. */
export interface FetchedWorker {
  record: LiveWorkerRecord;
  etag?: string;
  /** Twilio's date_updated (ms; one-second resolution). */
  dateUpdated?: number;
  /** When Twilio answered (ms, from the Date header; one-second resolution). */
  observedAt?: number;
}

/** A worker as listed: no attributes, but its date_updated. */
export interface ListedWorker {
  sid: string;
  /** ms since the epoch; NaN when Twilio gave none. */
  dateUpdated: number;
  friendlyName: string;
}

/** A worker event of the workspace's log (GET …/Events). */
export interface LoggedEvent {
  type: string;
  workerSid: string;
  /** ms since the epoch. */
  date: number;
  data: Record<string, unknown>;
}

export interface BusyState {
  acceptedReservations: number;
  assignedTasks: number;
}

const SID = /^WS[0-9a-f]{32}$/;

function toRecord(w: WorkerInstance): LiveWorkerRecord {
  return {
    sid: w.sid,
    workspaceSid: w.workspaceSid,
    friendlyName: w.friendlyName,
    attributes: w.attributes,
    activityName: w.activityName,
  };
}

export function toChannelRecord(c: WorkerChannelInstance): LiveChannelRecord & { sid: string } {
  return {
    sid: c.sid,
    taskChannelUniqueName: c.taskChannelUniqueName,
    configuredCapacity: c.configuredCapacity,
    available: c.available,
    assignedTasks: c.assignedTasks,
  };
}

export class TaskRouter {
  private readonly workspaces = new Map<string, Promise<{ sid: string; friendlyName: string }>>();
  private readonly activities = new Map<string, Promise<string>>();

  constructor(readonly client: FlexRosterClient) {}

  private get v1() {
    return this.client.twilio.taskrouter.v1;
  }

  /** Friendly name or WS SID → workspace, cached for the life of the process. */
  resolveWorkspace(nameOrSid: string): Promise<{ sid: string; friendlyName: string }> {
    let p = this.workspaces.get(nameOrSid);
    if (!p) {
      p = (async () => {
        if (SID.test(nameOrSid)) {
          const ws = await this.v1.workspaces(nameOrSid).fetch();
          return { sid: ws.sid, friendlyName: ws.friendlyName };
        }
        const found = await this.v1.workspaces.list({ friendlyName: nameOrSid, pageSize: 50 });
        const ws = found.find((w) => w.friendlyName === nameOrSid);
        if (!ws) throw new Error(`TaskRouter workspace "${nameOrSid}" not found in account ${this.client.settings.accountSid}`);
        return { sid: ws.sid, friendlyName: ws.friendlyName };
      })();
      p.catch(() => this.workspaces.delete(nameOrSid));
      this.workspaces.set(nameOrSid, p);
    }
    return p;
  }

  /** The SID of an activity by friendly name (Offline for new and retiring workers). */
  activitySid(workspaceSid: string, friendlyName: string): Promise<string> {
    const key = `${workspaceSid}/${friendlyName}`;
    let p = this.activities.get(key);
    if (!p) {
      p = (async () => {
        const list = await this.v1.workspaces(workspaceSid).activities.list({ friendlyName, pageSize: 50 });
        const a = list.find((x) => sameName(x.friendlyName, friendlyName));
        if (!a) throw new Error(`activity "${friendlyName}" not found in workspace ${workspaceSid}`);
        return a.sid;
      })();
      p.catch(() => this.activities.delete(key));
      this.activities.set(key, p);
    }
    return p;
  }

  /** Workers whose friendly name matches (Twilio compares case-insensitively). Attributes are not in list results. */
  async findWorkersByFriendlyName(workspaceSid: string, friendlyName: string): Promise<LiveWorkerRecord[]> {
    const list = await this.v1.workspaces(workspaceSid).workers.list({ friendlyName, pageSize: 50 });
    return list.map(toRecord);
  }

  async fetchWorker(workspaceSid: string, sid: string): Promise<FetchedWorker | undefined> {
    try {
      const res = await this.v1.workspaces(workspaceSid).workers(sid).fetchWithHttpInfo();
      return {
        record: toRecord(res.body),
        etag: header(res.headers, "etag"),
        dateUpdated: res.body.dateUpdated?.getTime(),
        observedAt: observedAt(res.headers),
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async listChannels(workspaceSid: string, workerSid: string) {
    const list = await this.v1.workspaces(workspaceSid).workers(workerSid).workerChannels.list({ pageSize: 100 });
    return list.map(toChannelRecord);
  }

  async createWorker(workspaceSid: string, friendlyName: string, attributes: string, activitySid: string): Promise<FetchedWorker> {
    const res = await this.v1.workspaces(workspaceSid).workers.createWithHttpInfo({ friendlyName, attributes, activitySid });
    return { record: toRecord(res.body), etag: header(res.headers, "etag"), observedAt: observedAt(res.headers) };
  }

  async updateWorker(
    workspaceSid: string,
    sid: string,
    params: { attributes?: string; activitySid?: string; rejectPendingReservations?: boolean; friendlyName?: string },
    ifMatch?: string,
  ): Promise<FetchedWorker> {
    const res = await this.v1
      .workspaces(workspaceSid)
      .workers(sid)
      .updateWithHttpInfo({ ...params, ...(ifMatch ? { ifMatch } : {}) });
    return { record: toRecord(res.body), etag: header(res.headers, "etag") };
  }

  async updateChannel(workspaceSid: string, workerSid: string, channelSid: string, params: { capacity?: number; available?: boolean }) {
    const c = await this.v1.workspaces(workspaceSid).workers(workerSid).workerChannels(channelSid).update(params);
    return toChannelRecord(c);
  }

  /** True if deleted, false if it was already gone. */
  async deleteWorker(workspaceSid: string, sid: string): Promise<boolean> {
    try {
      await this.v1.workspaces(workspaceSid).workers(sid).remove();
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Work in hand: accepted reservations and tasks assigned on any channel. */
  async busyState(workspaceSid: string, workerSid: string): Promise<BusyState> {
    const worker = this.v1.workspaces(workspaceSid).workers(workerSid);
    const [reservations, channels] = await Promise.all([
      worker.reservations.list({ pageSize: 100 }),
      this.listChannels(workspaceSid, workerSid),
    ]);
    return {
      acceptedReservations: reservations.filter((r) => r.reservationStatus === "accepted").length,
      assignedTasks: channels.reduce((n, c) => n + (c.assignedTasks ?? 0), 0),
    };
  }

  /** Every worker's SID and date_updated, 1,000 per call (Twilio's maximum page size). */
  async *listWorkerDates(workspaceSid: string, pageSize = 1000): AsyncGenerator<ListedWorker[]> {
    type Page = Awaited<ReturnType<ReturnType<TaskRouter["v1"]["workspaces"]>["workers"]["page"]>>;
    let page: Page | undefined = await this.v1.workspaces(workspaceSid).workers.page({ pageSize });
    while (page) {
      yield page.instances.map((w) => ({ sid: w.sid, dateUpdated: w.dateUpdated?.getTime() ?? NaN, friendlyName: w.friendlyName }));
      page = (await page.nextPage()) as Page | undefined;
    }
  }

  /**
   * Worker events of one type from `start` (to `end`, default now), 1,000 per
   * call, following Twilio's PageToken (the log does not support `Page`).
   */
  async *listWorkerEvents(workspaceSid: string, eventType: string, start: Date, end?: Date): AsyncGenerator<LoggedEvent[]> {
    type Page = Awaited<ReturnType<ReturnType<TaskRouter["v1"]["workspaces"]>["events"]["page"]>>;
    let page: Page | undefined = await this.v1
      .workspaces(workspaceSid)
      .events.page({ eventType, startDate: start, ...(end ? { endDate: end } : {}), pageSize: 1000 });
    while (page) {
      yield page.instances
        .filter((e) => e.resourceType === "worker" && typeof e.resourceSid === "string")
        .map((e) => ({
          type: e.eventType,
          workerSid: e.resourceSid,
          date: typeof e.eventDateMs === "number" ? e.eventDateMs : (e.eventDate?.getTime() ?? NaN),
          data: e.eventData !== null && typeof e.eventData === "object" ? (e.eventData as Record<string, unknown>) : {},
        }));
      page = (await page.nextPage()) as Page | undefined;
    }
  }

  /**
   * Every worker of the workspace, one page at a time (Twilio's maximum page
   * size is 1000), in Twilio's list order. List results carry no attributes
   * (`attributes` is null): fetch a worker to read them.
   */
  async *listWorkerPages(workspaceSid: string, pageSize = 1000): AsyncGenerator<LiveWorkerRecord[]> {
    type Page = Awaited<ReturnType<ReturnType<TaskRouter["v1"]["workspaces"]>["workers"]["page"]>>;
    let page: Page | undefined = await this.v1.workspaces(workspaceSid).workers.page({ pageSize });
    while (page) {
      yield page.instances.map(toRecord);
      page = (await page.nextPage()) as Page | undefined;
    }
  }
}

/** Twilio's largest page: list calls below cost one request per 1,000 items. */
const MAX_PAGE = 1000;

export interface QueueWorker {
  sid: string;
  friendlyName: string;
}

/** The routing side of a workspace, read for routing impact (src/flex/routing.ts). */
export class TaskRouterRouting {
  constructor(private readonly tr: TaskRouter) {}

  private ws(workspaceSid: string) {
    return this.tr.client.twilio.taskrouter.v1.workspaces(workspaceSid);
  }

  /** Every TaskQueue with its target_workers expression. */
  async queues(workspaceSid: string): Promise<QueueDefinition[]> {
    const list = await this.ws(workspaceSid).taskQueues.list({ pageSize: MAX_PAGE });
    return list.map((q) => ({ sid: q.sid, name: q.friendlyName, targetWorkers: q.targetWorkers ?? "" }));
  }

  /** Each queue's eligible workers as TaskRouter counts them (TaskQueues/Statistics: one call per 1,000 queues). */
  async eligibleCounts(workspaceSid: string): Promise<Map<string, number>> {
    const list = await this.ws(workspaceSid).taskQueues.statistics.list({ pageSize: MAX_PAGE });
    const out = new Map<string, number>();
    for (const s of list) {
      const n = (s.realtime as { total_eligible_workers?: unknown } | null)?.total_eligible_workers;
      if (typeof n === "number") out.set(s.taskQueueSid, n);
    }
    return out;
  }

  /** The workers TaskRouter itself says a queue picks (`Workers?TaskQueueSid=`): one call per 1,000 workers. */
  async queueWorkers(workspaceSid: string, queueSid: string): Promise<QueueWorker[]> {
    const list = await this.ws(workspaceSid).workers.list({ taskQueueSid: queueSid, pageSize: MAX_PAGE });
    return list.map((w) => ({ sid: w.sid, friendlyName: w.friendlyName }));
  }
}

/** When Twilio answered (the Date header: one-second resolution, so never later than the answer). */
function observedAt(headers: Record<string, string> | undefined): number | undefined {
  const t = Date.parse(header(headers, "date") ?? "");
  return Number.isNaN(t) ? undefined : t;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}
