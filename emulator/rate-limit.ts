/**
 * An optional account-wide request rate limit, like Twilio's per-account API
 * concurrency limit: over the limit, a Twilio request is answered 429 with
 * code 20429 and a Retry-After header (whole seconds) instead of being served.
 *
 * A token bucket: it holds up to one second's worth of requests (at least one)
 * and refills continuously, so a steady client gets `requestsPerSecond` and a
 * burst after a quiet second gets at most that many at once.
 */

import { Errors, type TwilioApiError } from "./errors";

export interface RateLimitConfig {
  /** Requests per second across every Twilio route; null when unlimited. */
  requestsPerSecond: number | null;
  /** Requests refused with 429 since the limit was set (or the last reset). */
  limited: number;
}

export class RateLimiter {
  private rps: number | null = null;
  private tokens = 0;
  private last = 0;
  private limited = 0;

  constructor(private readonly clock: () => number = () => performance.now()) {}

  /** null or 0 removes the limit. */
  set(requestsPerSecond: number | null): RateLimitConfig {
    if (requestsPerSecond !== null && (!Number.isFinite(requestsPerSecond) || requestsPerSecond < 0)) {
      throw Errors.badRequest("rate limit requestsPerSecond must be a number >= 0 (0 or null: unlimited)");
    }
    this.rps = requestsPerSecond ? requestsPerSecond : null;
    this.tokens = this.capacity();
    this.last = this.clock();
    this.limited = 0;
    return this.config();
  }

  private capacity(): number {
    return this.rps === null ? 0 : Math.max(1, this.rps);
  }

  config(): RateLimitConfig {
    return { requestsPerSecond: this.rps, limited: this.limited };
  }

  /** Take one request's token, or return the 429 to answer with. */
  admit(): TwilioApiError | undefined {
    if (this.rps === null) return undefined;
    const now = this.clock();
    this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.last) / 1000) * this.rps);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    this.limited++;
    // Seconds until a token is back, rounded up: Retry-After is whole seconds.
    const waitSeconds = Math.max(1, Math.ceil((1 - this.tokens) / this.rps));
    return Errors.tooManyRequests(waitSeconds);
  }
}
