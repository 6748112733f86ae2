// Points the official twilio SDK at another base URL (the local TaskRouter
// emulator) without modifying it, through the SDK's documented extension
// point: a custom `httpClient` (twilio-node, advanced-examples/custom-http-client.md).
// The SDK builds absolute `https://<product>.twilio.com/...` URLs (also for
// paging); the client below swaps that origin for the base URL and leaves the
// path and query alone. Nothing is rewritten unless a base URL is given.

import RequestClient from "twilio/lib/base/RequestClient";
import type Response from "twilio/lib/http/response";

/** Anything with the SDK RequestClient's `request` method (e.g. a retrying wrapper). */
export interface RequestClientLike {
  request<T>(opts: RequestClient.RequestOptions<T>): Promise<Response<T>>;
}

/** Origins the SDK talks to: `https://` + any host under twilio.com (incl. edge/region forms). */
const TWILIO_ORIGIN = /^https:\/\/[a-z0-9.-]+\.twilio\.com(?::443)?(?=[/?#]|$)/i;

/**
 * `https://taskrouter.twilio.com/v1/Workspaces?PageSize=50` → `<baseUrl>/v1/Workspaces?PageSize=50`.
 * URLs on other hosts (e.g. an emulator's own paging URLs) and calls without a
 * base URL are returned unchanged.
 */
export function rewriteBaseUrl(uri: string, baseUrl: string | undefined): string {
  if (!baseUrl) return uri;
  return uri.replace(TWILIO_ORIGIN, baseUrl.replace(/\/+$/, ""));
}

/** An SDK RequestClient that sends every Twilio request to `baseUrl` instead. */
export class BaseUrlRequestClient extends RequestClient {
  readonly baseUrl: string;

  constructor(baseUrl: string, opts: RequestClient.RequestClientOptions = {}) {
    super({ keepAlive: true, ...opts });
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  override request<T>(opts: RequestClient.RequestOptions<T>): Promise<Response<T>> {
    return super.request<T>({ ...opts, uri: rewriteBaseUrl(opts.uri, this.baseUrl) });
  }
}
