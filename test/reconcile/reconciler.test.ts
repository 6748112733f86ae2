// The reconciler (src/reconcile) on its own: no Pulumi, the real twilio SDK
// through the TaskRouter port, against the emulator over HTTP. Each step the
// provider maps Pulumi's calls onto: adopt, create, apply with If-Match, write
// channels, safe delete, and faults the HTTP layer retries.

import { beforeEach, describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { contactUriFor, flexIdentity } from "../../src/flex/identity";
import type { WorkerInputs } from "../../src/flex/worker-model";
import { Notices } from "../../src/reconcile/notices";
import { Reconciler } from "../../src/reconcile/reconciler";
import { TaskRouter } from "../../src/twilio/taskrouter";
import { emulatorTaskRouter } from "../../testing/emulator-client";
import { useEmulator } from "../../testing/emulator-fixture";

let emu: Emulator;
let tr: TaskRouter;
let warnings: string[];
let allowBusyDelete: boolean;

/** A roster agent's inputs, as the component builds them (desiredWorker in src/flex/worker-model.ts). */
function desired(email: string): WorkerInputs {
  const friendlyName = flexIdentity(email);
  return {
    ...{ workspace: "Flex Task Assignment", friendlyName, email, contactUri: contactUriFor(friendlyName) },
    ...{ fullName: email.split("@")[0], roles: ["agent"], skills: ["support"], levels: { support: 2 } },
    extraAttributes: {},
    channels: { chat: 2, voice: 1 },
  };
}

function reconciler(port: TaskRouter = tr): Reconciler {
  const notices = new Notices({ warn: async (m) => void warnings.push(m), info: async () => undefined });
  return new Reconciler(port, { notices, allowBusyDelete: () => allowBusyDelete });
}

const workers = () => tr.client.twilio.taskrouter.v1.workspaces(emu.workspaceSid).workers;
const attrsOf = async (sid: string) => JSON.parse((await workers()(sid).fetch()).attributes);
const sidsNamed = async (name: string) => (await workers().list({ friendlyName: name })).map((w) => w.sid);
const channel = async (sid: string, name: string) =>
  (await workers()(sid).workerChannels.list()).find((c) => c.taskChannelUniqueName === name)!;

useEmulator((e) => (emu = e));
beforeEach(() => {
  tr = emulatorTaskRouter(emu);
  warnings = [];
  allowBusyDelete = false;
});

describe("create", () => {
  it("creates a new worker Offline with canonical attributes and its channel capacities; state has no SIDs", async () => {
    const d = desired("ann@acme.com");
    const { sid, state } = await reconciler().create(d);
    const w = await workers()(sid).fetch();
    expect(w.friendlyName).toBe("ann_40acme_2Ecom");
    expect(w.activityName).toBe("Offline");
    expect(JSON.parse(w.attributes)).toMatchObject({ contact_uri: "client:ann_40acme_2Ecom", email: "ann@acme.com", routing: { skills: ["support"] } });
    expect((await channel(sid, "chat")).configuredCapacity).toBe(2);
    expect(state).toMatchObject({ friendlyName: d.friendlyName, channels: { chat: 2, voice: 1 } });
    expect(state).not.toHaveProperty("sid");
    expect(state).not.toHaveProperty("workspaceSid");
  });

  it("adopts a healthy worker of the same friendly name: same SID, unmanaged keys kept, fields and channels fixed", async () => {
    const d = desired("bea@acme.com");
    const pre = await workers().create({
      friendlyName: d.friendlyName,
      attributes: JSON.stringify({ contact_uri: d.contactUri, email: d.email, full_name: "wrong", image_url: "https://example.invalid/b.png" }),
    });
    const { sid } = await reconciler().create(d);
    expect(sid).toBe(pre.sid);
    expect(await sidsNamed(d.friendlyName)).toEqual([pre.sid]);
    expect(await attrsOf(sid)).toMatchObject({ full_name: "bea", image_url: "https://example.invalid/b.png" });
    expect((await channel(sid, "chat")).configuredCapacity).toBe(2);
    expect(warnings).toEqual([]);
  });

  it("adopting a corrupted worker deletes and recreates it (new SID), with one warning", async () => {
    const d = desired("cid@acme.com");
    const pre = await workers().create({ friendlyName: d.friendlyName, attributes: JSON.stringify({ contact_uri: "client:cid" }) });
    const { sid } = await reconciler().create(d);
    expect(sid).not.toBe(pre.sid);
    expect(await sidsNamed(d.friendlyName)).toEqual([sid]);
    expect((await attrsOf(sid)).contact_uri).toBe("client:cid_40acme_2Ecom");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^cid@acme.com: contact_uri "client:cid" is not canonical/);
  });

  it("a preview's empty lookup is reused by the create that follows; a found worker is looked up again", async () => {
    const d = desired("dot@acme.com");
    const r = reconciler();
    expect(await r.previewAdoption(d)).toBeUndefined();
    emu.control.resetCounters();
    await r.create(d);
    expect(emu.control.counters().byRoute["GET /v1/Workspaces/:WorkspaceSid/Workers"]).toBeUndefined();
  });

  it("a plan's adoption lookups share one worker list: no call per new name, one fetch per name taken", async () => {
    const taken = desired("eli@acme.com");
    const pre = await workers().create({ friendlyName: taken.friendlyName.toUpperCase(), attributes: JSON.stringify({ contact_uri: taken.contactUri }) });
    const r = reconciler();
    emu.control.resetCounters();
    const fresh = await Promise.all(Array.from({ length: 20 }, (_, i) => r.previewAdoption(desired(`new${i}@acme.com`))));
    expect(fresh.every((f) => f === undefined)).toBe(true);
    const found = await r.previewAdoption(taken);
    expect(found?.existing.record.sid).toBe(pre.sid);
    expect(emu.control.counters().byRoute).toEqual({
      "GET /v1/Workspaces": 1,
      "GET /v1/Workspaces/:WorkspaceSid/Workers": 1, // the list, one page
      "GET /v1/Workspaces/:WorkspaceSid/Workers/:Sid": 1, // eli's fetch; no channel list
    });
  });

  it("the preview's adoptee is fetched again at create: renamed since, it is left alone and the name is looked up", async () => {
    const d = desired("gus@acme.com");
    const pre = await workers().create({ friendlyName: d.friendlyName, attributes: JSON.stringify({ contact_uri: "client:gus" }) });
    const r = reconciler();
    expect((await r.previewAdoption(d))?.drift.kind).toBe("replace"); // corrupted: create would recreate it
    await workers()(pre.sid).update({ friendlyName: "someone_2Eelse" });
    const { sid } = await r.create(d);
    expect(sid).not.toBe(pre.sid);
    expect((await workers()(pre.sid).fetch()).friendlyName).toBe("someone_2Eelse"); // not deleted
    expect(await sidsNamed(d.friendlyName)).toEqual([sid]);
  });

  it("a worker created after the plan's list is still adopted, not duplicated: Twilio refuses the name", async () => {
    const d = desired("fay@acme.com");
    const r = reconciler();
    expect(await r.previewAdoption(d)).toBeUndefined(); // listed: nobody has the name
    const pre = await workers().create({ friendlyName: d.friendlyName, attributes: JSON.stringify({ contact_uri: d.contactUri }) }); // Flex's first sign-in, say
    const { sid } = await r.create(d);
    expect(sid).toBe(pre.sid);
    expect(await sidsNamed(d.friendlyName)).toEqual([pre.sid]);
  });
});

describe("update (apply with If-Match)", () => {
  it("writes drifted attributes and only the channels that differ", async () => {
    const d = desired("eve@acme.com");
    const { sid } = await reconciler().create(d);
    await workers()(sid).workerChannels((await channel(sid, "chat")).sid).update({ capacity: 5, available: false });
    emu.control.resetCounters();
    const state = await reconciler().update(sid, { ...d, fullName: "Eve Renamed" });
    expect(state).toMatchObject({ fullName: "Eve Renamed", channels: { chat: 2, voice: 1 } });
    expect(await channel(sid, "chat")).toMatchObject({ configuredCapacity: 2, available: true });
    const byRoute = emu.control.counters().byRoute;
    expect(byRoute["POST /v1/Workspaces/:WorkspaceSid/Workers/:Sid"]).toBe(1);
    // voice was already right: one channel write, not two.
    expect(byRoute["POST /v1/Workspaces/:WorkspaceSid/Workers/:WorkerSid/Channels/:Sid"]).toBe(1);
  });

  it("a stale ETag (HTTP 412) re-reads and retries once; a second 412 is a clear error", async () => {
    const d = desired("fay@acme.com");
    const { sid } = await reconciler().create(d);
    let races = 0;
    let limit = 1;
    // Another writer touches the worker right after each of our reads, so our If-Match is stale.
    class RacingTaskRouter extends TaskRouter {
      override async fetchWorker(ws: string, id: string) {
        const got = await super.fetchWorker(ws, id);
        if (races < limit) {
          races++;
          await workers()(id).update({ attributes: JSON.stringify({ ...(await attrsOf(id)), note: `race ${races}` }) });
        }
        return got;
      }
    }
    const racing = new RacingTaskRouter(tr.client);
    emu.control.resetCounters();
    await reconciler(racing).update(sid, { ...d, fullName: "Fay One" });
    expect(emu.control.counters().byStatus["412"]).toBe(1);
    expect(await attrsOf(sid)).toMatchObject({ full_name: "Fay One", note: "race 1" });

    races = 0;
    limit = 99;
    await expect(reconciler(racing).update(sid, { ...d, fullName: "Fay Two" })).rejects.toThrow(
      /fay@acme.com: worker WK[0-9a-f]{32} changed while flex-roster was updating it \(HTTP 412, ETag mismatch twice\)/,
    );
    expect((await attrsOf(sid)).full_name).toBe("Fay One");
  });

  it("a worker deleted during the run and a task channel the workspace lacks are clear errors", async () => {
    const d = desired("gus@acme.com");
    const { sid } = await reconciler().create(d);
    await expect(reconciler().update(sid, { ...d, channels: { ...d.channels, fax: 1 } })).rejects.toThrow(
      /gus@acme.com: the workspace has no task channel "fax"/,
    );
    await workers()(sid).remove();
    await expect(reconciler().update(sid, d)).rejects.toThrow(/gus@acme.com: worker WK[0-9a-f]{32} was deleted outside flex-roster/);
  });
});

describe("read", () => {
  it("mirrors the live worker, and says undefined once it is gone", async () => {
    const d = desired("hal@acme.com");
    const { sid, state } = await reconciler().create(d);
    await workers()(sid).workerChannels((await channel(sid, "voice")).sid).update({ capacity: 3 });
    expect(await reconciler().read(sid, state)).toMatchObject({ ...state, channels: { chat: 2, voice: 3 }, readAt: expect.any(String) });
    await workers()(sid).remove();
    expect(await reconciler().read(sid, state)).toBeUndefined();
  });
});

describe("delete", () => {
  it("a worker already gone is a success", async () => {
    const d = desired("ida@acme.com");
    const { sid } = await reconciler().create(d);
    await workers()(sid).remove();
    await expect(reconciler().delete(sid, d)).resolves.toBeUndefined();
  });

  it("a busy worker is set Offline, its pending reservation rejected, and refused; allowBusyDelete deletes it", async () => {
    const d = desired("jo@acme.com");
    const { sid } = await reconciler().create(d);
    const available = (await tr.client.twilio.taskrouter.v1.workspaces(emu.workspaceSid).activities.list({ friendlyName: "Available" }))[0];
    await workers()(sid).update({ activitySid: available.sid });
    emu.control.markBusy(sid);
    emu.control.markBusy(sid, { status: "pending", channel: "chat" });
    await expect(reconciler().delete(sid, d)).rejects.toThrow(
      /jo@acme.com: refusing to delete worker WK[0-9a-f]{32}: it has 1 accepted reservation\(s\) and 1 assigned task\(s\)/,
    );
    expect((await workers()(sid).fetch()).activityName).toBe("Offline");
    expect((await workers()(sid).reservations.list()).map((r) => r.reservationStatus).sort()).toEqual(["accepted", "rejected"]);
    allowBusyDelete = true;
    await reconciler().delete(sid, d);
    expect(await sidsNamed(d.friendlyName)).toEqual([]);
  });
});

describe("faults", () => {
  it("429s are retried by the HTTP layer: the create lands once", async () => {
    emu.control.injectFault({ kind: "429", count: 3, retryAfter: null });
    const d = desired("kay@acme.com");
    const { sid } = await reconciler().create(d);
    expect(await sidsNamed(d.friendlyName)).toEqual([sid]);
    expect(tr.client.http.calls.retries).toBe(3);
  });

  it("a 401 names the agent and the credential setting to fix", async () => {
    const d = desired("lou@acme.com");
    const { sid } = await reconciler().create(d);
    emu.control.injectFault({ kind: 401, count: 1 });
    await expect(reconciler().delete(sid, d)).rejects.toThrow(
      /^lou@acme.com: delete of worker "lou_40acme_2Ecom" failed: Twilio rejected the auth token for account AC[0-9a-f]{32}.*code 20003/,
    );
  });

  it("a Twilio error that is not retried names the agent, status and code", async () => {
    const d = desired("max@acme.com");
    const { sid } = await reconciler().create(d);
    emu.control.injectFault({ kind: 500, method: "POST", count: 10 });
    await expect(reconciler(emulatorTaskRouter(emu, { maxRetries: 0 })).update(sid, { ...d, fullName: "Max" })).rejects.toThrow(
      /^max@acme.com: update of worker "max_40acme_2Ecom" failed: Twilio 500/,
    );
  });
});
