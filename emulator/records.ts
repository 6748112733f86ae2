/**
 * The emulator's records (the state file holds them as they are) and the
 * field rules every resource shares: friendly names, JSON attributes, the
 * clock. The resources that own the records: catalogue.ts (workspaces,
 * activities, task channels), workers.ts (workers and their channels),
 * reservations.ts (reservations and tasks).
 */

import { Errors } from "./errors";

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

/** The account's Flex Configuration (emulator/flex.ts serves and updates it). */
export interface FlexConfigRec {
  dateCreated: number;
  dateUpdated: number;
  /** Documented snake_case properties other than account_sid, dates and url. */
  fields: Record<string, unknown>;
}

/** One entry of a workspace's event log (emulator/events.ts writes and lists them). */
export interface EventRec {
  sid: string;
  seq: number;
  eventType: string;
  /** ms since the epoch (event_date_ms). */
  date: number;
  description: string;
  resourceType: string;
  resourceSid: string;
  actorType: string;
  actorSid: string;
  data: Record<string, unknown>;
}

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

export interface TaskQueueRec {
  sid: string;
  seq: number;
  friendlyName: string;
  /** The expression that picks the queue's workers (validated on write). */
  targetWorkers: string;
  maxReservedWorkers: number;
  taskOrder: "FIFO" | "LIFO";
  reservationActivitySid: string | null;
  assignmentActivitySid: string | null;
  dateCreated: number;
  dateUpdated: number;
}

export interface WorkflowRec {
  sid: string;
  seq: number;
  friendlyName: string;
  /** The workflow's JSON configuration, as stored. */
  configuration: string;
  assignmentCallbackUrl: string | null;
  fallbackAssignmentCallbackUrl: string | null;
  taskReservationTimeout: number;
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
  /** Absent in state files written before the emulator knew TaskQueues. */
  taskQueues?: TaskQueueRec[];
  workflows?: WorkflowRec[];
  cumulative: ReservationCounters;
  /** TaskRouter's event log (events.ts), oldest first; absent in state files written before the emulator kept one. */
  events?: EventRec[];
}

export const MAX_FRIENDLY_NAME_LENGTH = 64;

let lastNow = 0;
/** Wall clock in ms, never going backwards. */
export function now(): number {
  lastNow = Math.max(Date.now(), lastNow);
  return lastNow;
}

export function zeroCounters(): ReservationCounters {
  return { created: 0, accepted: 0, rejected: 0, timedOut: 0, canceled: 0, rescinded: 0 };
}

export const lower = (s: string): string => s.toLowerCase();

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Parse worker attributes; null when not a JSON object. */
export function parseAttributes(raw: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

export function requireAttributes(raw: string): void {
  if (parseAttributes(raw) === null) {
    throw Errors.badRequest(`Attributes must be a valid JSON object, got: ${raw.length > 80 ? raw.slice(0, 80) + "..." : raw}`);
  }
}

export function requireFriendlyName(name: string | undefined, required: boolean): void {
  if (name === undefined) {
    if (required) throw Errors.missingParameter("FriendlyName");
    return;
  }
  if (name.trim() === "") throw Errors.badRequest("FriendlyName must not be empty");
  if (name.length > MAX_FRIENDLY_NAME_LENGTH) {
    throw Errors.badRequest(`FriendlyName must be at most ${MAX_FRIENDLY_NAME_LENGTH} characters long`);
  }
}

/** What every resource needs from the store: the account, its options, the sequence and the change hook. */
export interface StoreContext {
  readonly accountSid: string;
  readonly options: StoreOptionsState;
  /** Creation order across the whole state: the stable paging order. */
  nextSeq(): number;
  /** Called after every state change (persistence hooks in here). */
  changed(): void;
}

export interface StoreOptionsState {
  /** Refuse (400) to delete a worker with active reservations/tasks. */
  rejectDeleteWhenBusy: boolean;
  /** Serve the Flex Configuration (an account with Flex). */
  flexEnabled: boolean;
  /**
   * Play an API that ignores If-Match on worker update and delete (never 412).
   * Twilio honours it; this breaks one assumption on purpose, for
   * `flex-roster conformance` to catch.
   */
  ignoreIfMatch: boolean;
}

/**
 * An index kept beside each workspace record, built on first use: a state
 * loaded from a file needs no rebuild step, and a dropped workspace takes its
 * index with it.
 */
export function workspaceIndex<I>(build: (ws: WorkspaceRec) => I): (ws: WorkspaceRec) => I {
  const cache = new WeakMap<WorkspaceRec, I>();
  return (ws) => {
    let ix = cache.get(ws);
    if (!ix) cache.set(ws, (ix = build(ws)));
    return ix;
  };
}
