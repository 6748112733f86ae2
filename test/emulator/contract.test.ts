// The emulator against Twilio's own OpenAPI descriptions of TaskRouter v1 and,
// for the Flex Configuration, Flex v1 (vendored in emulator/spec/): every route it serves exists there with the same
// method and operationId, accepts only documented query parameters and form
// fields, and answers with JSON that validates against the operation's
// response schema (made strict: every documented property present, nothing
// else). Routes are enumerated from fastify, so a new route cannot be left out.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { Control } from "../../emulator/control";
import { createControlApi } from "../../emulator/control-api";
import { DEV_CREDENTIALS } from "../../emulator/credentials";
import { CONTROL_PREFIX, buildServer } from "../../emulator/server";
import { Store } from "../../emulator/store";
import { TWILIO_ROUTES, routeKey } from "../../emulator/twilio-routes";

// -- the spec -----------------------------------------------------------------

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

type SpecName = "taskrouter_v1" | "flex_v1";

// Vendored in the repository (emulator/spec/README.md has its provenance).
function loadSpec(name: SpecName): Json {
  const path = join(__dirname, `../../emulator/spec/twilio_${name}.json`);
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Json;
  } catch (err) {
    throw new Error(`Twilio OAI spec not readable at ${path}: ${(err as Error).message}`);
  }
}

const specs: Record<SpecName, Json> = { taskrouter_v1: loadSpec("taskrouter_v1"), flex_v1: loadSpec("flex_v1") };
const oaiPath = (fastifyUrl: string) => fastifyUrl.replace(/:([A-Za-z]+)/g, "{$1}");

/** The description that documents a served route (the route table says which). */
function specOf(method: string, url: string): SpecName {
  return TWILIO_ROUTES.find((r) => r.method === method.toUpperCase() && r.url === url)?.spec ?? "taskrouter_v1";
}

function operation(method: string, url: string): Json | undefined {
  return specs[specOf(method, url)].paths[oaiPath(url)]?.[method.toLowerCase()];
}

function resolveParam(p: Json, spec: Json): Json {
  if (!p.$ref) return p;
  const name = String(p.$ref).split("/").pop()!;
  return spec.components.parameters[name];
}

/**
 * OAI 3.0 schema -> what ajv validates: `nullable` without `type` (allowed in
 * OAI, refused by ajv) becomes "or null"; every schema object with properties
 * gets all of them required and nothing else allowed.
 */
function strictify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictify);
  if (node === null || typeof node !== "object") return node;
  let out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === "examples" || k === "example" ? v : strictify(v);
  if (out.properties && typeof out.properties === "object" && !Array.isArray(out.properties)) {
    out.required = Object.keys(out.properties);
    out.additionalProperties = false;
  }
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _n, ...rest } = out;
    out = out.$ref ? { anyOf: [rest, { type: "null" }] } : rest;
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/); // Twilio's style, e.g. 2026-11-26T12:00:00Z
ajv.addFormat("uri", (s: string) => {
  try {
    return Boolean(new URL(s));
  } catch {
    return false;
  }
});
ajv.addFormat("uri-map", true);
const strictComponents: Record<SpecName, Json> = {
  taskrouter_v1: strictify(specs.taskrouter_v1.components) as Json,
  flex_v1: strictify(specs.flex_v1.components) as Json,
};
const validators = new Map<string, ValidateFunction>();

function responseValidator(method: string, url: string, status: number): ValidateFunction {
  const key = `${method} ${url} ${status}`;
  let v = validators.get(key);
  if (!v) {
    const op = operation(method, url);
    const schema = op?.responses?.[String(status)]?.content?.["application/json"]?.schema;
    if (!schema) throw new Error(`no ${status} JSON response schema for ${key}`);
    v = ajv.compile({ allOf: [strictify(schema)], components: strictComponents[specOf(method, url)] });
    validators.set(key, v);
  }
  return v;
}

// -- the emulator's routes -------------------------------------------------------

function registeredRoutes(): Array<{ method: string; url: string }> {
  const routes: Array<{ method: string; url: string }> = [];
  const store = new Store({ accountSid: DEV_CREDENTIALS.accountSid });
  const control = new Control();
  buildServer({
    store,
    control,
    api: createControlApi(store, control, [], true),
    credentials: DEV_CREDENTIALS,
    fallbackBase: () => "http://127.0.0.1",
    onRoute: (r) => routes.push(r),
  });
  return routes;
}

const served = registeredRoutes().filter((r) => !r.url.startsWith(CONTROL_PREFIX));

describe("routes vs the OpenAPI description", () => {
  it("serves a sensible set of routes, all from the route table", () => {
    expect(served.length).toBeGreaterThanOrEqual(20);
    const table = new Set(TWILIO_ROUTES.map((r) => routeKey(r.method, r.url)));
    for (const r of served) expect(table, `${r.method} ${r.url} is registered outside TWILIO_ROUTES`).toContain(routeKey(r.method, r.url));
    expect(served.length).toBe(TWILIO_ROUTES.length);
  });

  for (const route of TWILIO_ROUTES) {
    const name = routeKey(route.method, route.url);
    it(`${name}: path, method, operationId, query parameters and form fields are documented`, () => {
      const op = operation(route.method, route.url);
      expect(op, `${oaiPath(route.url)} ${route.method} not in the spec`).toBeDefined();
      expect(op!.operationId).toBe(route.operationId);

      const params = (op!.parameters ?? []).map((p: Json) => resolveParam(p, specs[route.spec ?? "taskrouter_v1"]));
      const queryNames = params.filter((p: Json) => p.in === "query").map((p: Json) => p.name);
      for (const q of route.query ?? []) expect(queryNames, `query ${q}`).toContain(q);
      const pathNames = params.filter((p: Json) => p.in === "path").map((p: Json) => p.name).sort();
      expect([...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]).sort()).toEqual(pathNames);

      const form = op!.requestBody?.content?.["application/x-www-form-urlencoded"]?.schema;
      if (route.form?.length) {
        expect(form, "operation has no form body").toBeDefined();
        const props = Object.keys(form.properties ?? {});
        for (const f of route.form) expect(props, `form field ${f}`).toContain(f);
        for (const req of form.required ?? []) expect(route.form, `required form field ${req}`).toContain(req);
      } else if (route.json) {
        // Flex's Configuration update takes a JSON object (its properties are not enumerated in the description).
        expect(op!.requestBody?.content?.["application/json"]?.schema?.type).toBe("object");
      } else if (route.method === "POST") {
        expect(form?.properties ?? {}).toEqual({});
      }
    });
  }
});

// -- responses vs the schemas ----------------------------------------------------

let emu: Emulator;
const auth = () => "Basic " + Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString("base64");

interface Sample {
  route: string; // routeKey of the route this request must hit
  method: "GET" | "POST" | "DELETE";
  path: string;
  form?: Record<string, string>;
  /** A JSON body instead of a form (Flex's Configuration update). */
  json?: unknown;
  expect: number;
}

async function call(s: Pick<Sample, "method" | "path" | "form" | "json">, headers: Record<string, string> = {}) {
  const res = await fetch(emu.url + s.path, {
    method: s.method,
    headers: {
      authorization: auth(),
      ...(s.form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      ...(s.json !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    body: s.form ? new URLSearchParams(s.form).toString() : s.json !== undefined ? JSON.stringify(s.json) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : undefined };
}

describe("responses validate against the operation's response schema", () => {
  const hit = new Set<string>();
  let wk = "";
  let ev = "";
  let busyRes = "";
  let acts: Json[] = [];
  let chans: Json[] = [];
  let everyone: Json = {};
  let workflow: Json = {};
  let spanish = "";

  beforeAll(async () => {
    emu = await startEmulator();
    const W = `/v1/Workspaces/${emu.workspaceSid}`;
    const created = await call({
      method: "POST",
      path: `${W}/Workers`,
      form: { FriendlyName: "contract@acme.com", Attributes: JSON.stringify({ email: "contract@acme.com", skills: ["a"] }) },
    });
    wk = created.body!.sid;
    ev = (await call({ method: "GET", path: `${W}/Events?WorkerSid=${wk}` })).body!.events[0].sid;
    busyRes = emu.control.markBusy(wk, { channel: "chat" }).reservationSid;
    emu.control.markBusy(wk, { status: "pending", channel: "voice" });
    emu.control.seedWorkers(Array.from({ length: 5 }, (_, i) => ({ friendlyName: `seed${i}` })));
    acts = (await call({ method: "GET", path: `${W}/Activities` })).body!.activities;
    chans = (await call({ method: "GET", path: `${W}/TaskChannels` })).body!.channels;
    everyone = (await call({ method: "GET", path: `${W}/TaskQueues` })).body!.task_queues[0];
    workflow = (await call({ method: "GET", path: `${W}/Workflows` })).body!.workflows[0];
    spanish = (await call({ method: "POST", path: `${W}/TaskQueues`, form: { FriendlyName: "Spanish", TargetWorkers: 'skills HAS "es"' } })).body!.sid;
  });
  afterAll(() => emu.close());

  const samples = (): Sample[] => {
    const ws = emu.workspaceSid;
    const W = `/v1/Workspaces/${ws}`;
    const R = "/v1/Workspaces/:WorkspaceSid";
    return [
      { route: "GET /v1/Workspaces", method: "GET", path: "/v1/Workspaces", expect: 200 },
      { route: "GET /v1/Workspaces", method: "GET", path: "/v1/Workspaces?FriendlyName=Flex%20Task%20Assignment&PageSize=1", expect: 200 },
      { route: "POST /v1/Workspaces", method: "POST", path: "/v1/Workspaces", form: { FriendlyName: "Other", MultiTaskEnabled: "true", PrioritizeQueueOrder: "LIFO" }, expect: 201 },
      { route: "GET /v1/Workspaces/:Sid", method: "GET", path: W, expect: 200 },
      { route: `GET ${R}/Activities`, method: "GET", path: `${W}/Activities?Available=true`, expect: 200 },
      { route: `GET ${R}/Activities/:Sid`, method: "GET", path: `${W}/Activities/${acts[0]!.sid}`, expect: 200 },
      { route: `GET ${R}/TaskChannels`, method: "GET", path: `${W}/TaskChannels?PageSize=2`, expect: 200 },
      { route: `GET ${R}/TaskChannels/:Sid`, method: "GET", path: `${W}/TaskChannels/${chans[1]!.sid}`, expect: 200 },
      { route: `GET ${R}/Workers`, method: "GET", path: `${W}/Workers?PageSize=2`, expect: 200 },
      { route: `GET ${R}/Workers`, method: "GET", path: `${W}/Workers?TargetWorkersExpression=${encodeURIComponent('"a" IN skills')}&Available=false`, expect: 200 },
      { route: `POST ${R}/Workers`, method: "POST", path: `${W}/Workers`, form: { FriendlyName: "second", ActivitySid: acts[1]!.sid, Attributes: "{}" }, expect: 201 },
      { route: `GET ${R}/Workers/:Sid`, method: "GET", path: `${W}/Workers/${wk}`, expect: 200 },
      { route: `POST ${R}/Workers/:Sid`, method: "POST", path: `${W}/Workers/${wk}`, form: { Attributes: '{"x":1}', ActivitySid: acts[0]!.sid, RejectPendingReservations: "true", FriendlyName: "Contract@acme.com" }, expect: 200 },
      { route: `GET ${R}/Workers/:WorkerSid/Channels`, method: "GET", path: `${W}/Workers/${wk}/Channels`, expect: 200 },
      { route: `GET ${R}/Workers/:WorkerSid/Channels/:Sid`, method: "GET", path: `${W}/Workers/${wk}/Channels/chat`, expect: 200 },
      { route: `POST ${R}/Workers/:WorkerSid/Channels/:Sid`, method: "POST", path: `${W}/Workers/${wk}/Channels/chat`, form: { Capacity: "4", Available: "true" }, expect: 200 },
      { route: `GET ${R}/Workers/:WorkerSid/Reservations`, method: "GET", path: `${W}/Workers/${wk}/Reservations?ReservationStatus=accepted`, expect: 200 },
      { route: `GET ${R}/Workers/:WorkerSid/Reservations/:Sid`, method: "GET", path: `${W}/Workers/${wk}/Reservations/${busyRes}`, expect: 200 },
      { route: `GET ${R}/Workers/:WorkerSid/Statistics`, method: "GET", path: `${W}/Workers/${wk}/Statistics?Minutes=60`, expect: 200 },
      { route: `GET ${R}/Workers/Statistics`, method: "GET", path: `${W}/Workers/Statistics?FriendlyName=seed1`, expect: 200 },
      { route: `GET ${R}/Workers/CumulativeStatistics`, method: "GET", path: `${W}/Workers/CumulativeStatistics?StartDate=2026-01-01T00:00:00Z`, expect: 200 },
      { route: `GET ${R}/Workers/RealTimeStatistics`, method: "GET", path: `${W}/Workers/RealTimeStatistics`, expect: 200 },
      { route: `GET ${R}/Events`, method: "GET", path: `${W}/Events?EventType=worker.created&PageSize=1`, expect: 200 },
      { route: `GET ${R}/Events`, method: "GET", path: `${W}/Events?WorkerSid=${wk}&StartDate=${encodeURIComponent(new Date(Date.now() - 3600_000).toISOString())}`, expect: 200 },
      { route: `GET ${R}/Events/:Sid`, method: "GET", path: `${W}/Events/${ev}`, expect: 200 },
      { route: `GET ${R}/Workers`, method: "GET", path: `${W}/Workers?TaskQueueSid=${everyone.sid}&TaskQueueName=Everyone`, expect: 200 },
      { route: `GET ${R}/TaskQueues`, method: "GET", path: `${W}/TaskQueues?PageSize=1`, expect: 200 },
      { route: `GET ${R}/TaskQueues`, method: "GET", path: `${W}/TaskQueues?WorkerSid=${wk}&EvaluateWorkerAttributes=${encodeURIComponent('{"skills":["a"]}')}`, expect: 200 },
      { route: `POST ${R}/TaskQueues`, method: "POST", path: `${W}/TaskQueues`, form: { FriendlyName: "Sales", TargetWorkers: "routing.skills HAS 'sales'", MaxReservedWorkers: "2", TaskOrder: "LIFO", ReservationActivitySid: acts[1]!.sid, AssignmentActivitySid: acts[2]!.sid }, expect: 201 },
      { route: `POST ${R}/TaskQueues`, method: "POST", path: `${W}/TaskQueues`, form: { FriendlyName: "Broken", TargetWorkers: "skills HAS" }, expect: 400 },
      { route: `GET ${R}/TaskQueues/:Sid`, method: "GET", path: `${W}/TaskQueues/${everyone.sid}`, expect: 200 },
      { route: `POST ${R}/TaskQueues/:Sid`, method: "POST", path: `${W}/TaskQueues/${spanish}`, form: { TargetWorkers: "routing.skills HAS 'es'", FriendlyName: "Spanish Support" }, expect: 200 },
      { route: `DELETE ${R}/TaskQueues/:Sid`, method: "DELETE", path: `${W}/TaskQueues/${spanish}`, expect: 204 },
      { route: `GET ${R}/TaskQueues/Statistics`, method: "GET", path: `${W}/TaskQueues/Statistics?Minutes=60`, expect: 200 },
      { route: `GET ${R}/Workflows`, method: "GET", path: `${W}/Workflows?FriendlyName=${encodeURIComponent("Assign to Anyone")}`, expect: 200 },
      { route: `GET ${R}/Workflows/:Sid`, method: "GET", path: `${W}/Workflows/${workflow.sid}`, expect: 200 },
      { route: "GET /v1/Configuration", method: "GET", path: "/v1/Configuration", expect: 200 },
      { route: "GET /v1/Configuration", method: "GET", path: "/v1/Configuration?UiVersion=2.0", expect: 200 },
      { route: "POST /v1/Configuration", method: "POST", path: "/v1/Configuration", json: { ui_language: "pt" }, expect: 200 },
      // last: it removes the worker the other samples use
      { route: `DELETE ${R}/Workers/:Sid`, method: "DELETE", path: `${W}/Workers/${wk}`, expect: 204 },
    ];
  };

  it("every served route has a sample, and each sample validates", async () => {
    const list = samples();
    const routes = new Set(served.map((r) => routeKey(r.method, r.url)));
    expect(new Set(list.map((s) => s.route))).toEqual(routes);

    for (const s of list) {
      const before = emu.control.counters().byRoute[s.route] ?? 0;
      const res = await call(s);
      expect(res.status, `${s.method} ${s.path}: ${JSON.stringify(res.body)}`).toBe(s.expect);
      expect(emu.control.counters().byRoute[s.route], `${s.method} ${s.path} did not hit ${s.route}`).toBe(before + 1);
      if (s.expect === 204) {
        expect(res.body).toBeUndefined();
      } else if (s.expect >= 400) {
        expect(res.body).toMatchObject({ status: s.expect, code: 20001 });
      } else {
        expect(res.headers.get("content-type")).toMatch(/^application\/json/);
        const [method, url] = s.route.split(" ") as [string, string];
        const validate = responseValidator(method, url, s.expect);
        expect(validate(res.body), `${s.method} ${s.path}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
      hit.add(s.route);
    }
    expect(hit).toEqual(routes);
  });

  it("the strict validator does catch missing, extra and mis-formatted fields", async () => {
    const W = `/v1/Workspaces/${emu.workspaceSid}`;
    const body = (await call({ method: "GET", path: `${W}/Workers?PageSize=1` })).body!;
    const validate = responseValidator("GET", "/v1/Workspaces/:WorkspaceSid/Workers", 200);
    expect(validate(body)).toBe(true);
    const worker = body.workers[0] as Json;
    const variants: Json[] = [
      { ...worker, extra: 1 },
      (({ url: _u, ...rest }) => rest)(worker),
      { ...worker, date_created: "2026-11-26T12:00:00.000Z" },
      { ...worker, sid: "WK" + "z".repeat(32) },
      { ...worker, available: "yes" },
    ];
    for (const v of variants) expect(validate({ ...body, workers: [v] }), JSON.stringify(v).slice(0, 80)).toBe(false);
    expect(validate({ workers: body.workers })).toBe(false); // no meta
  });

  it("list pages carry Twilio's meta with working page URLs", async () => {
    const W = `/v1/Workspaces/${emu.workspaceSid}`;
    const first = await call({ method: "GET", path: `${W}/Workers?PageSize=2&FriendlyName=seed3` });
    expect(first.body!.meta).toMatchObject({ page: 0, page_size: 2, key: "workers", next_page_url: null, previous_page_url: null });
    expect(first.body!.workers.map((w: Json) => w.friendly_name)).toEqual(["seed3"]);

    const p1 = await call({ method: "GET", path: `${W}/Workers?PageSize=2` });
    expect(p1.body!.meta.first_page_url).toBe(`${emu.url}${W}/Workers?PageSize=2&Page=0`);
    const next = new URL(p1.body!.meta.next_page_url);
    expect(next.searchParams.get("Page")).toBe("1");
    expect(next.searchParams.get("PageToken")).toMatch(/^PA\d+$/);
    const p2 = await call({ method: "GET", path: next.pathname + next.search });
    const validate = responseValidator("GET", "/v1/Workspaces/:WorkspaceSid/Workers", 200);
    expect(validate(p2.body), ajv.errorsText(validate.errors)).toBe(true);
    expect(p2.body!.meta.previous_page_url).not.toBeNull();
    expect(p2.body!.meta.page).toBe(1);
  });

  it("errors have Twilio's error body", async () => {
    const W = `/v1/Workspaces/${emu.workspaceSid}`;
    const shape = (status: number, code: number) => ({
      status,
      code,
      message: expect.any(String),
      more_info: `https://www.twilio.com/docs/errors/${code}`,
    });
    expect((await call({ method: "GET", path: `${W}/Nope` })).body).toEqual(shape(404, 20404));
    expect((await call({ method: "POST", path: `${W}/Workers`, form: { Attributes: "{}" } })).body).toEqual(shape(400, 20001));
    const unauth = await call({ method: "GET", path: `${W}/Workers` }, { authorization: "Basic " + Buffer.from("x:y").toString("base64") });
    expect(unauth).toMatchObject({ status: 401, body: shape(401, 20003) });
    // Twilio reads form bodies only: a JSON body does not supply FriendlyName
    const res = await fetch(`${emu.url}${W}/Workers`, {
      method: "POST",
      headers: { authorization: auth(), "content-type": "application/json" },
      body: JSON.stringify({ FriendlyName: "json" }),
    });
    expect(res.status).toBe(400);
  });
});

describe("Flex Configuration", () => {
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu.close());

  it("defaults to the workspace, its Offline activity and a skill catalogue, like a Flex account", async () => {
    const res = await call({ method: "GET", path: "/v1/Configuration" });
    expect(res.status).toBe(200);
    const validate = responseValidator("GET", "/v1/Configuration", 200);
    expect(validate(res.body), ajv.errorsText(validate.errors)).toBe(true);
    const acts = (await call({ method: "GET", path: `/v1/Workspaces/${emu.workspaceSid}/Activities?FriendlyName=Offline` })).body!;
    expect(res.body).toMatchObject({
      account_sid: emu.accountSid,
      status: "ok",
      taskrouter_workspace_sid: emu.workspaceSid,
      taskrouter_offline_activity_sid: acts.activities[0].sid,
      url: `${emu.url}/v1/Configuration`,
    });
    expect(res.body!.flex_instance_sid).toMatch(/^GO[0-9a-f]{32}$/);
    expect(res.body!.taskrouter_skills).toContainEqual({ name: "support", multivalue: true, minimum: 0, maximum: 10 });
    expect(res.body!.taskrouter_skills).toContainEqual({ name: "vip", multivalue: false, minimum: 0, maximum: 0 });
  });

  it("POST merges the JSON properties it is given and keeps the rest; a bad catalogue is refused", async () => {
    const skills = [{ name: "claims", multivalue: true, minimum: 1, maximum: 5 }];
    const res = await call({ method: "POST", path: "/v1/Configuration", json: { taskrouter_skills: skills, account_sid: "x", nope: 1 } });
    expect(res.status).toBe(200);
    expect(res.body!.taskrouter_skills).toEqual(skills);
    expect(res.body!.account_sid).toBe(emu.accountSid);
    expect(res.body).not.toHaveProperty("nope");
    expect(res.body!.taskrouter_workspace_sid).toBe(emu.workspaceSid);
    expect((await call({ method: "GET", path: "/v1/Configuration" })).body!.taskrouter_skills).toEqual(skills);
    const bad = await call({ method: "POST", path: "/v1/Configuration", json: { taskrouter_skills: [{ name: "x", minimum: 3, maximum: 1, multivalue: true }] } });
    expect(bad).toMatchObject({ status: 400, body: { code: 20001 } });
  });

  it("an account without Flex answers 404 with Twilio's error body", async () => {
    emu.control.setOptions({ flexEnabled: false });
    try {
      const res = await call({ method: "GET", path: "/v1/Configuration" });
      expect(res).toMatchObject({ status: 404, body: { status: 404, code: 20404 } });
    } finally {
      emu.control.setOptions({ flexEnabled: true });
    }
  });
});
