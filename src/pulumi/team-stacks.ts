// The stacks of a roster folder, one per team (docs/scale.md, "One workspace,
// several stacks"): what each team's stack is called, how much memory its run
// may take, how many run at once within a memory budget, and in which order
// `up` applies them so that an agent moving between teams is always held by a
// stack. Pure: src/pulumi/folder-run.ts runs the stacks.

import { availableParallelism } from "node:os";

/** `{team}` in a stack name template is the team (its file name without .yaml). */
export const DEFAULT_STACK_TEMPLATE = "{team}";

export interface StackNaming {
  /** e.g. `prod-{team}`; default `{team}`. */
  template?: string;
  /** team → stack, over the template (e.g. a stack that kept its old name). */
  map?: Record<string, string>;
}

/** The stack of `team`: its entry in the map, else the template with `{team}` replaced. */
export function teamStackName(team: string, naming: StackNaming = {}): string {
  const mapped = naming.map?.[team];
  if (mapped) return mapped;
  const template = naming.template || DEFAULT_STACK_TEMPLATE;
  return template.split("{team}").join(team);
}

/** A template must name each team's stack differently: it needs `{team}`. */
export function checkStackTemplate(template: string): string {
  if (!template.includes("{team}")) throw new Error(`stack name template ${JSON.stringify(template)} has no {team}: every team would get the same stack`);
  return template;
}

/** `sales=prod-sales,support=prod-support` (commas or new lines) → a map; throws on a malformed entry. */
export function parseStackMap(raw: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of raw.split(/[,\n]/).map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^=\s]+)\s*=\s*(\S+)$/.exec(entry);
    if (!m) throw new Error(`stack map entry ${JSON.stringify(entry)} is not <team>=<stack>`);
    map[m[1]] = m[2];
  }
  return map;
}

/** Every team gets its own stack: two teams mapped to one stack would delete each other's workers. */
export function sharedStacks(stacks: ReadonlyMap<string, string>): string[] {
  const byStack = new Map<string, string[]>();
  for (const [team, stack] of stacks) byStack.set(stack, [...(byStack.get(stack) ?? []), team]);
  return [...byStack].filter(([, teams]) => teams.length > 1).map(([stack, teams]) => `stack ${stack} is named for teams ${teams.join(", ")}`);
}

/**
 * Peak memory of one team's run, estimated (MiB): a fixed cost for the engine
 * and two Node processes, plus a share per agent. From the quiet-machine
 * measurements of docs/scale.md ("Memory": about 600 MiB fixed, 0.43 MiB per
 * agent from 1,000 to 5,000 agents; 1,926 MiB at 2,500), rounded up.
 */
export const RUN_FIXED_MIB = 650;
export const RUN_PER_AGENT_MIB = 0.55;
export function estimateRunMiB(agents: number): number {
  return Math.ceil(RUN_FIXED_MIB + RUN_PER_AGENT_MIB * agents);
}

/** The default budget fits a machine of 8 GiB: 6 GiB for the runs, the rest for the system and flex-roster itself. */
export const DEFAULT_MEMORY_BUDGET_MIB = 6144;

/** How many team runs may go at once: one per core (each run is CPU-bound while it starts). */
export function defaultMaxParallel(): number {
  return Math.max(1, availableParallelism());
}

export interface BudgetItem {
  /** Estimated MiB of its run. */
  cost: number;
}

/**
 * Run `work` for every item, as many at once as the budget allows: an item
 * starts when the running ones plus it fit in `budgetMiB` and fewer than
 * `maxParallel` run (an item over the whole budget runs alone). `ready(item)`
 * says whether it may start yet (`up`: its prerequisites are done); `skip`
 * returns why an item will never start (a prerequisite failed), and it is
 * passed to `work`'s caller as such. Items start in the order given.
 */
export async function runWithinBudget<T extends BudgetItem, R>(
  items: readonly T[],
  opts: {
    budgetMiB: number;
    maxParallel: number;
    work: (item: T) => Promise<R>;
    ready?: (item: T, done: ReadonlyMap<T, R>) => boolean;
    /** Stop starting items (already running ones finish). */
    stopped?: () => boolean;
  },
): Promise<Map<T, R>> {
  const done = new Map<T, R>();
  const waiting = [...items];
  const running = new Set<T>();
  let used = 0;
  return new Promise((resolve, reject) => {
    const pump = () => {
      if (!opts.stopped?.()) {
        for (let i = 0; i < waiting.length && running.size < opts.maxParallel; ) {
          const item = waiting[i];
          const fits = running.size === 0 || used + item.cost <= opts.budgetMiB;
          if (!fits) break; // keep the order: a big team is not overtaken forever by small ones
          if (opts.ready && !opts.ready(item, done)) {
            i++;
            continue;
          }
          waiting.splice(i, 1);
          running.add(item);
          used += item.cost;
          opts.work(item).then(
            (r) => {
              running.delete(item);
              used -= item.cost;
              done.set(item, r);
              pump();
            },
            reject,
          );
        }
      }
      if (running.size === 0) resolve(done);
    };
    pump();
  });
}

/** An agent moving from one team's file to another's. */
export interface TeamMove {
  identity: string;
  from: string;
  to: string;
}

/**
 * The order `up` applies teams in: a team that gains an agent before the team
 * that loses it, so the moved worker is adopted by its new stack before its old
 * stack lets go of it (interrupted between the two, both stacks hold it, and
 * the old one's delete keeps it in any case). Otherwise in `teams` order. Two
 * teams swapping agents form a cycle: the team first in order goes first and
 * its departing agent is held by no stack until the other team's up adopts it
 * (its worker is never deleted: the provider keeps a worker another team lists).
 * Returns, per team, the teams that must be applied before it.
 */
export function applyOrder(teams: readonly string[], moves: readonly TeamMove[]): { order: string[]; after: Map<string, Set<string>>; cycles: string[] } {
  const after = new Map<string, Set<string>>(teams.map((t) => [t, new Set<string>()]));
  for (const m of moves) if (m.from !== m.to && after.has(m.from) && after.has(m.to)) after.get(m.from)!.add(m.to);
  const order: string[] = [];
  const cycles: string[] = [];
  const left = new Set(teams);
  while (left.size > 0) {
    const next = teams.find((t) => left.has(t) && [...after.get(t)!].every((p) => !left.has(p)));
    if (next !== undefined) {
      order.push(next);
      left.delete(next);
      continue;
    }
    // A cycle: take the first team left and drop its waits on the others of the cycle.
    const first = teams.find((t) => left.has(t))!;
    for (const p of [...after.get(first)!]) if (left.has(p)) after.get(first)!.delete(p);
    cycles.push(first);
  }
  return { order, after, cycles };
}
