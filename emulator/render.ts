/**
 * JSON representations of emulator records, shaped like Twilio's responses
 * (snake_case fields of the OAI component schemas, absolute `url`s and
 * `links`). `base` is the emulator's origin as the client addressed it.
 */

import type { PageRequest, PageResult } from "./paging";
import type {
  ActivityRec,
  EventRec,
  ReservationCounters,
  ReservationRec,
  TaskChannelRec,
  TaskQueueRec,
  WorkerChannelRec,
  WorkflowRec,
  WorkerRec,
  WorkspaceRec,
} from "./records";
import type { Store } from "./store";

/** ISO 8601 in Twilio's style: seconds precision, `Z` suffix. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + "Z";
}

export interface RenderContext {
  store: Store;
  base: string;
}

const wsUrl = (base: string, wsSid: string) => `${base}/v1/Workspaces/${wsSid}`;

export function renderWorkspace(c: RenderContext, ws: WorkspaceRec) {
  const url = wsUrl(c.base, ws.sid);
  return {
    account_sid: c.store.accountSid,
    date_created: iso(ws.dateCreated),
    date_updated: iso(ws.dateUpdated),
    default_activity_name: c.store.catalogue.activityOf(ws, ws.defaultActivitySid)?.friendlyName ?? null,
    default_activity_sid: ws.defaultActivitySid,
    event_callback_url: ws.eventCallbackUrl,
    events_filter: ws.eventsFilter,
    friendly_name: ws.friendlyName,
    multi_task_enabled: ws.multiTaskEnabled,
    sid: ws.sid,
    timeout_activity_name: c.store.catalogue.activityOf(ws, ws.timeoutActivitySid)?.friendlyName ?? null,
    timeout_activity_sid: ws.timeoutActivitySid,
    prioritize_queue_order: ws.prioritizeQueueOrder,
    url,
    links: {
      activities: `${url}/Activities`,
      statistics: `${url}/Statistics`,
      real_time_statistics: `${url}/RealTimeStatistics`,
      cumulative_statistics: `${url}/CumulativeStatistics`,
      task_queues: `${url}/TaskQueues`,
      tasks: `${url}/Tasks`,
      workers: `${url}/Workers`,
      workflows: `${url}/Workflows`,
      task_channels: `${url}/TaskChannels`,
      events: `${url}/Events`,
    },
  };
}

export function renderActivity(c: RenderContext, ws: WorkspaceRec, a: ActivityRec) {
  return {
    account_sid: c.store.accountSid,
    available: a.available,
    date_created: iso(a.dateCreated),
    date_updated: iso(a.dateUpdated),
    friendly_name: a.friendlyName,
    sid: a.sid,
    workspace_sid: ws.sid,
    url: `${wsUrl(c.base, ws.sid)}/Activities/${a.sid}`,
    links: { workspace: wsUrl(c.base, ws.sid) },
  };
}

export function renderTaskChannel(c: RenderContext, ws: WorkspaceRec, tc: TaskChannelRec) {
  return {
    account_sid: c.store.accountSid,
    date_created: iso(tc.dateCreated),
    date_updated: iso(tc.dateUpdated),
    friendly_name: tc.friendlyName,
    sid: tc.sid,
    unique_name: tc.uniqueName,
    workspace_sid: ws.sid,
    channel_optimized_routing: tc.channelOptimizedRouting,
    url: `${wsUrl(c.base, ws.sid)}/TaskChannels/${tc.sid}`,
    links: { workspace: wsUrl(c.base, ws.sid) },
  };
}

/** An event of the workspace's log: who did what to which resource, and when. */
export function renderEvent(c: RenderContext, ws: WorkspaceRec, e: EventRec) {
  const ws_ = wsUrl(c.base, ws.sid);
  const urlOf = (type: string, sid: string): string | null =>
    type === "worker" ? `${ws_}/Workers/${sid}` : type === "workspace" ? ws_ : null;
  return {
    account_sid: c.store.accountSid,
    actor_sid: e.actorSid,
    actor_type: e.actorType,
    actor_url: urlOf(e.actorType, e.actorSid),
    description: e.description,
    event_data: e.data,
    event_date: iso(e.date),
    event_date_ms: e.date,
    event_type: e.eventType,
    resource_sid: e.resourceSid,
    resource_type: e.resourceType,
    resource_url: urlOf(e.resourceType, e.resourceSid),
    sid: e.sid,
    source: "twilio",
    source_ip_address: null,
    url: `${ws_}/Events/${e.sid}`,
    workspace_sid: ws.sid,
  };
}

/**
 * A worker. `attributes` is only filled when fetching/creating/updating one
 * worker; lists return null (as Twilio documents for the property).
 */
export function renderWorker(c: RenderContext, ws: WorkspaceRec, w: WorkerRec, withAttributes: boolean) {
  const ws_ = wsUrl(c.base, ws.sid);
  const url = `${ws_}/Workers/${w.sid}`;
  const activity = c.store.catalogue.activityOf(ws, w.activitySid);
  return {
    account_sid: c.store.accountSid,
    activity_name: activity?.friendlyName ?? null,
    activity_sid: w.activitySid,
    attributes: withAttributes ? w.attributes : null,
    available: activity?.available ?? false,
    date_created: iso(w.dateCreated),
    date_status_changed: iso(w.dateStatusChanged),
    date_updated: iso(w.dateUpdated),
    friendly_name: w.friendlyName,
    sid: w.sid,
    workspace_sid: ws.sid,
    url,
    links: {
      channels: `${url}/Channels`,
      activity: `${ws_}/Activities/${w.activitySid}`,
      workspace: ws_,
      statistics: `${ws_}/Workers/Statistics`,
      real_time_statistics: `${ws_}/Workers/RealTimeStatistics`,
      cumulative_statistics: `${ws_}/Workers/CumulativeStatistics`,
      worker_statistics: `${url}/Statistics`,
      worker_channels: `${url}/Channels`,
      reservations: `${url}/Reservations`,
    },
  };
}

// A list page of 1,000 workers is ~1.7 MB of JSON; rendering each worker once
// per (base URL, version) and reusing the string keeps big pages fast.
const listJsonCache = new WeakMap<WorkerRec, { key: string; json: string }>();

/** JSON text of a worker as it appears in lists (attributes null), cached until the worker changes. */
export function workerListJson(c: RenderContext, ws: WorkspaceRec, w: WorkerRec): string {
  const key = `${c.base}|${w.version}|${w.activitySid}|${w.dateUpdated}|${w.friendlyName}`;
  const hit = listJsonCache.get(w);
  if (hit && hit.key === key) return hit.json;
  const json = JSON.stringify(renderWorker(c, ws, w, false));
  listJsonCache.set(w, { key, json });
  return json;
}

export function renderWorkerChannel(c: RenderContext, ws: WorkspaceRec, w: WorkerRec, ch: WorkerChannelRec) {
  const assigned = c.store.reservations.assignedTasks(ws, w.sid, ch.taskChannelSid);
  const free = ch.available && ch.capacity > 0 ? Math.max(0, ch.capacity - assigned) / ch.capacity : 0;
  return {
    account_sid: c.store.accountSid,
    assigned_tasks: assigned,
    available: ch.available,
    available_capacity_percentage: Math.round(free * 100),
    configured_capacity: ch.capacity,
    date_created: iso(ch.dateCreated),
    date_updated: iso(ch.dateUpdated),
    sid: ch.sid,
    task_channel_sid: ch.taskChannelSid,
    task_channel_unique_name: c.store.catalogue.taskChannelOf(ws, ch.taskChannelSid)?.uniqueName ?? null,
    worker_sid: w.sid,
    workspace_sid: ws.sid,
    url: `${wsUrl(c.base, ws.sid)}/Workers/${w.sid}/Channels/${ch.sid}`,
  };
}

export function renderWorkerReservation(c: RenderContext, ws: WorkspaceRec, w: WorkerRec, r: ReservationRec) {
  const ws_ = wsUrl(c.base, ws.sid);
  return {
    account_sid: c.store.accountSid,
    date_created: iso(r.dateCreated),
    date_updated: iso(r.dateUpdated),
    reservation_status: r.status,
    sid: r.sid,
    task_sid: r.taskSid,
    worker_name: w.friendlyName,
    worker_sid: w.sid,
    workspace_sid: ws.sid,
    url: `${ws_}/Workers/${w.sid}/Reservations/${r.sid}`,
    links: {
      task: `${ws_}/Tasks/${r.taskSid}`,
      worker: `${ws_}/Workers/${w.sid}`,
      workspace: ws_,
    },
  };
}

// -- statistics ---------------------------------------------------------------

export interface StatsWindow {
  start: number;
  end: number;
}

function reservationCounts(s: ReservationCounters) {
  return {
    reservations_created: s.created,
    reservations_accepted: s.accepted,
    reservations_rejected: s.rejected,
    reservations_timed_out: s.timedOut,
    reservations_canceled: s.canceled,
    reservations_rescinded: s.rescinded,
  };
}

/**
 * Activity durations, approximated from the workers' current activity only:
 * each worker contributes the time since `date_status_changed` that falls in
 * the window to its current activity.
 */
function activityDurations(ws: WorkspaceRec, workers: readonly WorkerRec[], win: StatsWindow) {
  const acc = new Map(ws.activities.map((a) => [a.sid, { n: 0, total: 0, min: Infinity, max: 0 }]));
  for (const w of workers) {
    const secs = Math.max(0, Math.floor((win.end - Math.max(win.start, w.dateStatusChanged)) / 1000));
    const a = acc.get(w.activitySid);
    if (!a) continue;
    a.n++;
    a.total += secs;
    a.min = Math.min(a.min, secs);
    a.max = Math.max(a.max, secs);
  }
  return ws.activities.map((a) => {
    const s = acc.get(a.sid)!;
    return {
      sid: a.sid,
      friendly_name: a.friendlyName,
      min: s.n ? s.min : 0,
      max: s.max,
      avg: s.n ? Math.round(s.total / s.n) : 0,
      total: s.total,
    };
  });
}

function realtime(ws: WorkspaceRec, workers: readonly WorkerRec[]) {
  const counts = new Map(ws.activities.map((a) => [a.sid, 0]));
  for (const w of workers) counts.set(w.activitySid, (counts.get(w.activitySid) ?? 0) + 1);
  return {
    total_workers: workers.length,
    activity_statistics: ws.activities.map((a) => ({
      sid: a.sid,
      friendly_name: a.friendlyName,
      workers: counts.get(a.sid) ?? 0,
    })),
  };
}

export function renderWorkerInstanceStatistics(c: RenderContext, ws: WorkspaceRec, w: WorkerRec, win: StatsWindow) {
  return {
    account_sid: c.store.accountSid,
    cumulative: {
      ...reservationCounts(w.stats),
      activity_durations: activityDurations(ws, [w], win),
      start_time: iso(win.start),
      end_time: iso(win.end),
    },
    worker_sid: w.sid,
    workspace_sid: ws.sid,
    url: `${wsUrl(c.base, ws.sid)}/Workers/${w.sid}/Statistics`,
  };
}

export function renderWorkersStatistics(
  c: RenderContext,
  ws: WorkspaceRec,
  workers: readonly WorkerRec[],
  win: StatsWindow,
) {
  return {
    realtime: realtime(ws, workers),
    cumulative: {
      ...reservationCounts(ws.cumulative),
      activity_durations: activityDurations(ws, workers, win),
      start_time: iso(win.start),
      end_time: iso(win.end),
    },
    account_sid: c.store.accountSid,
    workspace_sid: ws.sid,
    url: `${wsUrl(c.base, ws.sid)}/Workers/Statistics`,
  };
}

export function renderWorkersCumulativeStatistics(c: RenderContext, ws: WorkspaceRec, win: StatsWindow) {
  return {
    account_sid: c.store.accountSid,
    start_time: iso(win.start),
    end_time: iso(win.end),
    activity_durations: activityDurations(ws, ws.workers, win),
    ...reservationCounts(ws.cumulative),
    workspace_sid: ws.sid,
    url: `${wsUrl(c.base, ws.sid)}/Workers/CumulativeStatistics`,
  };
}

export function renderWorkersRealTimeStatistics(c: RenderContext, ws: WorkspaceRec) {
  return {
    account_sid: c.store.accountSid,
    ...realtime(ws, ws.workers),
    workspace_sid: ws.sid,
    url: `${wsUrl(c.base, ws.sid)}/Workers/RealTimeStatistics`,
  };
}

// -- lists --------------------------------------------------------------------

/** One page of a Twilio list: `key` names the items, `path` is the list's, `filters` the query parameters as sent. */
export interface ListPage<T> {
  key: string;
  path: string;
  filters: Array<[string, string]>;
  req: PageRequest;
  page: PageResult<T>;
}

function pageMeta<T>(c: RenderContext, { key, path, filters, req, page }: ListPage<T>) {
  const url = (pageIndex: number, token?: string): string => {
    const q = new URLSearchParams(filters);
    q.set("PageSize", String(req.pageSize));
    q.set("Page", String(pageIndex));
    if (token) q.set("PageToken", token);
    return `${c.base}${path}?${q.toString()}`;
  };
  return {
    page: req.page,
    page_size: req.pageSize,
    first_page_url: url(0),
    previous_page_url: page.prevToken ? url(Math.max(0, req.page - 1), page.prevToken) : null,
    url: url(req.page, req.pageToken),
    next_page_url: page.nextToken ? url(req.page + 1, page.nextToken) : null,
    key,
  };
}

/** Like renderPage, but items are already JSON text: returns the page as JSON text. */
export function renderPageJson<T>(c: RenderContext, list: ListPage<T>, itemJson: (item: T) => string): string {
  const meta = JSON.stringify(pageMeta(c, list));
  return `{${JSON.stringify(list.key)}:[${list.page.items.map(itemJson).join(",")}],"meta":${meta}}`;
}

/** A Twilio list page: `{ [key]: items, meta }`; the filters are kept in every page URL. */
export function renderPage<T>(c: RenderContext, list: ListPage<T>, render: (item: T) => unknown) {
  return { [list.key]: list.page.items.map(render), meta: pageMeta(c, list) };
}

export function renderTaskQueue(c: RenderContext, ws: WorkspaceRec, q: TaskQueueRec) {
  const ws_ = wsUrl(c.base, ws.sid);
  const url = `${ws_}/TaskQueues/${q.sid}`;
  const activityName = (sid: string | null) => (sid ? (c.store.catalogue.activityOf(ws, sid)?.friendlyName ?? null) : null);
  return {
    account_sid: c.store.accountSid,
    assignment_activity_sid: q.assignmentActivitySid,
    assignment_activity_name: activityName(q.assignmentActivitySid),
    date_created: iso(q.dateCreated),
    date_updated: iso(q.dateUpdated),
    friendly_name: q.friendlyName,
    max_reserved_workers: q.maxReservedWorkers,
    reservation_activity_sid: q.reservationActivitySid,
    reservation_activity_name: activityName(q.reservationActivitySid),
    sid: q.sid,
    target_workers: q.targetWorkers,
    task_order: q.taskOrder,
    url,
    workspace_sid: ws.sid,
    links: {
      assignment_activity: q.assignmentActivitySid ? `${ws_}/Activities/${q.assignmentActivitySid}` : null,
      reservation_activity: q.reservationActivitySid ? `${ws_}/Activities/${q.reservationActivitySid}` : null,
      workspace: ws_,
      statistics: `${url}/Statistics`,
      real_time_statistics: `${url}/RealTimeStatistics`,
      cumulative_statistics: `${url}/CumulativeStatistics`,
      list_statistics: `${ws_}/TaskQueues/Statistics`,
      bulk_real_time_statistics: `${ws_}/TaskQueues/RealTimeStatistics`,
    },
  };
}

/**
 * A queue's statistics as the TaskQueues/Statistics list gives them. Only the
 * worker counts are modelled (no tasks flow through the emulator): the other
 * real-time figures are zero, the cumulative ones are zero over the window.
 */
export function renderTaskQueuesStatistics(
  c: RenderContext,
  ws: WorkspaceRec,
  q: TaskQueueRec,
  counts: { eligible: number; available: number },
  window: StatsWindow,
) {
  return {
    account_sid: c.store.accountSid,
    cumulative: {
      start_time: iso(window.start),
      end_time: iso(window.end),
      tasks_entered: 0,
      tasks_canceled: 0,
      tasks_completed: 0,
      tasks_deleted: 0,
      tasks_moved: 0,
      reservations_created: 0,
      reservations_accepted: 0,
      reservations_rejected: 0,
      reservations_timed_out: 0,
      reservations_canceled: 0,
      reservations_rescinded: 0,
    },
    realtime: {
      total_eligible_workers: counts.eligible,
      total_available_workers: counts.available,
      total_tasks: 0,
      longest_task_waiting_age: 0,
      longest_task_waiting_sid: null,
      tasks_by_status: { pending: 0, reserved: 0, assigned: 0, wrapping: 0 },
      activity_statistics: [],
    },
    task_queue_sid: q.sid,
    workspace_sid: ws.sid,
  };
}

export function renderWorkflow(c: RenderContext, ws: WorkspaceRec, w: WorkflowRec) {
  const ws_ = wsUrl(c.base, ws.sid);
  const url = `${ws_}/Workflows/${w.sid}`;
  return {
    account_sid: c.store.accountSid,
    assignment_callback_url: w.assignmentCallbackUrl,
    configuration: w.configuration,
    date_created: iso(w.dateCreated),
    date_updated: iso(w.dateUpdated),
    document_content_type: "application/json",
    fallback_assignment_callback_url: w.fallbackAssignmentCallbackUrl,
    friendly_name: w.friendlyName,
    sid: w.sid,
    task_reservation_timeout: w.taskReservationTimeout,
    workspace_sid: ws.sid,
    url,
    links: {
      statistics: `${url}/Statistics`,
      real_time_statistics: `${url}/RealTimeStatistics`,
      cumulative_statistics: `${url}/CumulativeStatistics`,
    },
  };
}
