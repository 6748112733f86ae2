// Faults lose nothing and a rerun converges: 429/5xx/dropped connections
// during `pulumi up`, and a run killed half way (SIGKILL of the whole CLI
// process tree) followed by an ordinary rerun. A duplicate worker cannot be
// observed (Twilio, like the emulator, refuses a second worker of one name):
// what proves adoption is that the rerun takes every worker the killed run
// created into state with its SID unchanged, and creates only the rest.

import { spawn } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createFlexStack, STACK, type FlexStack } from "../../testing/flex-stack";
import { killTree } from "../../testing/kill-rerun";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS, PULUMI_SCRIPT, baseEnv } from "../../testing/pulumi-cli";
import { rosterYaml } from "../../testing/roster-builders";

function roster(n: number): string {
  const agents = Array.from({ length: n }, (_, i) => ({ email: `agent${i}@acme.com`, fullName: `Agent ${i}` }));
  return rosterYaml(agents, { defaults: "{ channels: { chat: 2, voice: 1 } }" });
}

let stack: FlexStack | undefined;

beforeAll(async () => {
  await ensurePulumi();
}, ENSURE_PULUMI_TIMEOUT_MS);

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function workerNames(s: FlexStack): Promise<string[]> {
  return (await liveWorkers(s)).map((w) => w.friendlyName).sort();
}

async function liveWorkers(s: FlexStack): Promise<Array<{ sid: string; friendlyName: string }>> {
  return s.sdk.taskrouter.v1.workspaces(s.emulator.workspaceSid).workers.list({ pageSize: 1000 });
}

const expected = (n: number) => Array.from({ length: n }, (_, i) => `agent${i}_40acme_2Ecom`).sort();

describe("faults", { timeout: 600_000 }, () => {
  it("429, 500, 503 and dropped connections during up: every worker created and in state, then no changes", async () => {
    stack = await createFlexStack({ roster: roster(15) });
    const c = stack.emulator.control;
    c.injectFault({ kind: "429", rate: 0.25, seed: 7 });
    c.injectFault({ kind: "503", rate: 0.1, seed: 11 });
    c.injectFault({ kind: "500", method: "POST", count: 3 });
    c.injectFault({ kind: "drop", count: 3 });
    const up = await stack.pulumi(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(c.counters().faults).toBeGreaterThan(5);
    c.clearFaults();
    expect(await workerNames(stack)).toEqual(expected(15));
    expect((await stack.workerResources()).length).toBe(15);
    const again = await stack.pulumi(["preview", "--expect-no-changes"]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
  });

  it("a run killed half way loses nothing: the rerun adopts what was created and converges", async () => {
    const n = 30;
    stack = await createFlexStack({ roster: roster(n), latencyMs: 60 });
    const s = stack;
    // The kill takes the CLI, the language host and the provider: killTree walks every
    // descendant (Pulumi starts plugins in their own process groups).
    const child = spawn("bash", [PULUMI_SCRIPT, "up", "--yes", "--skip-preview", "--stack", STACK, "--non-interactive"], {
      cwd: s.dir,
      env: { ...baseEnv(), ...s.env },
      detached: true,
      stdio: "ignore",
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 240_000;
    // Kill once 8 creates have been answered (201), not merely received: under load
    // several POSTs can still be waiting out the emulator's latency when the kill lands.
    while ((s.emulator.control.counters().byStatus["201"] ?? 0) < 8) {
      if (Date.now() > deadline) throw new Error("up never started creating workers");
      await new Promise((r) => setTimeout(r, 100));
    }
    killTree(child.pid!);
    await exited;
    const partial = (await liveWorkers(s)).map((w) => w.sid);
    expect(partial.length).toBeGreaterThanOrEqual(8);
    expect(partial.length).toBeLessThan(n);

    s.emulator.control.setLatency(0);
    // A killed CLI leaves its lock behind; `pulumi cancel` is Pulumi's documented way to clear it.
    const cancel = await s.pulumi(["cancel", "--yes"]);
    expect(cancel.code, cancel.stdout + cancel.stderr).toBe(0);
    // Checkpoints are skipped: the killed run saved none of them.
    expect((await s.workerResources()).length).toBe(0);
    s.emulator.control.resetCounters();
    const rerun = await s.pulumi(["up", "--yes", "--skip-preview"]);
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    expect(await workerNames(s)).toEqual(expected(n));
    const inState = (await s.workerResources()).map((r) => String(r.id));
    expect(inState.length).toBe(n);
    // Adopted: every worker the killed run created is in state under its own SID...
    expect(partial.filter((sid) => inState.includes(sid)).length).toBe(partial.length);
    // ...and only the missing ones were created.
    expect(s.emulator.control.counters().byStatus["201"]).toBe(n - partial.length);
    const check = await s.pulumi(["preview", "--expect-no-changes"]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});
