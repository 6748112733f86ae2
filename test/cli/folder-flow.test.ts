// The one guard verdict over a roster folder (src/cli/folder-flow.ts): removals
// of every team against the workers of every team, moves not counted, the
// strictest team's limit, a mass removal allowed only when every stack allows it.

import { describe, expect, it } from "vitest";
import { guardFolder, type FolderPlan } from "../../src/cli/folder-flow";
import { plannedForNewStack, workspacePlan, type PlanModel } from "../../src/report";
import { recordingContext } from "../../testing/cli-context";

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
  return { rosterDir: "/r", projectDir: "/p", teams: [], plans: new Map(plans.map((p) => [p.stack!, p])), ws: workspacePlan("roster.d", teams) };
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
