import { describe, expect, it } from "vitest";
import { resolveTwilioSettings, SettingsError } from "../../src/twilio/settings";

// Obvious fakes, built at run time.
const AC = "AC" + "f".repeat(32);
const SK = "SK" + "e".repeat(32);
const none = () => undefined;
const cfg = (o: Record<string, string>) => (k: string) => o[k];

describe("resolveTwilioSettings", () => {
  it("reads account SID + auth token from stack config", () => {
    const s = resolveTwilioSettings(cfg({ "twilio:accountSid": AC, "twilio:authToken": "tok" }), {});
    expect(s).toMatchObject({ accountSid: AC, username: AC, password: "tok", authKind: "auth-token", concurrency: 8 });
  });

  it("prefers an API key when given, and stack config over env", () => {
    const s = resolveTwilioSettings(cfg({ "twilio:apiKey": SK, "twilio:apiSecret": "sec" }), {
      TWILIO_ACCOUNT_SID: AC,
      TWILIO_AUTH_TOKEN: "envtok",
      TWILIO_API_KEY: "SK" + "0".repeat(32),
    });
    expect(s).toMatchObject({ username: SK, password: "sec", authKind: "api-key" });
  });

  it("falls back to env vars and normalizes the base URL", () => {
    const s = resolveTwilioSettings(none, {
      TWILIO_ACCOUNT_SID: AC,
      TWILIO_AUTH_TOKEN: "t",
      FLEX_ROSTER_API_BASE_URL: "http://127.0.0.1:4010/",
      FLEX_ROSTER_CONCURRENCY: "4",
    });
    expect(s.baseUrl).toBe("http://127.0.0.1:4010");
    expect(s.concurrency).toBe(4);
  });

  it.each([
    [{}, /account SID is missing: set stack config `twilio:accountSid`/],
    [{ TWILIO_ACCOUNT_SID: "bob" }, /must be an Account SID/],
    [{ TWILIO_ACCOUNT_SID: AC }, /credentials are missing/],
    [{ TWILIO_ACCOUNT_SID: AC, TWILIO_API_KEY: SK }, /go together/],
    [{ TWILIO_ACCOUNT_SID: AC, TWILIO_AUTH_TOKEN: "t", FLEX_ROSTER_API_BASE_URL: "localhost:1" }, /must be an http\(s\) URL/],
    [{ TWILIO_ACCOUNT_SID: AC, TWILIO_AUTH_TOKEN: "t", FLEX_ROSTER_CONCURRENCY: "0" }, /between 1 and 64/],
  ])("rejects %j", (env, message) => {
    expect(() => resolveTwilioSettings(none, env)).toThrow(SettingsError);
    expect(() => resolveTwilioSettings(none, env)).toThrow(message);
  });

  it.each([
    [{ TWILIO_ACCOUNT_SID: "not-a-sid", TWILIO_AUTH_TOKEN: "s3cr3t-token" }],
    [{ TWILIO_ACCOUNT_SID: AC, TWILIO_API_KEY: "not-a-key", TWILIO_API_SECRET: "s3cr3t-token" }],
    [{ TWILIO_ACCOUNT_SID: AC, TWILIO_API_SECRET: "s3cr3t-token" }],
  ])("never puts the secret in an error: %j", (env) => {
    let message = "";
    try {
      resolveTwilioSettings(none, env);
    } catch (e) {
      message = String(e);
    }
    expect(message).toMatch(/SettingsError/);
    expect(message).not.toContain("s3cr3t-token");
  });
});
