// Which TaskQueues a worker is eligible for, before and after a roster change.
// A queue's target_workers expression picks workers by their attributes, so a
// skill edit is a routing change: "bob joins Spanish Support", "ana leaves
// Sales". Pure: the queues come from TaskRouter, the attributes from state and
// the roster; the preview's warning line, the PR report and the guard use it.

import { canonicalAttributes } from "./attributes";
import { tryParseRoutingExpression, type RoutingExpression } from "./routing-expression";
import type { WorkerInputs } from "./worker-model";

/** A TaskQueue as TaskRouter lists it. */
export interface QueueDefinition {
  sid: string;
  name: string;
  targetWorkers: string;
}

/** A queue with its expression parsed, or why it does not parse (never guessed). */
export interface RoutingQueue extends QueueDefinition {
  expression?: RoutingExpression;
  error?: string;
}

export function compileQueues(queues: readonly QueueDefinition[]): RoutingQueue[] {
  return queues.map((q) => {
    const parsed = tryParseRoutingExpression(q.targetWorkers);
    return "error" in parsed ? { ...q, error: parsed.error } : { ...q, expression: parsed.expression };
  });
}

/** The message for a queue whose target_workers does not parse: said once, never fatal. */
export function unparsableQueueMessage(q: QueueDefinition & { error?: string }): string {
  return `TaskQueue "${q.name}" (${q.sid}): its target_workers ${JSON.stringify(q.targetWorkers)} does not parse (${q.error}); routing impact leaves this queue out`;
}

/** The queues (parsable ones) whose expression picks a worker with these attributes. */
export function eligibleQueues(queues: readonly RoutingQueue[], attributes: Record<string, unknown> | undefined): RoutingQueue[] {
  if (!attributes) return [];
  return queues.filter((q) => q.expression?.matches({ attributes }));
}

/** A queue that picks a worker with no attributes at all picks every worker (Flex's Everyone, `1==1`). */
export function isCatchAll(q: RoutingQueue): boolean {
  return !!q.expression?.matches({ attributes: {} });
}

export interface RoutingChange {
  joins: RoutingQueue[];
  leaves: RoutingQueue[];
}

/** The queues a worker joins and leaves when its attributes go from `before` to `after` (undefined: no worker). */
export function routingChange(
  queues: readonly RoutingQueue[],
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
): RoutingChange {
  const was = new Set(eligibleQueues(queues, before).map((q) => q.sid));
  const will = new Set(eligibleQueues(queues, after).map((q) => q.sid));
  return {
    joins: queues.filter((q) => will.has(q.sid) && !was.has(q.sid)),
    leaves: queues.filter((q) => was.has(q.sid) && !will.has(q.sid)),
  };
}

/** `joins "Spanish Support"; leaves "Sales"`, or undefined when nothing changes. */
export function describeRoutingChange(change: RoutingChange): string | undefined {
  const names = (qs: RoutingQueue[]) => qs.map((q) => `"${q.name}"`).join(", ");
  const parts: string[] = [];
  if (change.joins.length > 0) parts.push(`joins ${names(change.joins)}`);
  if (change.leaves.length > 0) parts.push(`leaves ${names(change.leaves)}`);
  return parts.length > 0 ? parts.join("; ") : undefined;
}

/** The preview's warning line for one changed agent. */
export function routingLine(who: string, change: RoutingChange): string | undefined {
  const what = describeRoutingChange(change);
  return what ? `${who}: routing: ${what}` : undefined;
}

/**
 * A worker's attributes as far as its state (the provider's projection of the
 * live worker) knows them: the keys flex-roster manages and the extra keys the
 * roster names. Keys it does not manage are not in state; a queue that reads
 * them is judged without them (the live check against TaskRouter catches that).
 */
export function attributesFromState(s: Partial<WorkerInputs>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(s.extraAttributes ?? {});
  if (typeof s.contactUri === "string") out.contact_uri = s.contactUri;
  if (s.email) out.email = s.email;
  if (typeof s.fullName === "string") out.full_name = s.fullName;
  if (Array.isArray(s.roles)) out.roles = [...s.roles];
  out.routing = { skills: [...(s.skills ?? [])], levels: { ...(s.levels ?? {}) } };
  if (s.disabledSkills) out.disabled_skills = structuredClone(s.disabledSkills);
  return out;
}

/** The attributes `flex-roster up` writes for the desired inputs over the worker's current ones. */
export function desiredRoutingAttributes(desired: WorkerInputs, current: Record<string, unknown> | undefined): Record<string, unknown> {
  return canonicalAttributes(
    { ...desired, extraAttributes: desired.extraAttributes ?? {}, channels: desired.channels ?? {} },
    current,
  );
}
