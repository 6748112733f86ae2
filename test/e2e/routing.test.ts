// Routing impact end to end: bin/flex-roster on a real stack (real Pulumi CLI,
// program and provider) against the emulator's TaskQueues, with three agents.
//   1. a skill change that moves an agent from one queue to another shows the
//      join and the leave in the preview's warning line and in the report
//   2. removing the last Spanish speaker is refused (exit 3, zero writes); the
//      roster's allowEmptyQueues lets it through
//   3. an unparsable target_workers is reported once and is not fatal
//   4. `drift` carries the Routing section too: a skill added out of band makes
//      its worker the only one of a queue, the repair would empty it, drift says
//      so (exit 2, the routing guard's verdict shown, zero writes)

import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlexStack, STACK, type FlexStack } from "../../testing/flex-stack";
import { flexRosterCli } from "../../testing/flex-roster-cli";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";
import { AGENT_DEFAULTS, agentYaml, rosterYaml } from "../../testing/roster-builders";

const ana = (skills: string[]) => agentYaml({ email: "ana@acme.com", fullName: "Ana", skills });
const bob = (skills: string[]) => agentYaml({ email: "bob@acme.com", fullName: "Bob", skills });
const cy = agentYaml({ email: "cy@acme.com", fullName: "Cy", skills: ["support"] });
const roster = (agents: string[], head = "") => head + rosterYaml(agents, { defaults: AGENT_DEFAULTS });

let stack: FlexStack;

const cli = flexRosterCli(() => stack, STACK);

const queue = (json: any, name: string) => json.routing.queues.find((q: any) => q.name === name);
const writes = () => stack.emulator.control.counters().writes;

beforeAll(async () => {
  await ensurePulumi();
  stack = await createFlexStack({ roster: roster([ana(["spanish", "sales"]), bob(["sales"]), cy]) });
  const queues = stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).taskQueues;
  await queues.create({ friendlyName: "Spanish Support", targetWorkers: 'routing.skills HAS "spanish"' });
  await queues.create({ friendlyName: "Sales", targetWorkers: "routing.skills HAS 'sales'" });
  const r = await cli(["up"]);
  if (r.code !== 0) throw new Error(r.describe());
}, ENSURE_PULUMI_TIMEOUT_MS);

afterAll(async () => {
  await stack?.close();
});

describe("routing impact with the real CLI", { timeout: 600_000 }, () => {
  it("1. moving bob from Sales to Spanish Support: the join and the leave, in the preview's warning and in the report", async () => {
    await stack.writeRoster(roster([ana(["spanish", "sales"]), bob(["spanish"]), cy]));
    const r = await cli(["preview"]);
    expect(r.code, r.describe()).toBe(0);
    // The provider's warning line, as `pulumi preview` shows it (the report lists the preview's warnings).
    expect(r.stderr + r.md).toContain('bob@acme.com: routing: joins "Spanish Support"; leaves "Sales"');
    expect(queue(r.json, "Spanish Support")).toMatchObject({ before: 1, after: 2, joins: ["bob@acme.com"], leaves: [], checked: true });
    expect(queue(r.json, "Sales")).toMatchObject({ before: 2, after: 1, joins: [], leaves: ["bob@acme.com"], checked: true });
    expect(queue(r.json, "Everyone")).toMatchObject({ before: 3, after: 3, joins: [], leaves: [] });
    expect(r.json.routing.guard.status).toBe("pass");
    expect(r.json.routing.disagreements).toEqual([]);
    expect(r.md).toContain("#### Routing");
    expect(r.md).toContain('| Spanish Support | `routing.skills HAS "spanish"` | 1 → 2 | bob@acme.com |  |');
    expect(r.md).toContain("| Sales | `routing.skills HAS 'sales'` | 2 → 1 |  | bob@acme.com |");
    // The README and docs/gitops.md quote this report: FLEX_ROSTER_CAPTURE_REPORT=<file> saves it.
    if (process.env.FLEX_ROSTER_CAPTURE_REPORT) writeFileSync(process.env.FLEX_ROSTER_CAPTURE_REPORT, r.md);
  });

  it("2. removing the last Spanish speaker is refused (exit 3, zero writes) unless the roster allows it", async () => {
    await stack.writeRoster(roster([ana(["sales"]), bob(["sales"]), cy]));
    const before = writes();
    // `up` runs the same guarded preview as `flex-roster preview`, then stops.
    const blocked = await cli(["up"]);
    expect(blocked.code, blocked.describe()).toBe(3);
    expect(writes()).toBe(before);
    expect(blocked.stderr).toContain('routing guard: this plan leaves "Spanish Support" (1 → 0) with no eligible worker');
    expect(blocked.md).toContain("**Blocked by the routing guard:**");
    expect(blocked.json.routing.guard).toMatchObject({ status: "blocked", emptied: [{ name: "Spanish Support", before: 1 }] });

    // The roster's allowEmptyQueues lets it through (--allow-empty-queue "Spanish Support" does the same: test/report/routing.test.ts).
    await stack.writeRoster(roster([ana(["sales"]), bob(["sales"]), cy], 'allowEmptyQueues: ["Spanish Support"]\n'));
    const allowed = await cli(["up"]);
    expect(allowed.code, allowed.describe()).toBe(0);
    expect(allowed.json.routing.guard).toMatchObject({ status: "allowed", emptied: [{ name: "Spanish Support", allowedBy: "the roster's allowEmptyQueues" }] });
    const spanish = await stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers.list({ taskQueueName: "Spanish Support" });
    expect(spanish).toEqual([]);
  });

  it("3. an unparsable target_workers is reported once and is not fatal", async () => {
    stack.emulator.control.seedTaskQueue({ friendlyName: "Odd", targetWorkers: "routing.skills HAS 'x' AND" });
    await stack.writeRoster(roster([ana(["sales", "billing"]), bob(["sales"]), cy]));
    const r = await cli(["preview"]);
    expect(r.code, r.describe()).toBe(0);
    expect(r.md.match(/TaskQueue "Odd"/g), r.md).toHaveLength(1);
    expect(r.json.routing.unparsable).toMatchObject([{ name: "Odd", targetWorkers: "routing.skills HAS 'x' AND" }]);
    expect(queue(r.json, "Sales")).toMatchObject({ before: 2, after: 2 });
  });

  it("4. drift: the queue a repair would empty, in the drift report's Routing section, exit 2 and zero writes", async () => {
    await stack.writeRoster(roster([ana(["sales"]), bob(["sales"]), cy]));
    const workers = stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers;
    const [listed] = await workers.list({ friendlyName: "cy_40acme_2Ecom" });
    const attrs = JSON.parse((await workers(listed.sid).fetch()).attributes); // lists carry no attributes
    attrs.routing.skills.push("spanish");
    await workers(listed.sid).update({ attributes: JSON.stringify(attrs) });
    const before = writes();
    const r = await cli(["drift"]);
    expect(r.code, r.describe()).toBe(2);
    expect(writes()).toBe(before);
    expect(r.md).toContain("#### Routing");
    expect(queue(r.json, "Spanish Support")).toMatchObject({ before: 1, after: 0, joins: [], leaves: ["cy@acme.com"] });
    expect(r.json.routing.guard).toMatchObject({ status: "blocked", emptied: [{ name: "Spanish Support", before: 1 }] });
    expect(r.stderr).toContain('routing guard: this plan leaves "Spanish Support" (1 → 0) with no eligible worker');
  });
});
