// The one guard verdict over a roster folder (src/cli/folder-flow.ts): removals
// of every team against the workers of every team, moves not counted, the
// strictest team's limit, a mass removal allowed only when every stack allows it.
// And its one routing impact, TaskRouter the emulator: every team's changes
// together, a move as one row, the routing guard's exit 3 and its allowances.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { emitFolderReport, folderStop, guardFolder, routeFolder, type FolderPlan } from "../../src/cli/folder-flow";
import { EXIT } from "../../src/cli/exit-codes";
import { plannedForNewStack, workspacePlan, type PlanModel } from "../../src/report";
import type { AgentPlan } from "../../src/report/plan";
import { recordingContext } from "../../testing/cli-context";
import { planOf } from "../../testing/plan-model";

function teamPlan(stack: string, config: Record<string, string>, counts: { managed: number; delete: number; moved?: number }): PlanModel {
  const plan = plannedForNewStack([], stack);
  plan.config = config;
  plan.totals = { ...plan.totals, create: 0, managed: counts.managed, delete: counts.delete, unchanged: counts.managed - counts.delete };
  plan.agents = Array.from({ length: counts.delete }, (_, i) => ({
    identity: `${stack}${i}`,
    action: "delete" as const,
    managed: true,
    ops: ["delete"],
    reasons: [],
    ...(i < (counts.moved ?? 0) ? { movedTo: { team: "other", file: "roster.d/other.yaml", line: 1 } } : {}),
  }));
  return plan;
}

function folderPlan(...plans: PlanModel[]): FolderPlan {
  const teams = plans.map((plan) => ({ team: plan.stack!, stack: plan.stack!, file: `roster.d/${plan.stack}.yaml`, plan }));
  return { rosterDir: "/r", projectDir: "/p", teams: [], plans: new Map(plans.map((p) => [p.stack!, p])), ws: workspacePlan("roster.d", teams), allowEmptyQueues: [] };
}

describe("guardFolder", () => {
  const ctx = recordingContext();

  it("counts every team's removals once against every team's workers, moves aside, under the strictest limit", () => {
    const loose = { "flex-roster:maxRemovalDelta": "5" };
    const strict = { "flex-roster:maxRemovalDelta": "1" };
    const pass = guardFolder(ctx, folderPlan(teamPlan("a", loose, { managed: 6, delete: 2, moved: 2 }), teamPlan("b", strict, { managed: 4, delete: 1 })), false);
    expect(pass).toMatchObject({ status: "pass", removals: 1, deletes: 3, moves: 2, managed: 10, max: 1 });
    const blocked = guardFolder(ctx, folderPlan(teamPlan("a", loose, { managed: 6, delete: 2, moved: 1 }), teamPlan("b", strict, { managed: 4, delete: 1 })), false);
    expect(blocked).toMatchObject({ status: "blocked", removals: 2, max: 1 });
  });

  it("a mass removal is allowed by the flag, or by every stack's config, not by one stack's", () => {
    const allow = { "flex-roster:maxRemovalDelta": "0", "flex-roster:allowMassRemoval": "true" };
    const deny = { "flex-roster:maxRemovalDelta": "0" };
    expect(guardFolder(ctx, folderPlan(teamPlan("a", allow, { managed: 2, delete: 1 }), teamPlan("b", deny, { managed: 2, delete: 0 })), false).status).toBe("blocked");
    expect(guardFolder(ctx, folderPlan(teamPlan("a", allow, { managed: 2, delete: 1 }), teamPlan("b", allow, { managed: 2, delete: 0 })), false).status).toBe("allowed");
    expect(guardFolder(ctx, folderPlan(teamPlan("a", deny, { managed: 2, delete: 1 }), teamPlan("b", deny, { managed: 2, delete: 0 })), true).status).toBe("allowed");
  });
});

describe("routeFolder and folderStop", () => {
  let emu: Emulator;
  const sids = new Map<string, string>();
  beforeAll(async () => {
    emu = await startEmulator();
  });
  afterAll(() => emu?.close());
  beforeEach(() => {
    emu.control.reset();
    emu.control.seedTaskQueue({ friendlyName: "Spanish Support", targetWorkers: 'routing.skills HAS "spanish"' });
    // ana and bob speak Spanish; an unmanaged worker does not.
    const names = ["ana", "bob", "zed"];
    const seeded = emu.control.seedWorkers(
      names.map((n) => ({ friendlyName: `${n}_40acme_2Ecom`, attributes: { email: `${n}@acme.com`, routing: { skills: n === "zed" ? ["sales"] : ["spanish"], levels: {} } } })),
    );
    names.forEach((n, i) => sids.set(n, seeded[i]));
  });

  const attrs = (...skills: string[]) => ({ routing: { skills, levels: {} } });
  function row(n: string, action: AgentPlan["action"], before?: string[], after?: string[], extra: Partial<AgentPlan> = {}): AgentPlan {
    const routing = { workspace: "Flex Task Assignment", ...(before ? { before: attrs(...before) } : {}), ...(after ? { after: attrs(...after) } : {}) };
    return { identity: `${n}_40acme_2Ecom`, email: `${n}@acme.com`, action, managed: action !== "create", reasons: [], ops: [action], ...(action === "create" ? {} : { sid: sids.get(n) }), routing, ...extra };
  }
  /** Team a loses ana and moves bob to team b, whose file gives him `bobAfter`. */
  function folder(bobAfter: string[], allowEmptyQueues: string[] = []): FolderPlan {
    const a = { ...planOf([row("ana", "delete", ["spanish"]), row("bob", "delete", ["spanish"], undefined, { movedTo: { team: "b", file: "roster.d/b.yaml", line: 2 } })]), stack: "a" };
    const b = { ...planOf([row("bob", "create", undefined, bobAfter)]), stack: "b" };
    const teams = [a, b].map((plan) => ({ team: plan.stack, stack: plan.stack, file: `roster.d/${plan.stack}.yaml`, plan }));
    return { rosterDir: "/r", projectDir: "/p", teams: [], plans: new Map([["a", a], ["b", b]]), ws: workspacePlan("roster.d", teams), allowEmptyQueues };
  }
  const env = () => ({ TWILIO_ACCOUNT_SID: emu.accountSid, TWILIO_AUTH_TOKEN: emu.authToken, FLEX_ROSTER_API_BASE_URL: emu.url });
  const spanish = (r: Awaited<ReturnType<typeof routeFolder>>) => {
    const q = r!.impact.queues.find((x) => x.name === "Spanish Support")!;
    return [q.before, q.after, q.joins, q.leaves];
  };

  it("a move that keeps the agent's skills is neither a leave nor a join: the queue keeps bob, the plan goes on", async () => {
    const ctx = recordingContext({ env: env() });
    const fp = folder(["spanish"]);
    // Without the live check the counts are TaskRouter's and the verdicts flex-roster's alone.
    const routing = await routeFolder(ctx, fp, { routingCheck: false });
    expect(spanish(routing)).toEqual([2, 1, [], ["ana@acme.com"]]);
    expect(routing!.impact.disagreements).toEqual([]);
    expect(folderStop(fp.ws, undefined, routing)).toBeUndefined();
    emitFolderReport(ctx, fp.ws, { mode: "plan", routing, summaryJson: "s.json" });
    expect(ctx.out.text.match(/#### Routing/g)).toHaveLength(1);
    expect(ctx.out.text).toContain("| Spanish Support | `routing.skills HAS \"spanish\"` | 2 → 1 |  | ana@acme.com |");
    expect(JSON.parse(ctx.files.get("s.json")!).routing.guard.status).toBe("pass");
  });

  it("emptying a queue over two teams is refused with exit 3, unless a team file or the flag allows it", async () => {
    const ctx = recordingContext({ env: env() });
    const fp = folder(["sales"]);
    const routing = await routeFolder(ctx, fp, {});
    expect(spanish(routing)).toEqual([2, 0, [], ["ana@acme.com", "bob@acme.com"]]);
    expect(routing!.guard.status).toBe("blocked");
    expect(folderStop(fp.ws, undefined, routing)).toBe(EXIT.BLOCKED);
    emitFolderReport(ctx, fp.ws, { mode: "plan", routing });
    expect(ctx.out.text).toContain("**Blocked by the routing guard:**");
    expect(ctx.err.text).toContain('routing guard: this plan leaves "Spanish Support" (2 → 0) with no eligible worker');

    const byFile = await routeFolder(ctx, folder(["sales"], ["Spanish Support"]), {});
    expect(byFile!.guard).toMatchObject({ status: "allowed", emptied: [{ name: "Spanish Support", allowedBy: "the roster's allowEmptyQueues" }] });
    const byFlag = await routeFolder(ctx, fp, { allowEmptyQueue: ["Spanish Support"] });
    expect(byFlag!.guard.status).toBe("allowed");
    expect(folderStop(fp.ws, undefined, byFlag)).toBeUndefined();
    // The removal guard's refusal holds on its own.
    expect(folderStop(fp.ws, { status: "blocked" } as Parameters<typeof folderStop>[1], byFlag)).toBe(EXIT.BLOCKED);
  });
});
