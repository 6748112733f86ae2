// This repository's Pulumi program: the first consumer of flex-roster's public
// API (src/index.ts, what `import ... from "flex-roster"` gives a consumer).
// The roster comes from stack config `flex-roster:roster`: one file, or a folder
// with one file per team and `flex-roster:team` naming this stack's (docs/scale.md).

import * as pulumi from "@pulumi/pulumi";
import { FlexRoster } from "./src";

const config = new pulumi.Config("flex-roster");
const roster = new FlexRoster("flex-roster", { roster: config.require("roster"), team: config.get("team") });

export const agents = roster.agents;
export const workspace = roster.workspace;
export const agentCount = roster.agentCount;
