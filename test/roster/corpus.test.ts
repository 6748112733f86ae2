// The bad-roster corpus (test/fixtures/bad-rosters.ts) against the loader,
// and the YAML limits that must scale.

import { describe, expect, it } from "vitest";
import { RosterError, parseRoster } from "../../src/roster";
import { decodeRoster } from "../../src/roster/load";
import { aliasRoster, mergeRoster } from "../../bench/roster-yaml";
import { CORPUS } from "../fixtures/bad-rosters";

const H = "workspace: Flex Task Assignment\nagents:\n";

function firstIssue(yaml: string | Uint8Array): { at: string; message: string; count: number; error: RosterError } {
  try {
    parseRoster(typeof yaml === "string" ? yaml : decodeRoster(yaml, "roster.yaml"), "roster.yaml");
  } catch (e) {
    if (!(e instanceof RosterError)) throw e;
    const i = e.issues[0];
    const where = i.line > 0 ? `${i.file}:${i.line}:${i.column}` : i.file;
    return { at: i.path ? `${where} ${i.path}` : where, message: i.message, count: e.issues.length, error: e };
  }
  throw new Error("expected a RosterError");
}

describe("bad-roster corpus", () => {
  it("has at least 60 cases", () => expect(CORPUS.length).toBeGreaterThanOrEqual(60));

  it.each(CORPUS)("$name", ({ yaml, at, says, count }) => {
    const got = firstIssue(yaml);
    expect(got.at).toBe(at);
    expect(got.message).toContain(says);
    if (count !== undefined) expect(got.count).toBe(count);
  });
});

// Seconds on an idle machine; the generous timeout is for a loaded 2-core CI box.
describe("limits that scale", { timeout: 180_000 }, () => {
  it("15,000 agents sharing defaults through `<<: *base` load, with the merged fields", () => {
    const roster = parseRoster(mergeRoster(15_000), "big.yaml");
    expect(roster.agents).toHaveLength(15_000);
    expect(roster.agents[14_999].channels).toEqual({ chat: { capacity: 2, available: true } });
  });

  it("8,000 aliases load (one per agent)", () => {
    expect(parseRoster(aliasRoster(8_000), "big.yaml").agents[7_999].roles).toEqual(["agent"]);
  });

  it("caps the listed errors at 50 and counts the rest", () => {
    const yaml = H + Array.from({ length: 120 }, (_, i) => `  - email: a${i}@b.c\n    channels: { chat: 60 }\n`).join("");
    const e = firstIssue(yaml).error;
    expect(e.issues).toHaveLength(120);
    const lines = e.message.split("\n");
    expect(lines[0]).toBe("Invalid roster roster.yaml (120 errors):");
    expect(lines).toHaveLength(52);
    expect(lines[51]).toBe("... and 70 more errors");
  });

  it("an empty roster path says which setting to fix", async () => {
    const { loadRoster } = await import("../../src/roster");
    expect(() => loadRoster("")).toThrow(
      "Invalid roster (1 error):\nthe roster path is empty: set `flex-roster:roster` to the roster file, e.g. roster.yaml",
    );
  });

  it("a UTF-8 byte-order mark is accepted", () => {
    const text = decodeRoster(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(H + "  - email: a@b.c\n")]), "r.yaml");
    expect(parseRoster(text, "r.yaml").agents[0].line).toBe(3);
  });
});
