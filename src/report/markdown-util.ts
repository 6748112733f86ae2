// Safe Markdown pieces for GitHub comments. Values come from a pull request
// (the roster) or from live Flex, so none of them may break out of a table
// cell, a code span or a code block, or inject HTML.

import { SECRET } from "./reasons";

/** Escape text for a GFM table cell (outside code spans). */
export function text(s: string): string {
  return s
    .replace(/([\\`*_[\]#~|])/g, "\\$1")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, " ");
}

/**
 * A code span that survives any content: a backtick fence longer than the
 * longest backtick run inside, `|` escaped for tables, newlines flattened.
 */
export function code(s: string, inTable = true): string {
  let flat = s.replace(/\r?\n/g, " ");
  if (inTable) flat = flat.replace(/\|/g, "\\|");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") || flat.trim() === "" ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block that no line of `body` can close. */
export function codeBlock(body: string, lang = "text"): string {
  const longest = Math.max(2, ...(body.match(/^`{3,}|~{3,}/gm) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}`;
}

export const MAX_VALUE_CHARS = 80;

/** A value as reviewers read it: strings bare, everything else compact JSON, long values cut. */
export function valueText(v: unknown, max = MAX_VALUE_CHARS): string {
  if (v === SECRET) return SECRET;
  let s = typeof v === "string" && v !== "" && v.trim() === v ? v : JSON.stringify(v) ?? String(v);
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return s;
}

/** A value in a table cell: missing is an italic word, anything else a code span. */
export function value(v: unknown): string {
  return v === undefined ? "_(missing)_" : code(valueText(v));
}
