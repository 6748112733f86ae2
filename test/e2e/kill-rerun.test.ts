// Skipping checkpoints (scripts/pulumi's default) is safe for flex-roster: an
// `up` SIGKILLed at random points, process tree and all, leaves state as it was
// before the run; after `pulumi cancel` the rerun adopts what the killed run
// created (same SIDs in state, only the rest created) and loses no worker. Small here; the
// 1,000-agent version is bench/kill.ts.

import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killRerunTrial, saveState, type TrialStack } from "../../testing/kill-rerun";
import { createFlexStack, STACK, type FlexStack } from "../../testing/flex-stack";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";
import { flexIdentity } from "../../src/flex/identity";

const N = 40;
const emails = Array.from({ length: N }, (_, i) => `kill.${i}@acme.com`);
const ROSTER =
  "workspace: Flex Task Assignment\ndefaults: { roles: [agent], channels: { chat: 2, voice: 1 } }\nagents:\n" +
  emails.map((e) => `  - email: ${e}\n`).join("");

let stack: FlexStack;
let trial: TrialStack;
let tmp: string;
let empty: string;

beforeAll(async () => {
  await ensurePulumi();
  // A little latency so the kill lands mid-run rather than after it.
  stack = await createFlexStack({ roster: ROSTER, latencyMs: 15 });
  trial = { dir: stack.dir, env: stack.env, stackName: STACK, emulator: stack.emulator, pulumi: (a) => stack.pulumi(a) };
  tmp = mkdtempSync(path.join(os.tmpdir(), "flex-roster-kill-"));
  empty = await saveState(trial, path.join(tmp, "empty.json"));
}, ENSURE_PULUMI_TIMEOUT_MS);

afterAll(async () => {
  await stack?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("SIGKILL during up with checkpoints skipped", { timeout: 400_000 }, () => {
  // About 2 writes per agent still to create (create, chat capacity): kill somewhere in the middle.
  const point = (live: number) => Math.max(1, Math.floor((N - live) * 2 * (0.1 + 0.6 * Math.random())));

  it.each([
    ["killed once", 1],
    ["killed twice (the first rerun is killed too)", 2],
  ])("%s: the rerun converges, adopting what the killed runs created", async (_label, kills) => {
    const r = await killRerunTrial(trial, empty, emails.map(flexIdentity), Array.from({ length: kills }, () => point));
    console.log(`kill-rerun ${N} agents, kill at writes ${r.killedAtWrites.join(", ")}: ${JSON.stringify(r)}`);
    expect(r.killedInFlight.every(Boolean), "every kill landed while the run was still going").toBe(true);
    // The killed runs wrote nothing to state...
    expect(r.inStateBeforeRerun).toBe(0);
    expect(r.liveBeforeRerun).toBeGreaterThan(0);
    // ...and the rerun adopted every worker they created instead of duplicating it.
    expect(r.adopted).toBe(r.liveBeforeRerun);
    expect(r.adopted + r.created).toBe(N);
    expect(r.lost).toBe(0);
    expect(r.stateMismatches).toBe(0);
    expect(r.noChangesAfter).toBe(true);
  });
});
