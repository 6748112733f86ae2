// Where the Twilio client gets its credentials and knobs: Pulumi stack config
// first (secrets arrive decrypted in the provider's configure), then the
// environment variables Twilio's own tools use. Secrets live only in memory.

export type ConfigLookup = (key: string) => string | undefined;

export interface TwilioSettings {
  accountSid: string;
  /** Basic-auth user: the API key SID, or the Account SID with an auth token. */
  username: string;
  /** Basic-auth password: the API key secret or the auth token. Never log it. */
  password: string;
  authKind: "api-key" | "auth-token";
  /** Where the secret came from, for messages: e.g. "stack config `twilio:authToken`". Never the value. */
  credentialSource?: string;
  /** Override for https://taskrouter.twilio.com, e.g. the local emulator. */
  baseUrl?: string;
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

const HOW_TO =
  "set stack config `twilio:accountSid` and secret `twilio:authToken` (or `twilio:apiKey` + secret `twilio:apiSecret`), " +
  "or the environment variables TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET)";

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new SettingsError(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return n;
}

/** Resolve settings. `config` takes full keys such as `twilio:accountSid`. */
export function resolveTwilioSettings(config: ConfigLookup, env: NodeJS.ProcessEnv = process.env): TwilioSettings {
  const pick = (key: string, envName: string) => {
    const v = config(key) ?? env[envName];
    return v === undefined || v === "" ? undefined : v;
  };
  const from = (key: string, envName: string) =>
    config(key) !== undefined && config(key) !== "" ? `stack config \`${key}\`` : `the environment variable ${envName}`;
  const accountSid = pick("twilio:accountSid", "TWILIO_ACCOUNT_SID");
  const authToken = pick("twilio:authToken", "TWILIO_AUTH_TOKEN");
  const apiKey = pick("twilio:apiKey", "TWILIO_API_KEY");
  const apiSecret = pick("twilio:apiSecret", "TWILIO_API_SECRET");

  if (!accountSid) throw new SettingsError(`Twilio account SID is missing: ${HOW_TO}.`);
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
    throw new SettingsError("twilio:accountSid must be an Account SID (AC followed by 32 hex digits).");
  }
  let username: string;
  let password: string;
  let authKind: TwilioSettings["authKind"];
  let credentialSource: string;
  if (apiKey || apiSecret) {
    if (!apiKey || !apiSecret) throw new SettingsError(`twilio:apiKey and twilio:apiSecret go together: ${HOW_TO}.`);
    if (!/^SK[0-9a-fA-F]{32}$/.test(apiKey)) {
      throw new SettingsError("twilio:apiKey must be an API key SID (SK followed by 32 hex digits).");
    }
    [username, password, authKind] = [apiKey, apiSecret, "api-key"];
    credentialSource = `${from("twilio:apiKey", "TWILIO_API_KEY")} and ${from("twilio:apiSecret", "TWILIO_API_SECRET")}`;
  } else if (authToken) {
    [username, password, authKind] = [accountSid, authToken, "auth-token"];
    credentialSource = from("twilio:authToken", "TWILIO_AUTH_TOKEN");
  } else {
    throw new SettingsError(`Twilio credentials are missing: ${HOW_TO}.`);
  }

  const baseUrl = pick("flex-roster:apiBaseUrl", "FLEX_ROSTER_API_BASE_URL");
  if (baseUrl !== undefined && !/^https?:\/\/[^/]+/.test(baseUrl)) {
    throw new SettingsError(`flex-roster:apiBaseUrl must be an http(s) URL (got "${baseUrl}").`);
  }
  return {
    accountSid,
    username,
    password,
    authKind,
    credentialSource,
    baseUrl: baseUrl?.replace(/\/+$/, ""),
    concurrency: int("flex-roster:concurrency", pick("flex-roster:concurrency", "FLEX_ROSTER_CONCURRENCY"), 8, 1, 64),
    timeoutMs: int("flex-roster:requestTimeoutMs", pick("flex-roster:requestTimeoutMs", "FLEX_ROSTER_REQUEST_TIMEOUT_MS"), 30_000, 100, 600_000),
    maxRetries: int("flex-roster:maxRetries", pick("flex-roster:maxRetries", "FLEX_ROSTER_MAX_RETRIES"), 5, 0, 20),
  };
}
