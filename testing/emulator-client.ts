// A TaskRouter port on the official SDK, pointed at an emulator with its dev
// credentials: what provider tests and benchmarks need to talk to it over HTTP.
import type { Emulator } from "../emulator";
import { createClient } from "../src/twilio/client";
import type { TwilioSettings } from "../src/twilio/settings";
import { TaskRouter } from "../src/twilio/taskrouter";

export function emulatorTaskRouter(emu: Emulator, overrides: Partial<TwilioSettings> = {}): TaskRouter {
  return new TaskRouter(
    createClient({
      accountSid: emu.accountSid,
      username: emu.accountSid,
      password: emu.authToken,
      authKind: "auth-token",
      baseUrl: emu.url,
      concurrency: 4,
      timeoutMs: 5000,
      maxRetries: 3,
      ...overrides,
    }),
  );
}
