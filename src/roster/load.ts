// Load a roster file: YAML → shape (zod) → cross-field checks → AgentSpecs.
// Every problem is collected with its file:line:column and roster path and
// thrown together as one RosterError.

import * as path from "node:path";
import { readFileSync, statSync } from "node:fs";
import type { Roster } from "../flex/types";
import { RosterError, type RosterIssue } from "./errors";
import { toAgentSpec } from "./normalize";
import { RosterFileSchema } from "./schema";
import { RosterSource, formatPath, type PathSegment } from "./source";
import { MAX_ALIASES, MAX_EXPANDED_VALUES, MAX_ROSTER_BYTES } from "./limits";
import { firstInvalidUtf8, visible } from "./text";
import { checkAgentSizes, crossCheck, reportZodIssues, type Report } from "./validate";


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
  if (text.length > MAX_ROSTER_BYTES) {
    throw new RosterError(file, [{ file, line: 0, column: 0, path: "", message: tooLarge(text.length) }]);
  }
  const source = new RosterSource(text);
  const found: { issue: RosterIssue; order: number }[] = [];
  const push = (path: readonly PathSegment[], message: string, pos: { line: number; column: number }) =>
    found.push({
      issue: { file, line: pos.line, column: pos.column, path: visible(formatPath(path)), message: visible(message) },
      order: found.length,
    });
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
  const { value: data, problems: valueProblems } = source.toValue({ maxAliases: MAX_ALIASES, maxNodes: MAX_EXPANDED_VALUES });
  for (const p of valueProblems) push(p.path, p.message, source.position(p.offset));
  if (data === undefined) fail();

  // 2. Shape, then checks across fields and agents, on the same raw value.
  const result = RosterFileSchema.safeParse(data);
  if (!result.success) reportZodIssues(result.error.issues, report);
  const agentLine = (index: number) => source.position(source.itemOffset(["agents", index]) ?? 0).line;
  crossCheck(data, agentLine, report);
  if (found.length > 0 || !result.success) fail();

  // 3. Defaults applied.
  const roster = result.data!;
  const agents = roster.agents.map((agent, index) => toAgentSpec(agent, roster.defaults ?? {}, agentLine(index), roster));
  // Limits on what the agent becomes once defaults are applied (attributes size).
  checkAgentSizes(roster.workspace ?? "", agents, report);
  if (found.length > 0) fail();
  const out: Roster = { file, agents };
  // Without a workspace the provider uses the Flex Configuration's taskrouter_workspace_sid.
  if (roster.workspace !== undefined) out.workspace = roster.workspace;
  if (roster.allowEmptyQueues !== undefined) out.allowEmptyQueues = [...roster.allowEmptyQueues];
  return out;
}

function tooLarge(size: number): string {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `the roster is ${mb(size)}, over the limit of ${mb(MAX_ROSTER_BYTES)}`;
}

/** Line of byte `offset` in `buf` (1-based). */
function lineAt(buf: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) line++;
  return line;
}

/**
 * Roster text from the file's bytes: UTF-8 (a UTF-8 byte-order mark is
 * dropped). UTF-16 and other encodings are reported, not decoded into garbage.
 */
export function decodeRoster(buf: Uint8Array, file: string): string {
  const fail = (line: number, message: string): never => {
    throw new RosterError(file, [{ file, line, column: line ? 1 : 0, path: "", message }]);
  };
  const utf16 =
    (buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff)
      ? "it starts with a UTF-16 byte-order mark"
      : undefined;
  if (utf16) fail(0, `not UTF-8: ${utf16}; save the roster as UTF-8`);
  const nul = buf.indexOf(0);
  if (nul >= 0) fail(lineAt(buf, nul), "not UTF-8: the file contains NUL bytes (UTF-16 or a binary file?); save the roster as UTF-8");
  const bad = firstInvalidUtf8(buf);
  if (bad >= 0) {
    const byte = buf[bad].toString(16).toUpperCase().padStart(2, "0");
    fail(lineAt(buf, bad), `not UTF-8: invalid byte 0x${byte} (Latin-1 or Windows-1252?); save the roster as UTF-8`);
  }
  const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  return Buffer.from(buf.buffer, buf.byteOffset + start, buf.byteLength - start).toString("utf8");
}

/** Read and parse a roster file (synchronously). A missing or unreadable file is a RosterError too. */
export function loadRoster(file: string, opts: { baseDir?: string } = {}): Roster {
  return parseRoster(readRosterText(file, opts), file);
}

/**
 * A roster file's text (synchronously), decoded as loadRoster does. A missing,
 * unreadable, oversized or non-UTF-8 file is a RosterError.
 */
export function readRosterText(file: string, opts: { baseDir?: string } = {}): string {
  if (!file.trim()) {
    throw new RosterError("", [
      { file: "", line: 0, column: 0, path: "", message: "the roster path is empty: set `flex-roster:roster` to the roster file, e.g. roster.yaml" },
    ]);
  }
  let buf: Buffer;
  try {
    // Messages cite `file` as the user wrote it; reading resolves it against baseDir.
    const where = opts.baseDir ? path.resolve(opts.baseDir, file) : file;
    if (statSync(where).size > MAX_ROSTER_BYTES) {
      throw new RosterError(file, [{ file, line: 0, column: 0, path: "", message: tooLarge(statSync(where).size) }]);
    }
    buf = readFileSync(where);
  } catch (e) {
    if (e instanceof RosterError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? "roster file not found"
        : code === "EISDIR"
          ? "is a directory, not a roster file (a folder of team files is loaded with loadRosterFolder, or by FlexRoster with a team)"
          : code === "EACCES"
            ? "roster file is not readable (permission denied)"
            : `cannot read roster file (${code ?? (e as Error).message})`;
    throw new RosterError(file, [{ file, line: 0, column: 0, path: "", message }]);
  }
  return decodeRoster(buf, file);
}
