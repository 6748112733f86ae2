// A roster split over a folder: one YAML file per team, each team its own
// Pulumi stack, so each run holds one team's workers rather than the whole
// workspace (docs/scale.md, "Memory"). Loading the folder checks every file as
// loadRoster does, then what spans files: an agent belongs to exactly one team
// file, and every file names the same workspace.

import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import type { AgentSpec, Roster } from "../flex/types";
import { RosterError, type RosterIssue } from "./errors";
import { loadRoster, parseRoster, readRosterText } from "./load";
import { RosterSource, formatPath, type PathSegment } from "./source";
import { nameKey, sameName } from "../flex/identity";

/** A team file: `<team>.yaml` or `<team>.yml`, not hidden (editors' swap and backup files start with a dot). */
const TEAM_FILE = /^([^.].*)\.ya?ml$/;

/** One team of a roster folder. */
export interface TeamRoster {
  /** The file name without `.yaml` / `.yml`; what `flex-roster:team` names. */
  team: string;
  /** Loaded and checked; `roster.file` is the folder joined with the file name. */
  roster: Roster;
}

/** A roster folder, its teams in file-name order. */
export interface RosterFolder {
  dir: string;
  teams: TeamRoster[];
}

/** Where an agent is listed: its team, file and line. */
export interface AgentListing {
  team: string;
  file: string;
  line: number;
}

interface LoadOptions {
  baseDir?: string;
}

const resolved = (p: string, opts: LoadOptions) => (opts.baseDir ? path.resolve(opts.baseDir, p) : p);

/** Whether `roster` (as stack config gives it) is a folder of team files rather than one roster file. */
export function isRosterFolder(roster: string, opts: LoadOptions = {}): boolean {
  try {
    return statSync(resolved(roster, opts)).isDirectory();
  } catch {
    return false; // loading it as a file reports what is wrong
  }
}

/** `sales.yaml` → `sales`; a bare team name is kept. */
export function teamName(team: string): string {
  return TEAM_FILE.exec(team.trim())?.[1] ?? team.trim();
}

/** The team files of `dir`: team name → file path (`dir` joined with the name, as the user wrote `dir`). */
function teamFiles(dir: string, opts: LoadOptions): { files: Map<string, string>; issues: RosterIssue[] } {
  const fail = (message: string): never => {
    throw new RosterError(dir, [{ file: dir, line: 0, column: 0, path: "", message }]);
  };
  let names: string[] = [];
  try {
    names = readdirSync(resolved(dir, opts), { withFileTypes: true })
      .filter((e) => e.isFile() && TEAM_FILE.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(code === "ENOENT" ? "roster folder not found" : code === "ENOTDIR" ? "is a file, not a roster folder" : `cannot read the roster folder (${code})`);
  }
  if (names.length === 0) fail("the roster folder has no team files (<team>.yaml or <team>.yml)");
  const files = new Map<string, string>();
  const issues: RosterIssue[] = [];
  for (const name of names) {
    const team = teamName(name);
    const file = path.join(dir, name);
    const other = files.get(team);
    if (other !== undefined) {
      issues.push({ file, line: 0, column: 0, path: "", message: `team "${team}" has two files, ${other} and ${file}: keep one` });
    } else {
      files.set(team, file);
    }
  }
  return { files, issues };
}

/**
 * Load every team file of a roster folder. Each file is checked as loadRoster
 * checks one roster; then no agent (email or identity, ignoring case) may be in
 * two files, and every file must name the same workspace. Throws one
 * RosterError with every problem of every file, each at its file:line:column.
 */
export function loadRosterFolder(dir: string, opts: LoadOptions = {}): RosterFolder {
  const { files, issues } = teamFiles(dir, opts);
  const loaded: (TeamRoster & { text: string })[] = [];
  for (const [team, file] of files) {
    try {
      const text = readRosterText(file, opts);
      loaded.push({ team, roster: parseRoster(text, file), text });
    } catch (err) {
      if (!(err instanceof RosterError)) throw err;
      issues.push(...err.issues);
    }
  }
  issues.push(...agentsInTwoTeams(loaded), ...workspaceMismatches(loaded));
  if (issues.length > 0) {
    const order = [...files.values()];
    issues.sort((a, b) => order.indexOf(a.file) - order.indexOf(b.file) || a.line - b.line || a.column - b.column);
    throw new RosterError(dir, issues);
  }
  return { dir, teams: loaded.map(({ team, roster }) => ({ team, roster })) };
}

/**
 * Every team of a folder as one roster (all agents, the folder's one workspace):
 * what a whole-workspace view such as `flex-roster doctor` compares with, since
 * the workers of every team share the workspace.
 */
export function wholeFolder(folder: RosterFolder): Roster {
  return {
    file: folder.dir,
    workspace: folder.teams[0]?.roster.workspace,
    agents: folder.teams.flatMap((t) => t.roster.agents),
  };
}

/** A roster file, or a roster folder read as one roster (see wholeFolder). */
export function loadRosterOrFolder(roster: string): Roster {
  return isRosterFolder(roster) ? wholeFolder(loadRosterFolder(roster)) : loadRoster(roster);
}

/** This stack's team of the folder; an unknown team is a RosterError listing the teams there are. */
export function selectTeam(folder: RosterFolder, team: string): Roster {
  const name = teamName(team);
  const found = folder.teams.find((t) => t.team === name);
  if (found) return found.roster;
  const known = folder.teams.map((t) => t.team).join(", ");
  const message = name
    ? `no team "${name}" in the roster folder (its teams: ${known}); a team is a file name without .yaml`
    : `is a folder of team rosters: choose this stack's team (stack config \`flex-roster:team\`), one of: ${known}`;
  throw new RosterError(folder.dir, [{ file: folder.dir, line: 0, column: 0, path: "", message }]);
}

/**
 * The team other than `team` whose file lists the worker named `identity`
 * (ignoring case, as adoption matches friendly names), or undefined. A worker
 * listed there is that team's stack's to keep: this stack must not delete it.
 */
export function otherTeamListing(folder: RosterFolder, team: string, identity: string): AgentListing | undefined {
  const own = teamName(team);
  for (const t of folder.teams) {
    if (t.team === own) continue;
    const agent = t.roster.agents.find((a) => sameName(a.identity, identity));
    if (agent) return { team: t.team, file: t.roster.file, line: agent.line };
  }
  return undefined;
}

/** The file of `team` in a roster folder, whether or not it loads; undefined when there is none. */
export function teamFile(dir: string, team: string, opts: LoadOptions = {}): string | undefined {
  try {
    return teamFiles(dir, opts).files.get(teamName(team));
  } catch {
    return undefined;
  }
}

function agentsInTwoTeams(teams: readonly (TeamRoster & { text: string })[]): RosterIssue[] {
  const issues: RosterIssue[] = [];
  const emails = new Map<string, { team: TeamRoster; agent: AgentSpec }>();
  const identities = new Map<string, { team: TeamRoster; agent: AgentSpec }>();
  for (const t of teams) {
    let source: RosterSource | undefined; // parsed again only to place an error
    const at = (segments: PathSegment[]): RosterIssue => {
      source ??= new RosterSource(t.text);
      const pos = source.locate(segments);
      return { file: t.roster.file, line: pos.line, column: pos.column, path: formatPath(segments), message: "" };
    };
    t.roster.agents.forEach((agent, index) => {
      const emailKey = nameKey(agent.email);
      const identityKey = nameKey(agent.identity);
      const sameEmail = emails.get(emailKey);
      const sameIdentity = identities.get(identityKey);
      const where = (seen: { team: TeamRoster; agent: AgentSpec }) => `${seen.team.roster.file}:${seen.agent.line} (team ${seen.team.team})`;
      const oneTeam = "an agent belongs to one team file; to move an agent, delete it from the old file in the same change";
      if (sameEmail) {
        issues.push({ ...at(["agents", index, "email"]), message: `duplicate agent: email "${agent.email}" is also in ${where(sameEmail)}; ${oneTeam}` });
      } else if (sameIdentity) {
        source ??= new RosterSource(t.text);
        const explicit = source.itemOffset(["agents", index, "identity"]) !== undefined;
        issues.push({
          ...at(["agents", index, explicit ? "identity" : "email"]),
          message: `duplicate agent: identity "${agent.identity}"${explicit ? "" : " (derived from the email)"} is also the identity of ${sameIdentity.agent.email} in ${where(sameIdentity)}; ${oneTeam}`,
        });
      }
      if (!emails.has(emailKey)) emails.set(emailKey, { team: t, agent });
      if (!identities.has(identityKey)) identities.set(identityKey, { team: t, agent });
    });
  }
  return issues;
}

/** Every file names the workspace of the first file, or all leave it to Flex. */
function workspaceMismatches(teams: readonly (TeamRoster & { text: string })[]): RosterIssue[] {
  const [first, ...rest] = teams;
  if (!first) return [];
  const locate = (t: TeamRoster & { text: string }) => new RosterSource(t.text).locate(["workspace"]);
  const named = (ws: string | undefined) => (ws === undefined ? "no workspace (Flex's own)" : `workspace "${ws}"`);
  const issues: RosterIssue[] = [];
  for (const t of rest) {
    if (t.roster.workspace === first.roster.workspace) continue;
    const pos = locate(t);
    const ref = first.roster.workspace === undefined ? first.roster.file : `${first.roster.file}:${locate(first).line}`;
    issues.push({
      file: t.roster.file,
      line: pos.line,
      column: pos.column,
      path: "workspace",
      message:
        `${named(t.roster.workspace)}, but ${ref} (team ${first.team}) names ${named(first.roster.workspace)}: ` +
        "every team file of a roster folder names the same workspace, written the same way",
    });
  }
  return issues;
}

/** The roster file of a stack for positions in messages: `roster` itself, or with a folder its team's file. */
export function stackRosterFile(roster: string | undefined, team: string | undefined, opts: LoadOptions = {}): string | undefined {
  if (!roster || !team?.trim()) return roster;
  return teamFile(roster, team, opts);
}
