// Refresh from TaskRouter's event log (src/reconcile/change-log.ts,
// read-from-log.ts) against the emulator over HTTP: what a run costs right after
// the writes and in a live contact centre, that an unchanged worker keeps its
// state exactly, that every drift is seen through the event path (also under
// event lag up to the margin), and the fallbacks (past retention, a log that
// cannot be read), each said once per run.

import { beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { classify } from "../../src/flex/drift";
import { contactUriFor, flexIdentity } from "../../src/flex/identity";
import type { WorkerInputs } from "../../src/flex/worker-model";
import { Notices } from "../../src/reconcile/notices";
import { Reconciler } from "../../src/reconcile/reconciler";
import type { StoredWorker } from "../../src/reconcile/refresh-cache";
import type { TaskRouter } from "../../src/twilio/taskrouter";
import { emulatorTaskRouter } from "../../testing/emulator-client";
import { useEmulator } from "../../testing/emulator-fixture";

let emu: Emulator;
let tr: TaskRouter;

function desired(email: string): WorkerInputs {
  const friendlyName = flexIdentity(email);
  return {
    ...{ workspace: "Flex Task Assignment", friendlyName, email, contactUri: contactUriFor(friendlyName) },
    ...{ fullName: email, roles: ["agent"], skills: ["support"], levels: { support: 2 } },
    extraAttributes: {},
    channels: { chat: 2, voice: 1 },
  };
}

/** One run: a fresh reconciler (one provider process), its notices kept. */
function run(marginMs = 2000) {
  const infos: string[] = [];
  const notices = new Notices({ warn: async () => undefined, info: async (m) => void infos.push(m) });
  return { reconciler: new Reconciler(emulatorTaskRouter(emu), { notices, eventLagMarginMs: () => marginMs }), infos };
}

const W = "/v1/Workspaces/:WorkspaceSid";
const ws = () => tr.client.twilio.taskrouter.v1.workspaces(emu.workspaceSid);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Agent {
  email: string;
  sid: string;
  state: StoredWorker;
}

async function up(emails: string[]): Promise<Agent[]> {
  const { reconciler } = run();
  const out: Agent[] = [];
  for (const email of emails) {
    const { sid, state } = await reconciler.create(desired(email));
    out.push({ email, sid, state });
  }
  return out;
}

/** A refresh of every agent in one run: the states read (undefined: gone) and the calls it made. */
async function refresh(agents: Agent[], marginMs?: number) {
  const r = run(marginMs);
  emu.control.resetCounters();
  const states = await Promise.all(agents.map((a) => r.reconciler.read(a.sid, a.state)));
  return { states, calls: emu.control.counters(), infos: r.infos };
}

const perWorker = (c: ReturnType<Emulator["control"]["counters"]>) =>
  (c.byRoute[`GET ${W}/Workers/:Sid`] ?? 0) + (c.byRoute[`GET ${W}/Workers/:WorkerSid/Channels`] ?? 0);

const attrs = async (sid: string) => JSON.parse((await ws().workers(sid).fetch()).attributes) as Record<string, unknown>;
const setAttrs = async (sid: string, patch: Record<string, unknown>) =>
  ws().workers(sid).update({ attributes: JSON.stringify({ ...(await attrs(sid)), ...patch }) });

/** Each drift of the issue: applied out of band, then what the refreshed state must show. */
const DRIFTS: Record<string, { apply(a: Agent): Promise<void>; seen(read: StoredWorker | undefined, a: Agent): void }> = {
  attributes: {
    apply: (a) => setAttrs(a.sid, { full_name: "Changed Out Of Band" }).then(() => undefined),
    seen: (read) => expect(read?.fullName).toBe("Changed Out Of Band"),
  },
  "contact_uri alone": {
    apply: (a) => setAttrs(a.sid, { contact_uri: "client:someone_else" }).then(() => undefined),
    seen: (read) => expect(read?.contactUri).toBe("client:someone_else"),
  },
  "chat capacity": {
    apply: async (a) => void (await ws().workers(a.sid).workerChannels("chat").update({ capacity: 5 })),
    seen: (read) => expect(read?.channels.chat).toBe(5),
  },
  "voice availability": {
    apply: async (a) => void (await ws().workers(a.sid).workerChannels("voice").update({ available: false })),
    seen: (read) => expect(read?.channels.voice).toEqual({ capacity: 1, available: false }),
  },
  delete: {
    apply: async (a) => void (await ws().workers(a.sid).remove()),
    seen: (read) => expect(read).toBeUndefined(),
  },
  rename: {
    apply: async (a) => void (await ws().workers(a.sid).update({ friendlyName: "renamed_by_hand" })),
    seen: (read) => expect(read?.friendlyName).toBe("renamed_by_hand"),
  },
  "deleted and recreated under the same name": {
    apply: async (a) => {
      await ws().workers(a.sid).remove();
      await ws().workers.create({ friendlyName: a.state.friendlyName, attributes: JSON.stringify({ email: a.email }) });
    },
    seen: (read) => expect(read).toBeUndefined(),
  },
};

/** The drift is planned: the read state is gone or no longer what the roster wants. */
function planned(read: StoredWorker | undefined, a: Agent): void {
  if (read) expect(classify(desired(a.email), { ...read, extraAttributes: read.extraAttributes ?? {} }).kind, a.email).not.toBe("in-sync");
}

useEmulator((e) => (emu = e));
beforeEach(() => {
  tr = emulatorTaskRouter(emu);
});

describe("cost and quiet", () => {
  it("right after the writes, a no-op refresh reads the list and the log, nothing per worker, and keeps each state exactly", async () => {
    const agents = await up(["a@acme.com", "b@acme.com", "c@acme.com", "d@acme.com"]);
    const { states, calls } = await refresh(agents);
    expect(states).toEqual(agents.map((a) => a.state));
    expect(perWorker(calls)).toBe(0);
    expect(calls.byRoute[`GET ${W}/Workers`]).toBe(1);
    expect(calls.byRoute[`GET ${W}/Events`]).toBe(4); // one page of each event type read
    expect(calls.total).toBeLessThanOrEqual(1 + 4 + 10);
  });

  it("a live contact centre: activity changes and SSO logins rewriting the same values cost nothing", async () => {
    const agents = await up(["a@acme.com", "b@acme.com", "c@acme.com", "d@acme.com"]);
    const available = (await ws().activities.list({ friendlyName: "Available" }))[0]!;
    for (const a of agents.slice(0, 2)) await ws().workers(a.sid).update({ activitySid: available.sid });
    emu.control.ssoSignIn({ username: "c@acme.com" });
    const { states, calls } = await refresh(agents);
    expect(states).toEqual(agents.map((a) => a.state));
    expect(perWorker(calls)).toBe(0);
  });

  for (const [name, drift] of Object.entries(DRIFTS)) {
    it(`${name}: seen through the event path, planned, at most 2 calls for the worker; the others untouched`, async () => {
      const agents = await up(["a@acme.com", "b@acme.com", "c@acme.com"]);
      await drift.apply(agents[0]!);
      const { states, calls, infos } = await refresh(agents);
      drift.seen(states[0], agents[0]!);
      planned(states[0], agents[0]!);
      expect(states.slice(1)).toEqual(agents.slice(1).map((a) => a.state));
      expect(perWorker(calls)).toBeLessThanOrEqual(2);
      expect(perWorker(calls)).toBeGreaterThanOrEqual(1);
      expect(infos).toEqual([]); // no fallback
    });
  }
});

describe("event lag up to the margin", () => {
  const LAG = 1500;

  for (const [name, drift] of Object.entries(DRIFTS)) {
    it(`${name}: a run during the lag may not see it; the next run does`, async () => {
      const agents = await up(["a@acme.com", "b@acme.com"]);
      emu.control.setEventLag(LAG);
      await drift.apply(agents[0]!);
      const during = await refresh(agents, LAG);
      // What that run saw is what state now holds (a refresh or an up saves it).
      const saved = agents.map((a, i) => ({ ...a, state: during.states[i] ?? a.state }));
      if (during.states[0] === undefined) return DRIFTS[name]!.seen(undefined, agents[0]!);
      await sleep(LAG + 200);
      const after = await refresh(saved, LAG);
      drift.seen(after.states[0], agents[0]!);
      planned(after.states[0], agents[0]!);
    });
  }

  it("a change still hidden when a run reads the worker for another change is seen by the next run", async () => {
    const [a] = await up(["a@acme.com"]);
    emu.control.setEventLag(LAG);
    await ws().workers(a!.sid).workerChannels("chat").update({ capacity: 4 });
    await sleep(LAG + 200); // the capacity event is visible now
    await setAttrs(a!.sid, { full_name: "Hidden For A While" }); // this one is not, yet
    const first = await refresh([a!], LAG);
    expect(first.states[0]?.channels.chat).toBe(4);
    expect(first.states[0]?.fullName).toBe("a@acme.com");
    await sleep(LAG + 200);
    const next = await refresh([{ ...a!, state: first.states[0]! }], LAG);
    expect(next.states[0]?.fullName).toBe("Hidden For A While");
  });
});

describe("fallbacks, said once per run", () => {
  it("a window past the log's retention takes the full read and sees the drift", async () => {
    const agents = await up(["a@acme.com", "b@acme.com"]);
    emu.control.dropEvents(); // as after 30 days
    await setAttrs(agents[0]!.sid, { full_name: "Changed Long Ago" });
    emu.control.dropEvents();
    const monthAgo = new Date(Date.now() - 31 * 24 * 60 * 60_000).toISOString();
    const old = agents.map((a) => ({ ...a, state: { ...a.state, readAt: monthAgo } }));
    const { states, calls, infos } = await refresh(old);
    expect(states[0]?.fullName).toBe("Changed Long Ago");
    expect(states[0]?.readAt).not.toBe(monthAgo);
    expect(calls.byRoute[`GET ${W}/Workers/:Sid`]).toBe(2);
    expect(infos.filter((m) => /more than 30 days/.test(m))).toHaveLength(1);
  });

  it("a log that cannot be read (403) takes the full read for every worker, said once", async () => {
    const agents = await up(["a@acme.com", "b@acme.com"]);
    await setAttrs(agents[1]!.sid, { full_name: "Changed" });
    emu.control.injectFault({ kind: "403", route: `${W}/Events` });
    const { states, infos } = await refresh(agents);
    expect(states[1]?.fullName).toBe("Changed");
    expect(infos).toHaveLength(1);
    expect(infos[0]).toMatch(/event log could not be read \(Twilio 403 \(code 20403\)/);
  });

  it("state without a read time (written before the event log was used) is read in full once, then records one", async () => {
    const agents = await up(["a@acme.com", "b@acme.com"]);
    const legacy = agents.map((a) => ({ ...a, state: (({ readAt: _r, ...rest }) => rest)(a.state) }));
    const first = await refresh(legacy);
    expect(first.infos.filter((m) => /no read time/.test(m))).toHaveLength(1);
    expect(first.states.every((s) => typeof s?.readAt === "string")).toBe(true);
    const second = await refresh(legacy.map((a, i) => ({ ...a, state: first.states[i]! })));
    expect(perWorker(second.calls)).toBe(0);
  });
});
