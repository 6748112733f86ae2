// Points the official twilio SDK at another base URL (the local TaskRouter
// emulator) without modifying it, through the SDK's documented extension
// point: a custom `httpClient` (twilio-node, advanced-examples/custom-http-client.md).
// The SDK builds absolute `https://<product>.twilio.com/...` URLs (also for
// paging); the client below swaps that origin for the base URL and leaves the
// path and query alone. Nothing is rewritten unless a base URL is given.

import twilio from "twilio";
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

/**
 * An SDK RequestClient that sends every Twilio request to `baseUrl` instead.
 * By default it does the HTTP itself (it is a twilio RequestClient); give it
 * `inner` to delegate to another client after rewriting.
 */
export class BaseUrlRequestClient extends RequestClient {
  readonly baseUrl: string;
  private readonly inner: RequestClientLike | undefined;

  constructor(
    baseUrl: string,
    opts: RequestClient.RequestClientOptions & { inner?: RequestClientLike } = {},
  ) {
    const { inner, ...clientOpts } = opts;
    super({ keepAlive: true, ...clientOpts });
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.inner = inner;
  }

  override request<T>(opts: RequestClient.RequestOptions<T>): Promise<Response<T>> {
    const rewritten = { ...opts, uri: rewriteBaseUrl(opts.uri, this.baseUrl) };
    return this.inner ? this.inner.request<T>(rewritten) : super.request<T>(rewritten);
  }
}

export interface CreateTwilioClientOptions {
  /** Account SID, or API key SID (then give accountSid). */
  username: string;
  /** Auth token, or API key secret. */
  password: string;
  /** Default: `username` (must then be an Account SID). */
  accountSid?: string;
  /** e.g. the emulator's URL `http://127.0.0.1:4010`; unset = real Twilio. */
  baseUrl?: string;
  /** Per-request timeout (ms); the SDK's default is 30 s. */
  timeoutMs?: number;
}

/** The official SDK client, pointed at `baseUrl` when one is given. */
export function createTwilioClient(opts: CreateTwilioClientOptions): twilio.Twilio {
  const clientOpts = { keepAlive: true, ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}) };
  const httpClient = opts.baseUrl
    ? new BaseUrlRequestClient(opts.baseUrl, clientOpts)
    : new RequestClient(clientOpts);
  return twilio(opts.username, opts.password, { accountSid: opts.accountSid ?? opts.username, httpClient });
}
