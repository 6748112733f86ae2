// The one factory of the official twilio SDK client: the provider, the CLI,
// the demo, tests and benchmarks all build it here. Settings decide credentials
// and base URL; the HTTP layer adds retries, a concurrency bound and call
// counting (a test that must see raw faults passes `maxRetries: 0`).

import twilio from "twilio";
import RequestClient from "twilio/lib/base/RequestClient";
import { BaseUrlRequestClient } from "./base-url";
import { DEFAULT_RESILIENCE, ResilientRequestClient, type RequestClientLike } from "./http";
import type { TwilioSettings } from "./settings";

export type TwilioClient = ReturnType<typeof twilio>;

export interface FlexRosterClient {
  twilio: TwilioClient;
  http: ResilientRequestClient;
  settings: TwilioSettings;
}

/**
 * Resolved settings (resolveTwilioSettings), or just credentials: `accountSid`
 * defaults to `username` (an Account SID with its auth token), the knobs to the
 * provider's defaults.
 */
export type ClientOptions = Pick<TwilioSettings, "username" | "password"> & Partial<TwilioSettings>;

export function createClient(opts: ClientOptions): FlexRosterClient {
  const settings: TwilioSettings = {
    accountSid: opts.username,
    authKind: opts.username.startsWith("SK") ? "api-key" : "auth-token",
    concurrency: DEFAULT_RESILIENCE.concurrency,
    timeoutMs: DEFAULT_RESILIENCE.timeoutMs,
    maxRetries: DEFAULT_RESILIENCE.maxRetries,
    ...opts,
  };
  const inner: RequestClientLike = settings.baseUrl
    ? new BaseUrlRequestClient(settings.baseUrl, { timeout: settings.timeoutMs })
    : new RequestClient({ keepAlive: true, timeout: settings.timeoutMs });
  const http = new ResilientRequestClient(inner, {
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
  });
  const client = twilio(settings.username, settings.password, {
    accountSid: settings.accountSid,
    httpClient: http as unknown as RequestClient,
  });
  return { twilio: client, http, settings };
}
