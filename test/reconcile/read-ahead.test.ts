// Adoption without the serial walk (src/reconcile/read-ahead.ts): the engine
// checks new resources one at a time, and each check of a taken name waits for
// a fetch. Here the provider's check is called as the engine does, one after
// the other, for 300 agents whose workers already exist (10 of them corrupted),
// against the emulator at 50 ms a request. The workers ahead are fetched
// concurrently (8 at once, the client's bound): the walk takes well under the
// 300 x 50 ms = 15 s that one fetch after the other costs (under 2x its API
// floor of calls x latency / concurrency, 1.9 s, when the machine is not
// loaded); it still warns about each corrupted worker, and about no healthy one.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import type { Emulator } from "../../emulator";
import { canonicalAttributes } from "../../src/flex/attributes";
import { desiredWorker } from "../../src/flex/worker-model";
import { WorkerProvider } from "../../src/provider/worker-impl";
import { loadRoster } from "../../src/roster";
import type { TaskRouter } from "../../src/twilio/taskrouter";
import { emulatorTaskRouter } from "../../testing/emulator-client";
import { useEmulator } from "../../testing/emulator-fixture";
import { AGENT_DEFAULTS, rosterYaml } from "../../testing/roster-builders";

const AGENTS = 300;
const LATENCY_MS = 50;
const CONCURRENCY = 8;
const CORRUPTED = new Set([3, 40, 41, 99, 150, 151, 152, 200, 260, 299]);

let emu: Emulator;
let tr: TaskRouter;
let dir: string;

useEmulator((e) => (emu = e));
beforeEach(() => {
  tr = emulatorTaskRouter(emu, { concurrency: CONCURRENCY });
  dir = mkdtempSync(join(tmpdir(), "flex-roster-read-ahead-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it(`adopting ${AGENTS} existing workers walks the engine's checks in under 2x the API floor, warning about each corrupted one`, async () => {
  const file = join(dir, "roster.yaml");
  writeFileSync(file, rosterYaml(Array.from({ length: AGENTS }, (_, i) => ({ email: `agent.${i}@acme.com` })), { defaults: AGENT_DEFAULTS }));
  const roster = loadRoster(file);
  const desired = roster.agents.map((a) => desiredWorker("Flex Task Assignment", a));
  // The existing workspace, as Flex left it: every agent has a worker; a few carry a bad contact_uri.
  const seeder = emulatorTaskRouter(emu, { concurrency: 64 });
  const ws = emu.workspaceSid;
  const offline = await seeder.activitySid(ws, "Offline");
  await Promise.all(
    desired.map((d, i) => {
      const attrs = canonicalAttributes(d);
      if (CORRUPTED.has(i)) attrs.contact_uri = `client:${d.email}`;
      return seeder.createWorker(ws, d.friendlyName, JSON.stringify(attrs), offline);
    }),
  );

  emu.control.setLatency(LATENCY_MS); // from here on: seeding is not measured
  // Worker fetches outstanding at once, as the provider asks for them.
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchWorker = tr.fetchWorker.bind(tr);
  tr.fetchWorker = async (...args) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      return await fetchWorker(...args);
    } finally {
      inFlight--;
    }
  };
  const provider = new WorkerProvider(tr);
  const config: Record<string, string> = { "flex-roster:roster": file };
  await provider.configure({ config: { get: (k: string) => config[k] } } as never);
  const logged: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((m: unknown) => (logged.push(String(m)), true));
  const started = Date.now();
  try {
    for (const d of desired) {
      const res = await provider.check(undefined, d);
      expect(res.failures ?? []).toEqual([]);
    }
  } finally {
    spy.mockRestore();
  }
  const wallMs = Date.now() - started;
  const calls = tr.client.http.calls;
  const fetches = calls.byRoute.get("GET /v1/Workspaces/{WS}/Workers/{WK}") ?? 0;
  const floorMs = (calls.total * LATENCY_MS) / CONCURRENCY;
  console.log(`read-ahead: ${AGENTS} checks in ${wallMs} ms; ${calls.total} calls (${fetches} worker fetches, up to ${maxInFlight} at once); API floor ${floorMs.toFixed(0)} ms`);

  // One fetch per existing worker, none twice.
  expect(fetches).toBe(AGENTS);
  const warned = logged.join("").match(/agent\.\d+@acme\.com: create adopts the existing worker WK\w+, but [^\n]*recreated/g) ?? [];
  expect(warned.map((w) => Number(/agent\.(\d+)@/.exec(w)![1])).sort((a, b) => a - b)).toEqual([...CORRUPTED].sort((a, b) => a - b));
  // The engine's walk is serial; the fetches are not: as many at once as the client allows, or more queued.
  expect(maxInFlight).toBeGreaterThanOrEqual(CONCURRENCY);
  // One fetch after the other costs AGENTS x LATENCY_MS (15 s) at least, however fast the machine. On
  // a quiet machine the walk takes under 2x the floor (3.8 s); the bound leaves room for a loaded one.
  expect(wallMs).toBeLessThan(AGENTS * LATENCY_MS);
}, 60_000);
