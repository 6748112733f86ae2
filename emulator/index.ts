/**
 * In-process entry point of the TaskRouter emulator (for tests, demo and
 * benchmarks). See emulator/README.md.
 *
 *   const emu = await startEmulator();
 *   const client = emulatorSdk(emu); // testing/emulator-client.ts
 *   ...
 *   await emu.close();
 */

import { Control } from "./control";
import { createControlApi, type EmulatorControl } from "./control-api";
import { DEV_CREDENTIALS, type DevCredentials } from "./credentials";
import { StatePersister, loadState, snapshotOf, storeFromSnapshot } from "./persist";
import { RateLimiter } from "./rate-limit";
import { buildServer, twilioRouteKeys } from "./server";
import { Store } from "./store";

export interface EmulatorOptions {
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Latency added to every Twilio request (ms). Default 0. */
  latencyMs?: number;
  /** Load state from this JSON file if it exists; save it after writes (debounced) and on close. */
  statePath?: string;
  /** Create the "Flex Task Assignment" workspace when the state has none. Default true. */
  seedWorkspace?: boolean;
  /** Refuse to delete workers with active reservations/tasks (see README). Default false. */
  rejectDeleteWhenBusy?: boolean;
  /** Serve the Flex Configuration (`/v1/Configuration`); false plays an account without Flex. Default true. */
  flexEnabled?: boolean;
  /** Account-wide limit in requests per second, answered 429 / 20429 with Retry-After (rate-limit.ts). Default none. */
  rateLimitRps?: number;
}

export interface Emulator extends DevCredentials {
  /** Base URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
  readonly url: string;
  /** SID of the default workspace ("" when seedWorkspace is false and the state has none). */
  readonly workspaceSid: string;
  readonly control: EmulatorControl;
  /** Stop listening and write the state file (if any). Idempotent. */
  close(): Promise<void>;
}

export type { EmulatorControl } from "./control-api";
export type { CountersSnapshot, FaultInfo, FaultSpec, LatencyConfig } from "./control";
export type { RateLimitConfig } from "./rate-limit";
export type { StoreSnapshot } from "./persist";
export type { MarkBusyOptions, MarkBusyResult } from "./reservations";
export type { SeedWorkerSpec } from "./workers";
export { DEV_CREDENTIALS } from "./credentials";

function formatUrl(host: string, port: number): string {
  const h = host === "0.0.0.0" || host === "" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host;
  return `http://${h}:${port}`;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const host = opts.host ?? "127.0.0.1";
  const seedWorkspace = opts.seedWorkspace ?? true;
  const storeOpts = { accountSid: DEV_CREDENTIALS.accountSid, rejectDeleteWhenBusy: opts.rejectDeleteWhenBusy, flexEnabled: opts.flexEnabled };

  const snapshot = opts.statePath ? loadState(opts.statePath) : undefined;
  const store = snapshot ? storeFromSnapshot(snapshot, storeOpts) : new Store(storeOpts);
  if (seedWorkspace && store.catalogue.workspaces.length === 0) store.catalogue.ensureDefaultWorkspace();

  const persister = opts.statePath ? new StatePersister(opts.statePath, () => snapshotOf(store)) : undefined;
  if (persister) store.onChange = () => persister.schedule();

  const control = new Control();
  if (opts.latencyMs) control.setLatency(opts.latencyMs);
  const rateLimiter = new RateLimiter();
  if (opts.rateLimitRps) rateLimiter.set(opts.rateLimitRps);
  const api = createControlApi(store, control, twilioRouteKeys(), seedWorkspace, rateLimiter);

  let url = "";
  const app = buildServer({ store, control, api, credentials: DEV_CREDENTIALS, rateLimiter, fallbackBase: () => url });
  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === "object" && addr ? addr.port : (opts.port ?? 0);
  url = formatUrl(host, port);

  let closing: Promise<void> | undefined;
  return {
    ...DEV_CREDENTIALS,
    url,
    get workspaceSid() {
      return store.catalogue.findWorkspace("default")?.sid ?? "";
    },
    control: api,
    close() {
      closing ??= (async () => {
        await app.close();
        persister?.close();
      })();
      return closing;
    },
  };
}
