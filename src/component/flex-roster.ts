// FlexRoster: a roster as one Pulumi component. One child FlexWorker per agent;
// outputs the agents' worker SIDs and contact URIs.

import * as pulumi from "@pulumi/pulumi";
import type { AgentSpec, Roster } from "../flex/types";
import { desiredWorker } from "../flex/worker-model";
import { FlexWorker } from "../provider/worker";
import { loadRoster, RosterError } from "../roster";

export const FLEX_ROSTER_TYPE = "flex-roster:index:FlexRoster";
/** Type of every worker; with no parent this was the URN of workers before FlexRoster existed. */
export const WORKER_TYPE = "pulumi-nodejs:dynamic/flex-roster:Worker";

export interface FlexRosterArgs {
  /**
   * A roster YAML file, relative to the working directory (Pulumi runs a program
   * in its project directory), or a roster already loaded with `loadRoster` /
   * `parseRoster`.
   */
  roster: string | Roster;
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
    const roster = resolveRoster(args.roster);
    const workspace = args.workspace ?? roster.workspace;
    const workers: Record<string, FlexWorker> = {};
    for (const agent of roster.agents) {
      workers[agent.email] = new FlexWorker(agent.identity, desiredWorker(workspace, agent), {
        parent: this,
        protect: agent.protect || args.protectAll === true,
        aliases: [legacyAlias(agent)],
      });
    }
    this.workers = workers;
    this.workspace = pulumi.output(workspace);
    const summaries: Record<string, pulumi.Output<AgentSummary>> = {};
    for (const [email, w] of Object.entries(workers)) summaries[email] = pulumi.output({ sid: w.id, contactUri: w.contactUri });
    this.agents = pulumi.output(summaries);
    this.agentCount = pulumi.output(roster.agents.length);
    this.protectedCount = pulumi.output(roster.agents.filter((a) => a.protect || args.protectAll === true).length);
    this.registerOutputs({
      workspace: this.workspace,
      agents: this.agents,
      agentCount: this.agentCount,
      protectedCount: this.protectedCount,
    });
  }
}

/**
 * Before FlexRoster, each worker was a top-level resource named by its identity.
 * This alias moves such a worker under the component without a replacement.
 */
function legacyAlias(agent: AgentSpec): pulumi.Input<string> {
  return pulumi.createUrn(agent.identity, WORKER_TYPE);
}

function resolveRoster(roster: string | Roster): Roster {
  if (typeof roster !== "string") return roster;
  try {
    return loadRoster(roster);
  } catch (err) {
    // A bad roster stops the run before any resource is registered: nothing is written to Twilio or to state.
    if (err instanceof RosterError) throw new pulumi.RunError(err.message);
    throw err;
  }
}
