// The emulator's optional account-wide rate limit: a token bucket of
// requests per second, answered 429 / 20429 with Retry-After once spent.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { RateLimiter } from "../../emulator/rate-limit";
import { emulatorClient } from "../../testing/emulator-client";

describe("RateLimiter (unit, fake clock)", () => {
  it("admits a second's worth at once, then refuses with Retry-After until tokens refill", () => {
    let t = 0;
    const rl = new RateLimiter(() => t);
    rl.set(5);
    for (let i = 0; i < 5; i++) expect(rl.admit()).toBeUndefined();
    const refused = rl.admit();
    expect(refused?.status).toBe(429);
    expect(refused?.code).toBe(20429);
    expect(refused?.headers["Retry-After"]).toBe("1");
    t += 200; // one token back at 5 per second
    expect(rl.admit()).toBeUndefined();
    expect(rl.admit()?.status).toBe(429);
    expect(rl.config()).toEqual({ requestsPerSecond: 5, limited: 2 });
  });

  it("Retry-After covers the wait for a slow limit; null or 0 removes the limit; bad values are refused", () => {
    let t = 0;
    const rl = new RateLimiter(() => t);
    rl.set(0.25);
    expect(rl.admit()).toBeUndefined(); // the bucket holds at least one request
    expect(rl.admit()?.headers["Retry-After"]).toBe("4");
    rl.set(0);
    for (let i = 0; i < 100; i++) expect(rl.admit()).toBeUndefined();
    expect(rl.config().requestsPerSecond).toBeNull();
    expect(() => rl.set(-1)).toThrow(/>= 0/);
  });
});

describe("rate limit over HTTP", () => {
  let emu: Emulator;
  const auth = () => "Basic " + Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString("base64");
  const get = (path: string) => fetch(emu.url + path, { headers: { authorization: auth() } });

  beforeAll(async () => {
    emu = await startEmulator({ rateLimitRps: 10 });
  });
  afterAll(() => emu.close());

  it("the start option sets it; a burst beyond it gets Twilio's 429 body and Retry-After; the control API does not count", async () => {
    expect(emu.control.rateLimit().requestsPerSecond).toBe(10);
    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: 30 }, () => get(`/v1/Workspaces/${emu.workspaceSid}/Workers`)));
    const elapsedS = (performance.now() - started) / 1000;
    const statuses = responses.map((r) => r.status);
    const refused = responses.find((r) => r.status === 429);
    // 10 tokens at once, plus what refilled (10 per second) while the burst ran.
    const ok = statuses.filter((s) => s === 200).length;
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(10 + Math.ceil(elapsedS * 10));
    expect(ok + statuses.filter((s) => s === 429).length).toBe(30);
    expect(refused).toBeDefined();
    expect(refused!.headers.get("retry-after")).toBe("1");
    expect(await refused!.json()).toEqual({
      code: 20429,
      message: "Too Many Requests",
      more_info: "https://www.twilio.com/docs/errors/20429",
      status: 429,
    });
    const ctl = await fetch(`${emu.url}/__emulator/rate-limit`);
    expect(await ctl.json()).toMatchObject({ requestsPerSecond: 10 });
    expect(emu.control.counters().byStatus["429"]).toBe(30 - ok);
  });

  it("PUT/DELETE /__emulator/rate-limit change it at run time; reset removes it", async () => {
    const put = await fetch(`${emu.url}/__emulator/rate-limit`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ requestsPerSecond: 2 }),
    });
    expect(await put.json()).toEqual({ requestsPerSecond: 2, limited: 0 });
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await get(`/v1/Workspaces/${emu.workspaceSid}`)).status);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(1);
    const del = await fetch(`${emu.url}/__emulator/rate-limit`, { method: "DELETE" });
    expect(await del.json()).toMatchObject({ requestsPerSecond: null });
    emu.control.setRateLimit(3);
    emu.control.reset();
    expect(emu.control.rateLimit().requestsPerSecond).toBeNull();
  });
});

describe("the provider's HTTP client under the limit", () => {
  let emu: Emulator;
  afterAll(() => emu?.close());

  it("absorbs the 429s: 16 requests at concurrency 8 under 2 per second all succeed", async () => {
    // The first 8 arrive together against a bucket of 2: some are refused however slow the machine.
    emu = await startEmulator({ rateLimitRps: 2 });
    const client = emulatorClient(emu, { concurrency: 8, timeoutMs: 10_000, maxRetries: 8 });
    const ws = client.twilio.taskrouter.v1.workspaces(emu.workspaceSid);
    const results = await Promise.all(Array.from({ length: 16 }, () => ws.fetch().then((w) => w.sid)));
    expect(results.every((s) => s === emu.workspaceSid)).toBe(true);
    expect(emu.control.counters().byStatus["429"] ?? 0).toBeGreaterThan(0);
    expect(client.http.calls.retries).toBe(emu.control.counters().byStatus["429"]);
  }, 60_000);
});
