/**
 * TaskQueues and Workflows: the routing side of a workspace. A queue's
 * `target_workers` expression (expression.ts) picks its workers; it is
 * validated on every write, as Twilio refuses an expression it cannot parse.
 * A new workspace gets what Flex creates: the "Everyone" queue (`1==1`) and
 * the "Assign to Anyone" workflow that sends every task there.
 */

import { Errors, orNotFound } from "./errors";
import { compileExpression, type CompiledExpression } from "./expression";
import { paginate, type PageRequest, type PageResult } from "./paging";
import { lower, now, requireFriendlyName, type StoreContext, type TaskQueueRec, type WorkflowRec, type WorkspaceRec } from "./records";
import { isSid, newSid } from "./sids";

export const EVERYONE_QUEUE = "Everyone";
export const EVERYONE_EXPRESSION = "1==1";
export const DEFAULT_WORKFLOW = "Assign to Anyone";
export const DEFAULT_MAX_RESERVED_WORKERS = 1;
export const MAX_RESERVED_WORKERS = 50;

export interface TaskQueueInput {
  friendlyName?: string;
  targetWorkers?: string;
  maxReservedWorkers?: number;
  taskOrder?: string;
  reservationActivitySid?: string;
  assignmentActivitySid?: string;
}

export interface TaskQueueFilter {
  friendlyName?: string;
  /** Only queues whose expression matches these worker attributes (JSON). */
  evaluateWorkerAttributes?: string;
  /** Only queues a worker with these attributes is eligible for ("none": no such worker, no queue). */
  workerAttributes?: Record<string, unknown> | null | "none";
}

function queues(ws: WorkspaceRec): TaskQueueRec[] {
  return (ws.taskQueues ??= []);
}

function workflows(ws: WorkspaceRec): WorkflowRec[] {
  return (ws.workflows ??= []);
}

/** 400 unless TaskRouter's expression parser would take it. */
function requireExpression(expr: string): void {
  try {
    compileExpression(expr);
  } catch {
    throw Errors.badRequest(`TargetWorkers ${JSON.stringify(expr)} is not a valid TaskRouter expression`);
  }
}

export class Routing {
  constructor(
    private readonly ctx: StoreContext,
    /** Whether an activity SID belongs to the workspace. */
    private readonly hasActivity: (ws: WorkspaceRec, sid: string) => boolean,
  ) {}

  /** What Flex gives a new workspace: the Everyone queue and a workflow that routes every task to it. */
  seedDefaults(ws: WorkspaceRec): void {
    const q = this.createQueue(ws, { friendlyName: EVERYONE_QUEUE, targetWorkers: EVERYONE_EXPRESSION }, false);
    const t = now();
    workflows(ws).push({
      sid: newSid("WW"),
      seq: this.ctx.nextSeq(),
      friendlyName: DEFAULT_WORKFLOW,
      configuration: JSON.stringify({ task_routing: { filters: [], default_filter: { queue: q.sid } } }),
      assignmentCallbackUrl: null,
      fallbackAssignmentCallbackUrl: null,
      taskReservationTimeout: 120,
      dateCreated: t,
      dateUpdated: t,
    });
  }

  // -- task queues --------------------------------------------------------------

  listQueues(ws: WorkspaceRec, filter: TaskQueueFilter, page: PageRequest): PageResult<TaskQueueRec> {
    const conds: Array<(q: TaskQueueRec) => boolean> = [];
    if (filter.friendlyName !== undefined) {
      const name = filter.friendlyName;
      conds.push((q) => q.friendlyName === name);
    }
    const attrs = filter.evaluateWorkerAttributes !== undefined ? parseObject(filter.evaluateWorkerAttributes) : undefined;
    if (filter.workerAttributes === "none") conds.push(() => false);
    for (const a of [attrs, filter.workerAttributes]) {
      if (a === undefined || a === "none") continue;
      conds.push((q) => eligibility(q.targetWorkers)({ sid: "", friendly_name: "", activity_sid: "", activity_name: "", attributes: a }));
    }
    return paginate(queues(ws), conds.length === 0 ? null : (q) => conds.every((c) => c(q)), page);
  }

  queue(ws: WorkspaceRec, sid: string, path: string): TaskQueueRec {
    return orNotFound(queues(ws).find((q) => q.sid === sid), path);
  }

  /** Queue by WQ sid or friendly name (exact); undefined when none. */
  findQueue(ws: WorkspaceRec, ref: { sid?: string; name?: string }): TaskQueueRec | undefined {
    return queues(ws).find((q) => (ref.sid !== undefined ? q.sid === ref.sid : q.friendlyName === ref.name));
  }

  createQueue(ws: WorkspaceRec, input: TaskQueueInput, notify = true): TaskQueueRec {
    requireFriendlyName(input.friendlyName, true);
    const t = now();
    const q: TaskQueueRec = {
      sid: newSid("WQ"),
      seq: this.ctx.nextSeq(),
      friendlyName: input.friendlyName!,
      targetWorkers: EVERYONE_EXPRESSION,
      maxReservedWorkers: DEFAULT_MAX_RESERVED_WORKERS,
      taskOrder: "FIFO",
      reservationActivitySid: null,
      assignmentActivitySid: null,
      dateCreated: t,
      dateUpdated: t,
    };
    this.apply(ws, q, input);
    queues(ws).push(q);
    if (notify) this.ctx.changed();
    return q;
  }

  /** A queue planted as given: its target_workers is not validated (control API). */
  seedQueue(ws: WorkspaceRec, spec: { friendlyName: string; targetWorkers: string }): TaskQueueRec {
    const q = this.createQueue(ws, { friendlyName: spec.friendlyName });
    q.targetWorkers = spec.targetWorkers;
    return q;
  }

  updateQueue(ws: WorkspaceRec, q: TaskQueueRec, input: TaskQueueInput): TaskQueueRec {
    requireFriendlyName(input.friendlyName, false);
    const next = { ...q };
    this.apply(ws, next, input);
    Object.assign(q, next, { dateUpdated: Math.max(now(), q.dateUpdated) });
    this.ctx.changed();
    return q;
  }

  deleteQueue(ws: WorkspaceRec, q: TaskQueueRec): void {
    const list = queues(ws);
    list.splice(list.indexOf(q), 1);
    this.ctx.changed();
  }

  // -- workflows ----------------------------------------------------------------

  listWorkflows(ws: WorkspaceRec, filter: { friendlyName?: string }, page: PageRequest): PageResult<WorkflowRec> {
    const name = filter.friendlyName === undefined ? undefined : lower(filter.friendlyName);
    return paginate(workflows(ws), name === undefined ? null : (w) => lower(w.friendlyName) === name, page);
  }

  workflow(ws: WorkspaceRec, sid: string, path: string): WorkflowRec {
    return orNotFound(workflows(ws).find((w) => w.sid === sid), path);
  }

  // -- internals ----------------------------------------------------------------

  /** Validate every given field first, then write them: a bad field changes nothing. */
  private apply(ws: WorkspaceRec, q: TaskQueueRec, input: TaskQueueInput): void {
    if (input.targetWorkers !== undefined) requireExpression(input.targetWorkers);
    const max = input.maxReservedWorkers;
    if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > MAX_RESERVED_WORKERS)) {
      throw Errors.badRequest(`MaxReservedWorkers must be an integer between 1 and ${MAX_RESERVED_WORKERS}`);
    }
    if (input.taskOrder !== undefined && input.taskOrder !== "FIFO" && input.taskOrder !== "LIFO") {
      throw Errors.badRequest("TaskOrder must be FIFO or LIFO");
    }
    for (const [name, sid] of [
      ["ReservationActivitySid", input.reservationActivitySid],
      ["AssignmentActivitySid", input.assignmentActivitySid],
    ] as const) {
      if (sid !== undefined && !(isSid(sid, "WA") && this.hasActivity(ws, sid))) {
        throw Errors.badRequest(`${name} ${sid} is not a valid Activity in workspace ${ws.sid}`);
      }
    }
    if (input.friendlyName !== undefined) q.friendlyName = input.friendlyName;
    if (input.targetWorkers !== undefined) q.targetWorkers = input.targetWorkers;
    if (max !== undefined) q.maxReservedWorkers = max;
    if (input.taskOrder !== undefined) q.taskOrder = input.taskOrder as "FIFO" | "LIFO";
    if (input.reservationActivitySid !== undefined) q.reservationActivitySid = input.reservationActivitySid;
    if (input.assignmentActivitySid !== undefined) q.assignmentActivitySid = input.assignmentActivitySid;
  }
}

/**
 * A queue's expression as a worker filter. One that does not parse (only a
 * seeded queue can hold one) picks no worker.
 */
export function eligibility(targetWorkers: string): CompiledExpression {
  try {
    return compileExpression(targetWorkers);
  } catch {
    return () => false;
  }
}

function parseObject(raw: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = undefined;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw Errors.badRequest("EvaluateWorkerAttributes must be a JSON object");
  return v as Record<string, unknown>;
}
