// The emulator through the official twilio SDK (unmodified), over HTTP, with
// the SDK pointed at it by the project's client factory (testing/emulator-client.ts).

import twilio from "twilio";
import { describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { emulatorSdk } from "../../testing/emulator-client";
import { useEmulator } from "../../testing/emulator-fixture";

let emu: Emulator;
let client: twilio.Twilio;

const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);
/** A well-formed SID that does not exist, built at runtime. */
const absent = (prefix: string) => prefix + "0".repeat(32);
const workers = () => client.taskrouter.v1.workspaces(emu.workspaceSid).workers;

async function rejection(p: Promise<unknown>): Promise<{ status: number; code?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(twilio.RestException);
    return e as { status: number; code?: number; message: string };
  }
  throw new Error("expected the request to fail");
}

useEmulator((e, sdk) => {
  emu = e;
  client = sdk;
});

describe("workspace defaults", () => {
  it("has one Flex Task Assignment workspace with the default activities and task channels", async () => {
    const all = await client.taskrouter.v1.workspaces.list();
    expect(all.map((w) => [w.sid, w.friendlyName])).toEqual([[emu.workspaceSid, "Flex Task Assignment"]]);
    const ws = client.taskrouter.v1.workspaces(emu.workspaceSid);
    const acts = await ws.activities.list();
    expect(acts.map((a) => [a.friendlyName, a.available])).toEqual([
      ["Offline", false],
      ["Available", true],
      ["Unavailable", false],
      ["Break", false],
    ]);
    expect((await ws.fetch()).defaultActivityName).toBe("Offline");
    const chans = await ws.taskChannels.list();
    expect(chans.map((c) => c.uniqueName)).toEqual(["default", "voice", "chat", "sms", "video", "email"]);
    expect((await ws.taskChannels("chat").fetch()).sid).toBe(chans[2]!.sid);
    expect((await ws.activities(acts[1]!.sid).fetch()).friendlyName).toBe("Available");
  });

  it("creates more workspaces with their own defaults", async () => {
    const ws = await client.taskrouter.v1.workspaces.create({ friendlyName: "Second" });
    expect(ws.sid).toMatch(SID("WS"));
    expect(ws.sid).not.toBe(emu.workspaceSid);
    expect((await client.taskrouter.v1.workspaces(ws.sid).activities.list()).length).toBe(4);
    expect((await client.taskrouter.v1.workspaces.list({ friendlyName: "Second" })).map((w) => w.sid)).toEqual([ws.sid]);
  });
});

describe("workers", () => {
  it("create returns the worker with attributes, in the default activity", async () => {
    const w = await workers().create({ friendlyName: "alice", attributes: JSON.stringify({ email: "alice@acme.com" }) });
    expect(w.sid).toMatch(SID("WK"));
    expect(w.accountSid).toBe(emu.accountSid);
    expect(w.workspaceSid).toBe(emu.workspaceSid);
    expect(JSON.parse(w.attributes)).toEqual({ email: "alice@acme.com" });
    expect(w.activityName).toBe("Offline");
    expect(w.available).toBe(false);
    expect(w.dateCreated).toBeInstanceOf(Date);
    expect(w.url).toBe(`${emu.url}/v1/Workspaces/${emu.workspaceSid}/Workers/${w.sid}`);
  });

  it("lists with paging (PageSize, next page), attributes null in lists and present on fetch", async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await workers().create({ friendlyName: `agent${i}`, attributes: `{"i":${i}}` }));

    const page1 = await workers().page({ pageSize: 2 });
    expect(page1.instances.map((w) => w.friendlyName)).toEqual(["agent0", "agent1"]);
    const page2 = await page1.nextPage();
    expect(page2!.instances.map((w) => w.friendlyName)).toEqual(["agent2", "agent3"]);
    const page3 = await page2!.nextPage();
    expect(page3!.instances.map((w) => w.friendlyName)).toEqual(["agent4"]);
    expect(page3!.nextPageUrl).toBeUndefined();
    const back = await page3!.previousPage();
    expect(back!.instances.map((w) => w.friendlyName)).toEqual(["agent2", "agent3"]);

    const all = await workers().list({ pageSize: 2 });
    expect(all.map((w) => w.sid)).toEqual(created.map((w) => w.sid));
    expect(all.every((w) => w.attributes === null)).toBe(true);
    expect(await workers().list({ limit: 3 })).toHaveLength(3);

    const one = await workers()(created[3]!.sid).fetch();
    expect(one.attributes).toBe('{"i":3}');
  });

  it("pages stay stable when workers are deleted between pages", async () => {
    const created = [];
    for (let i = 0; i < 6; i++) created.push(await workers().create({ friendlyName: `p${i}` }));
    const page1 = await workers().page({ pageSize: 3 });
    await workers()(created[1]!.sid).remove(); // on page 1, already read
    const page2 = await page1.nextPage();
    expect(page2!.instances.map((w) => w.friendlyName)).toEqual(["p3", "p4", "p5"]);
  });

  it("filters: FriendlyName (case-insensitive), ActivityName/Sid, Available, TargetWorkersExpression", async () => {
    const acts = await client.taskrouter.v1.workspaces(emu.workspaceSid).activities.list();
    const available = acts.find((a) => a.friendlyName === "Available")!;
    const a = await workers().create({
      friendlyName: "Alice@Acme.com",
      attributes: JSON.stringify({ email: "alice@acme.com", routing: { skills: ["sales", "support"] }, level: 3 }),
      activitySid: available.sid,
    });
    const b = await workers().create({
      friendlyName: "bob@acme.com",
      attributes: JSON.stringify({ email: "bob@acme.com", routing: { skills: ["billing"] }, level: 1 }),
    });
    const names = async (opts: Parameters<ReturnType<typeof workers>["list"]>[0]) =>
      (await workers().list(opts)).map((w) => w.sid);

    expect(await names({ friendlyName: "alice@acme.COM" })).toEqual([a.sid]);
    expect(await names({ friendlyName: "nobody" })).toEqual([]);
    expect(await names({ activityName: "Available" })).toEqual([a.sid]);
    expect(await names({ activitySid: available.sid })).toEqual([a.sid]);
    expect(await names({ available: "true" })).toEqual([a.sid]);
    expect(await names({ available: "false" })).toEqual([b.sid]);
    expect(await names({ targetWorkersExpression: 'email == "bob@acme.com"' })).toEqual([b.sid]);
    expect(await names({ targetWorkersExpression: '"sales" IN routing.skills' })).toEqual([a.sid]);
    expect(await names({ targetWorkersExpression: 'routing.skills HAS "billing"' })).toEqual([b.sid]);
    expect(await names({ targetWorkersExpression: 'email IN ["bob@acme.com", "x@y.z"]' })).toEqual([b.sid]);
    expect(await names({ targetWorkersExpression: 'level > 2 or email == "bob@acme.com"' })).toEqual([a.sid, b.sid]);
    expect(await names({ targetWorkersExpression: 'level > 2 AND email == "bob@acme.com"' })).toEqual([]);
    expect(await names({ targetWorkersExpression: "1 == 1" })).toEqual([a.sid, b.sid]);
    const bad = await rejection(names({ targetWorkersExpression: "email == " }));
    expect(bad).toMatchObject({ status: 400, code: 20001 });
  });

  it("update changes fields, bumps the ETag and date_updated, honours If-Match", async () => {
    const w = await workers().create({ friendlyName: "carol" });
    const first = await workers()(w.sid).fetchWithHttpInfo();
    const etag1 = first.headers.etag!;
    expect(etag1).toBeTruthy();

    const updated = await workers()(w.sid).update({ ifMatch: etag1, attributes: '{"x":1}', friendlyName: "Carol" });
    expect(updated.attributes).toBe('{"x":1}');
    expect(updated.friendlyName).toBe("Carol");
    expect(updated.dateUpdated.getTime()).toBeGreaterThanOrEqual(w.dateUpdated.getTime());
    const etag2 = (await workers()(w.sid).fetchWithHttpInfo()).headers.etag!;
    expect(etag2).not.toBe(etag1);

    // an unchanged write still makes a new version
    const again = await workers()(w.sid).updateWithHttpInfo({ attributes: '{"x":1}' });
    expect(again.headers.etag).not.toBe(etag2);

    const stale = await rejection(workers()(w.sid).update({ ifMatch: etag1, attributes: "{}" }));
    expect(stale).toMatchObject({ status: 412, code: 20412 });
    expect((await workers()(w.sid).fetch()).attributes).toBe('{"x":1}');

    const acts = await client.taskrouter.v1.workspaces(emu.workspaceSid).activities.list({ friendlyName: "Available" });
    const moved = await workers()(w.sid).update({ activitySid: acts[0]!.sid });
    expect(moved.activityName).toBe("Available");
    expect(moved.available).toBe(true);
  });

  it("delete removes the worker; If-Match applies to delete too", async () => {
    const w = await workers().create({ friendlyName: "dave" });
    const stale = await rejection(workers()(w.sid).remove({ ifMatch: "999" }));
    expect(stale).toMatchObject({ status: 412, code: 20412 });
    expect(await workers()(w.sid).remove()).toBe(true);
    const gone = await rejection(workers()(w.sid).fetch());
    expect(gone).toMatchObject({ status: 404, code: 20404 });
    // the name is free again
    expect((await workers().create({ friendlyName: "DAVE" })).sid).toMatch(SID("WK"));
  });

  it("RejectPendingReservations rejects the worker's pending reservations", async () => {
    const w = await workers().create({ friendlyName: "erin" });
    const pending = emu.control.markBusy(w.sid, { status: "pending", channel: "chat" });
    const acts = await client.taskrouter.v1.workspaces(emu.workspaceSid).activities.list();
    const available = acts.find((a) => a.friendlyName === "Available")!;
    const offline = acts.find((a) => a.friendlyName === "Offline")!;

    const notAllowed = await rejection(
      workers()(w.sid).update({ activitySid: available.sid, rejectPendingReservations: true }),
    );
    expect(notAllowed).toMatchObject({ status: 400, code: 20001 });

    await workers()(w.sid).update({ activitySid: offline.sid, rejectPendingReservations: true });
    const r = await workers()(w.sid).reservations(pending.reservationSid).fetch();
    expect(r.reservationStatus).toBe("rejected");
    expect(emu.control.busy(w.sid).busy).toBe(false);
  });
});

describe("worker channels", () => {
  it("one channel per task channel, capacity 1, available; fetch by WC sid, TC sid or unique name; update", async () => {
    const w = await workers().create({ friendlyName: "frank" });
    const chans = await workers()(w.sid).workerChannels.list();
    expect(chans.map((c) => c.taskChannelUniqueName)).toEqual(["default", "voice", "chat", "sms", "video", "email"]);
    for (const c of chans) {
      expect(c.sid).toMatch(SID("WC"));
      expect(c.taskChannelSid).toMatch(SID("TC"));
      expect(c).toMatchObject({ configuredCapacity: 1, available: true, assignedTasks: 0, availableCapacityPercentage: 100 });
      expect(c.workerSid).toBe(w.sid);
    }
    const chat = chans[2]!;
    expect((await workers()(w.sid).workerChannels(chat.sid).fetch()).taskChannelUniqueName).toBe("chat");
    expect((await workers()(w.sid).workerChannels("chat").fetch()).sid).toBe(chat.sid);
    expect((await workers()(w.sid).workerChannels(chat.taskChannelSid).fetch()).sid).toBe(chat.sid);

    const up = await workers()(w.sid).workerChannels("chat").update({ capacity: 3, available: false });
    expect(up).toMatchObject({ configuredCapacity: 3, available: false, availableCapacityPercentage: 0 });
    expect((await workers()(w.sid).workerChannels(chat.sid).fetch()).configuredCapacity).toBe(3);
    expect((await workers()(w.sid).workerChannels("chat").update({ capacity: 0, available: true })).configuredCapacity).toBe(0);
    expect((await workers()(w.sid).workerChannels("chat").update({ capacity: 50 })).configuredCapacity).toBe(50);

    for (const capacity of [51, -1]) {
      const bad = await rejection(workers()(w.sid).workerChannels("chat").update({ capacity }));
      expect(bad).toMatchObject({ status: 400, code: 20001 });
    }
    const missing = await rejection(workers()(w.sid).workerChannels("fax").fetch());
    expect(missing).toMatchObject({ status: 404, code: 20404 });
  });

  it("busy workers: reservations, assigned tasks, statistics", async () => {
    const w = await workers().create({ friendlyName: "gina" });
    const busy = emu.control.markBusy(w.sid, { channel: "chat" });
    expect(busy.reservationSid).toMatch(SID("WR"));
    expect(busy.taskSid).toMatch(SID("WT"));

    const res = await workers()(w.sid).reservations.list();
    expect(res.map((r) => [r.sid, r.reservationStatus, r.taskSid, r.workerName])).toEqual([
      [busy.reservationSid, "accepted", busy.taskSid, "gina"],
    ]);
    expect(await workers()(w.sid).reservations.list({ reservationStatus: "pending" })).toEqual([]);
    const chat = await workers()(w.sid).workerChannels("chat").fetch();
    expect(chat).toMatchObject({ assignedTasks: 1, availableCapacityPercentage: 0 });
    const stats = await workers()(w.sid).statistics().fetch();
    expect(stats.cumulative).toMatchObject({ reservations_created: 1, reservations_accepted: 1 });
    const rt = await workers().realTimeStatistics().fetch();
    expect(rt.totalWorkers).toBe(1);
    const ws = await workers().statistics().fetch({ friendlyName: "GINA" });
    expect((ws.realtime as { total_workers: number }).total_workers).toBe(1);
    expect((await workers().cumulativeStatistics().fetch()).reservationsCreated).toBe(1);

    emu.control.markIdle(w.sid);
    expect((await workers()(w.sid).workerChannels("chat").fetch()).assignedTasks).toBe(0);
    expect((await workers()(w.sid).reservations(busy.reservationSid).fetch()).reservationStatus).toBe("completed");
  });
});

describe("errors arrive as RestException with status and code", () => {
  it("401 for wrong credentials, API key credentials work", async () => {
    const wrong = emulatorSdk(emu, { password: "nope" });
    const e = await rejection(wrong.taskrouter.v1.workspaces.list());
    expect(e).toMatchObject({ status: 401, code: 20003 });

    const key = emulatorSdk(emu, { authKind: "api-key", username: emu.apiKeySid, password: emu.apiKeySecret });
    expect((await key.taskrouter.v1.workspaces.list()).length).toBe(1);
  });

  it("404 for unknown workers, workspaces and malformed SIDs", async () => {
    expect(await rejection(workers()(absent("WK")).fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await rejection(workers()("not-a-sid").fetch())).toMatchObject({ status: 404, code: 20404 });
    expect(await rejection(client.taskrouter.v1.workspaces(absent("WS")).workers.list())).toMatchObject({
      status: 404,
      code: 20404,
    });
    expect(await rejection(workers()(absent("WK")).update({ attributes: "{}" }))).toMatchObject({ status: 404 });
    expect(await rejection(workers()(absent("WK")).remove())).toMatchObject({ status: 404 });
  });

  it("400 for attributes that are not a JSON object, missing/long names, bad activity", async () => {
    for (const attributes of ["not json", "[1,2]", '"text"', "null", "{"]) {
      const e = await rejection(workers().create({ friendlyName: `x${attributes.length}`, attributes }));
      expect(e).toMatchObject({ status: 400, code: 20001 });
    }
    const w = await workers().create({ friendlyName: "hank" });
    expect(await rejection(workers()(w.sid).update({ attributes: "[]" }))).toMatchObject({ status: 400, code: 20001 });
    expect(await rejection(workers().create({ friendlyName: "x".repeat(65) }))).toMatchObject({ status: 400 });
    expect(await rejection(workers().create({ friendlyName: "" }))).toMatchObject({ status: 400 });
    expect(await rejection(workers().create({ friendlyName: "ivy", activitySid: absent("WA") }))).toMatchObject({
      status: 400,
    });
  });

  it("duplicate FriendlyName (case-insensitive) on create and rename", async () => {
    const a = await workers().create({ friendlyName: "Jill@Acme.com" });
    const dup = await rejection(workers().create({ friendlyName: "jill@acme.COM" }));
    expect(dup).toMatchObject({ status: 400, code: 20001 });
    expect(dup.message).toMatch(/already exists/);

    const b = await workers().create({ friendlyName: "kate@acme.com" });
    expect(await rejection(workers()(b.sid).update({ friendlyName: "JILL@acme.com" }))).toMatchObject({
      status: 400,
      code: 20001,
    });
    // renaming a worker to a different case of its own name is fine
    expect((await workers()(a.sid).update({ friendlyName: "jill@acme.com" })).friendlyName).toBe("jill@acme.com");
  });
});

describe("seeded workers (control API)", () => {
  it("can plant workers that the API would refuse, and the API still serves them", async () => {
    const [bad, dup1, dup2] = emu.control.seedWorkers([
      { friendlyName: "mallory", attributes: "not json", channels: { chat: { capacity: 7, available: false } } },
      { friendlyName: "twin", attributes: { email: "t1@acme.com" }, activityName: "Available" },
      { friendlyName: "TWIN", attributes: { email: "t2@acme.com" } },
    ]);
    expect((await workers()(bad!).fetch()).attributes).toBe("not json");
    expect((await workers()(bad!).workerChannels("chat").fetch()).configuredCapacity).toBe(7);
    expect((await workers().list({ friendlyName: "twin" })).map((w) => w.sid)).toEqual([dup1, dup2]);
    expect((await workers()(dup1!).fetch()).activityName).toBe("Available");
    // a spec naming an unknown channel plants nothing
    expect(() => emu.control.seedWorkers([{ friendlyName: "ok" }, { friendlyName: "x", channels: { fax: {} } }])).toThrow(
      /Unknown task channel fax/,
    );
    expect(await workers().list({ friendlyName: "ok" })).toEqual([]);
    // expressions skip attributes that are not JSON instead of failing
    expect((await workers().list({ targetWorkersExpression: 'email == "t2@acme.com"' })).map((w) => w.sid)).toEqual([
      dup2,
    ]);
  });
});
