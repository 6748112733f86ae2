// flex-roster's public API: `import { FlexRoster } from "flex-roster"`.
// Importing it registers nothing; a Pulumi program declares a FlexRoster (or
// single FlexWorkers) itself. This repository's own program is index.ts at the root.
// The building blocks under it (identity encoding, attributes, the worker model,
// the health rule's parts) are `flex-roster/core` (src/core.ts).

export { FlexRoster, type AgentSummary, type FlexRosterArgs } from "./component/flex-roster";
export { FlexWorker, type FlexWorkerArgs } from "./provider/worker";

// Roster loading and validation.
export { loadRoster, parseRoster, RosterError, type RosterIssue } from "./roster";
// A roster split over a folder, one file (and one stack) per team: docs/scale.md, "Memory".
export { loadRosterFolder, selectTeam, type RosterFolder, type TeamRoster } from "./roster";
export type { AgentSpec, ChannelSpec, Roster } from "./flex/types";

// The one health rule: a worker's desired inputs against what Flex has.
export { classify, type Drift } from "./flex/drift";
export type { WorkerInputs } from "./flex/worker-model";
