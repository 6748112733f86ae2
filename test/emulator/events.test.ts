// The emulator's TaskRouter event log through the official SDK: what each
// write records (REST writes and Flex's own actions), the list's documented
// rules (one EventType, Minutes default 15, 30 days of retention, PageSize at
// most 1,000, PageToken paging) and the controls (lag, drop, age).

import type twilio from "twilio";
import { describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { useEmulator } from "../../testing/emulator-fixture";

let emu: Emulator;
let client: twilio.Twilio;

useEmulator((e, sdk) => {
  emu = e;
  client = sdk;
});

const DAY = 24 * 60 * 60_000;
const ws = () => client.taskrouter.v1.workspaces(emu.workspaceSid);
const hourAgo = () => new Date(Date.now() - 60 * 60_000);

async function events(params: { eventType?: string; workerSid?: string; startDate?: Date; minutes?: number } = {}) {
  return ws().events.list({ startDate: hourAgo(), ...params, pageSize: 1000 });
}

async function status(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const auth = "Basic " + Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString("base64");
  const res = await fetch(`${emu.url}/v1/Workspaces/${emu.workspaceSid}/Events${path}`, { headers: { authorization: auth } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("each write records its events", () => {
  it("create, attributes, activity, capacity, availability and delete; a rename records none", async () => {
    const acts = await ws().activities.list();
    const available = acts.find((a) => a.friendlyName === "Available")!;
    const w = await ws().workers.create({ friendlyName: "ann", attributes: '{"email":"ann@acme.com"}' });
    await ws().workers(w.sid).update({ attributes: '{"email":"ann@acme.com","x":1}' });
    await ws().workers(w.sid).update({ activitySid: available.sid });
    await ws().workers(w.sid).update({ friendlyName: "ann2" });
    await ws().workers(w.sid).workerChannels("chat").update({ capacity: 3 });
    await ws().workers(w.sid).workerChannels("voice").update({ available: false });
    await ws().workers(w.sid).remove();

    const all = await events({ workerSid: w.sid });
    expect(all.map((e) => e.eventType)).toEqual([
      "worker.created",
      "worker.attributes.update",
      "worker.activity.update",
      "worker.capacity.update",
      "worker.channel.availability.update",
      "worker.deleted",
    ]);
    for (const e of all) {
      expect(e.resourceType).toBe("worker");
      expect(e.resourceSid).toBe(w.sid);
      expect(e.actorType).toBe("workspace");
      expect(e.actorSid).toBe(emu.workspaceSid);
      expect(e.eventDateMs).toBe(e.eventDate.getTime() + (e.eventDateMs % 1000));
    }
    const data = (t: string) => all.find((e) => e.eventType === t)!.eventData as Record<string, unknown>;
    expect(data("worker.attributes.update").worker_attributes).toBe('{"email":"ann@acme.com","x":1}');
    expect(data("worker.activity.update").worker_activity_name).toBe("Available");
    expect(data("worker.capacity.update")).toMatchObject({ task_channel_unique_name: "chat", worker_channel_capacity: 3, worker_channel_previous_capacity: 1 });
    expect(data("worker.channel.availability.update")).toMatchObject({ task_channel_unique_name: "voice", worker_channel_available: false });
    expect(data("worker.deleted").worker_name).toBe("ann2");
    const one = await ws().events(all[0]!.sid).fetch();
    expect(one.eventType).toBe("worker.created");
  });

  it("Flex's SSO login and disable-skill are attribute writes by the Flex instance, even with the same values", async () => {
    const conf = await client.flexApi.v1.configuration().fetch();
    const first = emu.control.ssoSignIn({ username: "bo@acme.com" });
    emu.control.ssoSignIn({ username: "bo@acme.com" }); // the same claims: the same attributes written again
    await ws().workers(first.workerSid).update({ attributes: JSON.stringify({ ...JSON.parse((await ws().workers(first.workerSid).fetch()).attributes), routing: { skills: ["sales"], levels: {} } }) });
    emu.control.disableSkill(first.workerSid, "sales");
    const list = await events({ workerSid: first.workerSid });
    expect(list.map((e) => [e.eventType, e.actorType])).toEqual([
      ["worker.created", "flex"],
      ["worker.attributes.update", "flex"],
      ["worker.attributes.update", "workspace"],
      ["worker.attributes.update", "flex"],
    ]);
    expect(list[1]!.actorSid).toBe(conf.flexInstanceSid);
    expect((list[3]!.eventData as { worker_attributes: string }).worker_attributes).toContain("disabled_skills");
  });
});

describe("the list's rules", () => {
  it("one EventType per query; a list of types is a 400", async () => {
    await ws().workers.create({ friendlyName: "a" });
    expect((await events({ eventType: "worker.created" })).length).toBe(1);
    expect((await events({ eventType: "worker.deleted" })).length).toBe(0);
    expect((await status("?EventType=worker.created,worker.deleted")).status).toBe(400);
  });

  it("Minutes defaults to 15 when no date is given", async () => {
    await ws().workers.create({ friendlyName: "a" });
    emu.control.ageEvents(16 * 60_000);
    await ws().workers.create({ friendlyName: "b" });
    expect((await ws().events.list({})).length).toBe(1);
    expect((await ws().events.list({ minutes: 20 })).length).toBe(2);
  });

  it("a StartDate (or Minutes) past the 30 days of retention is a 400; events older than that are gone", async () => {
    await ws().workers.create({ friendlyName: "a" });
    const old = new Date(Date.now() - 31 * DAY).toISOString();
    const res = await status(`?StartDate=${encodeURIComponent(old)}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(20001);
    expect((await status(`?Minutes=${31 * 24 * 60}`)).status).toBe(400);
    emu.control.ageEvents(30 * DAY + 60_000);
    expect((await ws().events.list({ startDate: new Date(Date.now() - 30 * DAY + 60_000) })).length).toBe(0);
  });

  it("PageSize is at most 1,000 and pages follow PageToken", async () => {
    for (let i = 0; i < 5; i++) await ws().workers.create({ friendlyName: `w${i}` });
    const big = await status(`?PageSize=5000&StartDate=${encodeURIComponent(hourAgo().toISOString())}`);
    expect((big.body.meta as { page_size: number }).page_size).toBe(1000);
    const page1 = await ws().events.page({ pageSize: 2, startDate: hourAgo() });
    expect(page1.instances).toHaveLength(2);
    expect(page1.nextPageUrl).toMatch(/PageToken=PA\d+/);
    const names: string[] = [];
    for (let p: typeof page1 | undefined = page1; p; p = (await p.nextPage()) as typeof page1 | undefined) {
      names.push(...p.instances.map((e) => (e.eventData as { worker_name: string }).worker_name));
    }
    expect(names).toEqual(["w0", "w1", "w2", "w3", "w4"]);
  });
});

describe("controls", () => {
  it("lag hides new events until it has passed; drop empties the log", async () => {
    emu.control.setEventLag(60_000);
    await ws().workers.create({ friendlyName: "late" });
    expect(await events()).toHaveLength(0);
    emu.control.setEventLag(0);
    expect(await events()).toHaveLength(1);
    expect(emu.control.dropEvents()).toEqual({ dropped: 1 });
    expect(await events()).toHaveLength(0);
  });

  it("the HTTP control API sets the lag, ages and drops", async () => {
    await ws().workers.create({ friendlyName: "a" });
    const put = (path: string, method: string, body?: unknown) =>
      fetch(`${emu.url}/__emulator${path}`, body === undefined ? { method } : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(await (await put("/events/lag", "PUT", { ms: 0 })).json()).toEqual({ lagMs: 0 });
    await put("/workspaces/default/events/age", "POST", { ms: 2 * 60 * 60_000 });
    expect(await events()).toHaveLength(0);
    expect((await ws().events.list({ startDate: new Date(Date.now() - 3 * 60 * 60_000) })).length).toBe(1);
    expect(await (await put("/workspaces/default/events", "DELETE")).json()).toEqual({ dropped: 1 });
  });
});
