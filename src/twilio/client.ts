// Builds the official twilio SDK client that everything uses: settings decide
// credentials and base URL; the HTTP layer adds retries, a concurrency bound
// and call counting.

import twilio from "twilio";
import RequestClient from "twilio/lib/base/RequestClient";
import { ResilientRequestClient, type RequestClientLike } from "./http";
import type { TwilioSettings } from "./settings";

export type TwilioClient = ReturnType<typeof twilio>;

/** Rewrites `https://<product>.twilio.com` to a base URL (the emulator), leaving paths and queries alone. */
export class BaseUrlRequestClient implements RequestClientLike {
  constructor(
    private readonly baseUrl: string,
    private readonly inner: RequestClientLike = new RequestClient({ keepAlive: true }),
  ) {}
  request<T>(opts: RequestClient.RequestOptions<T>) {
    return this.inner.request<T>({ ...opts, uri: rewriteBaseUrl(opts.uri, this.baseUrl) });
  }
}

export function rewriteBaseUrl(uri: string, baseUrl: string): string {
  return uri.replace(/^https:\/\/[a-z0-9.-]+\.twilio\.com(?=\/|$)/i, baseUrl.replace(/\/+$/, ""));
}

export interface FlexRosterClient {
  twilio: TwilioClient;
  http: ResilientRequestClient;
  settings: TwilioSettings;
}

export function createClient(settings: TwilioSettings): FlexRosterClient {
  const inner: RequestClientLike = settings.baseUrl
    ? new BaseUrlRequestClient(settings.baseUrl)
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
