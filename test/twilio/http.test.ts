import { describe, expect, it } from "vitest";
import { ResilientRequestClient, routeOf, type RequestClientLike } from "../../src/twilio/http";

const WS = "WS" + "0".repeat(32);
const WK = "WK" + "a".repeat(32);

function scripted(outcomes: Array<number | Error>): RequestClientLike & { seen: number; inFlight: number; maxInFlight: number } {
  const c = {
    seen: 0,
    inFlight: 0,
    maxInFlight: 0,
    async request(_opts: unknown) {
      const i = c.seen++;
      c.inFlight++;
      c.maxInFlight = Math.max(c.maxInFlight, c.inFlight);
      await new Promise((r) => setTimeout(r, 2));
      c.inFlight--;
      const o = outcomes[Math.min(i, outcomes.length - 1)];
      if (o instanceof Error) throw o;
      return { statusCode: o, body: {}, headers: o === 429 ? { "retry-after": "0" } : {} } as never;
    },
  };
  return c;
}

const fast = { sleep: async () => {}, random: () => 0.5 };
const get = { method: "get" as const, uri: `https://taskrouter.twilio.com/v1/Workspaces/${WS}/Workers/${WK}` };

describe("ResilientRequestClient", () => {
  it("retries 429, 500 and 503 then returns the success", async () => {
    const inner = scripted([429, 500, 503, 200]);
    const c = new ResilientRequestClient(inner, fast);
    const res = await c.request(get);
    expect(res.statusCode).toBe(200);
    expect(inner.seen).toBe(4);
    expect(c.calls.retries).toBe(3);
    expect(c.calls.toJSON().byRoute).toEqual({ "GET /v1/Workspaces/{WS}/Workers/{WK}": 4 });
  });

  it("retries dropped connections", async () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    const inner = scripted([reset, 200]);
    const res = await new ResilientRequestClient(inner, fast).request(get);
    expect(res.statusCode).toBe(200);
    expect(inner.seen).toBe(2);
  });

  it("gives up after maxRetries and returns the last failure to the SDK", async () => {
    const inner = scripted([503]);
    const res = await new ResilientRequestClient(inner, { ...fast, maxRetries: 2 }).request(get);
    expect(res.statusCode).toBe(503);
    expect(inner.seen).toBe(3);
  });

  it("does not retry 4xx other than 429", async () => {
    for (const status of [400, 401, 404, 409, 412]) {
      const inner = scripted([status, 200]);
      const res = await new ResilientRequestClient(inner, fast).request(get);
      expect(res.statusCode).toBe(status);
      expect(inner.seen).toBe(1);
    }
  });

  it("does not retry a non-network error", async () => {
    const inner = scripted([new TypeError("bad"), 200]);
    await expect(new ResilientRequestClient(inner, fast).request(get)).rejects.toThrow("bad");
  });

  it("bounds requests in flight", async () => {
    const inner = scripted([200]);
    const c = new ResilientRequestClient(inner, { ...fast, concurrency: 3 });
    await Promise.all(Array.from({ length: 20 }, () => c.request(get)));
    expect(inner.seen).toBe(20);
    expect(inner.maxInFlight).toBe(3);
  });

  it("waits longer as attempts go on, capped", async () => {
    const waits: number[] = [];
    const inner = scripted([500, 500, 500, 500, 200]);
    const c = new ResilientRequestClient(inner, { sleep: async (ms) => void waits.push(ms), random: () => 1, baseDelayMs: 100, maxDelayMs: 500 });
    await c.request(get);
    expect(waits).toEqual([100, 200, 400, 500]);
  });
});

describe("account-wide hold-back after a 429", () => {
  it("a request started after a 429 with Retry-After waits until then, not only the refused one", async () => {
    const other = { method: "get" as const, uri: `https://taskrouter.twilio.com/v1/Workspaces/${WS}/Activities` };
    const calls: Array<{ uri: string; at: number }> = [];
    let refusedAt = 0;
    const inner: RequestClientLike = {
      async request(opts: { uri: string }) {
        calls.push({ uri: opts.uri, at: Date.now() });
        if (calls.length === 1) {
          refusedAt = Date.now();
          return { statusCode: 429, body: {}, headers: { "retry-after": "1" } } as never;
        }
        return { statusCode: 200, body: {}, headers: {} } as never;
      },
    } as never;
    // The other request starts while the refused one backs off (Retry-After 1 s, capped at 300 ms).
    let second: Promise<unknown> | undefined;
    const c: ResilientRequestClient = new ResilientRequestClient(inner, {
      maxDelayMs: 300,
      random: () => 0,
      sleep: (ms) => {
        second ??= c.request(other);
        return new Promise((r) => setTimeout(r, ms));
      },
    });
    await c.request(get);
    await second;
    const otherCall = calls.find((x) => x.uri === other.uri)!;
    // Without the hold-back it would go at once (about 0 ms after the 429).
    expect(otherCall.at - refusedAt).toBeGreaterThanOrEqual(250);
    expect(calls).toHaveLength(3); // the 429, then both succeed
  });
});

describe("routeOf", () => {
  it.each([
    [`https://x/v1/Workspaces/${WS}/Workers`, "/v1/Workspaces/{WS}/Workers"],
    [`https://x/v1/Workspaces/${WS}/Workers/${WK}/Channels?PageSize=50`, "/v1/Workspaces/{WS}/Workers/{WK}/Channels"],
    ["/v1/Workspaces", "/v1/Workspaces"],
  ])("%s → %s", (uri, route) => expect(routeOf(uri)).toBe(route));
});
