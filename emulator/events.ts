/**
 * TaskRouter's event log (`/v1/Workspaces/{WorkspaceSid}/Events`): every
 * worker write records its events here, and the list reads them back with
 * Twilio's documented rules: one `EventType` per query, a window of `Minutes`
 * (default 15) or `StartDate`/`EndDate`, 30 days of retention (an older
 * `StartDate` is a 400), `PageSize` at most 1,000 and `PageToken` paging.
 *
 * Three controls make the log behave like a remote one in tests: a lag before
 * a new event becomes visible, dropping the log (as after retention), and
 * ageing every event by a duration (to reach the 30-day edge without waiting).
 */

import { Errors, orNotFound } from "./errors";
import { paginate, type PageRequest, type PageResult } from "./paging";
import { now, type EventRec, type WorkerChannelRec, type WorkerRec, type WorkspaceRec } from "./records";
import { newSid } from "./sids";

/** Twilio keeps events 30 days (the Event resource page). */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60_000;
/** The list's window without StartDate or Minutes (the spec: "The default is 15 minutes"). */
export const DEFAULT_EVENT_MINUTES = 15;

/** Who made a write: `actor_sid`/`actor_type` of its events. */
export interface Actor {
  type: string;
  sid: string;
}

export interface EventFilter {
  eventType?: string;
  workerSid?: string;
  sid?: string;
  taskChannel?: string;
  /** Window, ms since the epoch (inclusive). */
  start: number;
  end: number;
}

/** The worker fields every worker event carries (snake_case, as in the spec's example). */
export interface WorkerEventFacts {
  activityName: string | null;
}

export class EventLog {
  /** Events written less than this long ago are not listed yet. */
  private lagMs = 0;

  /** Delay (ms) before a new event shows in the list; 0 = at once. */
  setLag(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw Errors.badRequest("lag must be a number of milliseconds >= 0");
    this.lagMs = ms;
  }

  lag(): number {
    return this.lagMs;
  }

  /** Forget every event of the workspace (as if all were past retention). Returns how many went. */
  drop(ws: WorkspaceRec): number {
    const n = ws.events?.length ?? 0;
    ws.events = [];
    return n;
  }

  /** Move every event of the workspace `ms` into the past. */
  age(ws: WorkspaceRec, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw Errors.badRequest("age must be a number of milliseconds >= 0");
    for (const e of ws.events ?? []) e.date -= ms;
  }

  record(ws: WorkspaceRec, e: Omit<EventRec, "sid" | "seq" | "date">, seq: number): EventRec {
    const rec: EventRec = { sid: newSid("EV"), seq, date: now(), ...e };
    (ws.events ??= []).push(rec);
    return rec;
  }

  /** A worker event: resource = the worker, data = its state after the write plus `extra`. */
  recordWorker(
    ws: WorkspaceRec,
    w: WorkerRec,
    eventType: string,
    description: string,
    actor: Actor,
    facts: WorkerEventFacts & { activitySid?: string },
    extra: Record<string, unknown>,
    seq: number,
  ): EventRec {
    return this.record(
      ws,
      {
        eventType,
        description,
        resourceType: "worker",
        resourceSid: w.sid,
        actorType: actor.type,
        actorSid: actor.sid,
        data: {
          worker_sid: w.sid,
          worker_name: w.friendlyName,
          worker_attributes: w.attributes,
          worker_activity_sid: facts.activitySid ?? w.activitySid,
          worker_activity_name: facts.activityName,
          workspace_sid: ws.sid,
          workspace_name: ws.friendlyName,
          ...extra,
        },
      },
      seq,
    );
  }

  /** The data a channel event adds: which channel, and its new (and previous) state. */
  static channelData(ch: WorkerChannelRec, uniqueName: string, previous: { capacity: number; available: boolean }): Record<string, unknown> {
    return {
      task_channel_sid: ch.taskChannelSid,
      task_channel_unique_name: uniqueName,
      worker_channel_sid: ch.sid,
      worker_channel_capacity: ch.capacity,
      worker_channel_previous_capacity: previous.capacity,
      worker_channel_available: ch.available,
      worker_channel_previous_available: previous.available,
    };
  }

  list(ws: WorkspaceRec, f: EventFilter, req: PageRequest): PageResult<EventRec> {
    const visibleUntil = now() - this.lagMs;
    const oldest = now() - EVENT_RETENTION_MS;
    const match = (e: EventRec): boolean =>
      e.date <= visibleUntil &&
      e.date >= oldest &&
      e.date >= f.start &&
      e.date <= f.end &&
      (f.eventType === undefined || e.eventType === f.eventType) &&
      (f.workerSid === undefined || e.resourceSid === f.workerSid) &&
      (f.sid === undefined || e.sid === f.sid) &&
      (f.taskChannel === undefined || e.data.task_channel_unique_name === f.taskChannel || e.data.task_channel_sid === f.taskChannel);
    // Paging never skips by offset: Twilio does not support `Page` on this resource.
    return paginate(ws.events ?? [], match, { ...req, page: 0 });
  }

  get(ws: WorkspaceRec, sid: string, path: string): EventRec {
    const visibleUntil = now() - this.lagMs;
    return orNotFound(
      (ws.events ?? []).find((e) => e.sid === sid && e.date <= visibleUntil && e.date >= now() - EVENT_RETENTION_MS),
      path,
    );
  }

  /**
   * The list's window from its query parameters: StartDate/EndDate, else the
   * last `Minutes` (default 15). A window reaching past retention is a 400.
   */
  static window(q: { StartDate?: string; EndDate?: string; Minutes?: string }, parseDate: (name: string, raw: string) => number): { start: number; end: number } {
    const t = now();
    const end = q.EndDate !== undefined ? parseDate("EndDate", q.EndDate) : t;
    let start: number;
    if (q.StartDate !== undefined) start = parseDate("StartDate", q.StartDate);
    else {
      const raw = q.Minutes ?? String(DEFAULT_EVENT_MINUTES);
      if (!/^\d+$/.test(raw.trim())) throw Errors.badRequest(`Invalid value for Minutes: ${raw} is not a positive integer`);
      start = end - Number(raw.trim()) * 60_000;
    }
    if (start < t - EVENT_RETENTION_MS) {
      throw Errors.badRequest("StartDate must be within the last 30 days: TaskRouter keeps events for 30 days");
    }
    if (start > end) throw Errors.badRequest("StartDate must be before EndDate");
    return { start, end };
  }
}
