// The provider's preflight in check(): credentials, workspace, its offline
// activity and task channels are checked once per run (one provider process), against the
// emulator over HTTP with the real twilio SDK, and a failure is one clear
// error instead of one per worker. check() never writes.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { agent, channels } from "../../testing/agent-spec";
import { desiredWorker, type WorkerInputs } from "../../src/flex/worker-model";
import { WorkerProvider } from "../../src/provider/worker-impl";
import { createClient } from "../../src/twilio/client";
import { resolveTwilioSettings } from "../../src/twilio/settings";
import { TaskRouter } from "../../src/twilio/taskrouter";
import { emulatorSdk } from "../../testing/emulator-client";

let emu: Emulator;

function inputs(email: string, capacities: Record<string, number>, workspace = "Flex Task Assignment"): WorkerInputs {
  return desiredWorker(workspace, agent({ email, channels: channels(capacities) }));
}

function providerWith(config: Record<string, string>, env: NodeJS.ProcessEnv = {}): WorkerProvider {
  const settings = resolveTwilioSettings((k) => config[k], { FLEX_ROSTER_API_BASE_URL: emu.url, FLEX_ROSTER_MAX_RETRIES: "0", ...env });
  return new WorkerProvider(new TaskRouter(createClient(settings)));
}

const good = () => ({ "twilio:accountSid": emu.accountSid, "twilio:authToken": emu.authToken });

/** The one check failure, on "workspace", that a failed preflight gives. */
async function rejection(p: Promise<{ failures?: { property: string; reason: string }[] }>): Promise<string> {
  const r = await p;
  expect(r.failures).toHaveLength(1);
  expect(r.failures![0].property).toBe("workspace");
  return r.failures![0].reason;
}

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.control.reset();
  emu.control.setOptions({ flexEnabled: true });
});

describe("preflight in check", () => {
  it("runs once per run: 20 checks make one workspace lookup, one task channel list and no write", async () => {
    const p = providerWith(good());
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => p.check(undefined, inputs(`a${i}@acme.com`, { chat: 2 }))));
    expect(results.every((r) => r.failures!.length === 0)).toBe(true);
    const c = emu.control.counters();
    expect(c.byRoute["GET /v1/Workspaces"]).toBe(1);
    expect(c.byRoute["GET /v1/Workspaces/:WorkspaceSid/TaskChannels"]).toBe(1);
    expect(c.writes).toBe(0);
  });

  it("an unknown task channel fails check for that agent, naming the channel and what exists", async () => {
    const p = providerWith(good());
    const r = await p.check(undefined, inputs("bob@acme.com", { chatt: 2, voice: 1 }));
    expect(r.failures).toEqual([
      {
        property: "channels",
        reason:
          'bob@acme.com: the workspace "Flex Task Assignment" has no task channel "chatt" (it has chat, default, email, sms, video, voice); fix "channels" in the roster',
      },
    ]);
    expect(emu.control.counters().writes).toBe(0);
  });

  it("a wrong auth token from stack config: one check failure naming twilio:authToken and code 20003, then short pointers", async () => {
    const p = providerWith({ ...good(), "twilio:authToken": "wrong-token" });
    const first = await rejection(p.check(undefined, inputs("a@acme.com", { chat: 1 })));
    expect(first).toBe(
      `Twilio rejected the auth token for account ${emu.accountSid}, read from stack config \`twilio:authToken\` ` +
        `(HTTP 401, code 20003: Authentication Error - invalid username or password). ` +
        "Fix secret `twilio:authToken` (or TWILIO_AUTH_TOKEN); nothing was written",
    );
    expect(first).not.toContain("wrong-token");
    const second = await rejection(p.check(undefined, inputs("b@acme.com", { chat: 1 })));
    expect(second).toBe("b@acme.com: not checked: the run's preflight failed (see the first error)");
    // one 401 for the Flex Configuration read, one for the preflight: not one per worker
    expect(emu.control.counters().byStatus["401"]).toBe(2);
    expect(emu.control.counters().writes).toBe(0);
  });

  it("a wrong API secret from the environment names twilio:apiKey/apiSecret and the env variables", async () => {
    const p = providerWith({ "twilio:accountSid": emu.accountSid }, { TWILIO_API_KEY: emu.apiKeySid, TWILIO_API_SECRET: "nope" });
    const msg = await rejection(p.check(undefined, inputs("a@acme.com", { chat: 1 })));
    expect(msg).toContain("Twilio rejected the API key and secret for account");
    expect(msg).toContain("read from the environment variable TWILIO_API_KEY and the environment variable TWILIO_API_SECRET");
    expect(msg).toContain("code 20003");
    expect(msg).toContain("`twilio:apiKey` and secret `twilio:apiSecret`");
  });

  it("a workspace that does not resolve fails check: a malformed SID and an unknown name", async () => {
    const p = providerWith(good());
    expect(await rejection(p.check(undefined, inputs("a@acme.com", { chat: 1 }, "WS123")))).toBe(
      `TaskRouter workspace "WS123" not found in account ${emu.accountSid}: check the roster's "workspace" ` +
        `("WS123" is not a workspace SID either: WS + 32 lower-case hex digits)`,
    );
    const q = providerWith(good());
    const sid = "WS" + "0".repeat(32);
    expect(await rejection(q.check(undefined, inputs("a@acme.com", { chat: 1 }, sid)))).toBe(
      `TaskRouter workspace ${sid} (the roster's "workspace") does not exist in account ${emu.accountSid}`,
    );
    expect(emu.control.counters().writes).toBe(0);
  });

  it("no Flex Configuration and no activity named Offline: check fails once, naming both, with no write; create would fail", async () => {
    emu.control.setOptions({ flexEnabled: false });
    emu.control.renameActivity("Offline", "Logged out");
    const p = providerWith(good());
    const msg = await rejection(p.check(undefined, inputs("a@acme.com", { chat: 1 })));
    expect(msg).toBe(
      `the workspace "Flex Task Assignment" (${emu.workspaceSid}) has no activity named "Offline", and no Flex Configuration ` +
        "names its offline activity: flex-roster puts new and removed agents' workers in it. " +
        'Add an activity named "Offline" (available: false) to the workspace; nothing was written',
    );
    expect(await rejection(p.check(undefined, inputs("b@acme.com", { chat: 1 })))).toBe(
      "b@acme.com: not checked: the run's preflight failed (see the first error)",
    );
    expect(emu.control.counters().writes).toBe(0);
    // What up would have met: the same lookup fails the create.
    await expect(providerWith(good()).create(inputs("a@acme.com", { chat: 1 }))).rejects.toThrow('activity "Offline" not found');
    expect(emu.control.counters().writes).toBe(0);
  });

  it("a delete-only run: the refresh's read of a worker the plan deletes fails with the same message and no write; delete would fail", async () => {
    // Created while the workspace had an offline activity; then the agent left the roster.
    const created = await providerWith(good()).create(inputs("gone@acme.com", { chat: 1 }));
    emu.control.setOptions({ flexEnabled: false });
    emu.control.renameActivity("Offline", "Logged out");
    emu.control.resetCounters();
    // The next run checks no worker (none is left in the roster): Pulumi only refreshes the one in state.
    const p = providerWith(good());
    await expect(p.read(created.id, created.outs)).rejects.toThrow(
      `the workspace "Flex Task Assignment" (${emu.workspaceSid}) has no activity named "Offline", and no Flex Configuration ` +
        "names its offline activity: flex-roster puts new and removed agents' workers in it. " +
        'Add an activity named "Offline" (available: false) to the workspace; nothing was written',
    );
    // One full message per run: the next worker read (or checked) points at it.
    await expect(p.read(created.id, created.outs)).rejects.toThrow("gone@acme.com: not checked: the run's preflight failed (see the first error)");
    expect(emu.control.counters().writes).toBe(0);
    // What up would have met: delete moves the worker to the offline activity first.
    await expect(providerWith(good()).delete(created.id, created.outs)).rejects.toThrow('activity "Offline" not found');
    expect(emu.control.counters().writes).toBe(0);
  });

  it("with Flex, its offline activity is used even when none is named Offline", async () => {
    emu.control.renameActivity("Offline", "Logged out");
    const r = await providerWith(good()).check(undefined, inputs("a@acme.com", { chat: 1 }));
    expect(r.failures).toEqual([]);
  });

  it("a Flex Configuration naming an offline activity the workspace lacks fails check, naming the field", async () => {
    const missing = "WA" + "0".repeat(32);
    await emulatorSdk(emu).flexApi.v1.configuration().update({ taskrouter_offline_activity_sid: missing } as never);
    emu.control.resetCounters();
    const msg = await rejection(providerWith(good()).check(undefined, inputs("a@acme.com", { chat: 1 })));
    expect(msg).toBe(
      `the Flex Configuration names offline activity ${missing} (taskrouter_offline_activity_sid), which the workspace ` +
        `"Flex Task Assignment" (${emu.workspaceSid}) does not have: fix it in Flex; nothing was written`,
    );
    expect(emu.control.counters().writes).toBe(0);
  });

  it("an available offline activity fails check (removing an agent would fail, new ones would get work)", async () => {
    const ws = emulatorSdk(emu).taskrouter.v1.workspaces(emu.workspaceSid);
    const [available] = await ws.activities.list({ friendlyName: "Available" });
    await emulatorSdk(emu).flexApi.v1.configuration().update({ taskrouter_offline_activity_sid: available!.sid } as never);
    const msg = await rejection(providerWith(good()).check(undefined, inputs("a@acme.com", { chat: 1 })));
    expect(msg).toContain(`the offline activity "Available" (${available!.sid}) of workspace "Flex Task Assignment" is available`);
    expect(emu.control.counters().writes).toBe(1); // the Configuration update above, nothing from check
    // What up would have met when removing an agent: Twilio's refusal.
    const w = await ws.workers.create({ friendlyName: "x" });
    await expect(ws.workers(w.sid).update({ activitySid: available!.sid, rejectPendingReservations: true })).rejects.toThrow(/RejectPendingReservations/);
  });

  it("missing credentials fail check instead of a green preview", async () => {
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (k.startsWith("TWILIO_")) delete process.env[k];
    try {
      const p = new WorkerProvider();
      await p.configure({ config: { get: () => undefined } } as never);
      await expect(p.check(undefined, inputs("a@acme.com", { chat: 1 }))).rejects.toThrow(/^Twilio account SID is missing: set stack config/);
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
