// This repository's Pulumi program: the first consumer of flex-roster's public
// API (src/index.ts, what `import ... from "flex-roster"` gives a consumer).
// The roster file comes from stack config `flex-roster:roster`.

import * as pulumi from "@pulumi/pulumi";
import { FlexRoster } from "./src";

const config = new pulumi.Config("flex-roster");
const roster = new FlexRoster("flex-roster", { roster: config.require("roster") });

export const agents = roster.agents;
export const workspace = roster.workspace;
export const agentCount = roster.agentCount;
