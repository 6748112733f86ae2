// FlexRoster: a roster as one Pulumi component. One child FlexWorker per agent;
// outputs the agents' worker SIDs and contact URIs.

import * as pulumi from "@pulumi/pulumi";
import type { AgentSpec, Roster } from "../flex/types";
import { desiredWorker } from "../flex/worker-model";
import { WORKER_TYPE } from "../provider/resource-type";
import { FlexWorker } from "../provider/worker";
import { isRosterFolder, loadRoster, loadRosterFolder, RosterError, selectTeam } from "../roster";

export const FLEX_ROSTER_TYPE = "flex-roster:index:FlexRoster";

export interface FlexRosterArgs {
  /**
   * A roster YAML file, relative to the working directory (Pulumi runs a program
   * in its project directory), or a roster already loaded with `loadRoster` /
   * `parseRoster`. A folder of team files (`roster.d/sales.yaml`, ...) is loaded
   * whole, so the checks across teams hold, and `team` picks this stack's file.
   */
  roster: string | Roster;
  /**
   * With `roster` a folder: this stack's team, the name of its file without
   * `.yaml`. Each team is its own stack (docs/scale.md, "Memory").
   */
  team?: string;
  /** Overrides the roster's `workspace` (friendly name or WS SID); both absent: the Flex Configuration's workspace. */
  workspace?: string;
  /** Protect every worker, in addition to agents with `protect: true`. */
  protectAll?: boolean;
}

export interface AgentSummary {
  sid: string;
  contactUri: string;
}

export class FlexRoster extends pulumi.ComponentResource {
  /** Workspace friendly name or SID, as the roster (or the override) gives it; undefined: Flex's own. */
  readonly workspace: pulumi.Output<string | undefined>;
  /** email → { sid, contactUri } */
  readonly agents: pulumi.Output<Record<string, AgentSummary>>;
  readonly agentCount: pulumi.Output<number>;
  readonly protectedCount: pulumi.Output<number>;
  /** One child per agent, keyed by email. */
  readonly workers: Readonly<Record<string, FlexWorker>>;

  constructor(name: string, args: FlexRosterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(FLEX_ROSTER_TYPE, name, {}, opts);
    const declared = declareRoster(this, args);
    this.workers = declared.workers;
    this.workspace = declared.outputs.workspace;
    this.agents = declared.outputs.agents;
    this.agentCount = declared.outputs.agentCount;
    this.protectedCount = declared.outputs.protectedCount;
    this.registerOutputs(declared.outputs);
  }
}

/** A FlexRoster's outputs, as every language sees them. */
export interface RosterOutputs {
  workspace: pulumi.Output<string | undefined>;
  agents: pulumi.Output<Record<string, AgentSummary>>;
  agentCount: pulumi.Output<number>;
  protectedCount: pulumi.Output<number>;
}

/**
 * Loads the roster and declares one FlexWorker per agent under `parent`. The one
 * body of FlexRoster, shared with the FlexRoster served to other languages
 * (./served.ts), so a worker has the same URN, inputs and provider either way.
 */
export function declareRoster(parent: pulumi.ComponentResource, args: FlexRosterArgs): { workers: Record<string, FlexWorker>; outputs: RosterOutputs } {
  const roster = resolveRoster(args.roster, args.team);
  const workspace = args.workspace ?? roster.workspace;
  const workers: Record<string, FlexWorker> = {};
  withoutStackTraces(() => {
    for (const agent of roster.agents) {
      workers[agent.email] = new FlexWorker(agent.identity, desiredWorker(workspace, agent), {
        parent,
        protect: agent.protect || args.protectAll === true,
        aliases: [legacyAlias(agent)],
      });
    }
  });
  // One output over all workers: an output per agent cost about 13 KB more per
  // worker in the program's heap (2,000 workers, Pulumi's mocks).
  const list = Object.entries(workers);
  const agents = pulumi.all([pulumi.all(list.map(([, w]) => w.id)), pulumi.all(list.map(([, w]) => w.contactUri))]).apply(([sids, uris]) => {
    const out: Record<string, AgentSummary> = {};
    list.forEach(([email], i) => (out[email] = { sid: sids[i]!, contactUri: uris[i]! }));
    return out;
  });
  return {
    workers,
    outputs: {
      workspace: pulumi.output(workspace),
      agents,
      agentCount: pulumi.output(roster.agents.length),
      protectedCount: pulumi.output(roster.agents.filter((a) => a.protect || args.protectAll === true).length),
    },
  };
}

/**
 * Runs `register` with V8's stack traces off, then restores the limit.
 *
 * While a resource registers, the Pulumi SDK records a formatted stack trace
 * (`new Error().stack`) for each of the four promises behind every output
 * property: about 50 per worker, source-mapped under TypeScript. Measured with
 * 2,000 workers under Pulumi's mocks, that was half the program's CPU time
 * (15.2 s, 8.3 s without). The SDK's own source position of each resource is
 * taken with an unlimited stack and is kept. Errors thrown while registering
 * lose their stack, not their message.
 */
export function withoutStackTraces<T>(register: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return register();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Before FlexRoster, each worker was a top-level resource named by its identity.
 * This alias moves such a worker under the component without a replacement.
 */
function legacyAlias(agent: AgentSpec): pulumi.Input<string> {
  return pulumi.createUrn(agent.identity, WORKER_TYPE);
}

function resolveRoster(roster: string | Roster, team: string | undefined): Roster {
  const chosen = team?.trim() ? team : undefined;
  if (typeof roster !== "string") {
    if (chosen) throw new pulumi.RunError(`team "${chosen}" selects a file of a roster folder; give the folder's path as \`roster\`, not a loaded roster`);
    return roster;
  }
  try {
    if (isRosterFolder(roster)) return selectTeam(loadRosterFolder(roster), chosen ?? "");
    if (chosen) {
      throw new RosterError(roster, [
        { file: roster, line: 0, column: 0, path: "", message: `is a roster file, but team "${chosen}" is set: a team selects a file of a roster folder` },
      ]);
    }
    return loadRoster(roster);
  } catch (err) {
    // A bad roster stops the run before any resource is registered: nothing is written to Twilio or to state.
    if (err instanceof RosterError) throw new pulumi.RunError(err.message);
    throw err;
  }
}
