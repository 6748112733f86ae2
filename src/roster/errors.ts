// Roster validation errors. One RosterError carries every problem found in a
// roster file, each with its position, so the admin can fix them in one go.

/** One problem in a roster file. */
export interface RosterIssue {
  /** The roster file, as the caller named it. */
  file: string;
  /** 1-based line; 0 when the problem is the file itself (e.g. it does not exist). */
  line: number;
  /** 1-based column; 0 when `line` is 0. */
  column: number;
  /** Field path in the roster, e.g. `agents[2].channels.chat`; "" for the document itself. */
  path: string;
  message: string;
}

/**
 * `roster.yaml:14:15 agents[2].channels.chat: capacity must be ...`.
 * Without a path: `roster.yaml:1:1: message`; without a position: `roster.yaml: message`.
 */
export function formatIssue(issue: RosterIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** Thrown by parseRoster/loadRoster when a roster is unusable. */
export class RosterError extends Error {
  readonly file: string;
  readonly issues: RosterIssue[];

  constructor(file: string, issues: RosterIssue[]) {
    const count = `${issues.length} ${issues.length === 1 ? "error" : "errors"}`;
    super([`Invalid roster ${file} (${count}):`, ...issues.map(formatIssue)].join("\n"));
    this.name = "RosterError";
    this.file = file;
    this.issues = issues;
  }
}
