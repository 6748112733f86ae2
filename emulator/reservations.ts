/**
 * Reservations and their tasks. Nothing routes tasks here: a worker is busy
 * only when the control API says so (markBusy), and the Twilio API reads the
 * result (worker reservations, assigned tasks, statistics).
 */

import type { Catalogue } from "./catalogue";
import { Errors } from "./errors";
import { paginate, type PageRequest, type PageResult } from "./paging";
import {
  now,
  type ReservationRec,
  type ReservationStatus,
  type StoreContext,
  type TaskRec,
  type TaskStatus,
  type WorkerRec,
  type WorkspaceRec,
  workspaceIndex,
} from "./records";
import { newSid } from "./sids";

/** Reservation statuses that make a worker busy. */
export const ACTIVE_RESERVATION_STATUSES: ReadonlySet<ReservationStatus> = new Set(["pending", "accepted", "wrapping"]);

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

interface ReservationIndex {
  taskBySid: Map<string, TaskRec>;
  reservationBySid: Map<string, ReservationRec>;
  reservationsByWorker: Map<string, ReservationRec[]>;
}

export class Reservations {
  private readonly idx = workspaceIndex<ReservationIndex>((ws) => {
    const ix: ReservationIndex = {
      taskBySid: new Map(ws.tasks.map((t) => [t.sid, t])),
      reservationBySid: new Map(ws.reservations.map((r) => [r.sid, r])),
      reservationsByWorker: new Map(),
    };
    for (const r of ws.reservations) byWorker(ix, r.workerSid).push(r);
    return ix;
  });

  constructor(
    private readonly ctx: StoreContext,
    private readonly catalogue: Catalogue,
  ) {}

  ofWorker(ws: WorkspaceRec, workerSid: string): readonly ReservationRec[] {
    return this.idx(ws).reservationsByWorker.get(workerSid) ?? [];
  }

  active(ws: WorkspaceRec, workerSid: string): ReservationRec[] {
    return this.ofWorker(ws, workerSid).filter((r) => ACTIVE_RESERVATION_STATUSES.has(r.status));
  }

  list(ws: WorkspaceRec, workerSid: string, filter: { status?: string }, page: PageRequest): PageResult<ReservationRec> {
    const status = filter.status;
    return paginate(this.ofWorker(ws, workerSid), status === undefined ? null : (r) => r.status === status, page);
  }

  /** One of the worker's reservations; 404 with `path` in the message otherwise. */
  get(ws: WorkspaceRec, workerSid: string, sid: string, path: string): ReservationRec {
    const r = this.idx(ws).reservationBySid.get(sid);
    if (!r || r.workerSid !== workerSid) throw Errors.notFound(path);
    return r;
  }

  task(ws: WorkspaceRec, sid: string): TaskRec | undefined {
    return this.idx(ws).taskBySid.get(sid);
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

  /** Give the worker a reservation (pending) or an assigned task (accepted / wrapping). */
  markBusy(ws: WorkspaceRec, w: WorkerRec, opts: MarkBusyOptions = {}): MarkBusyResult {
    const status = opts.status ?? "accepted";
    if (!["pending", "accepted", "wrapping"].includes(status)) {
      throw Errors.badRequest(`status must be pending, accepted or wrapping, got ${status}`);
    }
    const channelRef = opts.channel ?? "voice";
    const tc = this.catalogue.findTaskChannel(ws, channelRef);
    if (!tc) throw Errors.badRequest(`Unknown task channel ${channelRef}`);
    const t = now();
    const taskStatus: TaskStatus = status === "pending" ? "reserved" : status === "accepted" ? "assigned" : "wrapping";
    const task: TaskRec = {
      sid: newSid("WT"),
      seq: this.ctx.nextSeq(),
      taskChannelSid: tc.sid,
      status: taskStatus,
      workerSid: w.sid,
      attributes: "{}",
      dateCreated: t,
      dateUpdated: t,
    };
    const r: ReservationRec = {
      sid: newSid("WR"),
      seq: this.ctx.nextSeq(),
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
    byWorker(ix, w.sid).push(r);
    w.stats.created++;
    ws.cumulative.created++;
    if (status !== "pending") {
      w.stats.accepted++;
      ws.cumulative.accepted++;
    }
    this.ctx.changed();
    return { workerSid: w.sid, taskSid: task.sid, reservationSid: r.sid, reservationStatus: status, taskStatus };
  }

  /** Finish every active reservation of the worker: assigned tasks complete, pending ones are canceled. */
  markIdle(ws: WorkspaceRec, w: WorkerRec): { cleared: number } {
    const t = now();
    const active = this.active(ws, w.sid);
    for (const r of active) this.finish(ws, w, r, r.status === "pending" ? "canceled" : "completed", t);
    if (active.length > 0) this.ctx.changed();
    return { cleared: active.length };
  }

  /** `RejectPendingReservations`: the worker's pending reservations are rejected (their tasks wait again). */
  rejectPending(ws: WorkspaceRec, w: WorkerRec, t: number): void {
    for (const r of this.ofWorker(ws, w.sid)) {
      if (r.status === "pending") this.finish(ws, w, r, "rejected", t);
    }
  }

  /** A deleted worker: its active reservations are canceled, then all of its reservations go with it. */
  dropWorker(ws: WorkspaceRec, w: WorkerRec, t: number): void {
    for (const r of this.active(ws, w.sid)) this.finish(ws, w, r, "canceled", t);
    const ix = this.idx(ws);
    const mine = ix.reservationsByWorker.get(w.sid) ?? [];
    ix.reservationsByWorker.delete(w.sid);
    if (mine.length === 0) return;
    const gone = new Set(mine.map((r) => r.sid));
    for (const sid of gone) ix.reservationBySid.delete(sid);
    ws.reservations = ws.reservations.filter((r) => !gone.has(r.sid));
  }

  private finish(ws: WorkspaceRec, w: WorkerRec, r: ReservationRec, to: "rejected" | "canceled" | "completed", t: number): void {
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
}

function byWorker(ix: ReservationIndex, workerSid: string): ReservationRec[] {
  let list = ix.reservationsByWorker.get(workerSid);
  if (!list) ix.reservationsByWorker.set(workerSid, (list = []));
  return list;
}
