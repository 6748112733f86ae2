// flex-roster: the Pulumi program. Load the roster → declare one worker per
// agent → export a summary. Everything else lives in the modules it imports.

import * as pulumi from "@pulumi/pulumi";
import { desiredWorker } from "./flex/worker-model";
import { FlexWorker } from "./provider/worker";
import { loadRoster, RosterError } from "./roster";

const config = new pulumi.Config("flex-roster");
const rosterFile = config.require("roster");

function load() {
  try {
    // Pulumi runs the program in the project directory (where Pulumi.yaml is), so a
    // relative path works as written and messages cite it as the user wrote it.
    return loadRoster(rosterFile);
  } catch (err) {
    // A bad roster stops the run before any resource is registered: nothing is written to Twilio or to state.
    if (err instanceof RosterError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

const roster = load();

const workers = roster.agents.map(
  (agent) =>
    [agent, new FlexWorker(agent.identity, desiredWorker(roster.workspace, agent), { protect: agent.protect })] as const,
);

/** email → { sid, contactUri } */
export const agents = Object.fromEntries(
  workers.map(([agent, w]) => [agent.email, { sid: w.id, contactUri: w.contactUri }]),
);
export const workspace = roster.workspace;
export const agentCount = roster.agents.length;
