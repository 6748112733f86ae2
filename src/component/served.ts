// FlexRoster as served to Pulumi YAML, Python, Go and .NET programs by the
// component provider in plugin/ (PulumiPlugin.yaml). Pulumi reads this class's
// declaration (dist/component/served.d.ts) to infer the package schema, and that
// inference cannot express everything the TypeScript FlexRoster takes or gives:
// - `roster` is a union there (a path, or a Roster loaded in TypeScript), and a
//   schema has no unions: here it is a path, the only form another language has;
// - `workers` maps emails to dynamic resources, which no schema can reference:
//   not served; `agents` carries each worker's SID and contact URI instead.
// Both classes call declareRoster, so the workers, their URNs and their plans are
// the same whichever language declared them.

import * as pulumi from "@pulumi/pulumi";
import type { AgentSummary } from "./flex-roster";
import { declareRoster, FLEX_ROSTER_TYPE } from "./flex-roster";

export interface ServedFlexRosterArgs {
  /**
   * Path of the roster YAML file, or of a folder with one file per team, relative
   * to the Pulumi project directory.
   */
  roster: string;
  /** With `roster` a folder: this stack's team, the name of its file without `.yaml`. */
  team?: string;
  /** Overrides the roster's `workspace` (friendly name or WS SID); both absent: the Flex Configuration's workspace. */
  workspace?: string;
  /** Protect every worker, in addition to agents with `protect: true`. */
  protectAll?: boolean;
}

/** A Flex roster: one TaskRouter worker per agent of a roster YAML file. */
export class FlexRoster extends pulumi.ComponentResource {
  /** Workspace friendly name or SID, as the roster (or the override) gives it; absent: Flex's own. */
  readonly workspace: pulumi.Output<string | undefined>;
  /** email → { sid, contactUri } of each agent's worker. */
  readonly agents: pulumi.Output<Record<string, AgentSummary>>;
  /** Number of agents (workers) in the roster. */
  readonly agentCount: pulumi.Output<number>;
  /** Number of protected workers. */
  readonly protectedCount: pulumi.Output<number>;

  constructor(name: string, args: ServedFlexRosterArgs, opts?: pulumi.ComponentResourceOptions) {
    super(FLEX_ROSTER_TYPE, name, {}, opts);
    // The roster is read while the program runs: a value known only after a deployment cannot name it.
    if (typeof args.roster !== "string") {
      throw new pulumi.RunError(`FlexRoster "${name}": \`roster\` must be a plain path (a string known before the deployment), got ${pulumi.Output.isInstance(args.roster) ? "an output" : typeof args.roster}`);
    }
    const { outputs } = declareRoster(this, args);
    this.workspace = outputs.workspace;
    this.agents = outputs.agents;
    this.agentCount = outputs.agentCount;
    this.protectedCount = outputs.protectedCount;
    this.registerOutputs(outputs);
  }
}
