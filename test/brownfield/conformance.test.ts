// `flex-roster conformance` against the emulator over HTTP with the real
// twilio SDK: every assumption holds there; one broken through an emulator
// control fails conformance, naming it; the scratch worker is deleted when
// all pass, when a check throws, and on Ctrl-C (SIGINT to the real CLI).

import { spawn } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { SCRATCH_PREFIX } from "../../src/brownfield/conformance";
import { EXIT } from "../../src/cli/exit-codes";
import { main } from "../../src/cli/main";
import { recordingContext } from "../../testing/cli-context";

const ROOT = path.resolve(__dirname, "../..");
let emu: Emulator;

const env = (): NodeJS.ProcessEnv => ({
  TWILIO_ACCOUNT_SID: emu.accountSid,
  TWILIO_AUTH_TOKEN: emu.authToken,
  FLEX_ROSTER_API_BASE_URL: emu.url,
  FLEX_ROSTER_MAX_RETRIES: "0",
});

async function conformance(...args: string[]) {
  const ctx = recordingContext({ env: env() });
  await main(["node", "flex-roster", "conformance", "--event-wait", "5", ...args], ctx);
  return ctx;
}

const liveWorkers = () => emu.control.dump().workspaces[0]!.workers.map((w) => w.friendlyName);

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.control.reset();
  emu.control.setOptions({ ignoreIfMatch: false, flexEnabled: true });
});

describe("flex-roster conformance", { timeout: 60_000 }, () => {
  it("against the emulator every assumption holds; exit 0; the scratch worker is gone", async () => {
    const ctx = await conformance("--json");
    expect(ctx.exitCode, ctx.err.text).toBe(EXIT.OK);
    const r = JSON.parse(ctx.out.text);
    const verdicts = Object.fromEntries(r.checks.map((c: { id: string; verdict: string }) => [c.id, c.verdict]));
    expect(verdicts).toEqual({
      "flex-configuration": "holds",
      "offline-activity": "holds",
      "friendly-name-64": "holds",
      "create-activity": "holds",
      "etag-header": "holds",
      "date-updated-on-write": "holds",
      "channel-write-keeps-date-updated": "holds",
      "worker-channels": "holds",
      "if-match-update": "holds",
      "duplicate-name-refused": "holds",
      "list-filter-case-insensitive": "holds",
      "list-attributes-null": "holds",
      "if-match-delete": "holds",
      "deleted-is-404": "holds",
      "events-listed": "holds",
      "second-chat-contact-uri": "unchecked",
    });
    expect(r.scratch.friendlyName).toHaveLength(64);
    expect(r.scratch.friendlyName.startsWith(SCRATCH_PREFIX)).toBe(true);
    expect(r.scratch.deleted).toBe(true);
    expect(liveWorkers()).toEqual([]);
    // Each check that does not hold would say what flex-roster does then.
    for (const c of r.checks) expect(c.ifDiffers, c.id).not.toBe("");
  });

  it("an API that ignores If-Match (emulator control) fails conformance, naming the assumption; exit 2; scratch deleted", async () => {
    emu.control.setOptions({ ignoreIfMatch: true });
    const ctx = await conformance();
    expect(ctx.exitCode, ctx.err.text).toBe(EXIT.DRIFT);
    expect(ctx.out.text).toContain("FAIL if-match-update: an update with a stale If-Match is refused with 412");
    expect(ctx.out.text).toContain("observed: stale If-Match: accepted");
    expect(ctx.out.text).toContain("if it differs, flex-roster: a concurrent write between flex-roster's read and its update is overwritten");
    expect(ctx.out.text).toContain("2 assumption(s) do not hold: if-match-update, if-match-delete");
    expect(liveWorkers()).toEqual([]);
  });

  it("without Flex and with Offline renamed: those two fail, the rest still run", async () => {
    emu.control.setOptions({ flexEnabled: false });
    emu.control.renameActivity("Offline", "Logged out");
    const ctx = await conformance();
    expect(ctx.exitCode).toBe(EXIT.DRIFT);
    expect(ctx.out.text).toContain("FAIL flex-configuration");
    expect(ctx.out.text).toContain("FAIL offline-activity");
    expect(ctx.out.text).toContain("observed: no activity named Offline");
    expect(ctx.out.text).toContain("ok   if-match-update");
    expect(liveWorkers()).toEqual([]);
  });

  it("a check that throws (the API fails) still deletes the scratch worker; exit 1", async () => {
    emu.control.injectFault({ kind: "500", route: "GET /v1/Workspaces/:WorkspaceSid/Workers/:WorkerSid/Channels" });
    const ctx = await conformance();
    expect(ctx.exitCode).toBe(EXIT.ERROR);
    expect(ctx.err.text).toMatch(/^flex-roster conformance: error: .*500/);
    expect(emu.control.counters().byRoute["DELETE /v1/Workspaces/:WorkspaceSid/Workers/:Sid"]).toBe(1);
    expect(liveWorkers()).toEqual([]);
  });

  it("Ctrl-C (SIGINT to the CLI) deletes the scratch worker; exit 1", async () => {
    // Slow enough that the signal lands mid-run.
    emu.control.setLatency(150);
    const child = spawn(process.execPath, [path.join(ROOT, "bin/flex-roster"), "conformance"], {
      cwd: ROOT,
      env: { ...process.env, ...env() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (!liveWorkers().some((n) => n.startsWith(SCRATCH_PREFIX))) {
      if (Date.now() > deadline) throw new Error(`no scratch worker appeared: ${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill("SIGINT");
    expect(await exited).toBe(EXIT.ERROR);
    expect(stderr).toContain("interrupted, deleting the scratch worker");
    expect(stderr).toContain("conformance interrupted; the scratch worker was deleted");
    expect(liveWorkers()).toEqual([]);
  });
});
