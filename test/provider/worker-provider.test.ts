// The worker provider's methods against the emulator over HTTP with the real
// twilio SDK (no Pulumi engine): the lifecycle semantics in isolation.

import { emulatorTaskRouter } from "../../testing/emulator-client";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Emulator } from "../../emulator";
import type { AgentSpec } from "../../src/flex/types";
import { agent, channels } from "../../testing/agent-spec";
import { desiredWorker, type WorkerInputs, type WorkerOutputs } from "../../src/flex/worker-model";
import { toInputs, WorkerProvider } from "../../src/provider/worker-impl";
import twilio from "twilio";
import { BaseUrlRequestClient } from "../../src/twilio/base-url";
import { ResilientRequestClient } from "../../src/twilio/http";
import { TaskRouter } from "../../src/twilio/taskrouter";
import { useEmulator } from "../../testing/emulator-fixture";

let emu: Emulator;
let tr: TaskRouter;
let provider: WorkerProvider;

/** The agents these cases assert on; a case changes one thing. */
const AGENT: Partial<AgentSpec> = {
  skills: ["support"],
  levels: { support: 2 },
  channels: channels({ chat: 2, voice: 1 }),
  attributes: { team: "emea" },
};

const desired = (email: string, over: Partial<AgentSpec> = {}) => desiredWorker("Flex Task Assignment", agent({ ...AGENT, email, fullName: email.split("@")[0], ...over }));
const workers = () => tr.client.twilio.taskrouter.v1.workspaces(emu.workspaceSid).workers;
const attrsOf = async (sid: string) => JSON.parse((await workers()(sid).fetch()).attributes);

useEmulator((e) => (emu = e));
beforeEach(() => {
  tr = emulatorTaskRouter(emu);
  provider = new WorkerProvider(tr);
});

describe("WorkerProvider", () => {
  it("create writes canonical attributes, offline activity and channel capacities", async () => {
    const d = desired("carol.x+1@acme-corp.com");
    const { id, outs } = await provider.create(d);
    expect(id).toMatch(/^WK[0-9a-f]{32}$/);
    const w = await workers()(id).fetch();
    expect(w.friendlyName).toBe("carol_2Ex_2B1_40acme_2Dcorp_2Ecom");
    expect(w.activityName).toBe("Offline");
    expect(JSON.parse(w.attributes)).toEqual({
      contact_uri: "client:carol_2Ex_2B1_40acme_2Dcorp_2Ecom",
      email: "carol.x+1@acme-corp.com",
      full_name: "carol.x+1",
      roles: ["agent"],
      routing: { skills: ["support"], levels: { support: 2 } },
      team: "emea",
    });
    const chans = await workers()(id).workerChannels.list();
    expect(chans.find((c) => c.taskChannelUniqueName === "chat")?.configuredCapacity).toBe(2);
    expect(outs.contactUri).toBe(d.contactUri);
    // Read mirrors live state; with nothing changed the diff is empty.
    const read = await provider.read(id, outs as WorkerOutputs);
    expect(read.inputs).toEqual(toInputs(outs as WorkerOutputs));
    expect((await provider.diff(id, read.props as WorkerOutputs, d)).changes).toBe(false);
  });

  it("create adopts an existing worker with the same friendly name instead of duplicating it", async () => {
    const d = desired("dave@acme.com");
    const pre = await workers().create({
      friendlyName: d.friendlyName,
      attributes: JSON.stringify({ contact_uri: d.contactUri, email: d.email, image_url: "https://example.invalid/d.png" }),
    });
    const { id } = await provider.create(d);
    expect(id).toBe(pre.sid);
    expect((await workers().list({ friendlyName: d.friendlyName })).length).toBe(1);
    const attrs = await attrsOf(id);
    expect(attrs.image_url).toBe("https://example.invalid/d.png");
    expect(attrs.routing).toEqual({ skills: ["support"], levels: { support: 2 } });
  });

  it("create replaces an existing corrupted worker (new SID, canonical)", async () => {
    const d = desired("bob@acme.com");
    const pre = await workers().create({ friendlyName: d.friendlyName, attributes: JSON.stringify({ contact_uri: "client:bob" }) });
    const { id } = await provider.create(d);
    expect(id).not.toBe(pre.sid);
    expect((await attrsOf(id)).contact_uri).toBe("client:bob_40acme_2Ecom");
    expect((await workers().list({ friendlyName: d.friendlyName })).map((w) => w.sid)).toEqual([id]);
  });

  it("diff after out-of-band corruption says replace, delete first, naming contactUri", async () => {
    const d = desired("bob@acme.com");
    const { id } = await provider.create(d);
    const attrs = await attrsOf(id);
    await workers()(id).update({ attributes: JSON.stringify({ ...attrs, contact_uri: "client:bob_40acme" }) });
    const read = await provider.read(id, (await provider.read(id, { ...d, sid: id, workspaceSid: emu.workspaceSid } as WorkerOutputs)).props as WorkerOutputs);
    expect((read.inputs as WorkerInputs).contactUri).toBe("client:bob_40acme");
    const diff = await provider.diff(id, read.props as WorkerOutputs, d);
    expect(diff).toEqual({ changes: true, replaces: ["contactUri"], deleteBeforeReplace: true });
  });

  it("update fixes healthy drift in place and keeps unmanaged keys", async () => {
    const d = desired("erin@acme.com");
    const { id, outs } = await provider.create(d);
    const attrs = await attrsOf(id);
    await workers()(id).update({ attributes: JSON.stringify({ ...attrs, full_name: "wrong", image_url: "x" }) });
    const chat = (await workers()(id).workerChannels.list()).find((c) => c.taskChannelUniqueName === "chat")!;
    await workers()(id).workerChannels(chat.sid).update({ capacity: 1 });
    const read = await provider.read(id, outs as WorkerOutputs);
    const diff = await provider.diff(id, read.props as WorkerOutputs, d);
    expect(diff.changes).toBe(true);
    expect(diff.replaces).toEqual([]);
    const res = await provider.update(id, read.props as WorkerOutputs, d);
    // Same worker (in place); SIDs are not repeated in state, the id carries it.
    expect((await workers().list({ friendlyName: d.friendlyName })).map((w) => w.sid)).toEqual([id]);
    expect(res.outs).not.toHaveProperty("sid");
    expect(res.outs).toMatchObject({ fullName: "erin", channels: { chat: 2, voice: 1 } });
    const after = await attrsOf(id);
    expect(after.full_name).toBe("erin");
    expect(after.image_url).toBe("x");
    expect((await workers()(id).workerChannels(chat.sid).fetch()).configuredCapacity).toBe(2);
  });

  it("delete refuses a busy worker with a clear message, and deleting a gone worker succeeds", async () => {
    const d = desired("frank@acme.com");
    const { id, outs } = await provider.create(d);
    const available = (await tr.client.twilio.taskrouter.v1.workspaces(emu.workspaceSid).activities.list({ friendlyName: "Available" }))[0];
    await workers()(id).update({ activitySid: available.sid });
    emu.control.markBusy(id);
    emu.control.markBusy(id, { status: "pending", channel: "chat" });
    await expect(provider.delete(id, outs as WorkerOutputs)).rejects.toThrow(
      /frank@acme.com: refusing to delete worker WK[0-9a-f]{32}: it has 1 accepted reservation\(s\).*now Offline.*flex-roster:allowBusyDelete/,
    );
    // Still there, but Offline with its pending reservation rejected: no new work reaches it.
    const after = await workers()(id).fetch();
    expect(after.activityName).toBe("Offline");
    const reservations = await workers()(id).reservations.list();
    expect(reservations.map((r) => r.reservationStatus).sort()).toEqual(["accepted", "rejected"]);
    emu.control.markIdle(id);
    await provider.delete(id, outs as WorkerOutputs);
    await expect(workers()(id).fetch()).rejects.toMatchObject({ status: 404 });
    await provider.delete(id, outs as WorkerOutputs); // already gone: success
  });

  it("read of a worker deleted out of band reports it gone", async () => {
    const { id, outs } = await provider.create(desired("gina@acme.com"));
    await workers()(id).remove();
    expect((await provider.read(id, outs as WorkerOutputs)).id).toBe("");
  });

  it("survives 429 and 503 bursts without duplicating a worker", async () => {
    emu.control.injectFault({ kind: "429", count: 3 });
    emu.control.injectFault({ kind: "503", method: "POST", count: 1 });
    const d = desired("hank@acme.com");
    const { id } = await provider.create(d);
    expect((await workers().list({ friendlyName: d.friendlyName })).map((w) => w.sid)).toEqual([id]);
    expect(tr.client.http.calls.retries).toBeGreaterThanOrEqual(4);
  });

  it("update re-reads once on 412 (ETag changed under it) and reports clearly when it keeps changing", async () => {
    const d = desired("ivy@acme.com");
    const { id } = await provider.create(d);
    let races = 0;
    // Another writer touches the worker right after each of our reads, so our If-Match is stale.
    class RacingTaskRouter extends TaskRouter {
      limit = 1;
      override async fetchWorker(ws: string, sid: string) {
        const got = await super.fetchWorker(ws, sid);
        if (races < this.limit) {
          races++;
          await workers()(sid).update({ attributes: JSON.stringify({ ...(await attrsOf(sid)), note: `race ${races}` }) });
        }
        return got;
      }
    }
    const racing = new RacingTaskRouter(tr.client);
    const news = { ...d, fullName: "Ivy Renamed" };
    await new WorkerProvider(racing).update(id, d, news);
    expect(races).toBe(1);
    expect(await attrsOf(id)).toMatchObject({ full_name: "Ivy Renamed", note: "race 1" });

    races = 0;
    racing.limit = 99;
    await expect(new WorkerProvider(racing).update(id, d, { ...d, fullName: "Ivy Again" })).rejects.toThrow(
      /ivy@acme.com: worker WK[0-9a-f]{32} changed while flex-roster was updating it \(HTTP 412, ETag mismatch twice\)/,
    );
  });

  it("naming the workspace by SID instead of friendly name updates in place, a different workspace replaces", async () => {
    const d = desired("jack@acme.com");
    const { id, outs } = await provider.create(d);
    const read = await provider.read(id, outs as WorkerOutputs);
    const bySid = { ...d, workspace: emu.workspaceSid };
    expect(await provider.diff(id, read.props as WorkerInputs, bySid)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: true });
    const other = await tr.client.twilio.taskrouter.v1.workspaces.create({ friendlyName: "Other Flex" });
    const elsewhere = await provider.diff(id, read.props as WorkerInputs, { ...d, workspace: other.sid });
    expect(elsewhere.replaces).toEqual(["workspace"]);
  });

  it("a create whose response is lost after it landed is retried and adopted, never duplicated", async () => {
    // The first POST /Workers reaches the emulator and creates the worker, then its
    // response is thrown away as if the connection had reset: the retry must adopt it.
    let lost = 0;
    const real = new BaseUrlRequestClient(emu.url);
    const lossy = {
      async request<T>(opts: Parameters<typeof real.request<T>>[0]) {
        const res = await real.request<T>(opts);
        if (opts.method.toUpperCase() === "POST" && /\/Workers$/.test(new URL(opts.uri).pathname) && lost === 0) {
          lost++;
          throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        }
        return res;
      },
    };
    const http = new ResilientRequestClient(lossy, { concurrency: 4, baseDelayMs: 10 });
    const settings = tr.client.settings;
    const client = { twilio: twilio(settings.username, settings.password, { accountSid: settings.accountSid, httpClient: http as never }), http, settings };
    const d = desired("kim@acme.com");
    const { id } = await new WorkerProvider(new TaskRouter(client)).create(d);
    expect(lost).toBe(1);
    expect((await workers().list({ friendlyName: d.friendlyName })).map((w) => w.sid)).toEqual([id]);
    expect((await attrsOf(id)).contact_uri).toBe("client:kim_40acme_2Ecom");
    expect(http.calls.toJSON().byRoute["POST /v1/Workspaces/{WS}/Workers"]).toBe(2);
  });

  it("check of a new agent warns in the preview when create will adopt and recreate a corrupted worker", async () => {
    const d = desired("lena@acme.com");
    const pre = await workers().create({ friendlyName: d.friendlyName, attributes: JSON.stringify({ contact_uri: "client:lena" }) });
    await workers().create({ friendlyName: "mo_40acme_2Ecom", attributes: JSON.stringify({ contact_uri: "client:mo_40acme_2Ecom" }) });
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await provider.check({}, d);
      await provider.check({}, desired("mo@acme.com")); // healthy worker: adopted quietly
      await provider.check(d, d); // an existing resource: no lookup
    } finally {
      spy.mockRestore();
    }
    expect(lines).toEqual([
      `warning: lena@acme.com: create adopts the existing worker ${pre.sid}, but contact_uri "client:lena" is not canonical "client:lena_40acme_2Ecom"; it will be recreated (the agent must sign in again)\n`,
    ]);
  });

  it("a replacement (diff, re-check as a create, delete, create) makes a new worker and warns once", async () => {
    const d = desired("nadia@acme.com");
    const { id, outs } = await provider.create(d);
    await workers()(id).update({ attributes: JSON.stringify({ ...(await attrsOf(id)), contact_uri: "client:nadia" }) });
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    let created: Awaited<ReturnType<WorkerProvider["create"]>>;
    try {
      const read = await provider.read(id, outs as WorkerOutputs);
      expect((await provider.diff(id, read.props as WorkerInputs, d)).replaces).toEqual(["contactUri"]);
      await provider.check({}, d); // Pulumi re-checks a replacement with no olds
      await provider.delete(id, read.props as WorkerInputs);
      created = await provider.create(d);
    } finally {
      spy.mockRestore();
    }
    expect(created.id).not.toBe(id);
    expect((await workers().list({ friendlyName: d.friendlyName })).map((w) => w.sid)).toEqual([created.id]);
    expect(lines).toEqual([
      'warning: nadia@acme.com: contact_uri "client:nadia" is not canonical "client:nadia_40acme_2Ecom"; the worker will be recreated (the agent must sign in again) ' +
        "[repair: recreate (the default): the worker gets a new SID; `repair: in-place` in the roster fixes contact_uri on the same SID]\n",
    ]);
  });
});
