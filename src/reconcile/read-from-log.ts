// One worker's refresh through the event log (change-log.ts): what its events
// and the run's worker list say decides whether to fetch it, list its channels,
// both, or neither. A worker found unchanged keeps its state exactly as it was,
// so a no-op refresh shows no diff and writes nothing.

import { isDeepStrictEqual } from "node:util";
import { channelSpec, projectLive, type ChannelState, type LiveChannelRecord, type LiveWorkerRecord, type WorkerInputs } from "../flex/worker-model";
import { isNotFound, twilioErrorText, isRestException } from "../twilio/errors";
import type { TaskRouter } from "../twilio/taskrouter";
import { planRead, REANCHOR_AFTER_MS, type ChangeLog } from "./change-log";
import type { Notices } from "./notices";
import type { StoredWorker } from "./refresh-cache";

/** A worker's state as read() returns it. */
export type ReadState = WorkerInputs & { dateUpdated?: string; readAt?: string };

/** Keys of a stored state that are bookkeeping, not what Twilio holds. */
const BOOKKEEPING = new Set(["readAt", "dateUpdated", "sid", "workspaceSid", "__provider"]);

/** Whether a state projected from live holds the same as the stored one (bookkeeping aside). */
export function sameState(live: object, stored: object): boolean {
  const strip = (o: object) => Object.fromEntries(Object.entries(o).filter(([k, v]) => !BOOKKEEPING.has(k) && v !== undefined));
  return isDeepStrictEqual(strip(live), strip(stored));
}

/** The stored state as read() returns it: unchanged, without Twilio's SIDs (the id and workspace hold them). */
export function keep(stored: StoredWorker): ReadState {
  const { workspaceSid: _ws, sid: _sid, ...kept } = stored;
  return kept;
}

/** The settings and managed keys projectLive takes from a stored state. */
export function projectionOf(stored: StoredWorker) {
  return {
    workspace: stored.workspace,
    extraAttributes: stored.extraAttributes ?? {},
    ownAllAttributes: stored.ownAllAttributes ?? false,
    identityProvider: stored.identityProvider,
    repair: stored.repair,
    contactUriByFlex: stored.contactUriByFlex,
    channels: stored.channels ?? {},
  };
}

/** The managed channels as state holds them, in the live record's shape. */
function heldChannels(channels: Record<string, ChannelState>): LiveChannelRecord[] {
  return Object.entries(channels).map(([name, state]) => {
    const spec = channelSpec(state);
    return { taskChannelUniqueName: name, configuredCapacity: spec.capacity, available: spec.available };
  });
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** Why a worker takes the full read instead; said once per run. */
const FALLBACK = {
  noReadTime:
    "refresh: workers whose state records no read time (written before flex-roster read TaskRouter's event log) are read in full; the next `pulumi up` or `pulumi refresh` records it",
  pastRetention: "refresh: workers last read more than 30 days ago (TaskRouter keeps events 30 days) are read in full",
  unavailable: (err: unknown) =>
    `refresh: TaskRouter's event log could not be read (${isRestException(err) ? twilioErrorText(err) : String(err)}): every worker is read in full this run`,
};

export interface LogReadDeps {
  tr: Pick<TaskRouter, "fetchWorker" | "listChannels">;
  notices: Notices;
  log: ChangeLog;
  /** The friendly name the run's worker list shows (null: not listed; undefined: the list failed). */
  listedName: (sid: string) => Promise<string | null | undefined>;
  clock?: () => number;
}

/**
 * Refresh worker `sid` from the log: its state (undefined when it is gone), or
 * "fallback" when the log cannot answer for it (the caller reads it in full).
 */
export async function readFromLog(deps: LogReadDeps, wsSid: string, sid: string, stored: StoredWorker): Promise<ReadState | undefined | "fallback"> {
  const clock = deps.clock ?? Date.now;
  const readAt = stored.readAt === undefined ? NaN : Date.parse(stored.readAt);
  if (Number.isNaN(readAt)) {
    await deps.notices.info(FALLBACK.noReadTime);
    return "fallback";
  }
  const answer = await deps.log.since(sid, readAt);
  if (answer.kind === "past-retention") {
    await deps.notices.info(FALLBACK.pastRetention);
    return "fallback";
  }
  if (answer.kind === "unavailable") {
    await deps.notices.info(FALLBACK.unavailable(answer.error));
    return "fallback";
  }
  const listed = await deps.listedName(sid);
  if (listed === undefined) return "fallback";
  const projection = projectionOf(stored);
  const held = heldChannels(projection.channels);
  const worker = { sid, workspaceSid: wsSid, friendlyName: stored.friendlyName, activityName: "" };
  const plan = planRead(stored, answer.events, listed ?? undefined, (attributes) =>
    sameState(projectLive(projection, { ...worker, attributes }, held), stored),
  );
  // Everything written before the log was read is in this state now; later writes are in the next window.
  const verifiedAt = Math.min(deps.log.queriedAt ?? clock(), clock());

  if (!plan.fetch && !plan.channels) {
    // Unchanged. Only a read time about to leave the log's retention moves (rarely: every REANCHOR_AFTER_MS).
    return clock() - readAt > REANCHOR_AFTER_MS ? { ...keep(stored), readAt: iso(verifiedAt) } : keep(stored);
  }
  let record: LiveWorkerRecord | undefined;
  if (plan.fetch) {
    const fetched = await deps.tr.fetchWorker(wsSid, sid);
    if (!fetched) return undefined;
    record = { ...fetched.record, workspaceSid: wsSid };
  }
  let channels = held;
  if (plan.channels) {
    try {
      channels = await deps.tr.listChannels(wsSid, sid);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
  const live: ReadState = record
    ? projectLive(projection, record, channels)
    : { ...keep(stored), channels: projectLive(projection, { ...worker, attributes: "{}" }, channels).channels };
  const { sid: _s, workspaceSid: _w, ...state } = live as ReadState & { sid?: string; workspaceSid?: string };
  if (sameState(state, stored)) return keep(stored);
  const { dateUpdated: _d, ...rest } = state;
  return { ...rest, readAt: iso(verifiedAt) };
}
