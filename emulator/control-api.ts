/**
 * The emulator's control API as in-process methods. The HTTP endpoints under
 * /__emulator/ (server.ts) are thin wrappers around the same object.
 */

import {
  Control,
  type CountersSnapshot,
  type FaultInfo,
  type FaultSpec,
  type LatencyConfig,
} from "./control";
import { Errors, TwilioApiError } from "./errors";
import { disableSkill, secondChat, ssoSignIn, type ChatResult, type SsoClaims, type SsoResult } from "./flex";
import { RateLimiter, type RateLimitConfig } from "./rate-limit";
import { snapshotOf, type StoreSnapshot } from "./persist";
import type { ReservationStatus, StoreOptionsState, WorkerRec, WorkspaceRec } from "./records";
import type { MarkBusyOptions, MarkBusyResult } from "./reservations";
import type { Store } from "./store";
import type { SeedWorkerSpec } from "./workers";

/** Which workspace a control call is about: WS sid, friendly name, or "default" (the first). Default "default". */
export interface WorkspaceRef {
  workspace?: string;
}

/**
 * rejectDeleteWhenBusy (default false): HTTP 400, code 20001; flexEnabled (default true): false answers 404 for Flex;
 * ignoreIfMatch (default false): worker update and delete ignore If-Match (an assumption broken on purpose).
 */
export type EmulatorOptionsState = StoreOptionsState;

export interface BusyState {
  workerSid: string;
  busy: boolean;
  reservations: Array<{ sid: string; status: ReservationStatus; taskSid: string; taskChannel: string | null }>;
}

export interface EmulatorControl {
  /** Request counters (see CountersSnapshot). */
  counters(): CountersSnapshot;
  resetCounters(): void;
  /** setLatency(ms): every Twilio request; setLatency(ms, { route, method? }): one route (0 removes the rule). */
  setLatency(ms: number, target?: { route: string; method?: string }): void;
  clearLatency(): void;
  latency(): LatencyConfig;
  injectFault(spec: FaultSpec): FaultInfo;
  /** Account-wide limit in requests per second (429, code 20429, Retry-After); null or 0 removes it. */
  setRateLimit(requestsPerSecond: number | null): RateLimitConfig;
  rateLimit(): RateLimitConfig;
  faults(): FaultInfo[];
  /** Clear one fault by id, or all. */
  clearFaults(id?: string): void;
  /** Worker by WK sid or friendly name. Gives it an accepted reservation (assigned task) by default. */
  markBusy(worker: string, opts?: MarkBusyOptions & WorkspaceRef): MarkBusyResult;
  /** Complete/cancel all of the worker's active reservations. */
  markIdle(worker: string, opts?: WorkspaceRef): { cleared: number };
  busy(worker: string, opts?: WorkspaceRef): BusyState;
  /** Flex: the agent signs in through SSO (claims → roles, full_name, email; contact_uri filled; worker created if none). */
  ssoSignIn(claims: SsoClaims, opts?: WorkspaceRef): SsoResult;
  /** Flex: a supervisor disables one of the worker's skills (moved into disabled_skills). Returns the new attributes. */
  disableSkill(worker: string, skill: string, opts?: WorkspaceRef): Record<string, unknown>;
  /** Flex: the agent accepts a second chat; 403 "You are not a chat participant" unless contact_uri is client:+identity. */
  secondChat(username: string, opts?: WorkspaceRef): ChatResult;
  /** Events: new ones show in the list only `ms` after their write (0 = at once). */
  setEventLag(ms: number): { lagMs: number };
  /** Events: forget the workspace's whole log, as after retention. Returns how many went. */
  dropEvents(opts?: WorkspaceRef): { dropped: number };
  /** Events: move every event of the workspace `ms` into the past (to reach the 30-day edge). */
  ageEvents(ms: number, opts?: WorkspaceRef): { agedMs: number };
  /** An admin renames an activity (e.g. Offline to "Logged out"): a workspace without the activity a name lookup expects. */
  renameActivity(name: string, newName: string, opts?: WorkspaceRef): { sid: string; friendlyName: string };
  /** Insert workers in bulk, bypassing validation (and the event log). Returns their SIDs in order. */
  seedWorkers(specs: readonly SeedWorkerSpec[], opts?: WorkspaceRef): string[];
  /**
   * Plant a TaskQueue without validating its target_workers: an expression
   * TaskRouter holds that a client's parser may not know. Returns its SID.
   */
  seedTaskQueue(spec: { friendlyName: string; targetWorkers: string }, opts?: WorkspaceRef): string;
  /** Deep copy of the whole state (the same JSON as the --state file). */
  dump(): StoreSnapshot;
  options(): EmulatorOptionsState;
  setOptions(opts: Partial<EmulatorOptionsState>): EmulatorOptionsState;
  /** Back to a fresh emulator: state (new default workspace), counters, latency, faults, rate limit and event lag. */
  reset(): void;
  /** The Twilio routes served, as `METHOD /pattern` keys. */
  routes(): string[];
}

export function createControlApi(
  store: Store,
  control: Control,
  routes: readonly string[],
  seedWorkspace: boolean,
  rateLimiter: RateLimiter = new RateLimiter(),
): EmulatorControl {
  const workspace = (ref: WorkspaceRef | undefined): WorkspaceRec => {
    const name = ref?.workspace ?? "default";
    const ws = store.catalogue.findWorkspace(name);
    if (!ws) throw new TwilioApiError(404, 20404, `Workspace ${name} not found`);
    return ws;
  };
  const worker = (ws: WorkspaceRec, ref: string): WorkerRec => {
    const w = store.workers.find(ws, ref);
    if (!w) throw new TwilioApiError(404, 20404, `Worker ${ref} not found in workspace ${ws.sid}`);
    return w;
  };

  return {
    counters: () => control.counters(),
    resetCounters: () => control.resetCounters(),
    setLatency: (ms, target) => control.setLatency(ms, target),
    clearLatency: () => control.clearLatency(),
    latency: () => control.latencyConfig(),
    injectFault: (spec) => control.injectFault(spec),
    setRateLimit: (rps) => rateLimiter.set(rps),
    rateLimit: () => rateLimiter.config(),
    faults: () => control.faults(),
    clearFaults: (id) => {
      control.clearFaults(id);
    },
    markBusy(ref, opts) {
      const ws = workspace(opts);
      return store.reservations.markBusy(ws, worker(ws, ref), opts);
    },
    markIdle(ref, opts) {
      const ws = workspace(opts);
      return store.reservations.markIdle(ws, worker(ws, ref));
    },
    busy(ref, opts) {
      const ws = workspace(opts);
      const w = worker(ws, ref);
      const active = store.reservations.active(ws, w.sid);
      return {
        workerSid: w.sid,
        busy: active.length > 0,
        reservations: active.map((r) => {
          const task = store.reservations.task(ws, r.taskSid);
          const tc = task ? store.catalogue.taskChannelOf(ws, task.taskChannelSid) : undefined;
          return { sid: r.sid, status: r.status, taskSid: r.taskSid, taskChannel: tc?.uniqueName ?? null };
        }),
      };
    },
    ssoSignIn: (claims, opts) => ssoSignIn(store, workspace(opts), claims),
    disableSkill(ref, skill, opts) {
      const ws = workspace(opts);
      return disableSkill(store, ws, worker(ws, ref), skill);
    },
    secondChat: (username, opts) => secondChat(store, workspace(opts), username),
    setEventLag(ms) {
      store.events.setLag(Number(ms));
      return { lagMs: store.events.lag() };
    },
    dropEvents: (opts) => ({ dropped: store.events.drop(workspace(opts)) }),
    ageEvents(ms, opts) {
      store.events.age(workspace(opts), Number(ms));
      return { agedMs: Number(ms) };
    },
    renameActivity(name, newName, opts) {
      const ws = workspace(opts);
      const a = ws.activities.find((x) => x.friendlyName.toLowerCase() === String(name).toLowerCase());
      if (!a) throw new TwilioApiError(404, 20404, `Activity ${name} not found in workspace ${ws.sid}`);
      if (typeof newName !== "string" || newName.trim() === "") throw Errors.badRequest("newName must be a non-empty string");
      a.friendlyName = newName;
      a.dateUpdated = Date.now();
      store.onChange();
      return { sid: a.sid, friendlyName: a.friendlyName };
    },
    seedWorkers(specs, opts) {
      if (!Array.isArray(specs)) throw Errors.badRequest("seed body must be an array of workers");
      return store.workers.seed(workspace(opts), specs).map((w) => w.sid);
    },
    seedTaskQueue(spec, opts) {
      if (!spec || typeof spec.friendlyName !== "string" || typeof spec.targetWorkers !== "string") {
        throw Errors.badRequest("a seeded TaskQueue needs friendlyName and targetWorkers (strings)");
      }
      return store.routing.seedQueue(workspace(opts), spec).sid;
    },
    dump: () => structuredClone(snapshotOf(store)),
    options: () => ({ ...store.options }),
    setOptions(opts) {
      if (opts.rejectDeleteWhenBusy !== undefined) store.options.rejectDeleteWhenBusy = Boolean(opts.rejectDeleteWhenBusy);
      if (opts.flexEnabled !== undefined) store.options.flexEnabled = Boolean(opts.flexEnabled);
      if (opts.ignoreIfMatch !== undefined) store.options.ignoreIfMatch = Boolean(opts.ignoreIfMatch);
      return { ...store.options };
    },
    reset() {
      store.clear();
      if (seedWorkspace) store.catalogue.ensureDefaultWorkspace();
      control.reset();
      rateLimiter.set(null);
      store.events.setLag(0);
    },
    routes: () => [...routes],
  };
}
