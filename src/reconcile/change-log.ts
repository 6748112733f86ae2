// Refresh from TaskRouter's event log. Once per run (per workspace) the log is
// read for the event types that can change what state holds, since the oldest
// `readAt` among the workers being refreshed minus a lag margin:
//
// - worker.attributes.update, worker.deleted: fetch the worker;
// - worker.capacity.update, worker.channel.availability.update: list its channels;
// - worker.activity.update is not read at all: state holds no activity.
//
// A worker's `readAt` is when its state was last known to match Twilio (a
// create, an update, or a read that found a change); it does not move while the
// worker stays unchanged, so its state stays exactly as it was. An event whose
// payload shows the values state already holds (our own write, or an SSO login
// that rewrites the same attributes) is no change: nothing is fetched for it.
//
// Twilio documents no delay between a write and its event, so the window starts
// a margin earlier than `readAt` (DEFAULT_LAG_MARGIN_MS, stack config
// `flex-roster:eventLagMargin`); it also absorbs clock skew between this machine
// and Twilio. The log keeps 30 days: a worker whose window starts before that
// takes the full read, as does every worker when the log cannot be read.

import type { WorkerInputs } from "../flex/worker-model";
import { channelSpec } from "../flex/worker-model";
import type { LoggedEvent } from "../twilio/taskrouter";

export const EVENT_TYPES = {
  attributes: "worker.attributes.update",
  deleted: "worker.deleted",
  capacity: "worker.capacity.update",
  availability: "worker.channel.availability.update",
} as const;

/** Twilio keeps events 30 days; a window starting before that is refused (400). */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60_000;
/** Windows are kept an hour inside retention, for clock skew and long runs. */
export const RETENTION_SLACK_MS = 60 * 60_000;
/** How late an event may become visible, and how far this clock may run ahead of Twilio's. */
export const DEFAULT_LAG_MARGIN_MS = 5 * 60_000;
/** An unchanged worker's readAt is moved up once it is this old, so its window stays inside retention. */
export const REANCHOR_AFTER_MS = 20 * 24 * 60 * 60_000;

/** One worker event as the TaskRouter port gives it. */
export type WorkerEvent = LoggedEvent;

/** Reads one event type of a workspace from `start` on, one page at a time. */
export type EventReader = (workspaceSid: string, eventType: string, start: Date, end?: Date) => AsyncIterable<WorkerEvent[]>;

/** What the log says about one worker's window. */
export type LogAnswer =
  | { kind: "events"; events: WorkerEvent[] }
  /** The window starts before the log's retention: read in full. */
  | { kind: "past-retention" }
  /** The log could not be read this run (the error says why): read in full. */
  | { kind: "unavailable"; error: unknown };

interface Coverage {
  /** Covered from (ms). */
  start: number;
  /** Events by worker SID, oldest first. */
  events: Promise<Map<string, WorkerEvent[]>>;
}

/** One run's view of a workspace's log, read once and widened only when a read needs an older window. */
export class ChangeLog {
  private coverage?: Coverage;
  /** This clock when the log was first read: every event written before it (plus the lag) is in this run's view. */
  queriedAt?: number;
  /** The oldest window asked for before the first read of the log starts. */
  private pendingStart = Infinity;

  /**
   * `gate` resolves when the first read should start: the run's worker list, so
   * that the reads of every worker arriving meanwhile share one window.
   */
  constructor(
    private readonly workspaceSid: string,
    private readonly read: EventReader,
    private readonly marginMs: number,
    private readonly gate: Promise<unknown>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Events of `workerSid` from `readAt - margin` on. */
  async since(workerSid: string, readAt: number): Promise<LogAnswer> {
    const from = readAt - this.marginMs;
    if (from < this.clock() - EVENT_RETENTION_MS + RETENTION_SLACK_MS) return { kind: "past-retention" };
    if (!this.coverage) {
      this.pendingStart = Math.min(this.pendingStart, from);
      await this.gate.catch(() => undefined);
      if (!this.coverage) {
        this.queriedAt = this.clock();
        this.coverage = { start: this.pendingStart, events: this.take(this.pendingStart) };
      }
    }
    if (from < this.coverage.start) this.widen(from);
    try {
      const all = (await this.coverage.events).get(workerSid) ?? [];
      return { kind: "events", events: all.filter((e) => e.date >= from) };
    } catch (error) {
      return { kind: "unavailable", error };
    }
  }

  /** Cover back to `from`: at least double the window, so a run widens it a few times at most. */
  private widen(from: number): void {
    const old = this.coverage!;
    const start = Math.max(Math.min(from, old.start - (this.clock() - old.start)), this.clock() - EVENT_RETENTION_MS + RETENTION_SLACK_MS);
    const earlier = this.take(start, old.start);
    this.coverage = {
      start,
      events: Promise.all([earlier, old.events]).then(([a, b]) => {
        const merged = new Map(a);
        for (const [sid, list] of b) merged.set(sid, keepLatest([...(merged.get(sid) ?? []), ...list]));
        return merged;
      }),
    };
  }

  private async take(start: number, end?: number): Promise<Map<string, WorkerEvent[]>> {
    const byWorker = new Map<string, WorkerEvent[]>();
    await Promise.all(
      Object.values(EVENT_TYPES).map(async (type) => {
        for await (const page of this.read(this.workspaceSid, type, new Date(start), end === undefined ? undefined : new Date(end))) {
          for (const e of page) byWorker.set(e.workerSid, keepLatest([...(byWorker.get(e.workerSid) ?? []), e]));
        }
      }),
    );
    return byWorker;
  }
}

/**
 * A worker's events reduced to what planRead looks at: the latest of each type
 * (of each channel, for channel events), oldest first. A run may read weeks of
 * events; this keeps a few per worker in memory.
 */
export function keepLatest(events: readonly WorkerEvent[]): WorkerEvent[] {
  const latest = new Map<string, WorkerEvent>();
  for (const e of events) {
    const channel = e.data.task_channel_unique_name;
    const slot = `${e.type}|${typeof channel === "string" ? channel : ""}`;
    const held = latest.get(slot);
    if (!held || e.date >= held.date) latest.set(slot, e);
  }
  return [...latest.values()].sort((a, b) => a.date - b.date);
}

/** What one worker's refresh must read. */
export interface ReadPlan {
  /** Fetch the worker (attributes, name, or whether it still exists). */
  fetch: boolean;
  /** List its channels. */
  channels: boolean;
  /** Why, for tests and logs. */
  reasons: string[];
}

/**
 * What to read for a worker, from its events since its window and its entry in
 * the run's worker list. `sameAttributes` says whether an attributes string
 * projects onto the state held.
 */
export function planRead(
  stored: Pick<WorkerInputs, "friendlyName" | "channels">,
  events: readonly WorkerEvent[],
  listedName: string | undefined,
  sameAttributes: (attributes: string) => boolean,
): ReadPlan {
  const reasons: string[] = [];
  if (listedName === undefined) reasons.push("not in the worker list");
  else if (listedName !== stored.friendlyName) reasons.push(`renamed to ${listedName}`);
  const latest = (type: string, channel?: string) =>
    [...events].reverse().find((e) => e.type === type && (channel === undefined || e.data.task_channel_unique_name === channel));
  if (events.some((e) => e.type === EVENT_TYPES.deleted)) reasons.push("deleted");
  const attrs = latest(EVENT_TYPES.attributes);
  if (attrs) {
    const a = attrs.data.worker_attributes;
    if (typeof a !== "string" || !sameAttributes(a)) reasons.push("attributes written");
  }
  const fetch = reasons.length > 0;

  let channels = false;
  const channelEvents = events.filter((e) => e.type === EVENT_TYPES.capacity || e.type === EVENT_TYPES.availability);
  const managed = stored.channels ?? {};
  for (const e of channelEvents) {
    const name = e.data.task_channel_unique_name;
    // A payload without the channel's name cannot be matched: read the channels.
    if (typeof name !== "string") channels = true;
  }
  for (const [name, state] of Object.entries(managed)) {
    const held = channelSpec(state);
    const cap = latest(EVENT_TYPES.capacity, name);
    if (cap && cap.data.worker_channel_capacity !== held.capacity) channels = true;
    const avail = latest(EVENT_TYPES.availability, name);
    if (avail && avail.data.worker_channel_available !== held.available) channels = true;
  }
  if (channels) reasons.push("channels written");
  return { fetch, channels, reasons };
}
