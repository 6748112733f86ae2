// Control API: injected faults (429/500/503/drop/slow, by count and by rate),
// latency, request counters, busy marking, seeding, dump, reset and state
// persistence; both in-process and over HTTP under /__emulator/.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import twilio from "twilio";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { emulatorSdk } from "../../testing/emulator-client";
import { useEmulator } from "../../testing/emulator-fixture";

let emu: Emulator;
let client: twilio.Twilio;

const LIST = "GET /v1/Workspaces/:WorkspaceSid/Workers";
const CREATE = "POST /v1/Workspaces/:WorkspaceSid/Workers";
const workers = () => client.taskrouter.v1.workspaces(emu.workspaceSid).workers;
const auth = () => "Basic " + Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString("base64");
const listPath = () => `/v1/Workspaces/${emu.workspaceSid}/Workers`;

async function get(path: string) {
  const res = await fetch(emu.url + path, { headers: { authorization: auth() } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.url}/__emulator${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

useEmulator((e, sdk) => {
  emu = e;
  client = sdk;
});

describe("faults by count", () => {
  it("429 on the next N matching requests, with Twilio's body and Retry-After; other routes unaffected", async () => {
    emu.control.injectFault({ kind: "429", route: LIST, count: 2, retryAfter: 3 });
    for (let i = 0; i < 2; i++) {
      const r = await get(listPath());
      expect(r.status).toBe(429);
      expect(r.body).toEqual({
        code: 20429,
        message: "Too Many Requests",
        more_info: "https://www.twilio.com/docs/errors/20429",
        status: 429,
      });
      expect(r.headers.get("retry-after")).toBe("3");
    }
    expect((await get(`/v1/Workspaces/${emu.workspaceSid}/Activities`)).status).toBe(200);
    expect((await get(listPath())).status).toBe(200);
    expect(emu.control.faults()).toEqual([]); // expired
    // ...but the counters still say it fired, and on which rule
    expect(emu.control.counters().firedByRule).toEqual({ [`429 ${LIST}`]: 2 });
  });

  it("500 and 503 arrive in the SDK as RestException; method filters apply", async () => {
    emu.control.injectFault({ kind: 500, method: "POST", count: 1 });
    emu.control.injectFault({ kind: "503", route: CREATE, count: 1 });
    expect((await get(listPath())).status).toBe(200); // GET: not matched
    await expect(workers().create({ friendlyName: "a" })).rejects.toMatchObject({ status: 500, code: 20500 });
    await expect(workers().create({ friendlyName: "a" })).rejects.toMatchObject({ status: 503, code: 20503 });
    const ok = await workers().create({ friendlyName: "a" });
    expect(ok.friendlyName).toBe("a");
    // the failed attempts changed nothing
    expect((await workers().list()).map((w) => w.friendlyName)).toEqual(["a"]);
  });

  it("drop destroys the connection; the next request is served", async () => {
    emu.control.injectFault({ kind: "drop", route: LIST, count: 1 });
    const err = await workers().list().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(twilio.RestException);
    expect(String((err as { code?: string }).code ?? (err as Error).message)).toMatch(/ECONNRESET|socket hang up|EPIPE/);
    expect(await workers().list()).toEqual([]);
    expect(emu.control.counters().byStatus.dropped).toBe(1);
  });

  it("slow delays the response, then serves it", async () => {
    emu.control.injectFault({ kind: "slow", route: LIST, count: 1, delayMs: 500 });
    const [r, ms] = await timed(() => get(listPath()));
    expect(r.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(490);
    const [, fast] = await timed(() => get(listPath()));
    expect(fast).toBeLessThan(450);
  });

  it("route prefixes and concrete paths match too", async () => {
    emu.control.injectFault({ kind: "503", route: "/v1/Workspaces/:WorkspaceSid/Workers*", count: 2 });
    const w = emu.control.seedWorkers([{ friendlyName: "x" }])[0]!;
    expect((await get(`${listPath()}/${w}/Channels`)).status).toBe(503);
    expect((await get(listPath())).status).toBe(503);
    expect((await get(listPath())).status).toBe(200);
    emu.control.injectFault({ kind: "500", route: `${listPath()}/${w}`, count: 1 });
    expect((await get(`${listPath()}/${w}`)).status).toBe(500);
  });
});

describe("faults by rate", () => {
  it("rate 0 never fires, rate 1 always fires", async () => {
    emu.control.injectFault({ kind: "500", route: LIST, rate: 0 });
    for (let i = 0; i < 20; i++) expect((await get(listPath())).status).toBe(200);
    emu.control.clearFaults();
    const f = emu.control.injectFault({ kind: "500", route: LIST, rate: 1 });
    for (let i = 0; i < 5; i++) expect((await get(listPath())).status).toBe(500);
    expect(emu.control.faults()).toEqual([{ ...f, hits: 5 }]);
  });

  it("rate 0.5 fires about half the time, reproducibly with a seed; count caps it", async () => {
    const run = async () => {
      emu.control.clearFaults();
      emu.control.injectFault({ kind: "503", route: LIST, rate: 0.5, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i++) statuses.push((await get(listPath())).status);
      return statuses;
    };
    const a = await run();
    const fired = a.filter((s) => s === 503).length;
    expect(fired).toBeGreaterThan(60);
    expect(fired).toBeLessThan(140);
    expect(await run()).toEqual(a);

    emu.control.clearFaults();
    emu.control.injectFault({ kind: "503", route: LIST, rate: 0.5, count: 3, seed: 1 });
    let n = 0;
    for (let i = 0; i < 100; i++) if ((await get(listPath())).status === 503) n++;
    expect(n).toBe(3);
  });

  it("rejects invalid fault specs", () => {
    expect(() => emu.control.injectFault({ kind: "418" as never })).toThrow(/kind/);
    expect(() => emu.control.injectFault({ kind: "500", rate: 1.5 })).toThrow(/rate/);
    expect(() => emu.control.injectFault({ kind: "500", count: 0 })).toThrow(/count/);
  });
});

describe("latency", () => {
  it("global and per-route latency", async () => {
    emu.control.setLatency(400);
    const [, slow] = await timed(() => get(`/v1/Workspaces/${emu.workspaceSid}/Activities`));
    expect(slow).toBeGreaterThanOrEqual(390);
    emu.control.setLatency(0);
    emu.control.setLatency(500, { route: LIST });
    const [, other] = await timed(() => get(`/v1/Workspaces/${emu.workspaceSid}/Activities`));
    expect(other).toBeLessThan(400);
    const [, listed] = await timed(() => get(listPath()));
    expect(listed).toBeGreaterThanOrEqual(490);
    expect(emu.control.latency()).toEqual({ globalMs: 0, rules: [{ method: "GET", route: "/v1/Workspaces/:WorkspaceSid/Workers", ms: 500 }] });
    emu.control.clearLatency();
    const [, none] = await timed(() => get(listPath()));
    expect(none).toBeLessThan(400);
  });

  it("startEmulator({ latencyMs }) applies to every Twilio request but not to the control API", async () => {
    const slow = await startEmulator({ latencyMs: 500 });
    try {
      const t0 = performance.now();
      const r = await fetch(`${slow.url}/v1/Workspaces`, {
        headers: { authorization: "Basic " + Buffer.from(`${slow.accountSid}:${slow.authToken}`).toString("base64") },
      });
      expect(r.status).toBe(200);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(490);
      const t1 = performance.now();
      await fetch(`${slow.url}/__emulator/counters`);
      expect(performance.now() - t1).toBeLessThan(400);
    } finally {
      await slow.close();
    }
  });
});

describe("counters", () => {
  it("count per route pattern, totals, writes, statuses, faults; reset", async () => {
    const w = await workers().create({ friendlyName: "c1" });
    await workers()(w.sid).update({ attributes: '{"a":1}' });
    await workers().list();
    await workers()(w.sid).fetch();
    await workers()(w.sid).workerChannels.list();
    await expect(workers()("WK" + "0".repeat(32)).fetch()).rejects.toMatchObject({ status: 404 });
    await get("/v1/Nowhere");
    emu.control.injectFault({ kind: "429", count: 1 });
    await get(listPath());

    const c = emu.control.counters();
    expect(c).toEqual({
      total: 8,
      writes: 2,
      faults: 1,
      byRoute: {
        [CREATE]: 1,
        "POST /v1/Workspaces/:WorkspaceSid/Workers/:Sid": 1,
        [LIST]: 2,
        "GET /v1/Workspaces/:WorkspaceSid/Workers/:Sid": 2,
        "GET /v1/Workspaces/:WorkspaceSid/Workers/:WorkerSid/Channels": 1,
        "GET (unmatched)": 1,
      },
      byStatus: { "200": 4, "201": 1, "404": 2, "429": 1 },
      firedByRule: { "429 * *": 1 },
    });
    // control API calls are not counted
    await control("GET", "/counters");
    expect(emu.control.counters().total).toBe(8);
    emu.control.resetCounters();
    expect(emu.control.counters()).toEqual({ total: 0, writes: 0, faults: 0, byRoute: {}, byStatus: {}, firedByRule: {} });
  });
});

describe("control API over HTTP", () => {
  it("faults, counters, latency", async () => {
    const created = await control("POST", "/faults", { kind: "503", route: LIST, count: 1 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), kind: "503", method: "GET", route: "/v1/Workspaces/:WorkspaceSid/Workers", remaining: 1 });
    expect((await control("GET", "/faults")).body).toHaveLength(1);
    expect((await get(listPath())).status).toBe(503);
    expect((await control("GET", "/faults")).body).toEqual([]);

    await control("POST", "/faults", { kind: "500", route: LIST });
    const f2 = (await control("POST", "/faults", { kind: "429", route: CREATE })).body;
    await control("DELETE", `/faults/${f2.id}`);
    expect((await control("GET", "/faults")).body.map((f: { kind: string }) => f.kind)).toEqual(["500"]);
    expect((await control("DELETE", "/faults")).status).toBe(204);
    expect((await get(listPath())).status).toBe(200);

    const counters = (await control("GET", "/counters")).body;
    expect(counters.byRoute[LIST]).toBe(2);
    expect((await control("POST", "/counters/reset")).body.total).toBe(0);

    expect((await control("PUT", "/latency", { ms: 50 })).body).toEqual({ globalMs: 50, rules: [] });
    expect((await control("PUT", "/latency", { ms: 10, route: CREATE })).body.rules).toEqual([
      { method: "POST", route: "/v1/Workspaces/:WorkspaceSid/Workers", ms: 10 },
    ]);
    expect((await control("DELETE", "/latency")).body).toEqual({ globalMs: 0, rules: [] });
    expect((await control("POST", "/faults", { kind: "nope" })).status).toBe(400);
  });

  it("seed, busy/idle, state dump, options, reset", async () => {
    const seeded = await control("POST", `/workspaces/${emu.workspaceSid}/workers:seed`, [
      { friendlyName: "s1", attributes: "{not json", channels: { voice: { capacity: 2, available: false } } },
      { friendlyName: "s1", attributes: { email: "s1@acme.com" }, activityName: "Available" },
    ]);
    expect(seeded.status).toBe(201);
    expect(seeded.body.created).toBe(2);
    const [a, b] = seeded.body.sids as string[];
    expect((await control("POST", "/workspaces/default/workers/seed", { workers: [{ friendlyName: "s2" }] })).body.created).toBe(1);

    const busy = await control("POST", `/workspaces/default/workers/${a}/busy`, { channel: "voice" });
    expect(busy.body).toMatchObject({ workerSid: a, reservationStatus: "accepted", taskStatus: "assigned" });
    expect((await control("GET", `/workspaces/default/workers/${a}/busy`)).body).toMatchObject({
      busy: true,
      reservations: [{ sid: busy.body.reservationSid, status: "accepted", taskChannel: "voice" }],
    });
    // by friendly name (first match)
    await control("POST", `/workspaces/default/workers/s2/busy`, { status: "pending" });
    expect((await get(`${listPath()}/${a}/Reservations`)).body.reservations).toHaveLength(1);
    expect((await control("POST", `/workspaces/default/workers/${a}/idle`)).body).toEqual({ cleared: 1 });
    expect((await control("GET", `/workspaces/default/workers/${a}/busy`)).body.busy).toBe(false);
    expect((await control("POST", `/workspaces/default/workers/nobody/busy`)).status).toBe(404);

    const state = (await control("GET", "/state")).body;
    expect(state.version).toBe(1);
    expect(state.workspaces[0].workers.map((w: { sid: string }) => w.sid).slice(0, 2)).toEqual([a, b]);
    expect(state.workspaces[0].workers[0].attributes).toBe("{not json");

    expect((await control("PUT", "/options", { rejectDeleteWhenBusy: true })).body).toEqual({ rejectDeleteWhenBusy: true, flexEnabled: true, ignoreIfMatch: false });
    await control("POST", `/workspaces/default/workers/${b}/busy`, {});
    const del = await fetch(`${emu.url}${listPath()}/${b}`, { method: "DELETE", headers: { authorization: auth() } });
    expect(del.status).toBe(400);
    expect(await del.json()).toMatchObject({ code: 20001 });
    await control("PUT", "/options", { rejectDeleteWhenBusy: false });
    const del2 = await fetch(`${emu.url}${listPath()}/${b}`, { method: "DELETE", headers: { authorization: auth() } });
    expect(del2.status).toBe(204);

    const info = (await control("GET", "/")).body;
    expect(info).toMatchObject({ url: emu.url, accountSid: emu.accountSid, authToken: emu.authToken });
    expect(info.routes).toContain(LIST);

    const before = emu.workspaceSid;
    const reset = await control("POST", "/reset");
    expect(reset.body.workspaces).toHaveLength(1);
    expect(emu.workspaceSid).not.toBe(before);
    expect((await get(listPath())).body.workers).toEqual([]);
  });

  it("in-process deleting a busy worker succeeds by default (Twilio behaviour unconfirmed; see README)", async () => {
    const w = await workers().create({ friendlyName: "busy" });
    emu.control.markBusy(w.sid);
    expect(await workers()(w.sid).remove()).toBe(true);
  });
});

describe("state file", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "emu-state-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is written after writes (debounced) and on close, and loaded on start", async () => {
    const file = join(dir, "state.json");
    const first = await startEmulator({ statePath: file });
    const c1 = emulatorSdk(first);
    const w = await c1.taskrouter.v1.workspaces(first.workspaceSid).workers.create({
      friendlyName: "persisted",
      attributes: '{"k":"v"}',
    });
    await new Promise((r) => setTimeout(r, 500));
    const onDisk = JSON.parse(readFileSync(file, "utf8"));
    expect(onDisk.workspaces[0].workers.map((x: { sid: string }) => x.sid)).toEqual([w.sid]);
    await c1.taskrouter.v1.workspaces(first.workspaceSid).workers(w.sid).workerChannels("chat").update({ capacity: 5 });
    const wsSid = first.workspaceSid;
    await first.close();

    const second = await startEmulator({ statePath: file });
    try {
      expect(second.workspaceSid).toBe(wsSid);
      const c2 = emulatorSdk(second);
      const ws = c2.taskrouter.v1.workspaces(second.workspaceSid);
      const again = await ws.workers(w.sid).fetch();
      expect(again.attributes).toBe('{"k":"v"}');
      expect((await ws.workers(w.sid).workerChannels("chat").fetch()).configuredCapacity).toBe(5);
      expect((await ws.workers.create({ friendlyName: "PERSISTED" }).catch((e) => e)).status).toBe(400);
      const next = await ws.workers.create({ friendlyName: "later" });
      expect((await ws.workers.list()).map((x) => x.sid)).toEqual([w.sid, next.sid]);
    } finally {
      await second.close();
    }
  });

  it("keeps reservations: a busy worker is still busy after a restart, and idle clears it", async () => {
    const file = join(dir, "busy.json");
    const first = await startEmulator({ statePath: file });
    const [sid] = first.control.seedWorkers([{ friendlyName: "agent" }]);
    const busy = first.control.markBusy(sid!, { channel: "chat" });
    await first.close();

    const second = await startEmulator({ statePath: file });
    try {
      expect(second.control.busy("AGENT")).toEqual({
        workerSid: sid,
        busy: true,
        reservations: [{ sid: busy.reservationSid, status: "accepted", taskSid: busy.taskSid, taskChannel: "chat" }],
      });
      expect(second.control.markIdle(sid!)).toEqual({ cleared: 1 });
      expect(second.control.busy(sid!).busy).toBe(false);
    } finally {
      await second.close();
    }
  });
});
