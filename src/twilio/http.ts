// The HTTP layer under the official twilio SDK: bounded concurrency, retries
// with backoff on 429/5xx/network faults, and per-route call counters. It wraps
// the SDK's own RequestClient (or one that rewrites the base URL), so every
// SDK call goes through it unchanged.

import pLimit from "p-limit";
import type RequestClient from "twilio/lib/base/RequestClient";
import type Response from "twilio/lib/http/response";
import type { RequestClientLike } from "./base-url";

export type { RequestClientLike };

export interface ResilienceOptions {
  /** Requests in flight at once, across every resource of a Pulumi run. */
  concurrency: number;
  /** Attempts after the first for retryable failures. */
  maxRetries: number;
  /** First backoff; doubles per attempt, with full jitter. */
  baseDelayMs: number;
  /** Cap for one backoff and for a server's Retry-After. */
  maxDelayMs: number;
  /** Per-request timeout. */
  timeoutMs: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  concurrency: 8,
  maxRetries: 5,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  timeoutMs: 30_000,
};

/** 429 (Twilio 20429) and 5xx are transient; everything else is the caller's to handle. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Network-level failures worth retrying: resets, refused, timeouts, dropped sockets. */
export function isRetryableNetworkError(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  const code = e?.code ?? "";
  return (
    ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "ECONNABORTED", "EPIPE", "EAI_AGAIN", "ERR_BAD_RESPONSE"].includes(code) ||
    /socket hang up|timeout|network error/i.test(e?.message ?? "")
  );
}

/** `/v1/Workspaces/WSxx/Workers/WKyy` → `/v1/Workspaces/{WorkspaceSid}/Workers/{Sid}` so counters group by route. */
export function routeOf(uri: string): string {
  let path: string;
  try {
    path = new URL(uri).pathname;
  } catch {
    path = uri.split("?")[0];
  }
  return path.replace(/\/[A-Z]{2}[0-9a-f]{32}(?=\/|$)/g, (m) => `/{${m.slice(1, 3)}}`);
}

export class CallCounter {
  readonly byRoute = new Map<string, number>();
  retries = 0;
  total = 0;
  add(method: string, uri: string): void {
    const key = `${method.toUpperCase()} ${routeOf(uri)}`;
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1);
    this.total++;
  }
  toJSON() {
    return { total: this.total, retries: this.retries, byRoute: Object.fromEntries([...this.byRoute].sort()) };
  }
}

function retryAfterMs(headers: Record<string, unknown> | undefined): number | undefined {
  const raw = headers?.["retry-after"] ?? headers?.["Retry-After"];
  if (raw === undefined) return undefined;
  const secs = Number(raw);
  return Number.isFinite(secs) ? secs * 1000 : undefined;
}

export class ResilientRequestClient implements RequestClientLike {
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly opts: ResilienceOptions;
  readonly calls = new CallCounter();
  /**
   * Twilio's limits are account-wide: after a 429 with Retry-After, every
   * request of this client holds back until then, not only the one refused,
   * so the others do not spend their retries hammering the same limit.
   */
  private pausedUntil = 0;

  constructor(
    private readonly inner: RequestClientLike,
    opts: Partial<ResilienceOptions> = {},
  ) {
    this.opts = { ...DEFAULT_RESILIENCE, ...opts };
    this.limit = pLimit(Math.max(1, this.opts.concurrency));
  }

  request<T>(req: RequestClient.RequestOptions<T>): Promise<Response<T>> {
    return this.limit(() => this.attempt(req));
  }

  private delay(attempt: number, serverHint?: number): number {
    const rnd = this.opts.random ?? Math.random;
    const backoff = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** attempt);
    const jittered = Math.floor(backoff / 2 + (backoff / 2) * rnd());
    return Math.min(this.opts.maxDelayMs, Math.max(jittered, serverHint ?? 0));
  }

  private async attempt<T>(req: RequestClient.RequestOptions<T>): Promise<Response<T>> {
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    for (let attempt = 0; ; attempt++) {
      const paused = this.pausedUntil - Date.now();
      if (paused > 0) await sleep(paused);
      this.calls.add(req.method, req.uri);
      let res: Response<T>;
      try {
        res = await this.inner.request({ ...req, timeout: req.timeout ?? this.opts.timeoutMs });
      } catch (err) {
        if (attempt < this.opts.maxRetries && isRetryableNetworkError(err)) {
          this.calls.retries++;
          await sleep(this.delay(attempt));
          continue;
        }
        throw err;
      }
      if (attempt < this.opts.maxRetries && isRetryableStatus(res.statusCode)) {
        this.calls.retries++;
        const hint = retryAfterMs(res.headers);
        if (res.statusCode === 429 && hint) this.pausedUntil = Math.max(this.pausedUntil, Date.now() + Math.min(hint, this.opts.maxDelayMs));
        await sleep(this.delay(attempt, hint));
        continue;
      }
      return res;
    }
  }
}
