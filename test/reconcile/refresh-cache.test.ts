// Fast refresh (src/reconcile/refresh-cache.ts): one list of every worker's
// date_updated per run, a full fetch only for workers written since their
// recorded (settled) date_updated or missing from the list. Unit tests of the
// index with a fake lister, then the provider's read() against the emulator.

import { emulatorTaskRouter } from "../../testing/emulator-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { agent, channels } from "../../testing/agent-spec";
import { desiredWorker, type WorkerOutputs } from "../../src/flex/worker-model";
import { SETTLE_MS, SNAPSHOT_IDLE_MS, settledDateUpdated, WorkerIndex } from "../../src/reconcile/refresh-cache";
import { WorkerProvider } from "../../src/provider/worker-impl";
import type { ListedWorker } from "../../src/twilio/taskrouter";

const T = Date.parse("2026-01-01T10:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();

describe("WorkerIndex", () => {
  function fakeLister(pages: ListedWorker[][]) {
    const calls: string[] = [];
    const lister = async function* (ws: string) {
      calls.push(ws);
      for (const p of pages) yield p;
    };
    return { lister, calls };
  }

  it("classifies workers against one shared snapshot: unchanged, changed, missing, nothing recorded", async () => {
    const { lister, calls } = fakeLister([[{ sid: "WK1", dateUpdated: T, friendlyName: "ann" }], [{ sid: "WK2", dateUpdated: T + 5000, friendlyName: "bob" }]]);
    const index = new WorkerIndex(lister, () => 0);
    const states = await Promise.all([
      index.state("WS1", "WK1", iso(T)),
      index.state("WS1", "WK2", iso(T)),
      index.state("WS1", "WK3", iso(T)),
      index.state("WS1", "WK1", undefined),
      index.state("WS1", "WK1", "not a date"),
    ]);
    expect(states).toEqual(["unchanged", "changed", "missing", "changed", "changed"]);
    expect(calls).toEqual(["WS1"]);
  });

  it("retakes the snapshot after an idle gap (a preview, then the update after a prompt)", async () => {
    const { lister, calls } = fakeLister([[{ sid: "WK1", dateUpdated: T, friendlyName: "ann" }]]);
    let now = 0;
    const index = new WorkerIndex(lister, () => now);
    await index.state("WS1", "WK1", iso(T));
    now += SNAPSHOT_IDLE_MS - 1;
    await index.state("WS1", "WK1", iso(T));
    expect(calls.length).toBe(1);
    now += SNAPSHOT_IDLE_MS + 1;
    await index.state("WS1", "WK1", iso(T));
    expect(calls.length).toBe(2);
  });

  it("answers adoption lookups by friendly name from the same snapshot, ignoring case", async () => {
    const { lister, calls } = fakeLister([[{ sid: "WK1", dateUpdated: T, friendlyName: "Ann_40acme_2Ecom" }], [{ sid: "WK2", dateUpdated: T, friendlyName: "bob" }]]);
    const index = new WorkerIndex(lister, () => 0);
    expect(await index.named("WS1", "ann_40acme_2Ecom")).toEqual(["WK1"]);
    expect(await index.named("WS1", "BOB")).toEqual(["WK2"]);
    expect(await index.named("WS1", "cid")).toEqual([]);
    expect(await index.state("WS1", "WK2", iso(T))).toBe("unchanged");
    expect(calls).toEqual(["WS1"]);
    const failing = new WorkerIndex(async function* () {
      throw new Error("boom");
    }, () => 0);
    expect(await failing.named("WS1", "ann")).toBeUndefined();
  });

  it("a failed list makes every read of the snapshot a full read, without retrying the list per worker", async () => {
    let calls = 0;
    const index = new WorkerIndex(async function* () {
      calls++;
      throw new Error("boom");
    }, () => 0);
    expect(await index.state("WS1", "WK1", iso(T))).toBe("unknown");
    expect(await index.state("WS1", "WK2", iso(T))).toBe("unknown");
    expect(calls).toBe(1);
  });

  it("records date_updated only when Twilio answered at least SETTLE_MS after it (one-second resolution)", () => {
    expect(settledDateUpdated({ dateUpdated: T, observedAt: T + SETTLE_MS })).toBe(iso(T));
    expect(settledDateUpdated({ dateUpdated: T, observedAt: T + 1000 })).toBeUndefined();
    expect(settledDateUpdated({ dateUpdated: T })).toBeUndefined();
    expect(settledDateUpdated({ observedAt: T })).toBeUndefined();
  });
});

describe("read() with the fast path when the event log is forbidden, against the emulator", () => {
  let emu: Emulator;
  const newRun = () => {
    const tr = emulatorTaskRouter(emu);
    return { tr, provider: new WorkerProvider(tr) };
  };
  const emails = ["a@acme.com", "b@acme.com", "c@acme.com", "d@acme.com", "e@acme.com", "f@acme.com"];
  const desired = (email: string) =>
    desiredWorker("Flex Task Assignment", agent({ email, skills: ["support"], channels: channels({ chat: 2, voice: 1 }) }));

  beforeAll(async () => {
    emu = await startEmulator();
    // Without the event log (a key that may not read it) every read takes this path (read-from-log.ts falls back).
    emu.control.injectFault({ kind: "403", route: "/v1/Workspaces/:WorkspaceSid/Events" });
  });
  afterAll(() => emu.close());

  it("a no-op refresh costs one list plus one channel list per worker; each out-of-band change is still seen", async () => {
    const first = newRun();
    const created: Array<{ id: string; outs: WorkerOutputs }> = [];
    for (const e of emails) {
      const r = await first.provider.create(desired(e));
      created.push({ id: r.id, outs: r.outs as WorkerOutputs });
    }
    // Right after the writes date_updated is not settled: the full read records nothing.
    const early = await first.provider.read(created[0]!.id, created[0]!.outs);
    expect((early.props as { dateUpdated?: string }).dateUpdated).toBeUndefined();

    // Wait until the full reads are settled, as a later run would be.
    await new Promise((r) => setTimeout(r, SETTLE_MS + 1100));
    const second = newRun();
    const states = await Promise.all(created.map((c) => second.provider.read(c.id, c.outs)));
    for (const s of states) expect((s.props as { dateUpdated?: string }).dateUpdated).toMatch(/^\d{4}-\d\d-\d\dT/);
    const stored = created.map((c, i) => ({ id: c.id, props: states[i]!.props as WorkerOutputs }));

    // A no-op run: 1 workspace lookup + 1 list page + 1 channel list per worker, no fetch ...
    emu.control.resetCounters();
    const noop = newRun();
    const again = await Promise.all(stored.map((s) => noop.provider.read(s.id, s.props)));
    expect(again.map((r) => r.props)).toEqual(stored.map((s) => s.props));
    const c0 = emu.control.counters();
    expect(c0.byRoute["GET /v1/Workspaces/:WorkspaceSid/Workers/:Sid"] ?? 0).toBe(0);
    expect(c0.byRoute["GET /v1/Workspaces/:WorkspaceSid/Workers"]).toBe(1);
    expect(c0.byRoute["GET /v1/Workspaces/:WorkspaceSid/Workers/:WorkerSid/Channels"]).toBe(emails.length);
    // ... and the four event types the run asked the log for, each refused once (403).
    expect(c0.byRoute["GET /v1/Workspaces/:WorkspaceSid/Events"]).toBe(4);
    // ... and the run's preflight, once (a check in the same run shares it): task channels, Flex Configuration, offline activity.
    expect(c0.byRoute["GET /v1/Workspaces/:WorkspaceSid/TaskChannels"]).toBe(1);
    expect(c0.byRoute["GET /v1/Configuration"]).toBe(1);
    expect(c0.byRoute["GET /v1/Workspaces/:WorkspaceSid/Activities/:Sid"]).toBe(1);
    expect(c0.total).toBe(emails.length + 1 + 1 + 4 + 3);

    // Out of band: attributes of a, chat capacity of b, voice availability of c, delete d.
    const ws = noop.tr.client.twilio.taskrouter.v1.workspaces(emu.workspaceSid);
    const [a, b, c, d] = stored;
    const attrs = JSON.parse((await ws.workers(a!.id).fetch()).attributes);
    await ws.workers(a!.id).update({ attributes: JSON.stringify({ ...attrs, full_name: "Changed Out Of Band" }) });
    const chanOf = async (sid: string, name: string) => (await ws.workers(sid).workerChannels.list()).find((x) => x.taskChannelUniqueName === name)!;
    await ws.workers(b!.id).workerChannels((await chanOf(b!.id, "chat")).sid).update({ capacity: 5 });
    await ws.workers(c!.id).workerChannels((await chanOf(c!.id, "voice")).sid).update({ available: false });
    await ws.workers(d!.id).remove();

    emu.control.resetCounters();
    const drift = newRun();
    const reads = await Promise.all(stored.map((s) => drift.provider.read(s.id, s.props)));
    expect((reads[0]!.props as WorkerOutputs).fullName).toBe("Changed Out Of Band");
    expect((reads[1]!.props as WorkerOutputs).channels.chat).toBe(5);
    expect((reads[2]!.props as WorkerOutputs).channels.voice).toEqual({ capacity: 1, available: false });
    expect(reads[3]!.id).toBe("");
    // Each change is planned by diff against the roster.
    for (const i of [0, 1, 2]) {
      const diff = await drift.provider.diff(stored[i]!.id, reads[i]!.props as WorkerOutputs, desired(emails[i]!));
      expect(diff.changes, emails[i]).toBe(true);
    }
    for (const i of [4, 5]) {
      const diff = await drift.provider.diff(stored[i]!.id, reads[i]!.props as WorkerOutputs, desired(emails[i]!));
      expect(diff.changes, emails[i]).toBe(false);
    }
    // Only the changed worker and the missing one were fetched.
    const c1 = emu.control.counters();
    expect(c1.byRoute["GET /v1/Workspaces/:WorkspaceSid/Workers/:Sid"]).toBe(2);
    expect(c1.byRoute["GET /v1/Workspaces/:WorkspaceSid/Workers"]).toBe(1);
  }, 30_000);
});
