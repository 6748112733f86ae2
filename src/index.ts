// flex-roster's public API: `import { FlexRoster } from "flex-roster"`.
// Importing it registers nothing; a Pulumi program declares a FlexRoster (or
// single FlexWorkers) itself. This repository's own program is index.ts at the root.

export { FlexRoster, FLEX_ROSTER_TYPE, type AgentSummary, type FlexRosterArgs } from "./component/flex-roster";
export { WORKER_TYPE } from "./provider/resource-type";
export { FlexWorker, type FlexWorkerArgs } from "./provider/worker";

// Roster loading and validation.
export { loadRoster, parseRoster, RosterError, type RosterIssue } from "./roster";
// A roster split over a folder, one file (and one stack) per team: docs/scale.md, "Memory".
export { loadRosterFolder, selectTeam, type RosterFolder, type TeamRoster } from "./roster";
export type { AgentSpec, ChannelSpec, Roster } from "./flex/types";

// The pure core: identity encoding, canonical attributes, drift classification.
export { CONTACT_URI_PREFIX, contactUriFor, decodeFlexIdentity, flexIdentity, FlexIdentityError } from "./flex/identity";
export { canonicalAttributes, managedAttributes } from "./flex/attributes";
export { classify, classifyOwnIdentity, corruptions, inPlaceChanges, reasonsOf, type Drift, type DriftKind, type Finding, type HealthCode } from "./flex/drift";
export { desiredWorker, parseAttributes, type ChannelState, type WorkerInputs } from "./flex/worker-model";
