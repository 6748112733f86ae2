// Doctor's routing findings: which TaskQueues no worker is eligible for (tasks
// routed there wait with nobody to take them), which expressions do not parse,
// and which workers no queue but a catch-all (Flex's Everyone) picks. Pure: the
// scanned workers' attributes against the workspace's queues (src/flex/routing.ts).

import { compileQueues, eligibleQueues, isCatchAll, unparsableQueueMessage, type QueueDefinition } from "../flex/routing";
import type { WorkerFacts } from "./facts";
import type { FindingCode } from "./findings";

export interface RoutingFinding {
  code: Extract<FindingCode, "queue-without-workers" | "queue-expression-unparsable" | "worker-in-no-queue">;
  /** The worker concerned (worker-in-no-queue). */
  worker?: WorkerFacts;
  message: string;
}

export function routingFindings(facts: readonly WorkerFacts[], definitions: readonly QueueDefinition[]): RoutingFinding[] {
  const out: RoutingFinding[] = [];
  const queues = compileQueues(definitions);
  const usable = facts.filter((f) => f.format === "json-object");
  const pickedBy = new Map(usable.map((f) => [f.sid, eligibleQueues(queues, f.attributes)]));
  for (const q of queues) {
    if (q.error) {
      out.push({ code: "queue-expression-unparsable", message: unparsableQueueMessage(q) });
    } else if (!usable.some((f) => pickedBy.get(f.sid)!.includes(q))) {
      out.push({
        code: "queue-without-workers",
        message: `TaskQueue "${q.name}" (${q.sid}): no worker is eligible for its target_workers ${JSON.stringify(q.targetWorkers)}: tasks routed there wait with nobody to take them`,
      });
    }
  }
  // Only a workspace with queues beyond the catch-all routes by skill at all.
  const specific = queues.filter((q) => q.expression && !isCatchAll(q));
  if (specific.length === 0) return out;
  const catchAlls = queues.filter(isCatchAll).map((q) => `"${q.name}"`).join(", ") || "none";
  for (const f of usable) {
    if (pickedBy.get(f.sid)!.some((q) => !isCatchAll(q))) continue;
    out.push({
      code: "worker-in-no-queue",
      worker: f,
      message: `"${f.friendlyName}" (${f.sid}) is in no TaskQueue but the catch-all ${catchAlls}: none of ${specific.length} other queues routes tasks to it`,
    });
  }
  return out;
}
