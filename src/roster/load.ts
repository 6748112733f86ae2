// Load a roster file: YAML → shape (zod) → cross-field checks → AgentSpecs.
// Every problem is collected with its file:line:column and roster path and
// thrown together as one RosterError.

import * as path from "node:path";
import { readFileSync } from "node:fs";
import type { AgentSpec, Roster } from "../flex/types";
import { RosterError, type RosterIssue } from "./errors";
import { toAgentSpec } from "./normalize";
import { RosterFileSchema } from "./schema";
import { RosterSource, formatPath, type PathSegment } from "./source";
import { crossCheck, reportZodIssues, type Report } from "./validate";

/** Guard against alias bombs; a real roster has a handful of aliases at most. */
const MAX_ALIAS_COUNT = 1000;

function yamlMessage(code: string, message: string, path: readonly PathSegment[]): string {
  if (code === "DUPLICATE_KEY") {
    const key = path[path.length - 1];
    return key === undefined ? "duplicate key" : `duplicate key "${key}" (each key may appear once in a mapping)`;
  }
  if (code === "UNRESOLVED_ALIAS") return message;
  return `invalid YAML: ${message}`;
}

/**
 * Parse and validate roster text. `file` names the roster in messages and in
 * the result. Throws RosterError listing every problem.
 */
export function parseRoster(text: string, file: string): Roster {
  const source = new RosterSource(text);
  const found: { issue: RosterIssue; order: number }[] = [];
  const push = (path: readonly PathSegment[], message: string, pos: { line: number; column: number }) =>
    found.push({ issue: { file, line: pos.line, column: pos.column, path: formatPath(path), message }, order: found.length });
  const report: Report = (path, message, atKey = false) => push(path, message, source.locate(path, atKey));
  const fail = (): never => {
    const issues = found
      .sort((a, b) => a.issue.line - b.issue.line || a.issue.column - b.issue.column || a.order - b.order)
      .map((f) => f.issue);
    throw new RosterError(file, issues);
  };

  // 1. YAML. Duplicate keys leave a usable document (the last value wins, as
  //    in toJS), so validation goes on; any other YAML error stops here.
  const problems = source.problems();
  for (const problem of problems) {
    const path = source.pathAt(problem.offset);
    push(path, yamlMessage(problem.code, problem.message, path), source.position(problem.offset));
  }
  if (problems.some((p) => p.code !== "DUPLICATE_KEY")) fail();
  if (source.doc.contents === null) {
    push([], "the roster is empty: it needs workspace and agents", { line: 1, column: 1 });
    fail();
  }
  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    push([], `invalid YAML: ${(e as Error).message}`, { line: 1, column: 1 });
    fail();
  }

  // 2. Shape, then checks across fields and agents, on the same raw value.
  const result = RosterFileSchema.safeParse(data);
  if (!result.success) reportZodIssues(result.error.issues, report);
  const agentLine = (index: number) => source.position(source.itemOffset(["agents", index]) ?? 0).line;
  crossCheck(data, agentLine, report);
  if (found.length > 0 || !result.success) fail();

  // 3. Defaults applied.
  const roster = result.data!;
  // Roster-wide settings, carried by each agent only when not the default.
  const settings: Pick<AgentSpec, "identityProvider" | "contactUriOnCreate" | "repair"> = {};
  if (roster.identityProvider === "sso") settings.identityProvider = "sso";
  if (roster.contactUri === "leave-to-flex") settings.contactUriOnCreate = "leave-to-flex";
  if (roster.repair === "in-place") settings.repair = "in-place";
  const out: Roster = {
    file,
    agents: roster.agents.map((agent, index) => ({
      ...toAgentSpec(agent, roster.defaults ?? {}, agentLine(index)),
      ...settings,
    })),
  };
  // Without a workspace the provider uses the Flex Configuration's taskrouter_workspace_sid.
  if (roster.workspace !== undefined) out.workspace = roster.workspace;
  return out;
}

/** Read and parse a roster file (synchronously). A missing or unreadable file is a RosterError too. */
export function loadRoster(file: string, opts: { baseDir?: string } = {}): Roster {
  let text: string;
  try {
    // Messages cite `file` as the user wrote it; reading resolves it against baseDir.
    text = readFileSync(opts.baseDir ? path.resolve(opts.baseDir, file) : file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? "roster file not found"
        : code === "EISDIR"
          ? "is a directory, not a roster file"
          : code === "EACCES"
            ? "roster file is not readable (permission denied)"
            : `cannot read roster file (${code ?? (e as Error).message})`;
    throw new RosterError(file, [{ file, line: 0, column: 0, path: "", message }]);
  }
  return parseRoster(text, file);
}
