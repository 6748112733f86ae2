// One report over a roster folder's team stacks (src/cli/report/workspace.ts):
// a move between teams is one row, out of both teams' sections; totals and
// sections add up; the JSON summary carries the same.

import { describe, expect, it } from "vitest";
import { buildWorkspaceSummary, plannedForNewStack, renderWorkspaceMarkdown, workspaceHasChanges, workspacePlan, type PlanModel } from "../../src/report";
import { evaluateGuard, resolveGuardPolicy } from "../../src/report/guard";
import type { AgentPlan } from "../../src/report/plan";
import { evaluateRoutingGuard, routingImpact, type LiveRouting } from "../../src/report/routing";

const id = (n: string) => `${n}_40acme_2Ecom`;
function agent(n: string, action: AgentPlan["action"], extra: Partial<AgentPlan> = {}): AgentPlan {
  const reasons: AgentPlan["reasons"] =
    action === "create" ? [{ code: "new-agent", message: "new agent in the roster" }] : action === "delete" ? [{ code: "removed-from-roster", message: "not in the roster any more" }] : [];
  return { identity: id(n), email: `${n}@acme.com`, action, managed: action !== "create", reasons, ops: [action], ...(action === "delete" ? { sid: `WK${n}` } : {}), ...extra };
}
function plan(stack: string, agents: AgentPlan[]): PlanModel {
  const totals = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0, managed: 0 };
  for (const a of agents) {
    if (a.action === "same") totals.unchanged++;
    else totals[a.action]++;
    if (a.managed) totals.managed++;
  }
  return { stack, agents, totals, others: [], diagnostics: [], failed: false, unchangedKnown: true, config: {}, stackChanges: false };
}
const moved = (n: string, team: string, line: number) =>
  agent(n, "delete", { movedTo: { team, file: `roster.d/${team}.yaml`, line }, reasons: [{ code: "moved-to-team", key: team, message: `moved to team ${team}` }] });

describe("a roster folder's report", () => {
  const teams = () => [
    { team: "a", stack: "prod-a", file: "roster.d/a.yaml", plan: plan("prod-a", [moved("bob", "b", 8), agent("ann", "same"), agent("cid", "same")]) },
    { team: "b", stack: "prod-b", file: "roster.d/b.yaml", plan: plan("prod-b", [agent("bob", "create"), agent("dan", "same")]) },
    { team: "c", stack: "prod-c", file: "roster.d/c.yaml", plan: plan("prod-c", [agent("gus", "delete"), agent("fay", "same")]) },
  ];

  it("shows a move once, as a move, and leaves it out of both teams' sections", () => {
    const ws = workspacePlan("roster.d", teams());
    expect(ws.moves).toEqual([
      { identity: id("bob"), email: "bob@acme.com", sid: "WKbob", from: "a", to: "b", listing: { team: "b", file: "roster.d/b.yaml", line: 8 }, newAction: "create" },
    ]);
    expect(ws.teams.map((t) => t.plan.agents.filter((a) => a.action !== "same").map((a) => a.identity))).toEqual([[], [], [id("gus")]]);
    expect(ws.totals).toEqual({ create: 0, update: 0, replace: 0, delete: 1, unchanged: 4, managed: 6, moves: 1 });
    const guard = evaluateGuard({ managed: 6, deletes: 2, replaces: 0, moves: 1 }, resolveGuardPolicy({}));
    const md = renderWorkspaceMarkdown(ws, { guard });
    expect(md.match(/Blast-radius guard/g)).toHaveLength(1);
    expect(md.split("bob@acme.com")).toHaveLength(2);
    expect(md).toContain("#### Moved between teams: 1 agent");
    expect(md).toContain("**1 to delete · 1 to move between teams** · 4 unchanged · 6 managed workers · 3 teams");
    expect(md).toMatch(/#### Team `a` · stack `prod-a`[^]*No changes[^]*#### Team `b`[^]*#### Team `c`[^]*gus@acme\.com/);
    expect(md.match(/<!-- flex-roster-report -->/g)).toHaveLength(1);
    const summary = buildWorkspaceSummary(ws);
    expect(summary.status).toBe("changes");
    expect(summary.moves).toHaveLength(1);
    expect(summary.teams.map((t) => [t.team, t.stack, t.agents.map((a) => a.identity)])).toEqual([
      ["a", "prod-a", []],
      ["b", "prod-b", []],
      ["c", "prod-c", [id("gus")]],
    ]);
  });

  it("a move whose new team already adopted the worker (an up stopped between teams) is still one move", () => {
    const t = teams();
    t[1].plan = plan("prod-b", [agent("bob", "same"), agent("dan", "same")]);
    const ws = workspacePlan("roster.d", t);
    expect(ws.moves[0].newAction).toBe("same");
    expect(renderWorkspaceMarkdown(ws)).toContain("already adopted by the new team's stack");
  });

  it("a team without a stack plans every agent as a create and is drift", () => {
    const ws = workspacePlan("roster.d", [{ team: "d", stack: "d", file: "roster.d/d.yaml", plan: plannedForNewStack([{ identity: id("hal"), email: "hal@acme.com" }], "d"), stackStatus: "missing" }]);
    expect(workspaceHasChanges(ws)).toBe(true);
    expect(renderWorkspaceMarkdown(ws)).toContain("#### Team `d` · stack `d` · `roster.d/d.yaml` · _new stack: `up` creates it_");
    const inSync = workspacePlan("roster.d", [{ team: "a", stack: "a", file: "roster.d/a.yaml", plan: plan("a", [agent("ann", "same")]) }]);
    expect(workspaceHasChanges(inSync)).toBe(false);
    expect(renderWorkspaceMarkdown(inSync, { mode: "drift" })).toContain("**In sync.** Live Flex matches every team's roster (1 managed worker, 1 team).");
  });
});

describe("a roster folder's routing impact", () => {
  const WS = "WS" + "0".repeat(32);
  const skills = (...s: string[]) => ({ routing: { skills: s, levels: {} } });
  const routed = (before?: string[], after?: string[]): Pick<AgentPlan, "routing"> => ({
    routing: { workspace: WS, ...(before ? { before: skills(...before) } : {}), ...(after ? { after: skills(...after) } : {}) },
  });
  const live: LiveRouting = {
    workspaceSid: WS,
    queues: [
      { sid: "WQ1", name: "Spanish Support", targetWorkers: 'routing.skills HAS "spanish"' },
      { sid: "WQ2", name: "Sales", targetWorkers: 'routing.skills HAS "sales"' },
    ],
    // Spanish: ana and bob; Sales: cid.
    eligible: new Map([["WQ1", 2], ["WQ2", 1]]),
    members: new Map(),
    calls: 2,
  };
  // bob moves from team a to team b; ana (team a) leaves the roster; cid (team c) learns Spanish.
  const teams = (bobAfter: string[]) => [
    { team: "a", stack: "a", file: "roster.d/a.yaml", plan: plan("a", [{ ...moved("bob", "b", 3), ...routed(["spanish"]) }, agent("ana", "delete", routed(["spanish"]))]) },
    { team: "b", stack: "b", file: "roster.d/b.yaml", plan: plan("b", [agent("bob", "create", routed(undefined, bobAfter))]) },
    { team: "c", stack: "c", file: "roster.d/c.yaml", plan: plan("c", [agent("cid", "update", { sid: "WKcid", ...routed(["sales"], ["sales", "spanish"]) })]) },
  ];
  const row = (impact: ReturnType<typeof routingImpact>, name: string) => {
    const q = impact.queues.find((x) => x.name === name)!;
    return [q.before, q.after, q.joins, q.leaves];
  };

  it("counts every team's changes together; a move that keeps its attributes joins and leaves nothing", () => {
    const ws = workspacePlan("roster.d", teams(["spanish"]));
    const moveRow = ws.routed.find((a) => a.identity === id("bob"))!;
    expect(moveRow).toMatchObject({ action: "update", sid: "WKbob", routing: { before: skills("spanish"), after: skills("spanish") } });
    const impact = routingImpact({ agents: ws.routed }, live);
    expect(row(impact, "Spanish Support")).toEqual([2, 2, ["cid@acme.com"], ["ana@acme.com"]]);
    expect(row(impact, "Sales")).toEqual([1, 1, [], []]);
    const guard = evaluateRoutingGuard(impact, { roster: [], flag: [] });
    expect(guard.status).toBe("pass");
    const md = renderWorkspaceMarkdown(ws, { routing: { impact, guard } });
    // One Routing section for the folder, above the teams' sections.
    expect(md.match(/#### Routing/g)).toHaveLength(1);
    expect(md).toMatch(/#### Moved between teams[^]*#### Routing[^]*\| Spanish Support \| `routing.skills HAS "spanish"` \| 2 → 2 \| cid@acme.com \| ana@acme.com \|[^]*#### Team `a`/);
    const summary = buildWorkspaceSummary(ws, { routing: { impact, guard } });
    expect(summary.routing?.guard.status).toBe("pass");
    expect(summary.routing?.queues.map((q) => [q.name, q.before, q.after])).toEqual([["Spanish Support", 2, 2], ["Sales", 1, 1]]);
  });

  it("a move that drops a skill is a leave: with the other leaves it can empty a queue", () => {
    const t = teams(["sales"]);
    t[2].plan = plan("c", [agent("cid", "same")]);
    const impact = routingImpact({ agents: workspacePlan("roster.d", t).routed }, live);
    expect(row(impact, "Spanish Support")).toEqual([2, 0, [], ["ana@acme.com", "bob@acme.com"]]);
    expect(row(impact, "Sales")).toEqual([1, 2, ["bob@acme.com"], []]);
    const blocked = evaluateRoutingGuard(impact, { roster: [], flag: [] });
    expect(blocked.status).toBe("blocked");
    expect(renderWorkspaceMarkdown(workspacePlan("roster.d", t), { routing: { impact, guard: blocked } })).toContain("**Blocked by the routing guard:**");
  });
});
