/**
 * The HTTP server: Twilio routes (auth, form bodies, counters, latency,
 * faults, Twilio error bodies) and the control API under /__emulator/.
 */

import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import type { Control } from "./control";
import type { EmulatorControl } from "./control-api";
import type { DevCredentials } from "./credentials";
import { Errors, TwilioApiError } from "./errors";
import type { RateLimiter } from "./rate-limit";
import type { Store } from "./store";
import { TWILIO_ROUTES, routeKey, type RouteContext, type TwilioRoute } from "./twilio-routes";

export const CONTROL_PREFIX = "/__emulator";

export interface ServerDeps {
  store: Store;
  control: Control;
  api: EmulatorControl;
  credentials: DevCredentials;
  /** The optional account-wide rate limit (rate-limit.ts). */
  rateLimiter?: RateLimiter;
  /** Origin to use when a request has no Host header. */
  fallbackBase: () => string;
  /** Told about every route fastify registers (the contract test enumerates routes with it). */
  onRoute?: (route: { method: string; url: string }) => void;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function first(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length > 0 ? String(v[0]) : undefined;
  return v === undefined || v === null ? undefined : String(v);
}

function pick(source: unknown, names: readonly string[] | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!names || source === null || typeof source !== "object") return out;
  const src = source as Record<string, unknown>;
  for (const n of names) {
    if (Object.prototype.hasOwnProperty.call(src, n)) out[n] = first(src[n]);
  }
  return out;
}

function isControlPath(url: string): boolean {
  const path = url.split("?")[0]!;
  return path === CONTROL_PREFIX || path.startsWith(CONTROL_PREFIX + "/");
}

function checkAuth(header: string | undefined, creds: DevCredentials): void {
  if (!header || !/^basic /i.test(header)) throw Errors.unauthorized();
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const pass = colon < 0 ? "" : decoded.slice(colon + 1);
  const ok =
    (user === creds.accountSid && pass === creds.authToken) || (user === creds.apiKeySid && pass === creds.apiKeySecret);
  if (!ok) throw Errors.unauthorized("Authentication Error - invalid username or password");
}

function sendTwilioError(reply: FastifyReply, e: TwilioApiError): FastifyReply {
  return reply
    .code(e.status)
    .headers(e.headers)
    .type("application/json; charset=utf-8")
    .send(JSON.stringify(e.toJSON()));
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const { store, control, api, credentials } = deps;
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    forceCloseConnections: true,
    bodyLimit: 64 * 1024 * 1024,
    routerOptions: { maxParamLength: 500 },
  });
  if (deps.onRoute) {
    const tell = deps.onRoute;
    app.addHook("onRoute", (r) => {
      for (const m of [r.method].flat()) tell({ method: String(m), url: r.url });
    });
  }
  app.register(formbody);

  const baseOf = (req: FastifyRequest): string => (req.headers.host ? `http://${req.headers.host}` : deps.fallbackBase());

  // Twilio paths: count, delay, rate limit, inject faults, authenticate (in that order).
  app.addHook("onRequest", async (req, reply) => {
    if (isControlPath(req.url)) return;
    const path = req.url.split("?")[0]!;
    const routeUrl = req.routeOptions.url;
    control.countRequest(req.method, routeUrl);
    const { delayMs, fault } = control.decide(req.method, routeUrl ?? path, path);
    if (delayMs > 0) await sleep(delayMs);
    const limited = deps.rateLimiter?.admit();
    if (limited) throw limited;
    if (fault) {
      switch (fault.kind) {
        case "drop":
          control.countStatus("dropped");
          reply.hijack();
          req.raw.socket.destroy();
          return reply;
        case "401":
          // As if the credentials had been rotated mid-run.
          throw Errors.unauthorized("Authentication Error - invalid username or password");
        case "403":
          // A credential without access to this resource (e.g. a restricted API key).
          throw Errors.forbidden("You do not have permission to access this resource");
        case "429":
          throw Errors.tooManyRequests(fault.retryAfter ?? undefined);
        case "500":
          throw Errors.internal();
        case "503":
          throw Errors.unavailable();
      }
    }
    checkAuth(req.headers.authorization, credentials);
  });

  // Time spent in the emulator (incl. injected delays), for benchmarks on busy machines.
  app.addHook("onSend", async (req, reply, payload) => {
    if (!isControlPath(req.url)) reply.header("Server-Timing", `app;dur=${reply.elapsedTime.toFixed(2)}`);
    return payload;
  });

  app.addHook("onResponse", async (req, reply) => {
    if (!isControlPath(req.url)) control.countStatus(reply.statusCode);
  });

  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof TwilioApiError) return sendTwilioError(reply, err);
    const e = err as { statusCode?: number; message?: string; stack?: string };
    const status = e.statusCode;
    if (status && status >= 400 && status < 500) {
      return sendTwilioError(reply, new TwilioApiError(status, status === 404 ? 20404 : 20001, String(e.message)));
    }
    process.stderr.write(`emulator: internal error: ${e.stack ?? String(err)}\n`);
    return sendTwilioError(reply, Errors.internal());
  });

  app.setNotFoundHandler((req, reply) => {
    sendTwilioError(reply, Errors.notFound(req.url.split("?")[0]!));
  });

  for (const route of TWILIO_ROUTES) registerTwilioRoute(app, route, store, baseOf);
  registerControlRoutes(app, api, credentials, baseOf);
  return app;
}

function registerTwilioRoute(
  app: FastifyInstance,
  route: TwilioRoute,
  store: Store,
  baseOf: (req: FastifyRequest) => string,
): void {
  app.route({
    method: route.method,
    url: route.url,
    handler: async (req, reply) => {
      const contentType = String(req.headers["content-type"] ?? "");
      // Twilio only reads form-encoded bodies.
      const body = contentType.toLowerCase().startsWith("application/x-www-form-urlencoded") ? req.body : undefined;
      // Flex's Configuration update is the one JSON body.
      const jsonBody = route.json && contentType.toLowerCase().startsWith("application/json") ? req.body : undefined;
      const ctx: RouteContext = {
        store,
        base: baseOf(req),
        path: req.url.split("?")[0]!,
        params: req.params as Record<string, string>,
        query: pick(req.query, route.query),
        form: pick(body, route.form),
        jsonBody,
        header: (name) => first(req.headers[name.toLowerCase()]),
      };
      const result = route.handler(ctx);
      reply.code(result.status ?? 200);
      if (result.headers) reply.headers(result.headers);
      const json = result.json ?? (result.body === undefined ? undefined : JSON.stringify(result.body));
      if (json === undefined) return reply.send();
      return reply.type("application/json; charset=utf-8").send(json);
    },
  });
}

/** Served Twilio routes as counter keys. */
export function twilioRouteKeys(): string[] {
  return TWILIO_ROUTES.map((r) => routeKey(r.method, r.url));
}

function registerControlRoutes(
  app: FastifyInstance,
  api: EmulatorControl,
  credentials: DevCredentials,
  baseOf: (req: FastifyRequest) => string,
): void {
  const P = CONTROL_PREFIX;
  type Params = Record<string, string>;
  const obj = (b: unknown): Record<string, unknown> => (b !== null && typeof b === "object" ? (b as Record<string, unknown>) : {});

  app.get(P, async (req) => info(req));
  app.get(`${P}/`, async (req) => info(req));
  function info(req: FastifyRequest) {
    return {
      url: baseOf(req),
      ...credentials,
      workspaces: api.dump().workspaces.map((w) => ({ sid: w.sid, friendlyName: w.friendlyName, workers: w.workers.length })),
      routes: api.routes(),
    };
  }

  app.get(`${P}/counters`, async () => api.counters());
  app.post(`${P}/counters/reset`, async () => {
    api.resetCounters();
    return api.counters();
  });

  app.get(`${P}/latency`, async () => api.latency());
  app.put(`${P}/latency`, async (req) => {
    const b = obj(req.body);
    const ms = Number(b.ms);
    if (typeof b.route === "string") api.setLatency(ms, { route: b.route, method: b.method as string | undefined });
    else api.setLatency(ms);
    return api.latency();
  });
  app.delete(`${P}/latency`, async () => {
    api.clearLatency();
    return api.latency();
  });

  app.get(`${P}/faults`, async () => api.faults());
  app.post(`${P}/faults`, async (req, reply) => {
    const body = req.body;
    const specs = Array.isArray(body) ? body : [body];
    const created = specs.map((s) => api.injectFault(obj(s) as never));
    return reply.code(201).send(Array.isArray(body) ? created : created[0]);
  });
  app.delete(`${P}/faults`, async (_req, reply) => {
    api.clearFaults();
    return reply.code(204).send();
  });
  app.delete(`${P}/faults/:id`, async (req, reply) => {
    api.clearFaults((req.params as Params).id);
    return reply.code(204).send();
  });

  const wsRef = (req: FastifyRequest) => ({ workspace: (req.params as Params).ws });
  app.post(`${P}/workspaces/:ws/workers/:worker/busy`, async (req) => {
    const b = obj(req.body);
    return api.markBusy((req.params as Params).worker!, {
      ...wsRef(req),
      status: b.status as never,
      channel: b.channel as string | undefined,
    });
  });
  app.post(`${P}/workspaces/:ws/workers/:worker/idle`, async (req) => api.markIdle((req.params as Params).worker!, wsRef(req)));
  app.get(`${P}/workspaces/:ws/workers/:worker/busy`, async (req) => api.busy((req.params as Params).worker!, wsRef(req)));

  // Flex users' actions (emulator/flex.ts).
  app.post(`${P}/workspaces/:ws/sso-login`, async (req) => api.ssoSignIn(obj(req.body) as never, wsRef(req)));
  app.post(`${P}/workspaces/:ws/workers/:worker/disable-skill`, async (req) =>
    api.disableSkill((req.params as Params).worker!, obj(req.body).skill as string, wsRef(req)),
  );
  app.post(`${P}/workspaces/:ws/activities/:activity/rename`, async (req) =>
    api.renameActivity((req.params as Params).activity!, obj(req.body).friendlyName as string, wsRef(req)),
  );
  app.post(`${P}/workspaces/:ws/second-chat`, async (req) => api.secondChat(obj(req.body).username as string, wsRef(req)));

  // The event log (emulator/events.ts).
  app.put(`${P}/events/lag`, async (req) => api.setEventLag(Number(obj(req.body).ms)));
  app.delete(`${P}/workspaces/:ws/events`, async (req) => api.dropEvents(wsRef(req)));
  app.post(`${P}/workspaces/:ws/events/age`, async (req) => api.ageEvents(Number(obj(req.body).ms), wsRef(req)));

  const seed = async (req: FastifyRequest, reply: FastifyReply) => {
    const b = req.body;
    const specs = Array.isArray(b) ? b : obj(b).workers;
    const sids = api.seedWorkers(specs as never, wsRef(req));
    return reply.code(201).send({ created: sids.length, sids });
  };
  app.post(`${P}/workspaces/:ws/task-queues/seed`, async (req, reply) =>
    reply.code(201).send({ sid: api.seedTaskQueue(obj(req.body) as never, wsRef(req)) }),
  );
  app.post(`${P}/workspaces/:ws/workers::seed`, seed);
  app.post(`${P}/workspaces/:ws/workers/seed`, seed);

  app.get(`${P}/rate-limit`, async () => api.rateLimit());
  app.put(`${P}/rate-limit`, async (req) => {
    const rps = obj(req.body).requestsPerSecond;
    return api.setRateLimit(rps === null || rps === undefined ? null : Number(rps));
  });
  app.delete(`${P}/rate-limit`, async () => api.setRateLimit(null));

  app.get(`${P}/state`, async () => api.dump());
  app.get(`${P}/options`, async () => api.options());
  app.put(`${P}/options`, async (req) => api.setOptions(obj(req.body)));
  app.post(`${P}/reset`, async () => {
    api.reset();
    return { ok: true, workspaces: api.dump().workspaces.map((w) => w.sid) };
  });
}
