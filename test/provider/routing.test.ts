// The provider's routing line: a changed agent's preview names the queues it
// joins and leaves; the workspace's TaskQueues are read once per run, an
// unparsable target_workers is said once and is not fatal.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Emulator } from "../../emulator";
import { desiredWorker, type WorkerOutputs } from "../../src/flex/worker-model";
import { WorkerProvider } from "../../src/provider/worker-impl";
import { agent, channels } from "../../testing/agent-spec";
import { emulatorTaskRouter } from "../../testing/emulator-client";
import { useEmulator } from "../../testing/emulator-fixture";

let emu: Emulator;
let warnings: string[];

const desired = (email: string, skills: string[], levels: Record<string, number> = {}) =>
  desiredWorker("Flex Task Assignment", agent({ email, skills, levels, channels: channels({ voice: 1 }) }));
const queues = () => emulatorTaskRouter(emu).client.twilio.taskrouter.v1.workspaces(emu.workspaceSid).taskQueues;
const queueReads = () => emu.control.counters().byRoute["GET /v1/Workspaces/:WorkspaceSid/TaskQueues"] ?? 0;

useEmulator((e) => (emu = e));
beforeEach(() => {
  warnings = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    const text = String(chunk);
    if (text.startsWith("warning: ")) warnings.push(text.slice("warning: ".length).trimEnd());
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

/** A worker as the last run left it: created, then read back (its state). */
async function existing(email: string, skills: string[], levels: Record<string, number> = {}) {
  const setup = new WorkerProvider(emulatorTaskRouter(emu));
  const d = desired(email, skills, levels);
  const { id } = await setup.create(d);
  const read = await setup.read(id, { ...d, sid: id } as WorkerOutputs);
  return { id, state: read.props as WorkerOutputs };
}

describe("routing impact in the provider", () => {
  it("a skill change names the queues joined and left, in one warning line; TaskQueues are read once per run", async () => {
    await queues().create({ friendlyName: "Spanish Support", targetWorkers: 'routing.skills HAS "spanish" AND routing.levels.spanish >= 3' });
    await queues().create({ friendlyName: "Sales", targetWorkers: "routing.skills HAS 'sales'" });
    const bob = await existing("bob@acme.com", ["sales"]);
    const ana = await existing("ana@acme.com", ["sales"]);
    warnings = [];
    emu.control.resetCounters();

    const run = new WorkerProvider(emulatorTaskRouter(emu));
    await run.diff(bob.id, bob.state, desired("bob@acme.com", ["spanish"], { spanish: 4 }));
    await run.diff(ana.id, ana.state, desired("ana@acme.com", ["sales"], {}) /* unchanged */);
    await run.diff(ana.id, ana.state, desired("ana@acme.com", ["sales", "spanish"], { spanish: 1 }) /* a level too low to join */);

    expect(warnings).toEqual(['bob@acme.com: routing: joins "Spanish Support"; leaves "Sales"']);
    expect(queueReads()).toBe(1);
  });

  it("a new agent's check names the queues it joins, leaving out catch-alls like Everyone", async () => {
    await queues().create({ friendlyName: "Sales", targetWorkers: "routing.skills HAS 'sales'" });
    const run = new WorkerProvider(emulatorTaskRouter(emu));
    const res = await run.check(undefined, desired("cy@acme.com", ["sales"]));
    expect(res.failures).toEqual([]);
    await run.check(undefined, desired("dee@acme.com", ["support"]));
    expect(warnings).toEqual(['cy@acme.com: routing: joins "Sales"']);
  });

  it("an unparsable target_workers is said once, is not fatal, and the other queues still count", async () => {
    emu.control.seedTaskQueue({ friendlyName: "Odd", targetWorkers: "routing.skills HAS 'x' AND" });
    await queues().create({ friendlyName: "Sales", targetWorkers: "routing.skills HAS 'sales'" });
    const bob = await existing("bob@acme.com", []);
    const ana = await existing("ana@acme.com", []);
    warnings = [];
    const run = new WorkerProvider(emulatorTaskRouter(emu));
    await run.diff(bob.id, bob.state, desired("bob@acme.com", ["sales"]));
    await run.diff(ana.id, ana.state, desired("ana@acme.com", ["sales"]));
    const odd = warnings.filter((w) => w.includes('"Odd"'));
    expect(odd).toHaveLength(1);
    expect(odd[0]).toMatch(/^TaskQueue "Odd" \(WQ[0-9a-f]{32}\): its target_workers "routing.skills HAS 'x' AND" does not parse \(the expression ends where a value was expected \(at the end\)\); routing impact leaves this queue out$/);
    expect(warnings).toContain('bob@acme.com: routing: joins "Sales"');
    expect(warnings).toContain('ana@acme.com: routing: joins "Sales"');
  });

  it("FLEX_ROSTER_ROUTING_IMPACT=0 turns the reads and lines off", async () => {
    await queues().create({ friendlyName: "Sales", targetWorkers: "routing.skills HAS 'sales'" });
    const bob = await existing("bob@acme.com", []);
    warnings = [];
    emu.control.resetCounters();
    vi.stubEnv("FLEX_ROSTER_ROUTING_IMPACT", "0");
    try {
      await new WorkerProvider(emulatorTaskRouter(emu)).diff(bob.id, bob.state, desired("bob@acme.com", ["sales"]));
    } finally {
      vi.unstubAllEnvs();
    }
    expect(warnings).toEqual([]);
    expect(queueReads()).toBe(0);
  });
});
