/**
 * The Twilio TaskRouter v1 routes the emulator serves: one table, so that the
 * contract test can check each route (path, method, operationId, query
 * parameters, form fields) against Twilio's OpenAPI description.
 *
 * Handlers only see the query parameters and form fields their route declares.
 */

import { Errors } from "./errors";
import { EventLog } from "./events";
import { flexConfigOf, renderConfiguration, updateFlexConfig } from "./flex";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from "./paging";
import {
  renderActivity,
  renderEvent,
  renderPage,
  renderPageJson,
  renderTaskChannel,
  renderTaskQueue,
  renderTaskQueuesStatistics,
  renderWorker,
  renderWorkerChannel,
  renderWorkerInstanceStatistics,
  renderWorkerReservation,
  renderWorkersCumulativeStatistics,
  renderWorkersRealTimeStatistics,
  renderWorkersStatistics,
  renderWorkflow,
  renderWorkspace,
  workerListJson,
  type RenderContext,
  type StatsWindow,
} from "./render";
import type { WorkerRec, WorkspaceRec } from "./records";

export type HttpMethod = "GET" | "POST" | "DELETE";

export interface RouteContext extends RenderContext {
  /** Request path without the query string (for 404 messages). */
  path: string;
  params: Record<string, string>;
  /** Declared query parameters that were sent (first value when repeated). */
  query: Record<string, string | undefined>;
  /** Declared form fields that were sent (first value when repeated). */
  form: Record<string, string | undefined>;
  /** The parsed JSON body, for routes that take one (`json: true`). */
  jsonBody?: unknown;
  header(name: string): string | undefined;
}

export interface RouteResult {
  status?: number;
  /** JSON body (serialized by the server). */
  body?: unknown;
  /** Or a body that is already JSON text. */
  json?: string;
  headers?: Record<string, string>;
}

export interface TwilioRoute {
  method: HttpMethod;
  /** fastify path pattern; `:Name` = OAI `{Name}`. */
  url: string;
  /** The OAI operationId this route implements. */
  operationId: string;
  query?: readonly string[];
  form?: readonly string[];
  /** The body is JSON (Flex's Configuration update), not a form. */
  json?: boolean;
  /** Which of Twilio's descriptions documents the route (emulator/spec/twilio_<spec>.json). Default taskrouter_v1. */
  spec?: "taskrouter_v1" | "flex_v1";
  handler(ctx: RouteContext): RouteResult;
}

const PAGING = ["PageSize", "Page", "PageToken"] as const;

// -- parameter parsing ----------------------------------------------------------

function parseIntParam(name: string, raw: string): number {
  if (!/^-?\d+$/.test(raw.trim())) throw Errors.badRequest(`Invalid value for ${name}: ${raw} is not an integer`);
  return Number(raw.trim());
}

/** Form booleans as the SDKs send them: true/false (any case). */
function parseBoolParam(name: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim().toLowerCase();
  if (v === "true") return true;
  if (v === "false") return false;
  throw Errors.badRequest(`Invalid value for ${name}: ${raw} is not a boolean`);
}

/** The Workers/Activities `Available` query filter: `true`, `1`, `yes` = available; anything else = unavailable. */
function availableFilter(raw: string | undefined): boolean | undefined {
  if (raw === undefined) return undefined;
  return ["true", "1", "yes"].includes(raw.trim().toLowerCase());
}

function pageRequest(ctx: RouteContext): PageRequest {
  const size = ctx.query.PageSize === undefined ? DEFAULT_PAGE_SIZE : parseIntParam("PageSize", ctx.query.PageSize);
  if (size < 1) throw Errors.badRequest("PageSize must be at least 1");
  const page = ctx.query.Page === undefined ? 0 : parseIntParam("Page", ctx.query.Page);
  if (page < 0) throw Errors.badRequest("Page must not be negative");
  const req: PageRequest = { pageSize: Math.min(size, MAX_PAGE_SIZE), page };
  if (ctx.query.PageToken !== undefined && ctx.query.PageToken !== "") req.pageToken = ctx.query.PageToken;
  return req;
}

/** Non-paging query parameters that were sent, in declaration order (kept in page URLs). */
function filtersOf(ctx: RouteContext, names: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const n of names) {
    const v = ctx.query[n];
    if (v !== undefined) out.push([n, v]);
  }
  return out;
}

function statsWindow(ctx: RouteContext): StatsWindow {
  const end = ctx.query.EndDate !== undefined ? parseDate("EndDate", ctx.query.EndDate) : Date.now();
  let start: number;
  if (ctx.query.StartDate !== undefined) start = parseDate("StartDate", ctx.query.StartDate);
  else {
    const minutes = ctx.query.Minutes !== undefined ? parseIntParam("Minutes", ctx.query.Minutes) : 15;
    start = end - minutes * 60_000;
  }
  if (start > end) throw Errors.badRequest("StartDate must be before EndDate");
  return { start, end };
}

function parseDate(name: string, raw: string): number {
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw Errors.badRequest(`Invalid value for ${name}: ${raw} is not an ISO 8601 date`);
  return t;
}

// -- lookups ---------------------------------------------------------------------

function ws(ctx: RouteContext): WorkspaceRec {
  return ctx.store.catalogue.workspace(ctx.params.WorkspaceSid ?? ctx.params.Sid!, ctx.path);
}

function worker(ctx: RouteContext, w: WorkspaceRec, param: "Sid" | "WorkerSid"): WorkerRec {
  return ctx.store.workers.get(w, ctx.params[param]!, ctx.path);
}

/** The TaskQueueSid/TaskQueueName Workers filters: the queue's expression, null for no such queue. */
function eligibleFor(ctx: RouteContext, w: WorkspaceRec): string | null | undefined {
  const { TaskQueueSid: sid, TaskQueueName: name } = ctx.query;
  if (sid === undefined && name === undefined) return undefined;
  const q = ctx.store.routing.findQueue(w, sid !== undefined ? { sid } : { name });
  if (!q || (sid !== undefined && name !== undefined && q.friendlyName !== name)) return null;
  return q.targetWorkers;
}

function taskQueueInput(ctx: RouteContext) {
  const f = ctx.form;
  return {
    friendlyName: f.FriendlyName,
    targetWorkers: f.TargetWorkers,
    maxReservedWorkers: f.MaxReservedWorkers === undefined ? undefined : parseIntParam("MaxReservedWorkers", f.MaxReservedWorkers),
    taskOrder: f.TaskOrder,
    reservationActivitySid: f.ReservationActivitySid,
    assignmentActivitySid: f.AssignmentActivitySid,
  };
}

const TASK_QUEUE_FORM = ["FriendlyName", "TargetWorkers", "MaxReservedWorkers", "TaskOrder", "ReservationActivitySid", "AssignmentActivitySid"] as const;

function withEtag(ctx: RouteContext, w: WorkerRec, result: RouteResult): RouteResult {
  return { ...result, headers: { ...result.headers, ETag: ctx.store.workers.etag(w) } };
}

// -- the table ---------------------------------------------------------------------

const W = "/v1/Workspaces/:WorkspaceSid";

export const TWILIO_ROUTES: readonly TwilioRoute[] = [
  // Workspaces
  {
    method: "GET",
    url: "/v1/Workspaces",
    operationId: "ListWorkspace",
    query: ["FriendlyName", ...PAGING],
    handler(ctx) {
      const req = pageRequest(ctx);
      const page = ctx.store.catalogue.listWorkspaces({ friendlyName: ctx.query.FriendlyName }, req);
      return {
        body: renderPage(ctx, { key: "workspaces", path: "/v1/Workspaces", filters: filtersOf(ctx, ["FriendlyName"]), req, page }, (w) =>
          renderWorkspace(ctx, w),
        ),
      };
    },
  },
  {
    method: "POST",
    url: "/v1/Workspaces",
    operationId: "CreateWorkspace",
    form: ["FriendlyName", "EventCallbackUrl", "EventsFilter", "MultiTaskEnabled", "PrioritizeQueueOrder"],
    handler(ctx) {
      const created = ctx.store.catalogue.createWorkspace({
        friendlyName: ctx.form.FriendlyName,
        eventCallbackUrl: ctx.form.EventCallbackUrl,
        eventsFilter: ctx.form.EventsFilter,
        multiTaskEnabled: parseBoolParam("MultiTaskEnabled", ctx.form.MultiTaskEnabled),
        prioritizeQueueOrder: ctx.form.PrioritizeQueueOrder,
      });
      return { status: 201, body: renderWorkspace(ctx, created) };
    },
  },
  {
    method: "GET",
    url: "/v1/Workspaces/:Sid",
    operationId: "FetchWorkspace",
    handler(ctx) {
      return { body: renderWorkspace(ctx, ws(ctx)) };
    },
  },

  // Activities
  {
    method: "GET",
    url: `${W}/Activities`,
    operationId: "ListActivity",
    query: ["FriendlyName", "Available", ...PAGING],
    handler(ctx) {
      const w = ws(ctx);
      const req = pageRequest(ctx);
      const page = ctx.store.catalogue.listActivities(
        w,
        { friendlyName: ctx.query.FriendlyName, available: availableFilter(ctx.query.Available) },
        req,
      );
      const path = `/v1/Workspaces/${w.sid}/Activities`;
      return {
        body: renderPage(ctx, { key: "activities", path, filters: filtersOf(ctx, ["FriendlyName", "Available"]), req, page }, (a) =>
          renderActivity(ctx, w, a),
        ),
      };
    },
  },
  {
    method: "GET",
    url: `${W}/Activities/:Sid`,
    operationId: "FetchActivity",
    handler(ctx) {
      const w = ws(ctx);
      return { body: renderActivity(ctx, w, ctx.store.catalogue.activity(w, ctx.params.Sid!, ctx.path)) };
    },
  },

  // Task channels
  {
    method: "GET",
    url: `${W}/TaskChannels`,
    operationId: "ListTaskChannel",
    query: [...PAGING],
    handler(ctx) {
      const w = ws(ctx);
      const req = pageRequest(ctx);
      const page = ctx.store.catalogue.listTaskChannels(w, req);
      return {
        body: renderPage(ctx, { key: "channels", path: `/v1/Workspaces/${w.sid}/TaskChannels`, filters: [], req, page }, (tc) =>
          renderTaskChannel(ctx, w, tc),
        ),
      };
    },
  },
  {
    method: "GET",
    url: `${W}/TaskChannels/:Sid`,
    operationId: "FetchTaskChannel",
    handler(ctx) {
      const w = ws(ctx);
      return { body: renderTaskChannel(ctx, w, ctx.store.catalogue.taskChannel(w, ctx.params.Sid!, ctx.path)) };
    },
  },

  // Workers
  {
    method: "GET",
    url: `${W}/Workers`,
    operationId: "ListWorker",
    query: ["ActivityName", "ActivitySid", "Available", "FriendlyName", "TargetWorkersExpression", "TaskQueueSid", "TaskQueueName", ...PAGING],
    handler(ctx) {
      const w = ws(ctx);
      const req = pageRequest(ctx);
      const page = ctx.store.workers.list(
        w,
        {
          activityName: ctx.query.ActivityName,
          activitySid: ctx.query.ActivitySid,
          available: availableFilter(ctx.query.Available),
          friendlyName: ctx.query.FriendlyName,
          targetWorkersExpression: ctx.query.TargetWorkersExpression,
          eligibleFor: eligibleFor(ctx, w),
        },
        req,
      );
      const filters = filtersOf(ctx, ["ActivityName", "ActivitySid", "Available", "FriendlyName", "TargetWorkersExpression", "TaskQueueSid", "TaskQueueName"]);
      return {
        json: renderPageJson(ctx, { key: "workers", path: `/v1/Workspaces/${w.sid}/Workers`, filters, req, page }, (wk) =>
          workerListJson(ctx, w, wk),
        ),
      };
    },
  },
  {
    method: "POST",
    url: `${W}/Workers`,
    operationId: "CreateWorker",
    form: ["FriendlyName", "ActivitySid", "Attributes"],
    handler(ctx) {
      const w = ws(ctx);
      const created = ctx.store.workers.create(w, {
        friendlyName: ctx.form.FriendlyName,
        activitySid: ctx.form.ActivitySid,
        attributes: ctx.form.Attributes,
      });
      return withEtag(ctx, created, { status: 201, body: renderWorker(ctx, w, created, true) });
    },
  },
  {
    method: "GET",
    url: `${W}/Workers/:Sid`,
    operationId: "FetchWorker",
    handler(ctx) {
      const w = ws(ctx);
      const wk = worker(ctx, w, "Sid");
      return withEtag(ctx, wk, { body: renderWorker(ctx, w, wk, true) });
    },
  },
  {
    method: "POST",
    url: `${W}/Workers/:Sid`,
    operationId: "UpdateWorker",
    form: ["ActivitySid", "Attributes", "FriendlyName", "RejectPendingReservations"],
    handler(ctx) {
      const w = ws(ctx);
      const wk = worker(ctx, w, "Sid");
      ctx.store.workers.update(
        w,
        wk,
        {
          activitySid: ctx.form.ActivitySid,
          attributes: ctx.form.Attributes,
          friendlyName: ctx.form.FriendlyName,
          rejectPendingReservations: parseBoolParam("RejectPendingReservations", ctx.form.RejectPendingReservations),
        },
        ctx.header("if-match"),
      );
      return withEtag(ctx, wk, { body: renderWorker(ctx, w, wk, true) });
    },
  },
  {
    method: "DELETE",
    url: `${W}/Workers/:Sid`,
    operationId: "DeleteWorker",
    handler(ctx) {
      const w = ws(ctx);
      ctx.store.workers.delete(w, worker(ctx, w, "Sid"), ctx.header("if-match"));
      return { status: 204 };
    },
  },

  // Worker channels
  {
    method: "GET",
    url: `${W}/Workers/:WorkerSid/Channels`,
    operationId: "ListWorkerChannel",
    query: [...PAGING],
    handler(ctx) {
      const w = ws(ctx);
      const wk = worker(ctx, w, "WorkerSid");
      const req = pageRequest(ctx);
      const page = ctx.store.workers.listChannels(wk, req);
      const path = `/v1/Workspaces/${w.sid}/Workers/${wk.sid}/Channels`;
      return { body: renderPage(ctx, { key: "channels", path, filters: [], req, page }, (ch) => renderWorkerChannel(ctx, w, wk, ch)) };
    },
  },
  {
    method: "GET",
    url: `${W}/Workers/:WorkerSid/Channels/:Sid`,
    operationId: "FetchWorkerChannel",
    handler(ctx) {
      const w = ws(ctx);
      const wk = worker(ctx, w, "WorkerSid");
      return { body: renderWorkerChannel(ctx, w, wk, ctx.store.workers.channel(w, wk, ctx.params.Sid!, ctx.path)) };
    },
  },
  {
    method: "POST",
    url: `${W}/Workers/:WorkerSid/Channels/:Sid`,
    operationId: "UpdateWorkerChannel",
    form: ["Capacity", "Available"],
    handler(ctx) {
      const w = ws(ctx);
      const wk = worker(ctx, w, "WorkerSid");
      const ch = ctx.store.workers.channel(w, wk, ctx.params.Sid!, ctx.path);
      ctx.store.workers.updateChannel(w, wk, ch, {
        capacity: ctx.form.Capacity === undefined ? undefined : parseIntParam("Capacity", ctx.form.Capacity),
        available: parseBoolParam("Available", ctx.form.Available),
      });
      return { body: renderWorkerChannel(ctx, w, wk, ch) };
    },
  },

  // Worker reservations
  {
    method: "GET",
    url: `${W}/Workers/:WorkerSid/Reservations`,
    operationId: "ListWorkerReservation",
    query: ["ReservationStatus", ...PAGING],
    handler(ctx) {
      const w = ws(ctx);
      const wk = worker(ctx, w, "WorkerSid");
      const req = pageRequest(ctx);
      const page = ctx.store.reservations.list(w, wk.sid, { status: ctx.query.ReservationStatus }, req);
      const path = `/v1/Workspaces/${w.sid}/Workers/${wk.sid}/Reservations`;
      return {
        body: renderPage(ctx, { key: "reservations", path, filters: filtersOf(ctx, ["ReservationStatus"]), req, page }, (r) =>
          renderWorkerReservation(ctx, w, wk, r),
        ),
      };
    },
  },
  {
    method: "GET",
    url: `${W}/Workers/:WorkerSid/Reservations/:Sid`,
    operationId: "FetchWorkerReservation",
    handler(ctx) {
      const w = ws(ctx);
      const wk = worker(ctx, w, "WorkerSid");
      const r = ctx.store.reservations.get(w, wk.sid, ctx.params.Sid!, ctx.path);
      return { body: renderWorkerReservation(ctx, w, wk, r) };
    },
  },

  // Worker statistics
  {
    method: "GET",
    url: `${W}/Workers/:WorkerSid/Statistics`,
    operationId: "FetchWorkerInstanceStatistics",
    query: ["Minutes", "StartDate", "EndDate"],
    handler(ctx) {
      const w = ws(ctx);
      const wk = worker(ctx, w, "WorkerSid");
      return { body: renderWorkerInstanceStatistics(ctx, w, wk, statsWindow(ctx)) };
    },
  },
  {
    method: "GET",
    url: `${W}/Workers/Statistics`,
    operationId: "FetchWorkerStatistics",
    query: ["Minutes", "StartDate", "EndDate", "FriendlyName"],
    handler(ctx) {
      const w = ws(ctx);
      const name = ctx.query.FriendlyName;
      const workers =
        name === undefined
          ? w.workers
          : ctx.store.workers.list(w, { friendlyName: name }, { pageSize: Number.MAX_SAFE_INTEGER, page: 0 }).items;
      return { body: renderWorkersStatistics(ctx, w, workers, statsWindow(ctx)) };
    },
  },
  {
    method: "GET",
    url: `${W}/Workers/CumulativeStatistics`,
    operationId: "FetchWorkersCumulativeStatistics",
    query: ["EndDate", "Minutes", "StartDate"],
    handler(ctx) {
      const w = ws(ctx);
      return { body: renderWorkersCumulativeStatistics(ctx, w, statsWindow(ctx)) };
    },
  },
  {
    method: "GET",
    url: `${W}/Workers/RealTimeStatistics`,
    operationId: "FetchWorkersRealTimeStatistics",
    handler(ctx) {
      return { body: renderWorkersRealTimeStatistics(ctx, ws(ctx)) };
    },
  },

  // Events (events.ts): one EventType per query; Twilio does not support `Page` here
  // (it is accepted as client state, never as an offset).
  {
    method: "GET",
    url: `${W}/Events`,
    operationId: "ListEvent",
    query: ["EndDate", "EventType", "Minutes", "StartDate", "WorkerSid", "TaskChannel", "Sid", ...PAGING],
    handler(ctx) {
      const w = ws(ctx);
      const req = pageRequest(ctx);
      const { start, end } = EventLog.window(ctx.query, parseDate);
      const filter = { eventType: ctx.query.EventType, workerSid: ctx.query.WorkerSid, sid: ctx.query.Sid, taskChannel: ctx.query.TaskChannel, start, end };
      if (filter.eventType?.includes(",")) throw Errors.badRequest("EventType takes one event type per query");
      const page = ctx.store.events.list(w, filter, req);
      const filters = filtersOf(ctx, ["EndDate", "EventType", "Minutes", "StartDate", "WorkerSid", "TaskChannel", "Sid"]);
      return {
        body: renderPage(ctx, { key: "events", path: `/v1/Workspaces/${w.sid}/Events`, filters, req, page }, (e) => renderEvent(ctx, w, e)),
      };
    },
  },
  {
    method: "GET",
    url: `${W}/Events/:Sid`,
    operationId: "FetchEvent",
    handler(ctx) {
      const w = ws(ctx);
      return { body: renderEvent(ctx, w, ctx.store.events.get(w, ctx.params.Sid!, ctx.path)) };
    },
  },

  // Task queues
  {
    method: "GET",
    url: `${W}/TaskQueues`,
    operationId: "ListTaskQueue",
    query: ["FriendlyName", "EvaluateWorkerAttributes", "WorkerSid", ...PAGING],
    handler(ctx) {
      const w = ws(ctx);
      const req = pageRequest(ctx);
      const worker = ctx.query.WorkerSid === undefined ? undefined : ctx.store.workers.find(w, ctx.query.WorkerSid);
      const page = ctx.store.routing.listQueues(
        w,
        {
          friendlyName: ctx.query.FriendlyName,
          evaluateWorkerAttributes: ctx.query.EvaluateWorkerAttributes,
          // An unknown worker is eligible for nothing.
          workerAttributes: ctx.query.WorkerSid === undefined ? undefined : worker ? ctx.store.workers.attributesOf(worker) : "none",
        },
        req,
      );
      const filters = filtersOf(ctx, ["FriendlyName", "EvaluateWorkerAttributes", "WorkerSid"]);
      return {
        body: renderPage(ctx, { key: "task_queues", path: `/v1/Workspaces/${w.sid}/TaskQueues`, filters, req, page }, (q) =>
          renderTaskQueue(ctx, w, q),
        ),
      };
    },
  },
  {
    method: "POST",
    url: `${W}/TaskQueues`,
    operationId: "CreateTaskQueue",
    form: TASK_QUEUE_FORM,
    handler(ctx) {
      const w = ws(ctx);
      return { status: 201, body: renderTaskQueue(ctx, w, ctx.store.routing.createQueue(w, taskQueueInput(ctx))) };
    },
  },
  {
    method: "GET",
    url: `${W}/TaskQueues/:Sid`,
    operationId: "FetchTaskQueue",
    handler(ctx) {
      const w = ws(ctx);
      return { body: renderTaskQueue(ctx, w, ctx.store.routing.queue(w, ctx.params.Sid!, ctx.path)) };
    },
  },
  {
    method: "POST",
    url: `${W}/TaskQueues/:Sid`,
    operationId: "UpdateTaskQueue",
    form: TASK_QUEUE_FORM,
    handler(ctx) {
      const w = ws(ctx);
      const q = ctx.store.routing.queue(w, ctx.params.Sid!, ctx.path);
      return { body: renderTaskQueue(ctx, w, ctx.store.routing.updateQueue(w, q, taskQueueInput(ctx))) };
    },
  },
  {
    method: "DELETE",
    url: `${W}/TaskQueues/:Sid`,
    operationId: "DeleteTaskQueue",
    handler(ctx) {
      const w = ws(ctx);
      ctx.store.routing.deleteQueue(w, ctx.store.routing.queue(w, ctx.params.Sid!, ctx.path));
      return { status: 204 };
    },
  },
  {
    method: "GET",
    url: `${W}/TaskQueues/Statistics`,
    operationId: "ListTaskQueuesStatistics",
    query: ["FriendlyName", "Minutes", "StartDate", "EndDate", ...PAGING],
    handler(ctx) {
      const w = ws(ctx);
      const req = pageRequest(ctx);
      const window = statsWindow(ctx);
      const page = ctx.store.routing.listQueues(w, { friendlyName: ctx.query.FriendlyName }, req);
      const filters = filtersOf(ctx, ["FriendlyName", "Minutes", "StartDate", "EndDate"]);
      const path = `/v1/Workspaces/${w.sid}/TaskQueues/Statistics`;
      return {
        body: renderPage(ctx, { key: "task_queues_statistics", path, filters, req, page }, (q) =>
          renderTaskQueuesStatistics(ctx, w, q, ctx.store.workers.countEligible(w, q.targetWorkers), window),
        ),
      };
    },
  },

  // Workflows (read only: flex-roster reads where tasks go, it never routes them)
  {
    method: "GET",
    url: `${W}/Workflows`,
    operationId: "ListWorkflow",
    query: ["FriendlyName", ...PAGING],
    handler(ctx) {
      const w = ws(ctx);
      const req = pageRequest(ctx);
      const page = ctx.store.routing.listWorkflows(w, { friendlyName: ctx.query.FriendlyName }, req);
      return {
        body: renderPage(ctx, { key: "workflows", path: `/v1/Workspaces/${w.sid}/Workflows`, filters: filtersOf(ctx, ["FriendlyName"]), req, page }, (wf) =>
          renderWorkflow(ctx, w, wf),
        ),
      };
    },
  },
  {
    method: "GET",
    url: `${W}/Workflows/:Sid`,
    operationId: "FetchWorkflow",
    handler(ctx) {
      const w = ws(ctx);
      return { body: renderWorkflow(ctx, w, ctx.store.routing.workflow(w, ctx.params.Sid!, ctx.path)) };
    },
  },

  // Flex v1: the account's Flex Configuration (flex-api.twilio.com)
  {
    method: "GET",
    url: "/v1/Configuration",
    operationId: "FetchConfiguration",
    spec: "flex_v1",
    query: ["UiVersion"],
    handler(ctx) {
      return { body: renderConfiguration(ctx, flexConfigOf(ctx.store, ctx.path)) };
    },
  },
  {
    method: "POST",
    url: "/v1/Configuration",
    operationId: "UpdateConfiguration",
    spec: "flex_v1",
    json: true,
    handler(ctx) {
      const rec = updateFlexConfig(ctx.store, flexConfigOf(ctx.store, ctx.path), ctx.jsonBody ?? {});
      return { body: renderConfiguration(ctx, rec) };
    },
  },
];

/** `GET /v1/Workspaces/:WorkspaceSid/Workers` style key used by counters, latency and faults. */
export function routeKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}
