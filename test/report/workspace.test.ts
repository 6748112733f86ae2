// One report over a roster folder's team stacks (src/cli/report/workspace.ts):
// a move between teams is one row, out of both teams' sections; totals and
// sections add up; the JSON summary carries the same.

import { describe, expect, it } from "vitest";
import { buildWorkspaceSummary, plannedForNewStack, renderWorkspaceMarkdown, workspaceHasChanges, workspacePlan, type PlanModel } from "../../src/report";
import { evaluateGuard, resolveGuardPolicy } from "../../src/report/guard";
import type { AgentPlan } from "../../src/report/plan";

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
