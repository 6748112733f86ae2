// The report's routing impact, pure: TaskRouter's counts and answers come in,
// the per-queue before → after, joins and leaves, the live check's
// disagreements, the routing guard, the Markdown section and the JSON.

import { describe, expect, it } from "vitest";
import type { AgentPlan } from "../../src/report/plan";
import {
  emptiedQueues,
  evaluateRoutingGuard,
  routingImpact,
  routingMarkdown,
  routingSummary,
  touchedQueues,
  type LiveRouting,
} from "../../src/report/routing";
import { planOf } from "../../testing/plan-model";

const attrs = (skills: string[], extra: Record<string, unknown> = {}) => ({ routing: { skills, levels: {} }, ...extra });

function agent(email: string, action: AgentPlan["action"], sid: string | undefined, before?: string[], after?: string[]): AgentPlan {
  const a: AgentPlan = { identity: email, email, action, managed: action !== "create", reasons: [], ops: [] };
  if (sid) a.sid = sid;
  a.routing = { workspace: "WS" + "0".repeat(32) };
  if (before) a.routing.before = attrs(before);
  if (after) a.routing.after = attrs(after);
  return a;
}

const plan = (agents: AgentPlan[]) => planOf(agents);

const QUEUES = [
  { sid: "WQ1", name: "Everyone", targetWorkers: "1==1" },
  { sid: "WQ2", name: "Spanish Support", targetWorkers: 'routing.skills HAS "spanish"' },
  { sid: "WQ3", name: "Sales", targetWorkers: "routing.skills HAS 'sales'" },
  { sid: "WQ4", name: "Odd", targetWorkers: "routing.skills HAS" },
];

function live(over: Partial<LiveRouting> = {}): LiveRouting {
  return {
    workspaceSid: "WS" + "0".repeat(32),
    queues: QUEUES,
    // Everyone: 5 workers, two of them unmanaged; Spanish: ana only; Sales: bob and an unmanaged one.
    eligible: new Map([["WQ1", 5], ["WQ2", 1], ["WQ3", 2], ["WQ4", 0]]),
    members: new Map(),
    calls: 2,
    ...over,
  };
}

describe("routingImpact", () => {
  const p = plan([
    agent("bob@acme.com", "update", "WKbob", ["sales"], ["spanish"]),
    agent("ana@acme.com", "delete", "WKana", ["spanish"]),
    agent("new@acme.com", "create", undefined, undefined, ["sales"]),
    agent("same@acme.com", "same", "WKsame", ["sales"], ["sales"]),
  ]);

  it("counts from TaskRouter, joins and leaves from each changed agent's attributes; unparsable queues apart", () => {
    const impact = routingImpact(p, live());
    const rows = impact.queues.map((q) => [q.name, q.before, q.after, q.joins, q.leaves]);
    expect(rows).toEqual([
      ["Everyone", 5, 5, ["new@acme.com"], ["ana@acme.com"]],
      ["Spanish Support", 1, 1, ["bob@acme.com"], ["ana@acme.com"]],
      ["Sales", 2, 2, ["new@acme.com"], ["bob@acme.com"]],
    ]);
    expect(impact.unparsable).toMatchObject([{ name: "Odd", error: expect.stringMatching(/ends where a value was expected/) }]);
    expect(touchedQueues(p, QUEUES).sort()).toEqual(["WQ1", "WQ2", "WQ3"]);
  });

  it("TaskRouter's own answer is the 'before' where it was asked, and a disagreement names queue, worker and expression", () => {
    // TaskRouter says bob is not in Sales (a key flex-roster does not see decides it).
    const members = new Map([["WQ3", new Set(["WKother", "WKzed"])]]);
    const impact = routingImpact(p, live({ members }));
    const sales = impact.queues.find((q) => q.name === "Sales")!;
    expect(sales).toMatchObject({ before: 2, after: 3, joins: ["new@acme.com"], leaves: [], checked: true });
    expect(impact.disagreements).toEqual([
      { queue: "Sales", queueSid: "WQ3", worker: "bob@acme.com", workerSid: "WKbob", expression: "routing.skills HAS 'sales'", localEligible: true },
    ]);
  });

  it("a delete that is a move to another team's stack leaves no queue", () => {
    const moved = agent("ana@acme.com", "delete", "WKana", ["spanish"]);
    moved.movedTo = { team: "emea", file: "roster/emea.yaml", line: 3 };
    const impact = routingImpact(plan([moved]), live());
    expect(impact.queues.find((q) => q.name === "Spanish Support")).toMatchObject({ before: 1, after: 1, leaves: [] });
  });
});

describe("the routing guard", () => {
  const lastSpeaker = plan([agent("ana@acme.com", "update", "WKana", ["spanish"], ["sales"])]);
  const impact = routingImpact(lastSpeaker, live());

  it("a queue going from 1 or more eligible workers to 0 blocks, naming the queue and how to allow it", () => {
    expect(emptiedQueues(impact).map((q) => q.name)).toEqual(["Spanish Support"]);
    const v = evaluateRoutingGuard(impact, { roster: [], flag: [] });
    expect(v.status).toBe("blocked");
    expect(v.message).toContain('leaves "Spanish Support" (1 → 0) with no eligible worker');
    expect(v.message).toContain('--allow-empty-queue "<queue name>"');
  });

  it("the flag or the roster's allowEmptyQueues names the queue: allowed, and says by whom", () => {
    expect(evaluateRoutingGuard(impact, { roster: [], flag: ["Spanish Support"] }).emptied).toEqual([
      { name: "Spanish Support", sid: "WQ2", before: 1, allowedBy: '--allow-empty-queue "Spanish Support"' },
    ]);
    const byRoster = evaluateRoutingGuard(impact, { roster: ["Spanish Support"], flag: [] });
    expect(byRoster).toMatchObject({ status: "allowed", emptied: [{ allowedBy: "the roster's allowEmptyQueues" }] });
    expect(evaluateRoutingGuard(impact, { roster: ["Sales"], flag: [] }).status).toBe("blocked");
  });

  it("a queue that was already empty is not emptied by the plan", () => {
    const none = routingImpact(plan([agent("ana@acme.com", "update", "WKana", ["sales"], ["billing"])]), live({ eligible: new Map([["WQ1", 5], ["WQ2", 0], ["WQ3", 3]]) }));
    expect(evaluateRoutingGuard(none, { roster: [], flag: [] }).status).toBe("pass");
  });
});

describe("the Routing section and the JSON", () => {
  const p = plan([agent("bob@acme.com", "update", "WKbob", ["sales"], ["spanish"])]);
  const impact = routingImpact(p, live({ members: new Map([["WQ2", new Set(["WKana"])], ["WQ3", new Set(["WKbob", "WKx"])]]) }));
  const report = { impact, guard: evaluateRoutingGuard(impact, { roster: [], flag: [] }) };

  it("a table of the queues the plan changes, the others folded, unparsable ones flagged", () => {
    const md = routingMarkdown(report, 20);
    expect(md).toContain(
      [
        "| queue | target workers | eligible before → after | joins | leaves |",
        "| --- | --- | --- | --- | --- |",
        '| Spanish Support | `routing.skills HAS "spanish"` | 1 → 2 | bob@acme.com |  |',
        "| Sales | `routing.skills HAS 'sales'` | 2 → 1 |  | bob@acme.com |",
      ].join("\n"),
    );
    expect(md).toContain("<details><summary>Queues without a change (1)</summary>");
    expect(md).toContain('TaskQueue "Odd": its target\\_workers does not parse');
    expect(md).toContain("checked against TaskRouter's own answer for 2 queues. 2 API calls.");
    // Said by the provider already: not twice.
    const said = 'TaskQueue "Odd" (WQ4): its target_workers "routing.skills HAS" does not parse (the expression ends where a value was expected (at the end)); routing impact leaves this queue out';
    expect(routingMarkdown(report, 20, [said])).not.toContain('TaskQueue "Odd"');
  });

  it("--summary-json carries the same data", () => {
    const json = JSON.parse(JSON.stringify(routingSummary(report)));
    expect(json.guard.status).toBe("pass");
    expect(json.queues.map((q: any) => [q.name, q.before, q.after, q.joins, q.leaves])).toEqual([
      ["Everyone", 5, 5, [], []],
      ["Spanish Support", 1, 2, ["bob@acme.com"], []],
      ["Sales", 2, 1, [], ["bob@acme.com"]],
    ]);
    expect(json.unparsable).toHaveLength(1);
    expect(json.calls).toBe(2);
  });
});
