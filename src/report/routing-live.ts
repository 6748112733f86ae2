// What routing impact reads from TaskRouter, once per run: the TaskQueues (one
// call per 1,000 queues), their eligible-worker counts (TaskQueues/Statistics,
// one call per 1,000 queues) and, for the live check, TaskRouter's own answer
// for the queues the plan touches (`Workers?TaskQueueSid=`, one call per 1,000
// eligible workers), the emptiest first, within a budget of calls
// (CHECK_CALL_BUDGET: with the provider's one read of the queues, routing
// impact costs a preview at most 50 calls). `check: false` skips the check.

import type { TaskRouter } from "../twilio/taskrouter";
import { TaskRouterRouting } from "../twilio/taskrouter";
import { evaluateRoutingGuard, routingImpact, touchedQueues, type EmptyQueueAllowances, type LiveRouting, type RoutedPlan, type RoutingReport } from "./routing";

/** The live check's calls per run: 2 reads here + 1 in the provider + 47 = 50. */
export const CHECK_CALL_BUDGET = 47;

export interface ReadRoutingOptions {
  /** Ask TaskRouter who each touched queue picks, and check the local evaluation against it. */
  check: boolean;
  /** At most this many calls for the check (default CHECK_CALL_BUDGET). */
  checkCalls?: number;
}

/** Calls of one `list({ pageSize: 1000 })`: one page per 1,000 items, at least one. */
const pages = (n: number) => Math.max(1, Math.ceil(n / 1000));

export async function readLiveRouting(tr: TaskRouter, workspaceSid: string, plan: RoutedPlan, opts: ReadRoutingOptions): Promise<LiveRouting> {
  const routing = new TaskRouterRouting(tr);
  const [queues, eligible] = await Promise.all([routing.queues(workspaceSid), routing.eligibleCounts(workspaceSid)]);
  let calls = pages(queues.length) * 2;
  const members = new Map<string, Set<string>>();
  if (opts.check) {
    // The emptiest queues first: there a wrong verdict would mislead the guard.
    const touched = touchedQueues(plan, queues).sort((a, b) => (eligible.get(a) ?? 0) - (eligible.get(b) ?? 0));
    const chosen: string[] = [];
    let budget = opts.checkCalls ?? CHECK_CALL_BUDGET;
    for (const sid of touched) {
      const cost = pages(eligible.get(sid) ?? 0);
      if (cost > budget) continue;
      budget -= cost;
      chosen.push(sid);
    }
    const answers = await Promise.all(chosen.map(async (sid) => [sid, await routing.queueWorkers(workspaceSid, sid)] as const));
    for (const [sid, workers] of answers) {
      members.set(sid, new Set(workers.map((w) => w.sid)));
      calls += pages(workers.length);
    }
  }
  return { workspaceSid, queues, eligible, members, calls };
}

const WORKSPACE_SID = /^WS[0-9a-f]{32}$/;

/**
 * The whole Routing section of a plan: the workspace from its agents, the live
 * reads, the impact and the guard. Undefined when no changed agent has a
 * worker whose routing could change.
 */
export async function routingReport(
  tr: TaskRouter,
  plan: RoutedPlan,
  opts: ReadRoutingOptions & { allow: EmptyQueueAllowances },
): Promise<RoutingReport | undefined> {
  const changed = plan.agents.filter((a) => a.action !== "same" && a.routing && !a.movedTo);
  const named = changed.map((a) => a.routing?.workspace).find((w): w is string => !!w);
  if (!named) return undefined;
  const workspaceSid = WORKSPACE_SID.test(named) ? named : (await tr.resolveWorkspace(named)).sid;
  const impact = routingImpact(plan, await readLiveRouting(tr, workspaceSid, plan, opts));
  return { impact, guard: evaluateRoutingGuard(impact, opts.allow) };
}
