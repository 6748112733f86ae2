// Running every team stack of a roster folder: which stack is each team's and
// whether it exists, creating the missing ones, and running an operation on
// each within a memory budget (./team-stacks.ts has the pure rules).

import * as path from "node:path";
import type { NewStack } from "./workspace";
import { estimateRunMiB, runWithinBudget, sharedStacks, teamStackName, type StackNaming } from "./team-stacks";

/** A team of a roster folder, as this layer needs it (it knows no roster). */
export interface FolderTeam {
  team: string;
  /** The team's file. */
  file: string;
  agents: { identity: string; email: string }[];
}

/** One team of the folder and its stack. */
export interface TeamStack extends FolderTeam {
  stack: string;
  /** Estimated MiB of a run of its stack. */
  cost: number;
  /** The stack exists in the backend. */
  exists: boolean;
}

/** What the folder runner needs of a Pulumi runner (src/cli/pulumi.ts's). */
export interface StackAdmin {
  stacks(cwd: string | undefined, opts: { env: NodeJS.ProcessEnv }): Promise<string[]>;
  createStack(sel: { stack: string; cwd?: string }, init: NewStack, opts: { env: NodeJS.ProcessEnv }): Promise<void>;
}

export interface FolderTarget {
  /** The Pulumi project directory (every team stack is a stack of it). */
  cwd?: string;
  env: NodeJS.ProcessEnv;
}

/** Each team's stack, by the naming rule, and whether it exists. Two teams on one stack is an error. */
export async function teamStacks(admin: StackAdmin, dir: string, teams: readonly FolderTeam[], naming: StackNaming, target: FolderTarget): Promise<TeamStack[]> {
  const names = new Map(teams.map((t) => [t.team, teamStackName(t.team, naming)]));
  const shared = sharedStacks(names);
  if (shared.length > 0) throw new Error(`every team needs a stack of its own: ${shared.join("; ")}`);
  const unknown = Object.keys(naming.map ?? {}).filter((t) => !names.has(t));
  if (unknown.length > 0) throw new Error(`the stack map names team(s) ${unknown.join(", ")}, which have no file in ${dir}`);
  const existing = new Set(await admin.stacks(target.cwd, { env: target.env }));
  return teams.map((t) => ({ ...t, stack: names.get(t.team)!, cost: estimateRunMiB(t.agents.length), exists: existing.has(names.get(t.team)!) }));
}

/**
 * Create a team's stack: the config of `copyFrom` (another team's stack: the
 * credentials and settings every team shares), then this team's roster and team.
 * `rosterDir` is written relative to the project directory, as a user would.
 */
export async function createTeamStack(
  admin: StackAdmin,
  t: TeamStack,
  opts: FolderTarget & { rosterDir: string; copyFrom?: string },
): Promise<void> {
  const project = path.resolve(opts.cwd ?? ".");
  const roster = path.relative(project, path.resolve(opts.rosterDir)) || ".";
  await admin.createStack(
    { stack: t.stack, ...(opts.cwd ? { cwd: opts.cwd } : {}) },
    { ...(opts.copyFrom ? { copyConfigFrom: opts.copyFrom } : {}), config: { "flex-roster:roster": roster, "flex-roster:team": t.team } },
    { env: opts.env },
  );
}

export interface BudgetOptions {
  /** MiB all runs at once may take (estimated). */
  budgetMiB: number;
  maxParallel: number;
}

/** Run `work` on each team stack, several at once within the budget; results by team. */
export async function eachTeam<R>(
  teams: readonly TeamStack[],
  opts: BudgetOptions & {
    work: (t: TeamStack) => Promise<R>;
    ready?: (t: TeamStack, done: ReadonlyMap<TeamStack, R>) => boolean;
    stopped?: () => boolean;
  },
): Promise<Map<string, R>> {
  const done = await runWithinBudget(teams, opts);
  return new Map([...done].map(([t, r]) => [t.team, r]));
}
