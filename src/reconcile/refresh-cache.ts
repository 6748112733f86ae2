// Fast refresh. One list call per 1,000 workers returns every worker's
// date_updated (list results carry no attributes). A worker whose date_updated
// is still the one recorded at its last full read has not been written since,
// so read() can skip fetching it and keep the attributes it has in state.
//
// date_updated has one-second resolution, so equal timestamps alone would hide
// a write made in the same second as our read. A value is therefore recorded
// only when Twilio answered at least SETTLE_MS after it ("settled"): any later
// write then carries a later second. Unsettled workers are fetched in full.
//
// The same list answers the adoption lookup of every new resource in a plan:
// a friendly name that is not listed has no worker to adopt, so no per-worker
// lookup is needed (the engine checks resources one at a time, so a lookup there
// would cost a round trip per worker in series).
//
// The provider process serves every worker of a run, so all reads share one
// snapshot per workspace. It is retaken when idle for SNAPSHOT_IDLE_MS (the
// gap between a preview and the update that follows it) or older than
// SNAPSHOT_MAX_AGE_MS.

import { channelState, type ChannelState, type LiveChannelRecord, type WorkerInputs } from "../flex/worker-model";
import { isNotFound, type ListedWorker, type TaskRouter } from "../twilio/taskrouter";
import { ChangeLog, type EventReader } from "./change-log";
import { nameKey } from "../flex/identity";

export const SETTLE_MS = 2000;
export const SNAPSHOT_IDLE_MS = 15_000;
export const SNAPSHOT_MAX_AGE_MS = 10 * 60_000;

/** Lists a workspace's workers one page at a time. */
export type WorkerLister = (workspaceSid: string) => AsyncIterable<ListedWorker[]>;

interface Listing {
  /** sid → date_updated (ms). */
  dates: Map<string, number>;
  /** sid → friendly name as listed. */
  listedNames: Map<string, string>;
  /** Lowercased friendly name → SIDs (Twilio compares friendly names ignoring case). */
  names: Map<string, string[]>;
}

interface Snapshot {
  takenAt: number;
  usedAt: number;
  /** Rejects when the list failed. */
  listing: Promise<Listing>;
  /** The run's view of the event log (change-log.ts), read once the list is in. */
  changes?: ChangeLog;
}

/** How the run reads the event log: the reader, and the lag margin before each window. */
export interface EventSource {
  read: EventReader;
  marginMs: number;
}

/** What the snapshot says about one worker. */
export type ListedState =
  /** Listed with the recorded date_updated: not written since the last full read. */
  | "unchanged"
  /** Listed with another date_updated, or nothing was recorded: fetch it. */
  | "changed"
  /** Not in the list: probably deleted; fetch it to be sure. */
  | "missing"
  /** No snapshot (the list failed): fetch it. */
  | "unknown";

export class WorkerIndex {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(
    private readonly list: WorkerLister,
    private readonly clock: () => number = Date.now,
    private readonly events?: EventSource,
  ) {}

  /** The friendly name the run's list shows for `sid`: null when it is not listed, undefined when the list failed. */
  async listedName(workspaceSid: string, sid: string): Promise<string | null | undefined> {
    try {
      return (await this.snapshot(workspaceSid)).listedNames.get(sid) ?? null;
    } catch {
      return undefined;
    }
  }

  /** The run's change log of the workspace (the same lifetime as the list), or undefined without an event source. */
  changes(workspaceSid: string): ChangeLog | undefined {
    this.snapshot(workspaceSid).catch(() => undefined);
    return this.snapshots.get(workspaceSid)!.changes;
  }

  /** `recorded` is the worker's settled date_updated from state (ISO), if any. */
  async state(workspaceSid: string, sid: string, recorded: string | undefined): Promise<ListedState> {
    let dates: Map<string, number>;
    try {
      dates = (await this.snapshot(workspaceSid)).dates;
    } catch {
      return "unknown";
    }
    const listed = dates.get(sid);
    if (listed === undefined) return "missing";
    const seen = recorded === undefined ? NaN : Date.parse(recorded);
    return !Number.isNaN(seen) && listed === seen ? "unchanged" : "changed";
  }

  /**
   * The SIDs of the listed workers named `friendlyName` (ignoring case): empty
   * when none is, undefined when the list failed (look the name up instead).
   * A worker created after the list is not in it; create-or-adopt still finds
   * it when Twilio refuses the duplicate name.
   */
  async named(workspaceSid: string, friendlyName: string): Promise<string[] | undefined> {
    try {
      return (await this.snapshot(workspaceSid)).names.get(nameKey(friendlyName)) ?? [];
    } catch {
      return undefined;
    }
  }

  private snapshot(workspaceSid: string): Promise<Listing> {
    const now = this.clock();
    let s = this.snapshots.get(workspaceSid);
    if (!s || now - s.usedAt > SNAPSHOT_IDLE_MS || now - s.takenAt > SNAPSHOT_MAX_AGE_MS) {
      const listing = this.take(workspaceSid);
      s = { takenAt: now, usedAt: now, listing };
      if (this.events) s.changes = new ChangeLog(workspaceSid, this.events.read, this.events.marginMs, listing, this.clock);
      // A failed list is not retried by every read of this run.
      s.listing.catch(() => undefined);
      this.snapshots.set(workspaceSid, s);
    }
    s.usedAt = now;
    return s.listing;
  }

  private async take(workspaceSid: string): Promise<Listing> {
    const dates = new Map<string, number>();
    const listedNames = new Map<string, string>();
    const names = new Map<string, string[]>();
    for await (const page of this.list(workspaceSid)) {
      for (const w of page) {
        dates.set(w.sid, w.dateUpdated);
        listedNames.set(w.sid, w.friendlyName);
        const key = nameKey(w.friendlyName);
        const sids = names.get(key);
        if (sids) sids.push(w.sid);
        else names.set(key, [w.sid]);
      }
    }
    return { dates, listedNames, names };
  }
}

/**
 * The date_updated to record in state after a full read (ISO), or undefined
 * when it is not settled: Twilio answered within SETTLE_MS of it, or either
 * time is unknown.
 */
export function settledDateUpdated(fetched: { dateUpdated?: number; observedAt?: number }): string | undefined {
  const { dateUpdated, observedAt } = fetched;
  if (dateUpdated === undefined || observedAt === undefined || Number.isNaN(dateUpdated)) return undefined;
  return observedAt - dateUpdated >= SETTLE_MS ? new Date(dateUpdated).toISOString() : undefined;
}

/**
 * A worker's state as read() gets it: the outputs of the last read or write.
 * `readAt` (change-log.ts): when it was last known to match Twilio.
 */
export type StoredWorker = WorkerInputs & { workspaceSid?: string; sid?: string; dateUpdated?: string; readAt?: string };

/**
 * The fast read: when the snapshot shows the worker unchanged since its
 * recorded date_updated, its state with the channels read live (channel
 * updates are not documented to change the worker's date_updated, so they are
 * always read). Undefined: do a full read.
 */
export async function readUnchanged(
  index: WorkerIndex,
  tr: Pick<TaskRouter, "listChannels">,
  workspaceSid: string,
  sid: string,
  stored: StoredWorker,
): Promise<WorkerInputs & { dateUpdated: string } | undefined> {
  const recorded = stored.dateUpdated;
  if (!recorded || (await index.state(workspaceSid, sid, recorded)) !== "unchanged") return undefined;
  let channels: LiveChannelRecord[];
  try {
    channels = await tr.listChannels(workspaceSid, sid);
  } catch (err) {
    if (isNotFound(err)) return undefined; // deleted since the list: the full read says so
    throw err;
  }
  const { workspaceSid: _ws, sid: _sid, dateUpdated: _seen, ...kept } = stored;
  return { ...kept, channels: liveChannels(stored.channels ?? {}, channels), dateUpdated: recorded };
}

/** The managed channels as found live, in the state's short form (as projectLive does). */
export function liveChannels(managed: Record<string, ChannelState>, live: LiveChannelRecord[]): Record<string, ChannelState> {
  const out: Record<string, ChannelState> = {};
  for (const name of Object.keys(managed)) {
    const ch = live.find((c) => c.taskChannelUniqueName === name);
    if (ch) out[name] = channelState({ capacity: ch.configuredCapacity, available: ch.available });
  }
  return out;
}
