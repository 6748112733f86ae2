// A PlanModel around a list of agents, as buildPlan would make it for a
// preview that changed only those: for tests and benchmarks of what reads a plan.

import type { AgentPlan, PlanModel, Totals } from "../src/report/plan";

export function planOf(agents: AgentPlan[], totals: Partial<Totals> = {}): PlanModel {
  return {
    agents,
    totals: { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0, managed: 0, ...totals },
    others: [],
    diagnostics: [],
    failed: false,
    unchangedKnown: true,
    config: {},
    stackChanges: false,
  };
}
