// The roster of one stack (stack config `flex-roster:roster`, and with a roster
// folder `flex-roster:team`) as the provider process sees it. The program has
// loaded and checked it already; the provider only asks two questions of it:
// the catalogue problems of an agent (to name file and line in check) and, in a
// folder's stack, which other team's file lists a worker it would delete. Each
// file is read at most once per process, and only when a question needs it.

import type { FlexSkill } from "../flex/types";
import { catalogueIssues } from "./catalogue";
import type { RosterIssue } from "./errors";
import { isRosterFolder, loadRosterFolder, otherTeamListing, stackRosterFile, type AgentListing, type RosterFolder } from "./folder";
import { parseRoster, readRosterText } from "./load";
import { RosterSource } from "./source";
import { nameKey } from "../flex/identity";

interface LoadOptions {
  /** Where `roster` is relative to: the Pulumi project directory (default: the working directory). */
  baseDir?: string;
}

export class StackRoster {
  /** This stack's file, parsed; null when there is none or it cannot be read here. */
  private own?: { file: string; source: RosterSource } | null;
  private issues?: { catalogue: readonly FlexSkill[] | undefined; byEmail: Map<string, RosterIssue[]> };
  /** The folder, for moves; null when the stack's roster is not a folder with a team. */
  private folder?: RosterFolder | null;
  private order?: readonly string[] | null;

  constructor(
    private readonly roster: string | undefined,
    private readonly team: string | undefined,
    private readonly opts: LoadOptions = {},
  ) {}

  /**
   * The catalogue problems of the agent with this email, each at its file, line
   * and column; undefined when the stack's roster file cannot be read here (the
   * caller then checks the inputs alone). A problem in `defaults` is given to the
   * first agent that inherits it.
   */
  catalogueIssuesOf(email: string, catalogue: readonly FlexSkill[] | undefined): RosterIssue[] | undefined {
    const own = this.ownFile();
    if (!own) return undefined;
    if (!this.issues || this.issues.catalogue !== catalogue) this.issues = { catalogue, byEmail: catalogueIssues(own.source, own.file, catalogue) };
    return this.issues.byEmail.get(nameKey(email)) ?? [];
  }

  /**
   * In a stack of a roster folder: the other team whose file now lists the worker
   * named `identity` (ignoring case), which that team's stack keeps; undefined in
   * a stack of one roster file. A folder that does not load throws, so nothing is
   * deleted while it cannot be told whether the agent moved.
   */
  movedTo(identity: string): AgentListing | undefined {
    if (this.folder === undefined) {
      const isFolder = !!this.roster && !!this.team?.trim() && isRosterFolder(this.roster, this.opts);
      this.folder = isFolder ? loadRosterFolder(this.roster!, this.opts) : null;
    }
    return this.folder ? otherTeamListing(this.folder, this.team!, identity) : undefined;
  }

  /**
   * The identities of this stack's agents in roster order, the order the program
   * declares their workers and the engine checks them; undefined when the file
   * cannot be read or does not load here.
   */
  agentOrder(): readonly string[] | undefined {
    if (this.order === undefined) {
      const file = stackRosterFile(this.roster, this.team, this.opts);
      try {
        this.order = file ? parseRoster(readRosterText(file, this.opts), file).agents.map((a) => a.identity) : null;
      } catch {
        this.order = null;
      }
    }
    return this.order ?? undefined;
  }

  private ownFile(): { file: string; source: RosterSource } | undefined {
    if (this.own === undefined) {
      const file = stackRosterFile(this.roster, this.team, this.opts);
      try {
        this.own = file ? { file, source: new RosterSource(readRosterText(file, this.opts)) } : null;
      } catch {
        this.own = null;
      }
    }
    return this.own ?? undefined;
  }
}
