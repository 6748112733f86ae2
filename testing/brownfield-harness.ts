// Emulator + seeded messy workspace + in-process command runs for brownfield tests.

import { startEmulator, type Emulator } from "../emulator";
import { recordingContext, type RecordingContext } from "./cli-context";
import { messyWorkspace, type Planted } from "./messy-workspace";

export interface Seeded {
  emu: Emulator;
  planted: (Planted & { sid: string })[];
}

export async function seededEmulator(opts: { latencyMs?: number } = {}): Promise<Seeded> {
  const emu = await startEmulator({ latencyMs: opts.latencyMs });
  const plan = messyWorkspace();
  const sids = emu.control.seedWorkers(plan.map((p) => p.spec));
  return { emu, planted: plan.map((p, i) => ({ ...p, sid: sids[i] })) };
}

export function emulatorEnv(emu: Emulator): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    TWILIO_ACCOUNT_SID: emu.accountSid,
    TWILIO_AUTH_TOKEN: emu.authToken,
    FLEX_ROSTER_API_BASE_URL: emu.url,
  };
}

/** A CLI context for in-process doctor/import runs; files are written to disk (the tests read them back). */
export function captureIO(env: NodeJS.ProcessEnv, cwd: string): RecordingContext {
  return recordingContext({ env, cwd, writeToDisk: true });
}
