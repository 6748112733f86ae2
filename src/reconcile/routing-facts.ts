// Routing impact inside a run: the workspace's TaskQueues are read once per
// run (one provider process serves every worker), and each changed agent's
// preview gets one warning line naming the queues it joins and leaves. A
// queue whose target_workers does not parse is said once and left out; when
// the queues cannot be read the run says so once and goes on without.

import {
  attributesFromState,
  compileQueues,
  desiredRoutingAttributes,
  isCatchAll,
  routingChange,
  routingLine,
  unparsableQueueMessage,
  type RoutingQueue,
} from "../flex/routing";
import type { WorkerInputs } from "../flex/worker-model";
import { TaskRouterRouting, type TaskRouter } from "../twilio/taskrouter";
import type { Notices } from "./notices";

/** Stack config `flex-roster:routingImpact` = false (or FLEX_ROSTER_ROUTING_IMPACT=0) turns the reads off. */
export const ROUTING_IMPACT_KEY = "flex-roster:routingImpact";
export const ROUTING_IMPACT_ENV = "FLEX_ROSTER_ROUTING_IMPACT";

export class RoutingFacts {
  private readonly queues = new Map<string, Promise<RoutingQueue[]>>();

  constructor(
    private readonly taskRouter: () => TaskRouter,
    private readonly notices: Notices,
    private readonly enabled: () => boolean = () => true,
  ) {}

  /** The workspace's queues, read once per run; [] (said once) when they cannot be read. */
  workspaceQueues(workspaceSid: string): Promise<RoutingQueue[]> {
    let p = this.queues.get(workspaceSid);
    if (!p) {
      p = this.read(workspaceSid);
      this.queues.set(workspaceSid, p);
    }
    return p;
  }

  private async read(workspaceSid: string): Promise<RoutingQueue[]> {
    let queues: RoutingQueue[];
    try {
      queues = compileQueues(await new TaskRouterRouting(this.taskRouter()).queues(workspaceSid));
    } catch (err) {
      await this.notices.warn(`routing impact not shown: the TaskQueues of workspace ${workspaceSid} could not be read (${(err as Error).message})`);
      return [];
    }
    for (const q of queues) if (q.error) await this.notices.warn(unparsableQueueMessage(q));
    return queues;
  }

  /**
   * One warning for an agent whose change moves it between queues. `live` is the
   * worker's state (undefined for a new worker), `desired` the roster's inputs.
   */
  async announce(workspaceSid: string, desired: WorkerInputs, live: Partial<WorkerInputs> | undefined): Promise<void> {
    if (!this.enabled()) return;
    const queues = await this.workspaceQueues(workspaceSid);
    if (queues.length === 0) return;
    const before = live ? attributesFromState(live) : undefined;
    const change = routingChange(queues, before, desiredRoutingAttributes(desired, before));
    // Every new worker joins a catch-all queue (Flex's Everyone, `1==1`): saying so for each says nothing.
    if (!live) change.joins = change.joins.filter((q) => !isCatchAll(q));
    const line = routingLine(desired.email || desired.friendlyName, change);
    if (line) await this.notices.warn(line);
  }
}
