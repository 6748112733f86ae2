// `flex-roster conformance`: check, against a live account (Twilio or the
// emulator), the API behaviour flex-roster relies on but that Twilio's
// documents do not all state. One scratch worker with a recognisable unique
// name is created, exercised and deleted (also when a check throws or the run
// is aborted). Each check says what was observed and what flex-roster does
// when the assumption does not hold; docs/conformance.md gives each source.

import { randomBytes } from "node:crypto";
import { EVENT_TYPES } from "../reconcile/change-log";
import { OFFLINE_ACTIVITY } from "../reconcile/reconciler";
import { FRIENDLY_NAME_MAX } from "../roster/limits";
import type { FlexRosterClient } from "../twilio/client";
import { isRestException, twilioErrorText } from "../twilio/errors";
import { readFlexConfiguration } from "../twilio/flex-configuration";
import type { TaskRouter } from "../twilio/taskrouter";

/** Prefix of every scratch worker's friendly name: find leftovers with it. */
export const SCRATCH_PREFIX = "flex-roster-conformance-";

/** holds: the assumption held; fails: it did not; unchecked: this command cannot exercise it (said why). */
export type Verdict = "holds" | "fails" | "unchecked";

export interface ConformanceCheck {
  id: string;
  assumption: string;
  observed: string;
  verdict: Verdict;
  /** What flex-roster does when the assumption does not hold. */
  ifDiffers: string;
}

export interface ConformanceResult {
  workspace: { sid: string; friendlyName: string };
  scratch: { friendlyName: string; sid?: string; deleted: boolean; extra: string[] };
  checks: ConformanceCheck[];
  /** True when no check fails (unchecked ones do not count). */
  ok: boolean;
}

export interface ConformanceOptions {
  /** How long to wait for each event to be listed. Default 30 s. */
  eventWaitMs?: number;
  /** Aborted (Ctrl-C): stop between steps; the scratch worker is still deleted. */
  signal?: AbortSignal;
  /** Called as each check completes, for progress output. */
  onCheck?: (check: ConformanceCheck) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** What flex-roster does when each assumption does not hold (docs/conformance.md says the same). */
const IF_DIFFERS: Record<string, string> = {
  "offline-activity": "preview fails with one message naming the missing or available activity; nothing is written",
  "flex-configuration": "says so once per run and falls back: the roster must name its workspace, the activity named Offline, skill levels 0..10",
  "friendly-name-64": "a roster identity the API refuses fails that agent's create with Twilio's message; the roster check allows 64",
  "create-activity": "new workers would not start Offline: they could receive work before the agent signs in",
  "etag-header": "updates go without If-Match: a concurrent write (an SSO login) between read and write can be overwritten",
  "if-match-update": "a concurrent write between flex-roster's read and its update is overwritten instead of re-read (lost update)",
  "if-match-delete": "none today: flex-roster deletes without If-Match (it takes the worker Offline first)",
  "duplicate-name-refused": "create-or-adopt relies on the refusal: a retried create could make a second worker (doctor reports duplicates)",
  "list-filter-case-insensitive": "adoption could miss a worker whose name differs in case: its create is refused and the run fails naming the agent",
  "list-attributes-null": "none: flex-roster fetches each worker it reads (a list with attributes only costs bandwidth)",
  "date-updated-on-write": "the date_updated refresh path (used when the event log cannot be read) would miss out-of-band edits: run `pulumi up --refresh` with the event log readable",
  "channel-write-keeps-date-updated": "the date_updated path fetches those workers in full: more calls, same result",
  "worker-channels": "channel capacity and availability cannot be written: those agents' updates fail naming the channel",
  "events-listed": "the affected workers are read in full (said once per run): more calls, same result",
  "deleted-is-404": "a worker deleted out of band would not be recreated",
  "second-chat-contact-uri": "doctor and preview still flag a non-canonical contact_uri; only the reason (Flex's second chat) would be moot",
};

/** 64 characters: the prefix, a base-36 time, random hex, padded with "x". */
export function scratchName(now = Date.now()): string {
  const base = `${SCRATCH_PREFIX}${now.toString(36)}-${randomBytes(6).toString("hex")}-`;
  return base.padEnd(FRIENDLY_NAME_MAX, "x").slice(0, FRIENDLY_NAME_MAX);
}

class Aborted extends Error {
  constructor() {
    super("conformance interrupted; the scratch worker was deleted");
    this.name = "Aborted";
  }
}

function statusOf(err: unknown): string {
  return isRestException(err) ? `HTTP ${err.status}, code ${err.code ?? "none"}` : err instanceof Error ? err.message : String(err);
}

/**
 * Run every check in `workspace` (friendly name or WS SID). Throws only when
 * the workspace cannot be resolved or the run is aborted; the scratch worker
 * (and any second worker a failed assumption let through) is deleted first.
 */
export async function runConformance(client: FlexRosterClient, tr: TaskRouter, workspace: string, opts: ConformanceOptions = {}): Promise<ConformanceResult> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const eventWaitMs = opts.eventWaitMs ?? 30_000;
  const ws = await tr.resolveWorkspace(workspace);
  const api = client.twilio.taskrouter.v1.workspaces(ws.sid);
  const checks: ConformanceCheck[] = [];
  const name = scratchName();
  const scratch: ConformanceResult["scratch"] = { friendlyName: name, deleted: false, extra: [] };
  const record = (id: string, assumption: string, verdict: Verdict, observed: string) => {
    const c = { id, assumption, observed, verdict, ifDiffers: IF_DIFFERS[id] ?? "" };
    checks.push(c);
    opts.onCheck?.(c);
  };
  const check = (id: string, assumption: string, holds: boolean, observed: string) => record(id, assumption, holds ? "holds" : "fails", observed);
  const step = () => {
    if (opts.signal?.aborted) throw new Aborted();
  };

  try {
    // Flex Configuration and the offline activity (no worker needed).
    const flex = await readFlexConfiguration(client);
    if (flex.ok) {
      const c = flex.config;
      const fields = [
        `taskrouter_workspace_sid ${c.workspaceSid ? (c.workspaceSid === ws.sid ? "= this workspace" : `= ${c.workspaceSid} (another workspace)`) : "missing"}`,
        `taskrouter_offline_activity_sid ${c.offlineActivitySid ?? "missing"}`,
        `taskrouter_skills ${c.skills ? `${c.skills.length} with name/multivalue/minimum/maximum` : "none usable"}`,
      ];
      check("flex-configuration", "the Flex Configuration can be read and names the workspace, its offline activity and a skill catalogue", Boolean(c.workspaceSid && c.offlineActivitySid), fields.join("; "));
    } else {
      check("flex-configuration", "the Flex Configuration can be read and names the workspace, its offline activity and a skill catalogue", false, flex.reason);
    }
    const flexOffline = flex.ok && flex.config.workspaceSid === ws.sid ? flex.config.offlineActivitySid : undefined;
    const assumption = "the workspace has an unavailable offline activity (Flex's, else one named Offline)";
    const activity = flexOffline
      ? await api.activities(flexOffline).fetch().catch(() => undefined)
      : (await api.activities.list({ friendlyName: OFFLINE_ACTIVITY, pageSize: 50 })).find((a) => a.friendlyName.toLowerCase() === OFFLINE_ACTIVITY.toLowerCase());
    const offline = activity?.sid;
    const where = flexOffline ? `Flex's ${flexOffline}` : "activity named Offline";
    const seen = activity ? `${where}: "${activity.friendlyName}", available ${activity.available}` : flexOffline ? `Flex names ${flexOffline}, which the workspace lacks` : "no activity named Offline";
    check("offline-activity", assumption, activity !== undefined && !activity.available, seen);
    step();

    // The scratch worker: a 64-character name, created in the offline activity.
    const attributes = { flex_roster_conformance: true, contact_uri: `client:${name}` };
    const created = await api.workers.createWithHttpInfo({ friendlyName: name, attributes: JSON.stringify(attributes), ...(offline ? { activitySid: offline } : {}) });
    scratch.sid = created.body.sid;
    const sid = created.body.sid;
    check("friendly-name-64", `a worker FriendlyName of ${FRIENDLY_NAME_MAX} characters is accepted as given`, created.body.friendlyName === name, `created ${sid} named ${created.body.friendlyName.length} characters${created.body.friendlyName === name ? "" : " (changed)"}`);
    if (offline) check("create-activity", "a worker created with ActivitySid starts in that activity", created.body.activitySid === offline, `activity ${created.body.activityName} (${created.body.activitySid})`);
    const createdAt = Date.now();
    step();

    // ETag on fetch; date_updated bumped by a worker write and not by a channel write.
    const fetched = await tr.fetchWorker(ws.sid, sid);
    check("etag-header", "fetching a worker returns an ETag header", Boolean(fetched?.etag), fetched?.etag ? `ETag ${fetched.etag}` : "no ETag header");
    // date_updated has whole seconds: wait past the next second before each write.
    await sleep(Math.max(0, 1100 - (Date.now() - createdAt)));
    const before = fetched?.dateUpdated;
    const updated = await tr.updateWorker(ws.sid, sid, { attributes: JSON.stringify({ ...attributes, written: 1 }) });
    const afterWrite = (await tr.fetchWorker(ws.sid, sid))?.dateUpdated;
    check("date-updated-on-write", "an attributes write moves the worker's date_updated", before !== undefined && afterWrite !== undefined && afterWrite > before, `${iso(before)} -> ${iso(afterWrite)}`);
    step();

    const channels = await api.workers(sid).workerChannels.list({ pageSize: 100 });
    const taskChannels = await api.taskChannels.list({ pageSize: 100 });
    const chat = channels.find((c) => c.taskChannelUniqueName === "chat") ?? channels[0];
    let channelOk = false;
    let channelSeen = "the worker has no channel";
    if (chat) {
      await sleep(1100);
      const capacity = chat.configuredCapacity === 2 ? 3 : 2;
      await api.workers(sid).workerChannels(chat.sid).update({ capacity, available: !chat.available });
      const back = await api.workers(sid).workerChannels(chat.sid).fetch();
      channelOk = channels.length === taskChannels.length && back.configuredCapacity === capacity && back.available === !chat.available;
      channelSeen = `${channels.length} channels for ${taskChannels.length} task channels; ${chat.taskChannelUniqueName}: capacity ${back.configuredCapacity}, available ${back.available}`;
      const afterChannel = (await tr.fetchWorker(ws.sid, sid))?.dateUpdated;
      check("channel-write-keeps-date-updated", "a worker channel write leaves the worker's date_updated as it was", afterChannel === afterWrite, `${iso(afterWrite)} -> ${iso(afterChannel)}`);
    }
    check("worker-channels", "a new worker has one channel per task channel, whose capacity and availability can be written and read back", channelOk, channelSeen);
    step();

    // If-Match on update: a stale ETag is refused.
    const stale = fetched?.etag;
    if (stale && updated.etag !== stale) {
      const outcome = await tr.updateWorker(ws.sid, sid, { attributes: JSON.stringify({ ...attributes, written: 2 }) }, stale).then(() => "accepted", statusOf);
      check("if-match-update", "an update with a stale If-Match is refused with 412", outcome.startsWith("HTTP 412"), `stale If-Match: ${outcome}`);
    } else {
      check("if-match-update", "an update with a stale If-Match is refused with 412", false, stale ? "a write did not change the ETag" : "no ETag to send");
    }
    step();

    // Duplicate names, in another case, are refused.
    const other = name.toUpperCase();
    const dup = await api.workers.create({ friendlyName: other, attributes: "{}" }).then(
      (w) => {
        scratch.extra.push(w.sid);
        return `accepted: created ${w.sid}`;
      },
      (err) => `refused: ${statusOf(err)}${isRestException(err) ? ` "${err.message}"` : ""}`,
    );
    check("duplicate-name-refused", "a second worker whose FriendlyName differs only in case is refused", dup.startsWith("refused"), dup);
    step();

    // Lists: the FriendlyName filter ignores case, and attributes are null.
    const listed = await api.workers.list({ friendlyName: other, pageSize: 50 });
    const found = listed.find((w) => w.sid === sid);
    check("list-filter-case-insensitive", "listing workers by FriendlyName ignores case", Boolean(found), found ? "found by its upper-case name" : `${listed.length} listed, not the scratch worker`);
    const attrs = found?.attributes ?? (await api.workers.list({ friendlyName: name, pageSize: 50 })).find((w) => w.sid === sid)?.attributes;
    check("list-attributes-null", "worker lists return attributes: null (read them with a fetch)", attrs === null, attrs === null ? "attributes: null" : `attributes: ${typeof attrs === "string" ? "present" : String(attrs)}`);
    step();

    // If-Match on delete, then the delete itself.
    const current = await tr.fetchWorker(ws.sid, sid);
    if (stale && current?.etag !== stale) {
      const outcome = await api.workers(sid).remove({ ifMatch: stale }).then(() => "deleted anyway", statusOf);
      if (outcome === "deleted anyway") scratch.deleted = true;
      check("if-match-delete", "a delete with a stale If-Match is refused with 412", outcome.startsWith("HTTP 412"), `stale If-Match: ${outcome}`);
    }
    if (!scratch.deleted) scratch.deleted = await tr.deleteWorker(ws.sid, sid);
    const gone = await api.workers(sid).fetch().then(() => "still fetchable", statusOf);
    check("deleted-is-404", "a deleted worker answers 404", gone.startsWith("HTTP 404"), gone);
    step();

    // Events: each write recorded, with the payload flex-roster compares, and how soon.
    await checkEvents(tr, ws.sid, sid, new Date(createdAt - 60_000), eventWaitMs, sleep, opts.signal, check, record);

    record("second-chat-contact-uri", "Flex refuses a second chat unless contact_uri is client: + the identity", "unchecked", "needs a live Flex chat: not exercised by this command");
  } finally {
    await cleanUp(tr, ws.sid, scratch);
  }
  return { workspace: ws, scratch, checks, ok: checks.every((c) => c.verdict !== "fails") };
}

const iso = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? "none" : new Date(ms).toISOString());

/** Which event each write recorded, and its payload field flex-roster reads. */
const EXPECTED_EVENTS: ReadonlyArray<{ type: string; field?: string }> = [
  { type: EVENT_TYPES.attributes, field: "worker_attributes" },
  { type: EVENT_TYPES.capacity, field: "worker_channel_capacity" },
  { type: EVENT_TYPES.availability, field: "worker_channel_available" },
  { type: EVENT_TYPES.deleted },
];

async function checkEvents(
  tr: TaskRouter,
  wsSid: string,
  sid: string,
  since: Date,
  waitMs: number,
  sleep: (ms: number) => Promise<void>,
  signal: AbortSignal | undefined,
  check: (id: string, assumption: string, holds: boolean, observed: string) => void,
  record: (id: string, assumption: string, verdict: Verdict, observed: string) => void,
): Promise<void> {
  const assumption = `each write is listed in the event log (${EXPECTED_EVENTS.map((e) => e.type).join(", ")}) with the payload flex-roster reads`;
  const started = Date.now();
  const seen = new Map<string, number>();
  const missingField: string[] = [];
  try {
    for (;;) {
      for (const e of EXPECTED_EVENTS) {
        if (seen.has(e.type)) continue;
        for await (const page of tr.listWorkerEvents(wsSid, e.type, since)) {
          const mine = page.find((x) => x.workerSid === sid);
          if (mine) {
            seen.set(e.type, Date.now() - started);
            if (e.field && !(e.field in mine.data)) missingField.push(`${e.type} without ${e.field}`);
            break;
          }
        }
      }
      if (seen.size === EXPECTED_EVENTS.length || Date.now() - started > waitMs || signal?.aborted) break;
      await sleep(1000);
    }
  } catch (err) {
    if (isRestException(err) && err.status === 404) {
      record("events-listed", assumption, "fails", "not supported by this endpoint (Events answered 404)");
      return;
    }
    check("events-listed", assumption, false, `the log could not be read: ${isRestException(err) ? twilioErrorText(err) : statusOf(err)}`);
    return;
  }
  const missing = EXPECTED_EVENTS.filter((e) => !seen.has(e.type)).map((e) => e.type);
  const slowest = Math.max(0, ...seen.values());
  const observed = [
    missing.length ? `missing after ${Math.round(waitMs / 1000)} s: ${missing.join(", ")}` : `all listed within ${(slowest / 1000).toFixed(1)} s`,
    ...missingField,
  ].join("; ");
  check("events-listed", assumption, missing.length === 0 && missingField.length === 0, observed);
}

/** Delete the scratch worker and any duplicate a failed check let through; never throws. */
async function cleanUp(tr: TaskRouter, wsSid: string, scratch: ConformanceResult["scratch"]): Promise<void> {
  for (const sid of [...scratch.extra, ...(scratch.sid && !scratch.deleted ? [scratch.sid] : [])]) {
    try {
      await tr.deleteWorker(wsSid, sid);
      if (sid === scratch.sid) scratch.deleted = true;
    } catch {
      // reported by the caller: scratch.deleted stays false and the name says what to delete
    }
  }
  if (!scratch.sid) scratch.deleted = true;
}

export { Aborted as ConformanceAborted };
