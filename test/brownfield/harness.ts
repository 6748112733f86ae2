// Emulator + seeded messy workspace + in-process command runs for brownfield tests.

import { Writable } from "node:stream";
import { startEmulator, type Emulator } from "../../emulator";
import type { CommandIO } from "../../src/brownfield/cli-support";
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

class Capture extends Writable {
  text = "";
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

export function captureIO(env: NodeJS.ProcessEnv, cwd: string): CommandIO & { out: Capture; err: Capture } {
  const out = new Capture();
  const err = new Capture();
  return { stdout: out, stderr: err, out, err, env, cwd };
}
