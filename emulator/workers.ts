/**
 * Workers and their channels, with Twilio's rules: unique friendly names
 * (case-insensitive), JSON-object attributes, ETags and If-Match, channel
 * capacities. Seeding plants workers that break those rules on purpose.
 */

import type { Catalogue } from "./catalogue";
import { Errors, orNotFound } from "./errors";
import { EventLog, type Actor } from "./events";
import { compileExpression, type ExpressionSubject } from "./expression";
import { eligibility } from "./routing";
import { lowerBound, paginate, type PageRequest, type PageResult } from "./paging";
import {
  lower,
  now,
  parseAttributes,
  requireAttributes,
  requireFriendlyName,
  zeroCounters,
  type ActivityRec,
  type StoreContext,
  type WorkerChannelRec,
  type WorkerRec,
  type WorkspaceRec,
  workspaceIndex,
} from "./records";
import type { Reservations } from "./reservations";
import { newSid } from "./sids";

export const MAX_CHANNEL_CAPACITY = 50;
export const DEFAULT_CHANNEL_CAPACITY = 1;

export interface CreateWorkerInput {
  friendlyName?: string;
  attributes?: string;
  activitySid?: string;
}

export interface UpdateWorkerInput extends CreateWorkerInput {
  rejectPendingReservations?: boolean;
}

export interface WorkerFilter {
  friendlyName?: string;
  activityName?: string;
  activitySid?: string;
  /** Already interpreted: true = only available workers, false = only unavailable. */
  available?: boolean;
  targetWorkersExpression?: string;
  /** A TaskQueue's target_workers (TaskQueueSid/TaskQueueName filters); null: no such queue, no worker. */
  eligibleFor?: string | null;
}

/** A worker planted through the control API: no validation at all. */
export interface SeedWorkerSpec {
  friendlyName: string;
  /** Raw attributes string (may be invalid JSON); an object is JSON-encoded. Default "{}". */
  attributes?: string | Record<string, unknown>;
  /** Per task channel unique name (or TC sid). */
  channels?: Record<string, { capacity?: number; available?: boolean }>;
  activityName?: string;
  activitySid?: string;
}

interface WorkerIndex {
  bySid: Map<string, WorkerRec>;
  /** Lowercased friendly name -> worker SIDs (a set: seeded workers may share names). */
  byName: Map<string, Set<string>>;
}

// Parsed attributes per worker, reused while the raw string is unchanged
// (expression filters evaluate every worker of a 15,000-worker workspace).
const parsedCache = new WeakMap<WorkerRec, { raw: string; parsed: Record<string, unknown> | null }>();

/** A worker's parsed attributes (cached); null when they are not a JSON object. */
function workerAttributes(w: WorkerRec): Record<string, unknown> | null {
  const hit = parsedCache.get(w);
  if (hit && hit.raw === w.attributes) return hit.parsed;
  const parsed = parseAttributes(w.attributes);
  parsedCache.set(w, { raw: w.attributes, parsed });
  return parsed;
}

/** Strip weak-validator prefix and quotes so `"3"`, `W/"3"` and `3` compare equal. */
function normalizeEtag(tag: string): string {
  return tag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

export class Workers {
  private readonly idx = workspaceIndex<WorkerIndex>((ws) => {
    const ix: WorkerIndex = { bySid: new Map(), byName: new Map() };
    for (const w of ws.workers) {
      ix.bySid.set(w.sid, w);
      addName(ix.byName, w.friendlyName, w.sid);
    }
    return ix;
  });

  constructor(
    private readonly ctx: StoreContext,
    private readonly catalogue: Catalogue,
    private readonly reservations: Reservations,
    private readonly events: EventLog,
  ) {}

  // -- lookups ----------------------------------------------------------------

  /** Worker by WK sid; 404 with `path` in the message otherwise. */
  get(ws: WorkspaceRec, sid: string, path: string): WorkerRec {
    return orNotFound(this.idx(ws).bySid.get(sid), path);
  }

  /** Worker by WK sid or friendly name (case-insensitive; first match). */
  find(ws: WorkspaceRec, ref: string): WorkerRec | undefined {
    const ix = this.idx(ws);
    const bySid = ix.bySid.get(ref);
    if (bySid) return bySid;
    const sids = ix.byName.get(lower(ref));
    if (!sids || sids.size === 0) return undefined;
    return ix.bySid.get(sids.values().next().value as string);
  }

  etag(w: WorkerRec): string {
    return String(w.version);
  }

  list(ws: WorkspaceRec, filter: WorkerFilter, page: PageRequest): PageResult<WorkerRec> {
    const ix = this.idx(ws);
    let candidates: readonly WorkerRec[] = ws.workers;
    if (filter.friendlyName !== undefined) {
      const sids = ix.byName.get(lower(filter.friendlyName));
      candidates = sids ? [...sids].map((s) => ix.bySid.get(s)!).sort((a, b) => a.seq - b.seq) : [];
    }
    const activities = new Map(ws.activities.map((a) => [a.sid, a]));
    const conds: Array<(w: WorkerRec) => boolean> = [];
    if (filter.activitySid !== undefined) {
      const sid = filter.activitySid;
      conds.push((w) => w.activitySid === sid);
    }
    if (filter.activityName !== undefined) {
      const name = lower(filter.activityName);
      const sids = new Set(ws.activities.filter((a) => lower(a.friendlyName) === name).map((a) => a.sid));
      conds.push((w) => sids.has(w.activitySid));
    }
    if (filter.available !== undefined) {
      const want = filter.available;
      conds.push((w) => (activities.get(w.activitySid)?.available ?? false) === want);
    }
    if (filter.targetWorkersExpression !== undefined && filter.targetWorkersExpression.trim() !== "") {
      const expr = compileExpression(filter.targetWorkersExpression);
      conds.push((w) => expr(expressionSubject(w, activities.get(w.activitySid))));
    }
    if (filter.eligibleFor !== undefined) {
      const queue = filter.eligibleFor === null ? () => false : eligibility(filter.eligibleFor);
      conds.push((w) => queue(expressionSubject(w, activities.get(w.activitySid))));
    }
    const match = conds.length === 0 ? null : (w: WorkerRec) => conds.every((c) => c(w));
    return paginate(candidates, match, page);
  }

  /** How many workers a TaskQueue's target_workers picks (its total_eligible_workers). */
  countEligible(ws: WorkspaceRec, targetWorkers: string): { eligible: number; available: number } {
    const activities = new Map(ws.activities.map((a) => [a.sid, a]));
    const expr = eligibility(targetWorkers);
    let eligible = 0;
    let available = 0;
    for (const w of ws.workers) {
      const activity = activities.get(w.activitySid);
      if (!expr(expressionSubject(w, activity))) continue;
      eligible++;
      if (activity?.available) available++;
    }
    return { eligible, available };
  }

  /** A worker's attributes as a TaskQueue's expression sees them (null: not a JSON object). */
  attributesOf(w: WorkerRec): Record<string, unknown> | null {
    return workerAttributes(w);
  }

  // -- writes -----------------------------------------------------------------

  /** `actor`: who writes (events' actor_sid/actor_type); default the workspace, as for a REST API call. */
  create(ws: WorkspaceRec, input: CreateWorkerInput, actor?: Actor): WorkerRec {
    requireFriendlyName(input.friendlyName, true);
    const attributes = input.attributes ?? "{}";
    requireAttributes(attributes);
    const activity = this.catalogue.requireActivity(ws, input.activitySid ?? ws.defaultActivitySid);
    this.requireUniqueName(ws, input.friendlyName!);
    const t = now();
    const w = this.add(ws, input.friendlyName!, attributes, activity.sid, this.newChannels(ws, t), t);
    this.event(ws, w, "worker.created", `Worker ${w.friendlyName} created`, actor);
    this.ctx.changed();
    return w;
  }

  update(ws: WorkspaceRec, w: WorkerRec, input: UpdateWorkerInput, ifMatch?: string, actor?: Actor): WorkerRec {
    this.checkIfMatch(w, ifMatch);
    requireFriendlyName(input.friendlyName, false);
    if (input.attributes !== undefined) requireAttributes(input.attributes);
    const activity = input.activitySid !== undefined ? this.catalogue.requireActivity(ws, input.activitySid) : undefined;
    if (input.friendlyName !== undefined) this.requireUniqueName(ws, input.friendlyName, w.sid);
    if (input.rejectPendingReservations) {
      if (!activity) throw Errors.badRequest("RejectPendingReservations requires ActivitySid");
      if (activity.available) {
        throw Errors.badRequest("RejectPendingReservations is only valid with an Activity whose availability is false");
      }
    }

    const t = now();
    if (input.friendlyName !== undefined && input.friendlyName !== w.friendlyName) {
      const ix = this.idx(ws);
      removeName(ix.byName, w.friendlyName, w.sid);
      w.friendlyName = input.friendlyName;
      addName(ix.byName, w.friendlyName, w.sid);
    }
    if (input.attributes !== undefined) w.attributes = input.attributes;
    let previous: { sid: string; since: number } | undefined;
    if (activity && activity.sid !== w.activitySid) {
      previous = { sid: w.activitySid, since: w.dateStatusChanged };
      w.activitySid = activity.sid;
      w.dateStatusChanged = t;
    }
    if (input.rejectPendingReservations) this.reservations.rejectPending(ws, w, t);
    w.dateUpdated = Math.max(t, w.dateUpdated);
    w.version++;
    // Every write of Attributes is an event, also one that writes the same values
    // (an SSO login does); a rename alone records none (no event type documents one).
    if (input.attributes !== undefined) this.event(ws, w, "worker.attributes.update", `Worker ${w.friendlyName} attributes updated`, actor);
    if (previous) {
      const ms = t - previous.since;
      this.event(ws, w, "worker.activity.update", `Worker ${w.friendlyName} updated to ${activity!.friendlyName} Activity`, actor, {
        worker_previous_activity_sid: previous.sid,
        worker_time_in_previous_activity: String(Math.floor(ms / 1000)),
        worker_time_in_previous_activity_ms: String(ms),
      });
    }
    this.ctx.changed();
    return w;
  }

  delete(ws: WorkspaceRec, w: WorkerRec, ifMatch?: string, actor?: Actor): void {
    this.checkIfMatch(w, ifMatch);
    const active = this.reservations.active(ws, w.sid);
    if (active.length > 0 && this.ctx.options.rejectDeleteWhenBusy) {
      throw Errors.badRequest(
        `Worker ${w.sid} cannot be deleted: it has ${active.length} active reservation(s) or assigned task(s)`,
      );
    }
    this.reservations.dropWorker(ws, w, now());
    const ix = this.idx(ws);
    const at = lowerBound(ws.workers, w.seq);
    if (ws.workers[at] === w) ws.workers.splice(at, 1);
    ix.bySid.delete(w.sid);
    removeName(ix.byName, w.friendlyName, w.sid);
    this.event(ws, w, "worker.deleted", `Worker ${w.friendlyName} deleted`, actor);
    this.ctx.changed();
  }

  /** Plant workers without any validation (duplicates, non-JSON attributes, any capacity). */
  seed(ws: WorkspaceRec, specs: readonly SeedWorkerSpec[]): WorkerRec[] {
    // Check the channel names first, so that a bad spec plants nothing.
    for (const spec of specs) {
      if (spec === null || typeof spec !== "object") throw Errors.badRequest("each seeded worker must be an object");
      for (const ref of Object.keys(spec.channels ?? {})) {
        if (!this.catalogue.findTaskChannel(ws, ref)) throw Errors.badRequest(`Unknown task channel ${ref}`);
      }
    }
    const t = now();
    const byName = new Map(ws.activities.map((a) => [lower(a.friendlyName), a]));
    const out: WorkerRec[] = [];
    for (const spec of specs) {
      const activity =
        (spec.activitySid && this.catalogue.activityOf(ws, spec.activitySid)) ||
        (spec.activityName && byName.get(lower(spec.activityName))) ||
        this.catalogue.activityOf(ws, ws.defaultActivitySid)!;
      const attributes =
        spec.attributes === undefined
          ? "{}"
          : typeof spec.attributes === "string"
            ? spec.attributes
            : JSON.stringify(spec.attributes);
      const channels = this.newChannels(ws, t);
      for (const [ref, conf] of Object.entries(spec.channels ?? {})) {
        const tc = this.catalogue.findTaskChannel(ws, ref)!;
        const ch = channels.find((c) => c.taskChannelSid === tc.sid)!;
        if (conf.capacity !== undefined) ch.capacity = conf.capacity;
        if (conf.available !== undefined) ch.available = conf.available;
      }
      out.push(this.add(ws, String(spec.friendlyName), attributes, activity.sid, channels, t));
    }
    if (out.length > 0) this.ctx.changed();
    return out;
  }

  // -- worker channels --------------------------------------------------------

  listChannels(w: WorkerRec, page: PageRequest): PageResult<WorkerChannelRec> {
    return paginate(w.channels, null, page);
  }

  /** Worker channel by WC sid, TC sid or task channel unique name. */
  channel(ws: WorkspaceRec, w: WorkerRec, ref: string, path: string): WorkerChannelRec {
    let ch = w.channels.find((c) => c.sid === ref);
    if (!ch) {
      const tc = this.catalogue.findTaskChannel(ws, ref);
      if (tc) ch = w.channels.find((c) => c.taskChannelSid === tc.sid);
    }
    return orNotFound(ch, path);
  }

  updateChannel(
    ws: WorkspaceRec,
    w: WorkerRec,
    ch: WorkerChannelRec,
    input: { capacity?: number; available?: boolean },
    actor?: Actor,
  ): WorkerChannelRec {
    if (input.capacity !== undefined) {
      if (!Number.isInteger(input.capacity) || input.capacity < 0 || input.capacity > MAX_CHANNEL_CAPACITY) {
        throw Errors.badRequest(`Capacity must be an integer between 0 and ${MAX_CHANNEL_CAPACITY}`);
      }
    }
    const previous = { capacity: ch.capacity, available: ch.available };
    if (input.capacity !== undefined) ch.capacity = input.capacity;
    if (input.available !== undefined) ch.available = input.available;
    ch.dateUpdated = Math.max(now(), ch.dateUpdated);
    const name = this.catalogue.taskChannelOf(ws, ch.taskChannelSid)?.uniqueName ?? ch.taskChannelSid;
    const data = EventLog.channelData(ch, name, previous);
    if (input.capacity !== undefined) {
      this.event(ws, w, "worker.capacity.update", `Worker ${w.friendlyName} ${name} capacity updated to ${ch.capacity}`, actor, data);
    }
    if (input.available !== undefined) {
      this.event(ws, w, "worker.channel.availability.update", `Worker ${w.friendlyName} ${name} availability updated to ${ch.available}`, actor, data);
    }
    this.ctx.changed();
    return ch;
  }

  // -- internals --------------------------------------------------------------

  private event(ws: WorkspaceRec, w: WorkerRec, type: string, description: string, actor: Actor | undefined, extra: Record<string, unknown> = {}): void {
    const activityName = this.catalogue.activityOf(ws, w.activitySid)?.friendlyName ?? null;
    this.events.recordWorker(ws, w, type, description, actor ?? { type: "workspace", sid: ws.sid }, { activityName }, extra, this.ctx.nextSeq());
  }

  private checkIfMatch(w: WorkerRec, ifMatch: string | undefined): void {
    if (ifMatch === undefined || this.ctx.options.ignoreIfMatch) return;
    const tags = ifMatch.split(",").map(normalizeEtag);
    if (tags.includes("*")) return;
    if (!tags.includes(normalizeEtag(this.etag(w)))) throw Errors.preconditionFailed();
  }

  private requireUniqueName(ws: WorkspaceRec, name: string, exceptSid?: string): void {
    const sids = this.idx(ws).byName.get(lower(name));
    if (!sids) return;
    for (const sid of sids) {
      if (sid !== exceptSid) throw Errors.duplicateName("Worker", name, ws.sid, this.ctx.accountSid);
    }
  }

  /** One channel per task channel of the workspace, as Twilio gives a new worker. */
  private newChannels(ws: WorkspaceRec, t: number): WorkerChannelRec[] {
    return ws.taskChannels.map((tc) => ({
      sid: newSid("WC"),
      seq: this.ctx.nextSeq(),
      taskChannelSid: tc.sid,
      capacity: DEFAULT_CHANNEL_CAPACITY,
      available: true,
      dateCreated: t,
      dateUpdated: t,
    }));
  }

  /** A new worker record, indexed; callers validate (or, for seeding, deliberately don't). */
  private add(
    ws: WorkspaceRec,
    friendlyName: string,
    attributes: string,
    activitySid: string,
    channels: WorkerChannelRec[],
    t: number,
  ): WorkerRec {
    const w: WorkerRec = {
      sid: newSid("WK"),
      seq: this.ctx.nextSeq(),
      friendlyName,
      attributes,
      activitySid,
      dateCreated: t,
      dateUpdated: t,
      dateStatusChanged: t,
      version: 0,
      channels,
      stats: zeroCounters(),
    };
    ws.workers.push(w); // seq is the highest so far: the array stays sorted
    const ix = this.idx(ws);
    ix.bySid.set(w.sid, w);
    addName(ix.byName, w.friendlyName, w.sid);
    return w;
  }
}

/** What a `TargetWorkersExpression` sees of a worker. */
function expressionSubject(w: WorkerRec, activity: ActivityRec | undefined): ExpressionSubject {
  return {
    sid: w.sid,
    friendly_name: w.friendlyName,
    activity_sid: w.activitySid,
    activity_name: activity?.friendlyName ?? "",
    attributes: workerAttributes(w),
  };
}

function addName(map: Map<string, Set<string>>, name: string, sid: string): void {
  const key = lower(name);
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(sid);
}

function removeName(map: Map<string, Set<string>>, name: string, sid: string): void {
  const key = lower(name);
  const set = map.get(key);
  if (!set) return;
  set.delete(sid);
  if (set.size === 0) map.delete(key);
}
