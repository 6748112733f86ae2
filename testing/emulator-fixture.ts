// One emulator per test file, fresh before each test: the setup the emulator's
// own tests share (vitest hooks; tests only, never bench/ or scripts/).
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator";
import type { TwilioClient } from "../src/twilio/client";
import { emulatorSdk } from "./emulator-client";

/** Starts the emulator before the file's tests, resets it before each and closes it after; `ready` gets it and a bare SDK on it. */
export function useEmulator(ready: (emu: Emulator, sdk: TwilioClient) => void, opts: EmulatorOptions = {}): void {
  let emu: Emulator | undefined;
  beforeAll(async () => {
    emu = await startEmulator(opts);
    ready(emu, emulatorSdk(emu));
  });
  afterAll(() => emu?.close());
  beforeEach(() => emu?.control.reset());
}
