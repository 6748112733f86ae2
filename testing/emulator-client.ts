// Clients on the official SDK pointed at an emulator with its dev credentials:
// the one place tests, benchmarks and scripts build them, so that they all go
// through the project's own client factory.
import type { Emulator } from "../emulator";
import { createClient, type FlexRosterClient, type TwilioClient } from "../src/twilio/client";
import type { TwilioSettings } from "../src/twilio/settings";
import { TaskRouter } from "../src/twilio/taskrouter";

/** Where an emulator listens and its account: an in-process Emulator, or one in another process. */
export type EmulatorAddress = Pick<Emulator, "url" | "accountSid" | "authToken">;

/** The project's client (retries, concurrency bound, call counters), as the provider builds it. */
export function emulatorClient(emu: EmulatorAddress, overrides: Partial<TwilioSettings> = {}): FlexRosterClient {
  return createClient({
    accountSid: emu.accountSid,
    username: emu.accountSid,
    password: emu.authToken,
    authKind: "auth-token",
    baseUrl: emu.url,
    concurrency: 4,
    timeoutMs: 5000,
    maxRetries: 3,
    ...overrides,
  });
}

/** A TaskRouter port on that client: what provider tests and benchmarks drive the emulator with. */
export function emulatorTaskRouter(emu: EmulatorAddress, overrides: Partial<TwilioSettings> = {}): TaskRouter {
  return new TaskRouter(emulatorClient(emu, overrides));
}

/**
 * The bare SDK for tests that look at the emulator's own answers: no retries
 * (a 429 or a dropped socket reaches the caller) and no tight concurrency bound.
 */
export function emulatorSdk(emu: EmulatorAddress, overrides: Partial<TwilioSettings> = {}): TwilioClient {
  return emulatorClient(emu, { concurrency: 64, timeoutMs: 30_000, maxRetries: 0, ...overrides }).twilio;
}
