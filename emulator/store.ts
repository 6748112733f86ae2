/**
 * The emulator's in-memory TaskRouter state and its Twilio semantics
 * (validation, uniqueness, ETags, reservations). No HTTP here: the routes in
 * twilio-routes.ts and the control API both call into this module.
 */

import { DEFAULT_WORKSPACE_NAME } from "./credentials";
import { Errors, TwilioApiError } from "./errors";
import { compileExpression, type ExpressionSubject } from "./expression";
import { lowerBound, paginate, type PageRequest, type PageResult } from "./paging";
import type { FlexConfigRec } from "./flex";
import { isSid, newSid } from "./sids";

// ---------------------------------------------------------------------------
// Records

export type ReservationStatus =
  | "pending"
  | "accepted"
  | "rejected"
  | "timeout"
  | "canceled"
  | "rescinded"
  | "wrapping"
  | "completed";

export type TaskStatus = "pending" | "reserved" | "assigned" | "wrapping" | "completed" | "canceled";

/** Reservation statuses that make a worker busy. */
export const ACTIVE_RESERVATION_STATUSES: ReadonlySet<ReservationStatus> = new Set(["pending", "accepted", "wrapping"]);

export interface ActivityRec {
  sid: string;
  seq: number;
  friendlyName: string;
  available: boolean;
  dateCreated: number;
  dateUpdated: number;
}

export interface TaskChannelRec {
  sid: string;
  seq: number;
  uniqueName: string;
  friendlyName: string;
  channelOptimizedRouting: boolean | null;
  dateCreated: number;
  dateUpdated: number;
}

export interface WorkerChannelRec {
  sid: string;
  seq: number;
  taskChannelSid: string;
  capacity: number;
  available: boolean;
  dateCreated: number;
  dateUpdated: number;
}

export interface ReservationCounters {
  created: number;
  accepted: number;
  rejected: number;
  timedOut: number;
  canceled: number;
  rescinded: number;
}

export interface WorkerRec {
  sid: string;
  seq: number;
  friendlyName: string;
  /** Raw attributes string as stored (seeded workers may hold non-JSON). */
  attributes: string;
  activitySid: string;
  dateCreated: number;
  dateUpdated: number;
  dateStatusChanged: number;
  /** Bumped on every write to the worker; the ETag. */
  version: number;
  channels: WorkerChannelRec[];
  stats: ReservationCounters;
}

export interface TaskRec {
  sid: string;
  seq: number;
  taskChannelSid: string;
  status: TaskStatus;
  workerSid: string | null;
  attributes: string;
  dateCreated: number;
  dateUpdated: number;
}

export interface ReservationRec {
  sid: string;
  seq: number;
  taskSid: string;
  workerSid: string;
  status: ReservationStatus;
  dateCreated: number;
  dateUpdated: number;
}

export interface WorkspaceRec {
  sid: string;
  seq: number;
  friendlyName: string;
  dateCreated: number;
  dateUpdated: number;
  defaultActivitySid: string;
  timeoutActivitySid: string;
  multiTaskEnabled: boolean;
  prioritizeQueueOrder: "FIFO" | "LIFO";
  eventCallbackUrl: string | null;
  eventsFilter: string | null;
  activities: ActivityRec[];
  taskChannels: TaskChannelRec[];
  /** Sorted by seq (creation order): the stable paging order. */
  workers: WorkerRec[];
  tasks: TaskRec[];
  reservations: ReservationRec[];
  cumulative: ReservationCounters;
}

/** Indexes kept beside a workspace; rebuilt on load. */
interface WorkspaceIndex {
  activityBySid: Map<string, ActivityRec>;
  channelBySid: Map<string, TaskChannelRec>;
  channelByName: Map<string, TaskChannelRec>;
  workerBySid: Map<string, WorkerRec>;
  /** Lowercased friendly name -> worker SIDs (a set: seeded workers may share names). */
  workerByName: Map<string, Set<string>>;
  taskBySid: Map<string, TaskRec>;
  reservationBySid: Map<string, ReservationRec>;
  reservationsByWorker: Map<string, ReservationRec[]>;
}

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

export const MAX_CHANNEL_CAPACITY = 50;
export const DEFAULT_CHANNEL_CAPACITY = 1;
export const MAX_FRIENDLY_NAME_LENGTH = 64;

// ---------------------------------------------------------------------------
// Inputs

export interface CreateWorkerInput {
  friendlyName?: string;
  attributes?: string;
  activitySid?: string;
}

export interface UpdateWorkerInput {
  friendlyName?: string;
  attributes?: string;
  activitySid?: string;
  rejectPendingReservations?: boolean;
}

export interface WorkerFilter {
  friendlyName?: string;
  activityName?: string;
  activitySid?: string;
  /** Already interpreted: true = only available workers, false = only unavailable. */
  available?: boolean;
  targetWorkersExpression?: string;
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

export interface MarkBusyOptions {
  /** Status of the reservation to create. Default "accepted" (= an assigned task). */
  status?: "pending" | "accepted" | "wrapping";
  /** Task channel unique name or TC sid. Default "voice". */
  channel?: string;
}

export interface MarkBusyResult {
  workerSid: string;
  taskSid: string;
  reservationSid: string;
  reservationStatus: ReservationStatus;
  taskStatus: TaskStatus;
}

export interface StoreOptions {
  accountSid: string;
  /** Refuse (400) to delete a worker with active reservations/tasks. Default false. */
  rejectDeleteWhenBusy?: boolean;
  /** Serve the Flex Configuration (an account with Flex). Default true. */
  flexEnabled?: boolean;
}

// ---------------------------------------------------------------------------
// Helpers

let lastNow = 0;
/** Wall clock in ms, never going backwards. */
export function now(): number {
  lastNow = Math.max(Date.now(), lastNow);
  return lastNow;
}

function zeroCounters(): ReservationCounters {
  return { created: 0, accepted: 0, rejected: 0, timedOut: 0, canceled: 0, rescinded: 0 };
}

// Parsed attributes per worker, reused while the raw string is unchanged
// (expression filters evaluate every worker of a 15,000-worker workspace).
const parsedCache = new WeakMap<WorkerRec, { raw: string; parsed: Record<string, unknown> | null }>();

/** A worker's parsed attributes (cached); null when they are not a JSON object. */
export function workerAttributes(w: WorkerRec): Record<string, unknown> | null {
  const hit = parsedCache.get(w);
  if (hit && hit.raw === w.attributes) return hit.parsed;
  const parsed = parseAttributes(w.attributes);
  parsedCache.set(w, { raw: w.attributes, parsed });
  return parsed;
}

/** Parse worker attributes; null when not a JSON object. */
export function parseAttributes(raw: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function requireAttributes(raw: string): void {
  if (parseAttributes(raw) === null) {
    throw Errors.badRequest(`Attributes must be a valid JSON object, got: ${raw.length > 80 ? raw.slice(0, 80) + "..." : raw}`);
  }
}

function requireFriendlyName(name: string | undefined, required: boolean): void {
  if (name === undefined) {
    if (required) throw Errors.missingParameter("FriendlyName");
    return;
  }
  if (name.trim() === "") throw Errors.badRequest("FriendlyName must not be empty");
  if (name.length > MAX_FRIENDLY_NAME_LENGTH) {
    throw Errors.badRequest(`FriendlyName must be at most ${MAX_FRIENDLY_NAME_LENGTH} characters long`);
  }
}

const lower = (s: string): string => s.toLowerCase();

/** Strip weak-validator prefix and quotes so `"3"`, `W/"3"` and `3` compare equal. */
function normalizeEtag(tag: string): string {
  return tag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}

// ---------------------------------------------------------------------------
// Store

export class Store {
  readonly accountSid: string;
  readonly options: { rejectDeleteWhenBusy: boolean; flexEnabled: boolean };
  /** The account's Flex Configuration (emulator/flex.ts); undefined until a workspace exists. */
  flexConfig: FlexConfigRec | undefined;
  private readonly workspaceList: WorkspaceRec[] = [];
  private readonly workspaceBySid = new Map<string, WorkspaceRec>();
  private readonly index = new Map<string, WorkspaceIndex>();
  private seq = 0;
  /** Called after every state change (persistence hooks in here). */
  onChange: () => void = () => {};

  constructor(opts: StoreOptions) {
    this.accountSid = opts.accountSid;
    this.options = { rejectDeleteWhenBusy: opts.rejectDeleteWhenBusy ?? false, flexEnabled: opts.flexEnabled ?? true };
  }

  private nextSeq(): number {
    return ++this.seq;
  }

  private changed(): void {
    this.onChange();
  }

  // -- workspaces -----------------------------------------------------------

  get workspaces(): readonly WorkspaceRec[] {
    return this.workspaceList;
  }

  createWorkspace(input: {
    friendlyName?: string;
    multiTaskEnabled?: boolean;
    prioritizeQueueOrder?: string;
    eventCallbackUrl?: string;
    eventsFilter?: string;
  }): WorkspaceRec {
    requireFriendlyName(input.friendlyName, true);
    const order = input.prioritizeQueueOrder ?? "FIFO";
    if (order !== "FIFO" && order !== "LIFO") throw Errors.badRequest("PrioritizeQueueOrder must be FIFO or LIFO");
    const t = now();
    const activities: ActivityRec[] = DEFAULT_ACTIVITIES.map(([name, available]) => ({
      sid: newSid("WA"),
      seq: this.nextSeq(),
      friendlyName: name,
      available,
      dateCreated: t,
      dateUpdated: t,
    }));
    const taskChannels: TaskChannelRec[] = DEFAULT_TASK_CHANNELS.map(([unique, friendly]) => ({
      sid: newSid("TC"),
      seq: this.nextSeq(),
      uniqueName: unique,
      friendlyName: friendly,
      channelOptimizedRouting: null,
      dateCreated: t,
      dateUpdated: t,
    }));
    const offline = activities[0]!.sid;
    const ws: WorkspaceRec = {
      sid: newSid("WS"),
      seq: this.nextSeq(),
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
    };
    this.addWorkspace(ws);
    this.changed();
    return ws;
  }

  /** Create the default "Flex Task Assignment" workspace when there is none. */
  ensureDefaultWorkspace(): WorkspaceRec {
    return (
      this.workspaceList.find((w) => w.friendlyName === DEFAULT_WORKSPACE_NAME) ??
      this.createWorkspace({ friendlyName: DEFAULT_WORKSPACE_NAME })
    );
  }

  private addWorkspace(ws: WorkspaceRec): void {
    this.workspaceList.push(ws);
    this.workspaceBySid.set(ws.sid, ws);
    this.index.set(ws.sid, buildIndex(ws));
  }

  listWorkspaces(filter: { friendlyName?: string }, page: PageRequest): PageResult<WorkspaceRec> {
    const name = filter.friendlyName;
    return paginate(this.workspaceList, name === undefined ? null : (w) => w.friendlyName === name, page);
  }

  /** Workspace by SID; 404 with `path` in the message otherwise. */
  workspace(sid: string, path: string): WorkspaceRec {
    const ws = this.workspaceBySid.get(sid);
    if (!ws) throw Errors.notFound(path);
    return ws;
  }

  /** Workspace by SID, or by friendly name, or "default" (= the first). Undefined when absent. */
  findWorkspace(ref: string): WorkspaceRec | undefined {
    if (ref === "default") return this.workspaceList[0];
    return this.workspaceBySid.get(ref) ?? this.workspaceList.find((w) => lower(w.friendlyName) === lower(ref));
  }

  private idx(ws: WorkspaceRec): WorkspaceIndex {
    return this.index.get(ws.sid)!;
  }

  // -- activities & task channels ------------------------------------------

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
    const a = this.idx(ws).activityBySid.get(sid);
    if (!a) throw Errors.notFound(path);
    return a;
  }

  activityOf(ws: WorkspaceRec, sid: string): ActivityRec | undefined {
    return this.idx(ws).activityBySid.get(sid);
  }

  listTaskChannels(ws: WorkspaceRec, page: PageRequest) {
    return paginate(ws.taskChannels, null, page);
  }

  /** Task channel by TC sid or unique name. */
  taskChannel(ws: WorkspaceRec, ref: string, path: string): TaskChannelRec {
    const ch = this.findTaskChannel(ws, ref);
    if (!ch) throw Errors.notFound(path);
    return ch;
  }

  findTaskChannel(ws: WorkspaceRec, ref: string): TaskChannelRec | undefined {
    const ix = this.idx(ws);
    return ix.channelBySid.get(ref) ?? ix.channelByName.get(lower(ref));
  }

  taskChannelOf(ws: WorkspaceRec, sid: string): TaskChannelRec | undefined {
    return this.idx(ws).channelBySid.get(sid);
  }

  // -- workers ---------------------------------------------------------------

  worker(ws: WorkspaceRec, sid: string, path: string): WorkerRec {
    const w = this.idx(ws).workerBySid.get(sid);
    if (!w) throw Errors.notFound(path);
    return w;
  }

  /** Worker by WK sid or friendly name (case-insensitive; first match). */
  findWorker(ws: WorkspaceRec, ref: string): WorkerRec | undefined {
    const ix = this.idx(ws);
    const bySid = ix.workerBySid.get(ref);
    if (bySid) return bySid;
    const sids = ix.workerByName.get(lower(ref));
    if (!sids || sids.size === 0) return undefined;
    return ix.workerBySid.get(sids.values().next().value as string);
  }

  workerCount(ws: WorkspaceRec): number {
    return ws.workers.length;
  }

  etag(w: WorkerRec): string {
    return String(w.version);
  }

  private checkIfMatch(w: WorkerRec, ifMatch: string | undefined): void {
    if (ifMatch === undefined) return;
    const tags = ifMatch.split(",").map(normalizeEtag);
    if (tags.includes("*")) return;
    if (!tags.includes(normalizeEtag(this.etag(w)))) throw Errors.preconditionFailed();
  }

  private requireUniqueName(ws: WorkspaceRec, name: string, exceptSid?: string): void {
    const sids = this.idx(ws).workerByName.get(lower(name));
    if (!sids) return;
    for (const sid of sids) {
      if (sid !== exceptSid) throw Errors.duplicateName("Worker", name, ws.sid, this.accountSid);
    }
  }

  private requireActivity(ws: WorkspaceRec, sid: string): ActivityRec {
    const a = isSid(sid, "WA") ? this.idx(ws).activityBySid.get(sid) : undefined;
    if (!a) throw Errors.badRequest(`ActivitySid ${sid} is not a valid Activity in workspace ${ws.sid}`);
    return a;
  }

  private newWorkerChannels(ws: WorkspaceRec, t: number): WorkerChannelRec[] {
    return ws.taskChannels.map((tc) => ({
      sid: newSid("WC"),
      seq: this.nextSeq(),
      taskChannelSid: tc.sid,
      capacity: DEFAULT_CHANNEL_CAPACITY,
      available: true,
      dateCreated: t,
      dateUpdated: t,
    }));
  }

  private insertWorker(ws: WorkspaceRec, w: WorkerRec): void {
    ws.workers.push(w); // seq is the highest so far: the array stays sorted
    const ix = this.idx(ws);
    ix.workerBySid.set(w.sid, w);
    addName(ix.workerByName, w.friendlyName, w.sid);
  }

  createWorker(ws: WorkspaceRec, input: CreateWorkerInput): WorkerRec {
    requireFriendlyName(input.friendlyName, true);
    const attributes = input.attributes ?? "{}";
    requireAttributes(attributes);
    const activity = this.requireActivity(ws, input.activitySid ?? ws.defaultActivitySid);
    this.requireUniqueName(ws, input.friendlyName!);
    const t = now();
    const w = this.addWorker(ws, input.friendlyName!, attributes, activity.sid, this.newWorkerChannels(ws, t), t);
    this.changed();
    return w;
  }

  /** A new worker record, indexed; callers validate (or, for seeding, deliberately don't). */
  private addWorker(
    ws: WorkspaceRec,
    friendlyName: string,
    attributes: string,
    activitySid: string,
    channels: WorkerRec["channels"],
    t: number,
  ): WorkerRec {
    const w: WorkerRec = {
      sid: newSid("WK"),
      seq: this.nextSeq(),
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
    this.insertWorker(ws, w);
    return w;
  }

  updateWorker(ws: WorkspaceRec, w: WorkerRec, input: UpdateWorkerInput, ifMatch?: string): WorkerRec {
    this.checkIfMatch(w, ifMatch);
    requireFriendlyName(input.friendlyName, false);
    if (input.attributes !== undefined) requireAttributes(input.attributes);
    const activity = input.activitySid !== undefined ? this.requireActivity(ws, input.activitySid) : undefined;
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
      removeName(ix.workerByName, w.friendlyName, w.sid);
      w.friendlyName = input.friendlyName;
      addName(ix.workerByName, w.friendlyName, w.sid);
    }
    if (input.attributes !== undefined) w.attributes = input.attributes;
    if (activity && activity.sid !== w.activitySid) {
      w.activitySid = activity.sid;
      w.dateStatusChanged = t;
    }
    if (input.rejectPendingReservations) {
      for (const r of this.reservationsOf(ws, w.sid)) {
        if (r.status === "pending") this.finishReservation(ws, w, r, "rejected", t);
      }
    }
    w.dateUpdated = Math.max(t, w.dateUpdated);
    w.version++;
    this.changed();
    return w;
  }

  deleteWorker(ws: WorkspaceRec, w: WorkerRec, ifMatch?: string): void {
    this.checkIfMatch(w, ifMatch);
    const active = this.activeReservations(ws, w.sid);
    if (active.length > 0 && this.options.rejectDeleteWhenBusy) {
      throw new TwilioApiError(
        400,
        20001,
        `Worker ${w.sid} cannot be deleted: it has ${active.length} active reservation(s) or assigned task(s)`,
      );
    }
    const t = now();
    for (const r of active) this.finishReservation(ws, w, r, "canceled", t);
    const ix = this.idx(ws);
    const at = lowerBound(ws.workers, w.seq);
    if (ws.workers[at] === w) ws.workers.splice(at, 1);
    ix.workerBySid.delete(w.sid);
    removeName(ix.workerByName, w.friendlyName, w.sid);
    // The worker's reservations go with it.
    const mine = ix.reservationsByWorker.get(w.sid) ?? [];
    ix.reservationsByWorker.delete(w.sid);
    if (mine.length > 0) {
      const gone = new Set(mine.map((r) => r.sid));
      for (const sid of gone) ix.reservationBySid.delete(sid);
      ws.reservations = ws.reservations.filter((r) => !gone.has(r.sid));
    }
    this.changed();
  }

  /** Subject for expression evaluation. */
  subject(ws: WorkspaceRec, w: WorkerRec): ExpressionSubject {
    return {
      sid: w.sid,
      friendly_name: w.friendlyName,
      activity_sid: w.activitySid,
      activity_name: this.activityOf(ws, w.activitySid)?.friendlyName ?? "",
      attributes: workerAttributes(w),
    };
  }

  listWorkers(ws: WorkspaceRec, filter: WorkerFilter, page: PageRequest): PageResult<WorkerRec> {
    const ix = this.idx(ws);
    let candidates: readonly WorkerRec[] = ws.workers;
    if (filter.friendlyName !== undefined) {
      const sids = ix.workerByName.get(lower(filter.friendlyName));
      candidates = sids ? [...sids].map((s) => ix.workerBySid.get(s)!).sort((a, b) => a.seq - b.seq) : [];
    }
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
      conds.push((w) => (ix.activityBySid.get(w.activitySid)?.available ?? false) === want);
    }
    if (filter.targetWorkersExpression !== undefined && filter.targetWorkersExpression.trim() !== "") {
      const expr = compileExpression(filter.targetWorkersExpression);
      conds.push((w) =>
        expr({
          sid: w.sid,
          friendly_name: w.friendlyName,
          activity_sid: w.activitySid,
          activity_name: ix.activityBySid.get(w.activitySid)?.friendlyName ?? "",
          attributes: workerAttributes(w),
        }),
      );
    }
    const match = conds.length === 0 ? null : (w: WorkerRec) => conds.every((c) => c(w));
    return paginate(candidates, match, page);
  }

  isAvailable(ws: WorkspaceRec, w: WorkerRec): boolean {
    return this.activityOf(ws, w.activitySid)?.available ?? false;
  }

  // -- worker channels ------------------------------------------------------

  listWorkerChannels(w: WorkerRec, page: PageRequest): PageResult<WorkerChannelRec> {
    return paginate(w.channels, null, page);
  }

  /** Worker channel by WC sid, TC sid or task channel unique name. */
  workerChannel(ws: WorkspaceRec, w: WorkerRec, ref: string, path: string): WorkerChannelRec {
    let ch = w.channels.find((c) => c.sid === ref);
    if (!ch) {
      const tc = this.findTaskChannel(ws, ref);
      if (tc) ch = w.channels.find((c) => c.taskChannelSid === tc.sid);
    }
    if (!ch) throw Errors.notFound(path);
    return ch;
  }

  updateWorkerChannel(ch: WorkerChannelRec, input: { capacity?: number; available?: boolean }): WorkerChannelRec {
    if (input.capacity !== undefined) {
      if (!Number.isInteger(input.capacity) || input.capacity < 0 || input.capacity > MAX_CHANNEL_CAPACITY) {
        throw Errors.badRequest(`Capacity must be an integer between 0 and ${MAX_CHANNEL_CAPACITY}`);
      }
      ch.capacity = input.capacity;
    }
    if (input.available !== undefined) ch.available = input.available;
    ch.dateUpdated = Math.max(now(), ch.dateUpdated);
    this.changed();
    return ch;
  }

  /** Tasks assigned to the worker on this channel (accepted or wrapping reservations). */
  assignedTasks(ws: WorkspaceRec, workerSid: string, taskChannelSid: string): number {
    const ix = this.idx(ws);
    let n = 0;
    for (const r of ix.reservationsByWorker.get(workerSid) ?? []) {
      if (r.status !== "accepted" && r.status !== "wrapping") continue;
      if (ix.taskBySid.get(r.taskSid)?.taskChannelSid === taskChannelSid) n++;
    }
    return n;
  }

  // -- reservations & tasks ------------------------------------------------

  reservationsOf(ws: WorkspaceRec, workerSid: string): readonly ReservationRec[] {
    return this.idx(ws).reservationsByWorker.get(workerSid) ?? [];
  }

  activeReservations(ws: WorkspaceRec, workerSid: string): ReservationRec[] {
    return this.reservationsOf(ws, workerSid).filter((r) => ACTIVE_RESERVATION_STATUSES.has(r.status));
  }

  isBusy(ws: WorkspaceRec, workerSid: string): boolean {
    return this.activeReservations(ws, workerSid).length > 0;
  }

  listWorkerReservations(
    ws: WorkspaceRec,
    workerSid: string,
    filter: { status?: string },
    page: PageRequest,
  ): PageResult<ReservationRec> {
    const status = filter.status;
    return paginate(this.reservationsOf(ws, workerSid), status === undefined ? null : (r) => r.status === status, page);
  }

  workerReservation(ws: WorkspaceRec, workerSid: string, sid: string, path: string): ReservationRec {
    const r = this.idx(ws).reservationBySid.get(sid);
    if (!r || r.workerSid !== workerSid) throw Errors.notFound(path);
    return r;
  }

  task(ws: WorkspaceRec, sid: string): TaskRec | undefined {
    return this.idx(ws).taskBySid.get(sid);
  }

  /** Give the worker a reservation (pending) or an assigned task (accepted / wrapping). */
  markBusy(ws: WorkspaceRec, w: WorkerRec, opts: MarkBusyOptions = {}): MarkBusyResult {
    const status = opts.status ?? "accepted";
    if (!["pending", "accepted", "wrapping"].includes(status)) {
      throw Errors.badRequest(`status must be pending, accepted or wrapping, got ${status}`);
    }
    const channelRef = opts.channel ?? "voice";
    const tc = this.findTaskChannel(ws, channelRef);
    if (!tc) throw Errors.badRequest(`Unknown task channel ${channelRef}`);
    const t = now();
    const taskStatus: TaskStatus = status === "pending" ? "reserved" : status === "accepted" ? "assigned" : "wrapping";
    const task: TaskRec = {
      sid: newSid("WT"),
      seq: this.nextSeq(),
      taskChannelSid: tc.sid,
      status: taskStatus,
      workerSid: w.sid,
      attributes: "{}",
      dateCreated: t,
      dateUpdated: t,
    };
    const r: ReservationRec = {
      sid: newSid("WR"),
      seq: this.nextSeq(),
      taskSid: task.sid,
      workerSid: w.sid,
      status,
      dateCreated: t,
      dateUpdated: t,
    };
    const ix = this.idx(ws);
    ws.tasks.push(task);
    ix.taskBySid.set(task.sid, task);
    ws.reservations.push(r);
    ix.reservationBySid.set(r.sid, r);
    const list = ix.reservationsByWorker.get(w.sid) ?? [];
    list.push(r);
    ix.reservationsByWorker.set(w.sid, list);
    w.stats.created++;
    ws.cumulative.created++;
    if (status !== "pending") {
      w.stats.accepted++;
      ws.cumulative.accepted++;
    }
    this.changed();
    return { workerSid: w.sid, taskSid: task.sid, reservationSid: r.sid, reservationStatus: status, taskStatus };
  }

  /** Finish every active reservation of the worker: assigned tasks complete, pending ones are canceled. */
  markIdle(ws: WorkspaceRec, w: WorkerRec): { cleared: number } {
    const t = now();
    const active = this.activeReservations(ws, w.sid);
    for (const r of active) this.finishReservation(ws, w, r, r.status === "pending" ? "canceled" : "completed", t);
    if (active.length > 0) this.changed();
    return { cleared: active.length };
  }

  private finishReservation(
    ws: WorkspaceRec,
    w: WorkerRec,
    r: ReservationRec,
    to: "rejected" | "canceled" | "completed",
    t: number,
  ): void {
    r.status = to;
    r.dateUpdated = t;
    const task = this.idx(ws).taskBySid.get(r.taskSid);
    if (task) {
      task.status = to === "completed" ? "completed" : to === "rejected" ? "pending" : "canceled";
      task.workerSid = to === "completed" ? task.workerSid : null;
      task.dateUpdated = t;
    }
    if (to === "rejected") {
      w.stats.rejected++;
      ws.cumulative.rejected++;
    } else if (to === "canceled") {
      w.stats.canceled++;
      ws.cumulative.canceled++;
    }
  }

  // -- seeding ----------------------------------------------------------------

  /** Plant workers without any validation (duplicates, non-JSON attributes, any capacity). */
  seedWorkers(ws: WorkspaceRec, specs: readonly SeedWorkerSpec[]): WorkerRec[] {
    // Check the channel names first, so that a bad spec plants nothing.
    for (const spec of specs) {
      if (spec === null || typeof spec !== "object") throw Errors.badRequest("each seeded worker must be an object");
      for (const ref of Object.keys(spec.channels ?? {})) {
        if (!this.findTaskChannel(ws, ref)) throw Errors.badRequest(`Unknown task channel ${ref}`);
      }
    }
    const t = now();
    const byName = new Map(ws.activities.map((a) => [lower(a.friendlyName), a]));
    const out: WorkerRec[] = [];
    for (const spec of specs) {
      const activity =
        (spec.activitySid && this.idx(ws).activityBySid.get(spec.activitySid)) ||
        (spec.activityName && byName.get(lower(spec.activityName))) ||
        this.idx(ws).activityBySid.get(ws.defaultActivitySid)!;
      const attributes =
        spec.attributes === undefined
          ? "{}"
          : typeof spec.attributes === "string"
            ? spec.attributes
            : JSON.stringify(spec.attributes);
      const channels = this.newWorkerChannels(ws, t);
      for (const [ref, conf] of Object.entries(spec.channels ?? {})) {
        const tc = this.findTaskChannel(ws, ref);
        const ch = tc && channels.find((c) => c.taskChannelSid === tc.sid);
        if (!ch) throw Errors.badRequest(`Unknown task channel ${ref}`);
        if (conf.capacity !== undefined) ch.capacity = conf.capacity;
        if (conf.available !== undefined) ch.available = conf.available;
      }
      out.push(this.addWorker(ws, String(spec.friendlyName), attributes, activity.sid, channels, t));
    }
    if (out.length > 0) this.changed();
    return out;
  }

  /** Drop every workspace (control API reset). */
  clear(): void {
    this.workspaceList.length = 0;
    this.workspaceBySid.clear();
    this.index.clear();
    this.flexConfig = undefined;
    this.changed();
  }

  // -- persistence ----------------------------------------------------------

  toJSON(): StoreSnapshot {
    const out: StoreSnapshot = { version: 1, seq: this.seq, workspaces: this.workspaceList };
    if (this.flexConfig) out.flex = this.flexConfig;
    return out;
  }

  static fromJSON(snapshot: StoreSnapshot, opts: StoreOptions): Store {
    if (!snapshot || snapshot.version !== 1 || !Array.isArray(snapshot.workspaces)) {
      throw new Error("unsupported emulator state file (expected version 1)");
    }
    const store = new Store(opts);
    let maxSeq = snapshot.seq ?? 0;
    for (const ws of snapshot.workspaces) {
      ws.workers.sort((a, b) => a.seq - b.seq);
      for (const w of ws.workers) maxSeq = Math.max(maxSeq, w.seq);
      store.addWorkspace(ws);
      maxSeq = Math.max(maxSeq, ws.seq);
    }
    store.seq = maxSeq;
    store.flexConfig = snapshot.flex;
    return store;
  }
}

export interface StoreSnapshot {
  version: 1;
  seq: number;
  workspaces: WorkspaceRec[];
  /** The Flex Configuration; absent in state files written before the emulator knew Flex. */
  flex?: FlexConfigRec;
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

function buildIndex(ws: WorkspaceRec): WorkspaceIndex {
  const ix: WorkspaceIndex = {
    activityBySid: new Map(ws.activities.map((a) => [a.sid, a])),
    channelBySid: new Map(ws.taskChannels.map((c) => [c.sid, c])),
    channelByName: new Map(ws.taskChannels.map((c) => [lower(c.uniqueName), c])),
    workerBySid: new Map(),
    workerByName: new Map(),
    taskBySid: new Map(ws.tasks.map((t) => [t.sid, t])),
    reservationBySid: new Map(ws.reservations.map((r) => [r.sid, r])),
    reservationsByWorker: new Map(),
  };
  for (const w of ws.workers) {
    ix.workerBySid.set(w.sid, w);
    addName(ix.workerByName, w.friendlyName, w.sid);
  }
  for (const r of ws.reservations) {
    const list = ix.reservationsByWorker.get(r.workerSid) ?? [];
    list.push(r);
    ix.reservationsByWorker.set(r.workerSid, list);
  }
  return ix;
}
