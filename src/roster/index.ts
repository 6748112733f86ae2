export { RosterError, formatIssue, type RosterIssue } from "./errors";
export {
  isRosterFolder,
  loadRosterFolder,
  loadRosterOrFolder,
  otherTeamListing,
  selectTeam,
  stackRosterFile,
  teamFile,
  teamName,
  wholeFolder,
  type AgentListing,
  type RosterFolder,
  type TeamRoster,
} from "./folder";
export { loadRoster, parseRoster, readRosterText } from "./load";
export { StackRoster } from "./stack-roster";
export { DEFAULT_ROLES, effectiveSkills, toAgentSpec } from "./normalize";
export {
  AgentSchema,
  CAPACITY_MAX,
  CAPACITY_MIN,
  CHANNEL_NAME,
  ChannelSchema,
  DefaultsSchema,
  IDENTITY,
  LEVEL_MAX,
  LEVEL_MIN,
  MANAGED_ATTRIBUTES,
  RosterFileSchema,
  type AgentEntry,
  type DefaultsEntry,
  type RosterFile,
} from "./schema";
export { formatPath, type PathSegment } from "./source";
