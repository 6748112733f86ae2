// Builds the official twilio SDK client that everything uses: settings decide
// credentials and base URL; the HTTP layer adds retries, a concurrency bound
// and call counting.

import twilio from "twilio";
import RequestClient from "twilio/lib/base/RequestClient";
import { BaseUrlRequestClient } from "./base-url";
import { ResilientRequestClient, type RequestClientLike } from "./http";
import type { TwilioSettings } from "./settings";

export type TwilioClient = ReturnType<typeof twilio>;

export interface FlexRosterClient {
  twilio: TwilioClient;
  http: ResilientRequestClient;
  settings: TwilioSettings;
}

export function createClient(settings: TwilioSettings): FlexRosterClient {
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
