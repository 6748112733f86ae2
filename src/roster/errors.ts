// Roster validation errors. One RosterError carries every problem found in a
// roster file, each with its position, so the admin can fix them in one go.

import { MAX_LISTED_ERRORS } from "./limits";

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
  if (!where) return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
  return issue.path ? `${where} ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** Thrown by parseRoster/loadRoster when a roster is unusable. */
export class RosterError extends Error {
  readonly file: string;
  readonly issues: RosterIssue[];

  constructor(file: string, issues: RosterIssue[]) {
    const count = `${issues.length} ${issues.length === 1 ? "error" : "errors"}`;
    // A file with thousands of bad agents gives a readable message, not megabytes.
    const listed = issues.slice(0, MAX_LISTED_ERRORS).map(formatIssue);
    const more = issues.length - listed.length;
    if (more > 0) listed.push(`... and ${more} more ${more === 1 ? "error" : "errors"}`);
    super([`Invalid roster${file ? ` ${file}` : ""} (${count}):`, ...listed].join("\n"));
    this.name = "RosterError";
    this.file = file;
    this.issues = issues;
  }
}
