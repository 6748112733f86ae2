// TaskQueues and Workflows of the emulator through the official twilio SDK:
// Flex's defaults, target_workers validation, the Workers list's queue filters
// and the queues' eligible-worker counts.

import twilio from "twilio";
import { describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { useEmulator } from "../../testing/emulator-fixture";

let emu: Emulator;
let client: twilio.Twilio;
const ws = () => client.taskrouter.v1.workspaces(emu.workspaceSid);

useEmulator((e, sdk) => {
  emu = e;
  client = sdk;
});

async function seedTeam(): Promise<void> {
  emu.control.seedWorkers([
    { friendlyName: "ana", attributes: { routing: { skills: ["spanish", "sales"], levels: { spanish: 4 } } }, activityName: "Available" },
    { friendlyName: "bob", attributes: { routing: { skills: ["sales"], levels: {} } } },
    { friendlyName: "cy", attributes: { routing: { skills: ["spanish"], levels: { spanish: 2 } } } },
    { friendlyName: "broken", attributes: "{not json" },
  ]);
}

describe("a fresh workspace looks like Flex's", () => {
  it("has the Everyone queue (1==1) and a workflow that sends every task there", async () => {
    const queues = await ws().taskQueues.list();
    expect(queues.map((q) => [q.friendlyName, q.targetWorkers, q.taskOrder, q.maxReservedWorkers])).toEqual([["Everyone", "1==1", "FIFO", 1]]);
    const flows = await ws().workflows.list();
    expect(flows.map((f) => f.friendlyName)).toEqual(["Assign to Anyone"]);
    const config = JSON.parse((await ws().workflows(flows[0]!.sid).fetch()).configuration);
    expect(config.task_routing.default_filter.queue).toBe(queues[0]!.sid);
  });
});

describe("TaskQueues", () => {
  it("create, fetch, update and delete; target_workers is validated on every write", async () => {
    const q = await ws().taskQueues.create({ friendlyName: "Spanish", targetWorkers: 'routing.skills HAS "spanish"' });
    expect(q.sid).toMatch(/^WQ[0-9a-f]{32}$/);
    expect((await ws().taskQueues(q.sid).fetch()).targetWorkers).toBe('routing.skills HAS "spanish"');

    await expect(ws().taskQueues.create({ friendlyName: "Bad", targetWorkers: "routing.skills HAS" })).rejects.toMatchObject({ status: 400, code: 20001 });
    await expect(ws().taskQueues(q.sid).update({ targetWorkers: "(1 == 1" })).rejects.toMatchObject({ status: 400 });
    expect((await ws().taskQueues(q.sid).fetch()).targetWorkers).toBe('routing.skills HAS "spanish"'); // unchanged
    await expect(ws().taskQueues.create({ friendlyName: "X", maxReservedWorkers: 0 })).rejects.toMatchObject({ status: 400 });

    const updated = await ws().taskQueues(q.sid).update({ friendlyName: "Spanish Support", targetWorkers: "routing.levels.spanish >= 3" });
    expect([updated.friendlyName, updated.targetWorkers]).toEqual(["Spanish Support", "routing.levels.spanish >= 3"]);
    expect((await ws().taskQueues.list({ friendlyName: "Spanish Support" })).map((x) => x.sid)).toEqual([q.sid]);

    await ws().taskQueues(q.sid).remove();
    await expect(ws().taskQueues(q.sid).fetch()).rejects.toMatchObject({ status: 404 });
  });

  it("lists the queues a worker (or a set of attributes) is eligible for", async () => {
    await seedTeam();
    await ws().taskQueues.create({ friendlyName: "Spanish", targetWorkers: 'routing.skills HAS "spanish"' });
    const ana = (await ws().workers.list({ friendlyName: "ana" }))[0]!;
    const bob = (await ws().workers.list({ friendlyName: "bob" }))[0]!;
    expect((await ws().taskQueues.list({ workerSid: ana.sid })).map((q) => q.friendlyName)).toEqual(["Everyone", "Spanish"]);
    expect((await ws().taskQueues.list({ workerSid: bob.sid })).map((q) => q.friendlyName)).toEqual(["Everyone"]);
    const attrs = JSON.stringify({ routing: { skills: ["spanish"] } });
    expect((await ws().taskQueues.list({ evaluateWorkerAttributes: attrs })).map((q) => q.friendlyName)).toEqual(["Everyone", "Spanish"]);
  });
});

describe("the Workers list by queue", () => {
  it("TaskQueueSid and TaskQueueName give the workers the queue's expression picks", async () => {
    await seedTeam();
    const q = await ws().taskQueues.create({ friendlyName: "Spanish Support", targetWorkers: 'routing.skills HAS "spanish" AND routing.levels.spanish >= 3' });
    const names = async (opts: { taskQueueSid?: string; taskQueueName?: string }) => (await ws().workers.list(opts)).map((w) => w.friendlyName);
    expect(await names({ taskQueueSid: q.sid })).toEqual(["ana"]);
    expect(await names({ taskQueueName: "Spanish Support" })).toEqual(["ana"]);
    expect(await names({ taskQueueName: "Everyone" })).toEqual(["ana", "bob", "cy", "broken"]);
    expect(await names({ taskQueueName: "No Such Queue" })).toEqual([]);

    await ws().taskQueues(q.sid).update({ targetWorkers: 'routing.skills HAS "spanish"' });
    expect(await names({ taskQueueSid: q.sid })).toEqual(["ana", "cy"]);
  });

  it("TaskQueues/Statistics counts each queue's eligible and available workers", async () => {
    await seedTeam();
    await ws().taskQueues.create({ friendlyName: "Spanish", targetWorkers: 'routing.skills HAS "spanish"' });
    const stats = await ws().taskQueues.statistics.list();
    const byQueue = Object.fromEntries(
      await Promise.all(
        stats.map(async (s) => [(await ws().taskQueues(s.taskQueueSid).fetch()).friendlyName, [s.realtime.total_eligible_workers, s.realtime.total_available_workers]]),
      ),
    );
    expect(byQueue).toEqual({ Everyone: [4, 1], Spanish: [2, 1] });
  });
});
