// Brings one TaskRouter worker to its desired inputs through the TaskRouter
// port, with no Pulumi in it: adopt (create-or-adopt by friendly name), apply
// (If-Match on the ETag), write channels and safe delete. What is healthy and
// what must change is decided by the pure core (classify in src/flex/drift.ts,
// projectLive in src/flex/worker-model.ts); this module only orders the calls.
// The Pulumi provider (src/provider) maps create/read/update/delete onto it.

import { canonicalAttributes } from "../flex/attributes";
import { classify, type Drift } from "../flex/drift";
import { channelSpec, parseAttributes, projectLive, type LiveChannelRecord, type WorkerInputs, type WorkerOutputs } from "../flex/worker-model";
import { credentialsMessage, isPreconditionFailed, isRestException, twilioErrorText } from "../twilio/errors";
import type { FetchedWorker, TaskRouter } from "../twilio/taskrouter";
import type { Notices } from "./notices";
import { DEFAULT_LAG_MARGIN_MS, REANCHOR_AFTER_MS } from "./change-log";
import { iso, keep, projectionOf, readFromLog, sameState, type ReadState } from "./read-from-log";
import { readUnchanged, settledDateUpdated, WorkerIndex, type StoredWorker } from "./refresh-cache";
import { sameName } from "../flex/identity";

export const OFFLINE_ACTIVITY = "Offline";

type Channels = Awaited<ReturnType<TaskRouter["listChannels"]>>;

export interface ReconcilerOptions {
  notices: Notices;
  /** The activity new and retiring workers get; default: the activity named Offline. */
  offlineActivity?: (workspaceSid: string) => Promise<string>;
  /** Delete a worker that still has work in hand; asked at each delete (default: never). */
  allowBusyDelete?: () => boolean;
  /** How late an event may show in TaskRouter's log (ms; default DEFAULT_LAG_MARGIN_MS): each refresh window starts this much earlier. */
  eventLagMarginMs?: () => number | undefined;
}

/**
 * A worker's state as stored: the live mirror without Twilio's SIDs. The worker
 * SID is the resource id and the workspace is re-resolved (once per run), so
 * neither needs to be in state twice.
 */
export function toState(o: WorkerOutputs): WorkerInputs {
  const { sid: _sid, workspaceSid: _ws, ...rest } = o;
  return rest;
}

/**
 * The state after a write or a read that found a change, with the time it was
 * known to match Twilio (read-from-log.ts): Twilio's clock when it answered,
 * else this one's before the request. Never later than the truth, so a write
 * by someone else after it is always in the next refresh's window.
 */
function withReadAt<S extends object>(state: S, observedAt: number | undefined, startedAt: number): S & { readAt: string } {
  return { ...state, readAt: iso(observedAt ?? startedAt) };
}

/** One instance per run: it shares the run's workspace lookups, refresh snapshot and adoption lookups. */
export class Reconciler {
  /** One list of every worker's date_updated per run, shared by all reads. */
  private index?: WorkerIndex;
  /** Adoption lookups made while previewing, by friendly name, for the create that follows. */
  private readonly lookups = new Map<string, Promise<FetchedWorker | undefined>>();

  constructor(
    readonly tr: TaskRouter,
    private readonly opts: ReconcilerOptions,
  ) {}

  private async workspaceSid(nameOrSid: string): Promise<string> {
    return (await this.tr.resolveWorkspace(nameOrSid)).sid;
  }

  private offlineActivity(wsSid: string): Promise<string> {
    return this.opts.offlineActivity?.(wsSid) ?? this.tr.activitySid(wsSid, OFFLINE_ACTIVITY);
  }

  /**
   * The worker a create of `desired` would adopt, and whether adopting it means
   * recreating it, for a preview. The lookup is kept for that create (it runs
   * next, in the same process). Pulumi's engine checks one resource at a time,
   * so this costs no call for a new name and one fetch for a taken one: the
   * channels are not read, because what makes create recreate a worker (its
   * attributes, friendly name and workspace) does not depend on them; the
   * drift's channels are taken as desired.
   */
  async previewAdoption(desired: WorkerInputs): Promise<{ existing: FetchedWorker; drift: Drift } | undefined> {
    const wsSid = await this.workspaceSid(desired.workspace);
    const lookup = this.lookups.get(desired.friendlyName) ?? this.adoptableListed(wsSid, desired);
    this.lookups.set(desired.friendlyName, lookup);
    const existing = await lookup;
    if (!existing) return undefined;
    return { existing, drift: classify(desired, { ...projectLive(desired, existing.record, []), channels: desired.channels }) };
  }

  /**
   * Start the adoption lookups of workers the engine will check next
   * (src/reconcile/read-ahead.ts), concurrently; previewAdoption and create then
   * find them done. A failed lookup fails the check that awaits it, as before.
   */
  prefetchAdoptions(workspace: string, friendlyNames: readonly string[]): void {
    const wsSid = this.workspaceSid(workspace);
    for (const friendlyName of friendlyNames) {
      if (this.lookups.has(friendlyName)) continue;
      const lookup = wsSid.then((sid) => this.adoptableListed(sid, { friendlyName }));
      lookup.catch(() => undefined); // not every name read ahead is checked
      this.lookups.set(friendlyName, lookup);
    }
  }

  /**
   * Create-or-adopt: a worker with this friendly name (Flex's, or ours from a
   * run that timed out) is taken over, never duplicated.
   */
  async create(desired: WorkerInputs): Promise<{ sid: string; state: WorkerInputs }> {
    const tr = this.tr;
    const startedAt = Date.now();
    const wsSid = await this.workspaceSid(desired.workspace);
    // Reuse the preview's lookup when it found nothing (the common greenfield case).
    // A worker it found is fetched again for a fresh ETag; gone by now (a replacement
    // has just deleted it), a new one is created. Without a preview lookup, ask by name.
    const pending = this.lookups.get(desired.friendlyName);
    this.lookups.delete(desired.friendlyName);
    const cached = pending ? await pending.catch(() => null) : null;
    const existing = cached === undefined ? undefined : cached === null ? await this.adoptable(wsSid, desired) : await this.refetch(wsSid, desired, cached);
    const adopted = existing && (await this.adopt(wsSid, desired, existing));
    if (adopted) return { sid: adopted.sid, state: withReadAt(toState(adopted), existing.observedAt, startedAt) };
    const offline = await this.offlineActivity(wsSid);
    let created: FetchedWorker;
    try {
      created = await tr.createWorker(wsSid, desired.friendlyName, JSON.stringify(canonicalAttributes(desired)), offline);
    } catch (err) {
      // A retried POST whose first attempt landed, or a concurrent creator: adopt what is there.
      const again = isRestException(err) && err.status !== 401 && err.status !== 403 ? await this.adoptable(wsSid, desired) : undefined;
      const outs = again && (await this.adopt(wsSid, desired, again));
      if (!outs) throw this.explain(desired, "create", err);
      return { sid: outs.sid, state: withReadAt(toState(outs), again.observedAt, startedAt) };
    }
    const channels = await tr.listChannels(wsSid, created.record.sid);
    const outs = await this.writeChannels(wsSid, desired, { ...created.record, workspaceSid: wsSid }, channels);
    return { sid: outs.sid, state: withReadAt(toState(outs), created.observedAt, startedAt) };
  }

  /** The state of worker `sid` as live now, or undefined when it is gone. */
  async read(sid: string, stored: StoredWorker): Promise<ReadState | undefined> {
    const tr = this.tr;
    const wsSid = await this.workspaceSid(stored.workspace);
    this.index ??= this.newIndex();
    // Through the event log (change-log.ts): only what its events say changed is read.
    const index = this.index;
    const log = index.changes(wsSid);
    if (log) {
      const deps = { tr, notices: this.opts.notices, log, listedName: (s: string) => index.listedName(wsSid, s) };
      const fromLog = await readFromLog(deps, wsSid, sid, stored);
      if (fromLog !== "fallback") return fromLog;
    }
    // The path without the log (refresh-cache.ts): not written since the last full read, so only the channels are read.
    const unchanged = await readUnchanged(index, tr, wsSid, sid, stored);
    if (unchanged) return unchanged;
    const startedAt = Date.now();
    const fetched = await tr.fetchWorker(wsSid, sid);
    if (!fetched) return undefined;
    const channels = await tr.listChannels(wsSid, sid);
    const state = toState(projectLive(projectionOf(stored), fetched.record, channels));
    // Unchanged, anchored, and nothing new for the fast path to record: exactly the state held (no refresh diff).
    const dateUpdated = settledDateUpdated(fetched);
    const anchored = stored.readAt !== undefined && Date.now() - Date.parse(stored.readAt) < REANCHOR_AFTER_MS;
    if (anchored && sameState(state, stored) && (dateUpdated === undefined || dateUpdated === stored.dateUpdated)) return keep(stored);
    return withReadAt(dateUpdated ? { ...state, dateUpdated } : state, fetched.observedAt, startedAt);
  }

  /** Apply `desired` to worker `sid` with If-Match; a 412 (written under us) re-reads once. */
  async update(sid: string, desired: WorkerInputs): Promise<WorkerInputs & { readAt?: string }> {
    const wsSid = await this.workspaceSid(desired.workspace);
    for (let attempt = 0; ; attempt++) {
      const startedAt = Date.now();
      const fetched = await this.tr.fetchWorker(wsSid, sid);
      if (!fetched) {
        throw new Error(
          `${desired.email}: worker ${sid} was deleted outside flex-roster during this run; run \`pulumi up --refresh\` to recreate it`,
        );
      }
      try {
        return withReadAt(toState(await this.apply(wsSid, desired, fetched)), fetched.observedAt, startedAt);
      } catch (err) {
        if (isPreconditionFailed(err) && attempt === 0) continue;
        if (isPreconditionFailed(err)) {
          throw new Error(
            `${desired.email}: worker ${sid} changed while flex-roster was updating it (HTTP 412, ETag mismatch twice); re-run \`pulumi up\` to re-read it`,
          );
        }
        throw this.explain(desired, "update", err);
      }
    }
  }

  /** Safe delete of worker `sid`; one already gone is a success. */
  async delete(sid: string, stored: Pick<WorkerInputs, "workspace" | "email" | "friendlyName">): Promise<void> {
    try {
      await this.safeDelete(await this.workspaceSid(stored.workspace), sid, stored.email || stored.friendlyName);
    } catch (err) {
      // Twilio errors name the agent and status (a 401 names the setting to fix), like create and update.
      throw this.explain(stored, "delete", err);
    }
  }

  /**
   * Offline first, rejecting pending reservations, so no new work arrives while we
   * look; then refuse if the agent still has work in hand (accepted reservations,
   * assigned tasks) unless busy deletes are allowed.
   */
  private async safeDelete(wsSid: string, sid: string, who: string): Promise<void> {
    const offline = await this.offlineActivity(wsSid);
    try {
      await this.tr.updateWorker(wsSid, sid, { activitySid: offline, rejectPendingReservations: true });
    } catch (err) {
      if (isRestException(err) && err.status === 404) return; // already gone: success
      throw err;
    }
    const busy = await this.tr.busyState(wsSid, sid);
    if ((busy.acceptedReservations > 0 || busy.assignedTasks > 0) && !this.opts.allowBusyDelete?.()) {
      throw new Error(
        `${who}: refusing to delete worker ${sid}: it has ${busy.acceptedReservations} accepted reservation(s) and ` +
          `${busy.assignedTasks} assigned task(s). It is now Offline, so no new work reaches it. Wait until the agent is idle, ` +
          `or set \`pulumi config set flex-roster:allowBusyDelete true\` (or FLEX_ROSTER_ALLOW_BUSY_DELETE=true) to delete it anyway`,
      );
    }
    await this.tr.deleteWorker(wsSid, sid);
  }

  /**
   * As adoptable, from the run's worker list (refresh-cache.ts): no call for a
   * name nobody has, one fetch for a name that is taken.
   */
  private async adoptableListed(wsSid: string, desired: Pick<WorkerInputs, "friendlyName">): Promise<FetchedWorker | undefined> {
    this.index ??= this.newIndex();
    const sids = await this.index.named(wsSid, desired.friendlyName);
    if (sids === undefined) return this.adoptable(wsSid, desired);
    for (const sid of sids) {
      const fetched = await this.tr.fetchWorker(wsSid, sid);
      if (fetched && sameName(fetched.record.friendlyName, desired.friendlyName)) return fetched;
    }
    // Listed but gone or renamed since the list: ask Twilio by name.
    return sids.length > 0 ? this.adoptable(wsSid, desired) : undefined;
  }

  /** The preview's adoptee again, with a fresh ETag; renamed since, whoever has the name now. */
  private async refetch(wsSid: string, desired: WorkerInputs, found: FetchedWorker): Promise<FetchedWorker | undefined> {
    const again = await this.tr.fetchWorker(wsSid, found.record.sid);
    if (!again) return undefined;
    return sameName(again.record.friendlyName, desired.friendlyName) ? again : this.adoptable(wsSid, desired);
  }

  private newIndex(): WorkerIndex {
    const marginMs = this.opts.eventLagMarginMs?.() ?? DEFAULT_LAG_MARGIN_MS;
    return new WorkerIndex((ws) => this.tr.listWorkerDates(ws), Date.now, {
      read: (ws, type, start, end) => this.tr.listWorkerEvents(ws, type, start, end),
      marginMs,
    });
  }

  /** The worker named like `desired` (Twilio compares case-insensitively), fetched with its ETag. */
  private async adoptable(wsSid: string, desired: Pick<WorkerInputs, "friendlyName">): Promise<FetchedWorker | undefined> {
    const found = await this.tr.findWorkersByFriendlyName(wsSid, desired.friendlyName);
    const match = found.find((w) => sameName(w.friendlyName, desired.friendlyName));
    return match ? this.tr.fetchWorker(wsSid, match.sid) : undefined;
  }

  /** Adopt an existing worker: fix it in place, or delete it if corrupted (undefined: create a fresh one). */
  private async adopt(wsSid: string, desired: WorkerInputs, existing: FetchedWorker): Promise<WorkerOutputs | undefined> {
    const channels = await this.tr.listChannels(wsSid, existing.record.sid);
    const drift = classify(desired, projectLive(desired, existing.record, channels));
    if (drift.kind === "replace") {
      await this.opts.notices.recreate(desired.email, drift);
      await this.safeDelete(wsSid, existing.record.sid, desired.email);
      return undefined;
    }
    return this.apply(wsSid, desired, existing, channels);
  }

  /** Write the managed attributes (If-Match) and channels that differ; returns the new outputs. */
  private async apply(wsSid: string, desired: WorkerInputs, fetched: FetchedWorker, listed?: Channels): Promise<WorkerOutputs> {
    const channels = listed ?? (await this.tr.listChannels(wsSid, fetched.record.sid));
    const drift = classify(desired, projectLive(desired, { ...fetched.record, workspaceSid: wsSid }, channels));
    if (drift.kind === "replace") {
      throw new Error(
        `${desired.email}: worker ${fetched.record.sid} is corrupted (${drift.corruptions.map((c) => c.message).join("; ")}); ` +
          "it changed after the plan was made. Run `pulumi up` again to plan its replacement",
      );
    }
    let record = fetched.record;
    if (drift.changes.some((c) => c.field !== "channels") || desired.ownAllAttributes) {
      const next = JSON.stringify(canonicalAttributes(desired, parseAttributes(record.attributes).value));
      if (next !== record.attributes) {
        record = (await this.tr.updateWorker(wsSid, record.sid, { attributes: next }, fetched.etag)).record;
      }
    }
    return this.writeChannels(wsSid, desired, { ...record, workspaceSid: wsSid }, channels);
  }

  /** Set each managed channel's capacity and availability where they differ. */
  private async writeChannels(wsSid: string, desired: WorkerInputs, record: FetchedWorker["record"], channels: Channels): Promise<WorkerOutputs> {
    const missing = Object.keys(desired.channels).filter((n) => !channels.some((c) => c.taskChannelUniqueName === n));
    if (missing.length > 0) {
      throw new Error(
        `${desired.email}: the workspace has no task channel ${missing.map((m) => `"${m}"`).join(", ")}; ` +
          `worker ${record.sid} has channels ${channels.map((c) => c.taskChannelUniqueName).join(", ")}`,
      );
    }
    const updated: LiveChannelRecord[] = await Promise.all(
      channels.map(async (c) => {
        const wantState = desired.channels[c.taskChannelUniqueName];
        if (wantState === undefined) return c;
        const want = channelSpec(wantState);
        const params: { capacity?: number; available?: boolean } = {};
        if (want.capacity !== c.configuredCapacity) params.capacity = want.capacity;
        if (want.available !== c.available) params.available = want.available;
        return Object.keys(params).length === 0 ? c : this.tr.updateChannel(wsSid, record.sid, c.sid, params);
      }),
    );
    return projectLive(desired, record, updated);
  }

  /** An SDK error as one line naming the agent, Twilio's status and code. */
  private explain(who: Pick<WorkerInputs, "email" | "friendlyName">, op: string, err: unknown): Error {
    if (!isRestException(err)) return err instanceof Error ? err : new Error(String(err));
    const why = err.status === 401 ? credentialsMessage(this.tr.client.settings, err) : twilioErrorText(err);
    return new Error(`${who.email}: ${op} of worker "${who.friendlyName}" failed: ${why}`);
  }
}
