// A run that only deletes workers (every agent left the roster) gets no check
// from Pulumi, so check's preflight never ran and preview passed while up failed
// at delete (which moves the worker to the offline activity first). The stack's
// refresh reads each worker in state, the deleted ones too: read runs the same
// preflight. Through the real CLI against the emulator.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlexStack, type FlexStack } from "../../testing/flex-stack";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";
import { rosterYaml } from "../../testing/roster-builders";

const roster = (n: number) => rosterYaml(Array.from({ length: n }, (_, i) => ({ email: `gone${i}@acme.com` })));

let stack: FlexStack;

beforeAll(async () => {
  await ensurePulumi();
  stack = await createFlexStack({ roster: roster(2) });
  await stack.ok(["up", "--yes"]);
}, ENSURE_PULUMI_TIMEOUT_MS);
afterAll(() => stack?.close());

describe("a delete-only run whose workspace has no usable offline activity", { timeout: 300_000 }, () => {
  it("preview and up fail with the preflight's message, 0 writes, both workers still in state", async () => {
    await stack.writeRoster(roster(0).replace(/agents:\n$/, "agents: []\n"));
    stack.emulator.control.setOptions({ flexEnabled: false });
    stack.emulator.control.renameActivity("Offline", "Logged out");
    stack.emulator.control.resetCounters();
    for (const args of [["preview"], ["up", "--yes"]]) {
      const r = await stack.pulumi(args);
      const out = r.stdout + r.stderr;
      expect(r.code, out).not.toBe(0);
      expect(out).toContain('has no activity named "Offline", and no Flex Configuration names its offline activity');
      expect(out).toContain("nothing was written");
      expect(out).not.toContain("Updating (e2e)");
    }
    expect(stack.emulator.control.counters().writes).toBe(0);
    expect(await stack.workerResources()).toHaveLength(2);
  });
});
