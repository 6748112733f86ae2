// What routing impact reads from TaskRouter, once per run: the TaskQueues (one
// call per 1,000 queues), their eligible-worker counts (TaskQueues/Statistics,
// one call per 1,000 queues) and, for the live check, TaskRouter's own answer
// for each queue the plan touches (`Workers?TaskQueueSid=`, one call per 1,000
// eligible workers). `check: false` skips the last part.

import type { TaskRouter } from "../twilio/taskrouter";
import { TaskRouterRouting } from "../twilio/taskrouter";
import type { PlanModel } from "./plan";
import { evaluateRoutingGuard, routingImpact, touchedQueues, type EmptyQueueAllowances, type LiveRouting, type RoutingReport } from "./routing";

export interface ReadRoutingOptions {
  /** Ask TaskRouter who each touched queue picks, and check the local evaluation against it. */
  check: boolean;
}

/** Calls of one `list({ pageSize: 1000 })`: one page per 1,000 items, at least one. */
const pages = (n: number) => Math.max(1, Math.ceil(n / 1000));

export async function readLiveRouting(tr: TaskRouter, workspaceSid: string, plan: PlanModel, opts: ReadRoutingOptions): Promise<LiveRouting> {
  const routing = new TaskRouterRouting(tr);
  const [queues, eligible] = await Promise.all([routing.queues(workspaceSid), routing.eligibleCounts(workspaceSid)]);
  let calls = pages(queues.length) * 2;
  const members = new Map<string, Set<string>>();
  if (opts.check) {
    const touched = touchedQueues(plan, queues);
    const answers = await Promise.all(touched.map(async (sid) => [sid, await routing.queueWorkers(workspaceSid, sid)] as const));
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
  plan: PlanModel,
  opts: ReadRoutingOptions & { allow: EmptyQueueAllowances },
): Promise<RoutingReport | undefined> {
  const changed = plan.agents.filter((a) => a.action !== "same" && a.routing && !a.movedTo);
  const named = changed.map((a) => a.routing?.workspace).find((w): w is string => !!w);
  if (!named) return undefined;
  const workspaceSid = WORKSPACE_SID.test(named) ? named : (await tr.resolveWorkspace(named)).sid;
  const impact = routingImpact(plan, await readLiveRouting(tr, workspaceSid, plan, opts));
  return { impact, guard: evaluateRoutingGuard(impact, opts.allow) };
}
