// A corpus of hostile and borderline rosters. Each case names the exact
// file:line:column and field of the first error and a part of its message;
// test/e2e/bad-roster.test.ts runs ten of them through the real CLI.

import { describe, expect, it } from "vitest";
import { RosterError, parseRoster } from "../../src/roster";
import { decodeRoster } from "../../src/roster/load";
import { aliasRoster, mergeRoster } from "../../bench/roster-yaml";

export interface BadRoster {
  name: string;
  /** Roster text, or raw bytes for encoding cases. */
  yaml: string | Uint8Array;
  /** `file:line:column field` of the first issue (`roster.yaml` for file-level issues). */
  at: string;
  /** A part of the first issue's message. */
  says: string;
  /** Total issues, when it matters. */
  count?: number;
}

const H = "workspace: Flex Task Assignment\nagents:\n";
const agent = (body: string) => H + body;
const long = (n: number, ch = "a") => ch.repeat(n);
const utf16 = (s: string, bom: boolean) => {
  const b = Buffer.from(s, "utf16le");
  return bom ? Buffer.concat([Buffer.from([0xff, 0xfe]), b]) : b;
};

export const CORPUS: BadRoster[] = [
  // identity: length and format
  { name: "75-char email: derived identity too long", yaml: agent("  - email: maria.garcia-lopez+support.team@acme-corporation.example.com\n"), at: "roster.yaml:3:12 agents[0].email", says: "the Flex identity derived from this email is 76 characters long (maria_2Egarcia_2Dlopez_2Bsupport_2Eteam_40acme_2Dcorporation_2Eexample_2Ecom); the limit is 64" },
  { name: "explicit identity of 65 chars", yaml: agent(`  - email: a@b.c\n    identity: ${long(65, "x")}\n`), at: "roster.yaml:4:15 agents[0].identity", says: "identity is 65 characters long; the limit is 64" },
  { name: "explicit identity of 64 chars passes length, fails nothing else", yaml: agent(`  - email: a@b.c\n    identity: ${long(64, "x")}\n  - email: x\n    identity: bad-one\n`), at: "roster.yaml:6:15 agents[1].identity", says: "identity must be Flex's encoding", count: 1 },
  { name: "identity with underscores Flex never produces", yaml: agent("  - email: bob@acme.com\n    identity: bob_acme_com\n"), at: "roster.yaml:4:15 agents[0].identity", says: '(got "bob_acme_com")' },
  { name: "identity with lower-case hex", yaml: agent("  - email: bob@acme.com\n    identity: bob_40acme_2ecom\n"), at: "roster.yaml:4:15 agents[0].identity", says: "two upper-case hex digits" },
  { name: "identity with a trailing underscore", yaml: agent("  - email: bob@acme.com\n    identity: bob_\n"), at: "roster.yaml:4:15 agents[0].identity", says: "identity must be Flex's encoding" },
  { name: "identity with one hex digit", yaml: agent("  - email: bob@acme.com\n    identity: bob_4\n"), at: "roster.yaml:4:15 agents[0].identity", says: "identity must be Flex's encoding" },
  { name: "identity with @", yaml: agent("  - email: bob@acme.com\n    identity: bob@acme.com\n"), at: "roster.yaml:4:15 agents[0].identity", says: '(got "bob@acme.com")' },
  { name: "identity as a number", yaml: agent("  - email: bob@acme.com\n    identity: 42\n"), at: "roster.yaml:4:15 agents[0].identity", says: "(got 42)" },
  { name: "identity empty", yaml: agent('  - email: bob@acme.com\n    identity: ""\n'), at: "roster.yaml:4:15 agents[0].identity", says: "identity must be Flex's encoding" },
  { name: "identity with a zero-width space", yaml: agent("  - email: bob@acme.com\n    identity: bob\u200b_40acme\n"), at: "roster.yaml:4:15 agents[0].identity", says: '(got "bob\\u200b_40acme")' },
  { name: "two identities differing in case", yaml: agent("  - email: a@x.io\n    identity: Bob\n  - email: b@x.io\n    identity: bob\n"), at: "roster.yaml:6:15 agents[1].identity", says: "duplicate agent" },

  // string lengths
  { name: "fullName of 100 KB", yaml: agent(`  - email: a@b.c\n    fullName: ${long(100_000)}\n`), at: "roster.yaml:4:15 agents[0].fullName", says: "fullName is 100000 characters long; the limit is 256" },
  { name: "fullName of 257 chars", yaml: agent(`  - email: a@b.c\n    fullName: ${long(257)}\n`), at: "roster.yaml:4:15 agents[0].fullName", says: "the limit is 256" },
  { name: "email of 255 chars", yaml: agent(`  - email: ${long(243)}@example.com\n    identity: abc\n`), at: "roster.yaml:3:12 agents[0].email", says: "email is 255 characters long; the limit is 254" },
  { name: "workspace name of 65 chars", yaml: `workspace: ${long(65)}\nagents: []\n`, at: "roster.yaml:1:12 workspace", says: "the workspace friendly name is 65 characters long; the limit is 64" },
  { name: "role name of 65 chars", yaml: agent(`  - email: a@b.c\n    roles: [${long(65)}]\n`), at: "roster.yaml:4:13 agents[0].roles[0]", says: "the role name is 65 characters long" },
  { name: "skill name of 65 chars", yaml: agent(`  - email: a@b.c\n    skills: [${long(65)}]\n`), at: "roster.yaml:4:14 agents[0].skills[0]", says: "the skill name is 65 characters long" },
  { name: "channel name of 65 chars", yaml: agent(`  - email: a@b.c\n    channels: { ${long(65)}: 1 }\n`), at: `roster.yaml:4:17 agents[0].channels.${long(65)}`, says: "task channel name is 65 characters long" },
  { name: "attribute key of 129 chars", yaml: agent(`  - email: a@b.c\n    attributes: { ${long(129)}: 1 }\n`), at: `roster.yaml:4:19 agents[0].attributes.${long(129)}`, says: "attribute key is 129 characters long; the limit is 128" },
  { name: "attributes JSON over 4096", yaml: agent(`  - email: a@b.c\n    attributes: { notes: ${long(5000)} }\n`), at: "roster.yaml:3:5 agents[0]", says: "would be 5" },
  { name: "skill level name of 65 chars", yaml: agent(`  - email: a@b.c\n    skills: [s]\n    levels: { ${long(65)}: 1 }\n`), at: `roster.yaml:5:15 agents[0].levels.${long(65)}`, says: "the skill name is 65 characters long" },

  // __proto__ and odd keys
  { name: "__proto__ attribute key", yaml: agent("  - email: a@b.c\n    attributes: { __proto__: { admin: true } }\n"), at: "roster.yaml:4:19 agents[0].attributes.__proto__", says: 'the key "__proto__" is not allowed' },
  { name: "__proto__ as an agent key", yaml: agent("  - email: a@b.c\n    __proto__: { roles: [admin] }\n"), at: "roster.yaml:4:5 agents[0].__proto__", says: 'the key "__proto__" is not allowed' },
  { name: "__proto__ at the root", yaml: "workspace: W\n__proto__: 1\nagents: []\n", at: "roster.yaml:2:1 __proto__", says: 'the key "__proto__" is not allowed' },
  { name: "__proto__ quoted in channels", yaml: agent('  - email: a@b.c\n    channels: { "__proto__": 2 }\n'), at: "roster.yaml:4:17 agents[0].channels.__proto__", says: 'the key "__proto__" is not allowed' },
  { name: "__proto__ inside a merge source", yaml: "workspace: W\ndefaults: &d { attributes: { __proto__: 1 } }\nagents: []\n", at: "roster.yaml:2:30 defaults.attributes.__proto__", says: 'the key "__proto__" is not allowed' },
  { name: "a mapping used as a key", yaml: agent("  - email: a@b.c\n    ? { a: 1 }\n    : x\n"), at: "roster.yaml:4:7 agents[0]", says: "a mapping key must be a plain string" },
  { name: "constructor key is ordinary (unknown key)", yaml: agent("  - email: a@b.c\n    constructor: 1\n"), at: "roster.yaml:4:5 agents[0].constructor", says: 'unknown key "constructor"' },

  // aliases and merges
  { name: "alias bomb (billion laughs)", yaml: "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n", at: "roster.yaml:7:17 g[3]", says: "YAML aliases expand the roster to more than 5000000 values at *f (an alias bomb?)" },
  { name: "too many aliases", yaml: "workspace: W\nx: &x 1\nl: [" + Array(100_001).fill("*x").join(",") + "]\nagents: []\n", at: "roster.yaml:3:300005 l[100000]", says: "too many YAML aliases: more than 100000" },
  { name: "alias without anchor", yaml: agent("  - email: a@b.c\n    roles: *nope\n"), at: "roster.yaml:4:12 agents[0].roles", says: "unknown alias *nope" },
  { name: "alias before its anchor", yaml: "workspace: W\ndefaults: { roles: *r }\nagents:\n  - { email: a@b.c, roles: &r [agent] }\n", at: "roster.yaml:2:20 defaults.roles", says: "unknown alias *r" },
  { name: "merge of a list", yaml: agent("  - email: a@b.c\n    attributes: { l: &l [1] }\n  - <<: *l\n    email: b@b.c\n"), at: "roster.yaml:5:9 agents[1]", says: "a merge key (<<) must refer to a mapping" },
  { name: "merge source with a bad capacity is reported where it is used", yaml: "workspace: W\ndefaults: &base { channels: { chat: 99 } }\nagents:\n  - <<: *base\n    email: a@b.c\n", at: "roster.yaml:2:37 defaults.channels.chat", says: "capacity must be an integer between 0 and 50 (got 99)" },
  { name: "merge brings an unknown key", yaml: "workspace: W\nbase: &b { skils: [x] }\nagents:\n  - { <<: *b, email: a@b.c }\n", at: "roster.yaml:2:1 base", says: 'unknown key "base"' },

  // encodings and invisible characters
  { name: "UTF-16 LE with BOM", yaml: utf16("workspace: W\nagents: []\n", true), at: "roster.yaml", says: "not UTF-8: it starts with a UTF-16 byte-order mark" },
  { name: "UTF-16 LE without BOM", yaml: utf16("workspace: W\nagents: []\n", false), at: "roster.yaml:1:1", says: "not UTF-8: the file contains NUL bytes" },
  { name: "UTF-16 BE with BOM", yaml: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from("w", "latin1")]), at: "roster.yaml", says: "UTF-16 byte-order mark" },
  { name: "Latin-1 byte on line 4", yaml: Buffer.from("workspace: W\nagents:\n  - email: a@b.c\n    fullName: Zo\xeb\n", "latin1"), at: "roster.yaml:4:1", says: "not UTF-8: invalid byte 0xEB" },
  { name: "truncated UTF-8 sequence at the end", yaml: Buffer.concat([Buffer.from("workspace: W\nagents: []\n# \n"), Buffer.from([0xe2, 0x82])]), at: "roster.yaml:4:1", says: "not UTF-8: invalid byte 0xE2" },
  { name: "overlong UTF-8 encoding", yaml: Buffer.concat([Buffer.from("workspace: "), Buffer.from([0xc0, 0xaf]), Buffer.from("\nagents: []\n")]), at: "roster.yaml:1:1", says: "invalid byte 0xC0" },
  { name: "zero-width space in an email", yaml: agent("  - email: bob\u200b@acme.com\n"), at: "roster.yaml:3:12 agents[0].email", says: "non-ASCII characters (\\u200b)" },
  { name: "NBSP in an email is whitespace", yaml: agent("  - email: bob\u00a0x@acme.com\n"), at: "roster.yaml:3:12 agents[0].email", says: '(got "bob\\u00a0x@acme.com")' },
  { name: "zero-width joiner in a key", yaml: agent("  - email: a@b.c\n    skills\u200d: [x]\n"), at: "roster.yaml:4:5 agents[0][\"skills\\u200d\"]", says: 'unknown key "skills\\u200d"' },
  { name: "right-to-left override in a channel name", yaml: agent("  - email: a@b.c\n    channels: { \"ch\u202eat\": 1 }\n"), at: 'roster.yaml:4:17 agents[0].channels["ch\\u202eat"]', says: 'invalid task channel name "ch\\u202eat"' },

  // shape and ranges
  { name: "capacity 51", yaml: agent("  - email: a@b.c\n    channels: { chat: 51 }\n"), at: "roster.yaml:4:23 agents[0].channels.chat", says: "(got 51)" },
  { name: "capacity -1", yaml: agent("  - email: a@b.c\n    channels: { chat: -1 }\n"), at: "roster.yaml:4:23 agents[0].channels.chat", says: "(got -1)" },
  { name: "capacity 1.5", yaml: agent("  - email: a@b.c\n    channels: { chat: 1.5 }\n"), at: "roster.yaml:4:23 agents[0].channels.chat", says: "capacity must be an integer" },
  { name: "level 11", yaml: agent("  - email: a@b.c\n    skills: [s]\n    levels: { s: 11 }\n"), at: "roster.yaml:5:18 agents[0].levels.s", says: "level must be an integer between 0 and 10" },
  { name: "level for a skill the agent lacks", yaml: agent("  - email: a@b.c\n    levels: { s: 1 }\n"), at: "roster.yaml:4:15 agents[0].levels.s", says: "which is not one of the agent's skills" },
  { name: "unknown key with a hint", yaml: agent("  - email: a@b.c\n    skils: [x]\n"), at: "roster.yaml:4:5 agents[0].skils", says: 'did you mean "skills"' },
  { name: "managed attribute contact_uri", yaml: agent("  - email: a@b.c\n    attributes: { contact_uri: client:x }\n"), at: "roster.yaml:4:19 agents[0].attributes.contact_uri", says: '"contact_uri" is managed by the roster' },
  { name: "missing email", yaml: agent("  - fullName: X\n"), at: "roster.yaml:3:5 agents[0].email", says: 'missing required key "email"' },
  { name: "email with a space", yaml: agent("  - email: bob builder@x.io\n"), at: "roster.yaml:3:12 agents[0].email", says: "without spaces" },
  { name: "duplicate email ignoring case", yaml: agent("  - email: a@b.c\n  - email: A@B.C\n"), at: "roster.yaml:4:12 agents[1].email", says: "duplicate agent" },
  { name: "non-ASCII email without identity", yaml: agent("  - email: zoë@acme.de\n"), at: "roster.yaml:3:12 agents[0].email", says: "contains non-ASCII characters (ë)" },
  { name: "empty roles", yaml: agent("  - email: a@b.c\n    roles: []\n"), at: "roster.yaml:4:12 agents[0].roles", says: "roles must be a non-empty list" },
  { name: "duplicate key", yaml: agent("  - email: a@b.c\n    email: b@b.c\n"), at: "roster.yaml:4:5 agents[0].email", says: 'duplicate key "email"' },
  { name: "agents is a mapping", yaml: "workspace: W\nagents: { a: 1 }\n", at: "roster.yaml:2:9 agents", says: "agents must be a list of agents" },
  { name: "tab indentation", yaml: "workspace: W\nagents:\n\t- email: a@b.c\n", at: "roster.yaml:3:1", says: "invalid YAML" },
  { name: "workspace missing", yaml: "agents: []\n", at: "roster.yaml:1:1 workspace", says: 'missing required key "workspace"' },
  { name: "attribute value .nan", yaml: agent("  - email: a@b.c\n    attributes: { x: .nan }\n"), at: "roster.yaml:4:22 agents[0].attributes.x", says: "attribute values must be JSON" },
  { name: "protect as a string", yaml: agent('  - email: a@b.c\n    protect: "yes"\n'), at: "roster.yaml:4:14 agents[0].protect", says: "protect must be true or false" },
];

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

describe("limits that scale", () => {
  it("15,000 agents sharing defaults through `<<: *base` load, with the merged fields", () => {
    const roster = parseRoster(mergeRoster(15_000), "big.yaml");
    expect(roster.agents).toHaveLength(15_000);
    expect(roster.agents[14_999].channels).toEqual({ chat: { capacity: 2, available: true } });
  });

  it("20,000 aliases load (one per agent)", () => {
    expect(parseRoster(aliasRoster(20_000), "big.yaml").agents[19_999].roles).toEqual(["agent"]);
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
