import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentSpec } from "../../src/flex/types";
import { RosterError, formatPath, loadRoster, parseRoster } from "../../src/roster";
import { closest, editDistance } from "../../src/roster/suggest";

const FIXTURES = join(__dirname, "..", "fixtures", "rosters");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

/** The RosterError thrown by parseRoster, or a test failure. */
function rosterError(text: string, file = "roster.yaml"): RosterError {
  try {
    parseRoster(text, file);
  } catch (e) {
    if (e instanceof RosterError) return e;
    throw e;
  }
  throw new Error("expected parseRoster to throw RosterError");
}

/** Issues as `line:column path: message` strings (file left out). */
function issueLines(text: string): string[] {
  return rosterError(text).issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`);
}

function onlyAgent(text: string): AgentSpec {
  const roster = parseRoster(text, "roster.yaml");
  expect(roster.agents).toHaveLength(1);
  return roster.agents[0];
}

describe("valid roster fixture", () => {
  const roster = parseRoster(fixture("valid.yaml"), "rosters/valid.yaml");

  it("keeps the file name and workspace", () => {
    expect(roster.file).toBe("rosters/valid.yaml");
    expect(roster.workspace).toBe("Flex Task Assignment");
    expect(roster.agents).toHaveLength(10);
  });

  it("gives every agent its entry line and a distinct identity", () => {
    expect(roster.agents.map((a) => [a.line, a.email, a.identity])).toEqual([
      [14, "bob@acme.com", "bob_40acme_2Ecom"],
      [23, "Maria.Garcia+support@acme-corp.com", "Maria_2EGarcia_2Bsupport_40acme_2Dcorp_2Ecom"],
      [28, "jean-luc.picard@acme-corp.com", "jean_2Dluc_2Epicard_40acme_2Dcorp_2Ecom"],
      [35, "Chen.Wei@Acme.com", "Chen_2EWei_40Acme_2Ecom"],
      [39, "o_connor_sean@acme.com", "o_5Fconnor_5Fsean_40acme_2Ecom"],
      [43, "priya.nair+night@acme-corp.com", "priya_2Enair_2Bnight_40acme_2Dcorp_2Ecom"],
      [49, "zoë.müller@acme.de", "zo_C3_AB_2Em_C3_BCller_40acme_2Ede"],
      [54, "admin.flex@acme.com", "admin_2Eflex_40acme_2Ecom"],
      [62, "TKowalski@acme.com", "TKowalski_40acme_2Ecom"],
      [68, "amara.okafor@acme-corp.com", "amara_2Eokafor_40acme_2Dcorp_2Ecom"],
    ]);
    for (const a of roster.agents) expect(a.contactUri).toBe(`client:${a.identity}`);
  });

  it("applies defaults to the fully specified agent", () => {
    expect(roster.agents[0]).toEqual({
      email: "bob@acme.com",
      identity: "bob_40acme_2Ecom",
      contactUri: "client:bob_40acme_2Ecom",
      fullName: "Bob Builder",
      roles: ["agent", "supervisor"],
      skills: ["sales", "support"],
      levels: { support: 3 },
      channels: { chat: { capacity: 3, available: true }, voice: { capacity: 1, available: true } },
      attributes: { location: "Lisbon", team: "emea-sales" },
      ownAllAttributes: false,
      protect: true,
      line: 14,
    } satisfies AgentSpec);
  });

  it("applies defaults to a sparse agent", () => {
    expect(roster.agents[1]).toEqual({
      email: "Maria.Garcia+support@acme-corp.com",
      identity: "Maria_2EGarcia_2Bsupport_40acme_2Dcorp_2Ecom",
      contactUri: "client:Maria_2EGarcia_2Bsupport_40acme_2Dcorp_2Ecom",
      fullName: "María García",
      roles: ["agent"],
      skills: ["support", "spanish"],
      levels: { support: 2, spanish: 5 },
      channels: { chat: { capacity: 2, available: true }, voice: { capacity: 1, available: true } },
      attributes: { location: "Lisbon", team: "emea" },
      ownAllAttributes: false,
      protect: false,
      line: 23,
    } satisfies AgentSpec);
  });

  it("normalizes both channel forms and custom channel names", () => {
    expect(roster.agents[2].channels).toEqual({
      chat: { capacity: 2, available: true },
      voice: { capacity: 1, available: false },
      sms: { capacity: 1, available: true },
    });
    expect(roster.agents[8].channels).toEqual({
      chat: { capacity: 4, available: true },
      voice: { capacity: 1, available: true },
      "whatsapp-eu": { capacity: 2, available: true },
    });
  });

  it("keeps an explicit identity for a non-ASCII username", () => {
    expect(roster.agents[6]).toMatchObject({
      email: "zoë.müller@acme.de",
      identity: "zo_C3_AB_2Em_C3_BCller_40acme_2Ede",
      attributes: { location: "Berlin", team: "dach" },
    });
  });

  it("lets an agent drop every skill and own its attributes", () => {
    expect(roster.agents[7]).toMatchObject({
      roles: ["admin"],
      skills: [],
      levels: {},
      channels: { chat: { capacity: 0, available: true }, voice: { capacity: 0, available: true } },
      ownAllAttributes: true,
      protect: true,
    });
  });

  it("accepts any role name and level 0", () => {
    expect(roster.agents[9]).toMatchObject({
      roles: ["agent", "wfo.quality_process_manager"],
      skills: ["support"],
      levels: { support: 0 },
    });
    expect(roster.agents[5].attributes).toEqual({ location: "Lisbon", team: "emea", shift: "night", languages: ["en", "hi", "ml"] });
  });
});

describe("defaults and normalization", () => {
  const cases: { name: string; yaml: string; expected: Partial<AgentSpec> }[] = [
    {
      name: "no defaults at all",
      yaml: "workspace: WS0123456789abcdef0123456789abcdef\nagents:\n  - email: ann@acme.com\n",
      expected: {
        email: "ann@acme.com",
        identity: "ann_40acme_2Ecom",
        contactUri: "client:ann_40acme_2Ecom",
        fullName: "ann@acme.com",
        roles: ["agent"],
        skills: [],
        levels: {},
        channels: {},
        attributes: {},
        ownAllAttributes: false,
        protect: false,
        line: 3,
      },
    },
    {
      name: "email and fullName are trimmed",
      yaml: 'workspace: W\nagents:\n  - email: "  ann@acme.com "\n    fullName: " Ann Lee "\n',
      expected: { email: "ann@acme.com", identity: "ann_40acme_2Ecom", fullName: "Ann Lee" },
    },
    {
      name: "default roles and skills apply when the agent gives none",
      yaml: "workspace: W\ndefaults: { roles: [supervisor], skills: [sales, support] }\nagents:\n  - email: ann@acme.com\n",
      expected: { roles: ["supervisor"], skills: ["sales", "support"] },
    },
    {
      name: "agent roles and skills replace the defaults",
      yaml: "workspace: W\ndefaults: { roles: [agent], skills: [sales, support] }\nagents:\n  - email: ann@acme.com\n    roles: [admin]\n    skills: [billing]\n",
      expected: { roles: ["admin"], skills: ["billing"] },
    },
    {
      name: "levels merge key-wise, agent wins, defaults only for the agent's skills",
      yaml:
        "workspace: W\ndefaults: { skills: [sales], levels: { sales: 1, support: 4, billing: 2 } }\n" +
        "agents:\n  - email: ann@acme.com\n    skills: [support, sales]\n    levels: { support: 7 }\n",
      expected: { skills: ["support", "sales"], levels: { sales: 1, support: 7 } },
    },
    {
      name: "channels merge key-wise, agent wins",
      yaml:
        "workspace: W\ndefaults: { channels: { chat: 2, voice: { capacity: 1, available: false } } }\n" +
        "agents:\n  - email: ann@acme.com\n    channels: { voice: 1, sms: { capacity: 3, available: false } }\n",
      expected: {
        channels: {
          chat: { capacity: 2, available: true },
          voice: { capacity: 1, available: true },
          sms: { capacity: 3, available: false },
        },
      },
    },
    {
      name: "attributes merge shallowly, agent wins",
      yaml:
        "workspace: W\ndefaults: { attributes: { team: emea, location: { city: Lisbon, floor: 2 } } }\n" +
        "agents:\n  - email: ann@acme.com\n    attributes: { location: { city: Porto }, manager: null }\n",
      expected: { attributes: { team: "emea", location: { city: "Porto" }, manager: null } },
    },
    {
      name: "ownAttributes and protect come from defaults",
      yaml: "workspace: W\ndefaults: { ownAttributes: true, protect: true }\nagents:\n  - email: ann@acme.com\n",
      expected: { ownAllAttributes: true, protect: true },
    },
    {
      name: "the agent overrides ownAttributes and protect",
      yaml:
        "workspace: W\ndefaults: { ownAttributes: true, protect: true }\n" +
        "agents:\n  - email: ann@acme.com\n    ownAttributes: false\n    protect: false\n",
      expected: { ownAllAttributes: false, protect: false },
    },
    {
      name: "explicit identity is used for contact_uri",
      yaml: "workspace: W\nagents:\n  - email: ann.lee\n    identity: ann_2Elee_2Dlegacy\n",
      expected: { email: "ann.lee", identity: "ann_2Elee_2Dlegacy", contactUri: "client:ann_2Elee_2Dlegacy" },
    },
    {
      name: "a YAML merge key shares settings between agents",
      yaml:
        "workspace: W\n" +
        "agents:\n  - &base\n    email: ann@acme.com\n    skills: [sales]\n    channels: { chat: 4 }\n" +
        "  - <<: *base\n    email: bo@acme.com\n",
      expected: { email: "bo@acme.com", skills: ["sales"], channels: { chat: { capacity: 4, available: true } }, line: 7 },
    },
  ];

  it.each(cases)("$name", ({ yaml, expected }) => {
    const roster = parseRoster(yaml, "roster.yaml");
    expect(roster.agents[roster.agents.length - 1]).toMatchObject(expected);
  });

  it("does not share objects between agents or with the defaults", () => {
    const roster = parseRoster(
      "workspace: W\ndefaults: { attributes: { tags: [a] }, channels: { chat: 1 } }\nagents:\n  - email: a@x.io\n  - email: b@x.io\n",
      "roster.yaml",
    );
    const [a, b] = roster.agents;
    (a.attributes.tags as string[]).push("b");
    a.channels.chat.capacity = 9;
    expect(b.attributes).toEqual({ tags: ["a"] });
    expect(b.channels.chat).toEqual({ capacity: 1, available: true });
  });

  it("accepts an empty agents list", () => {
    expect(parseRoster("workspace: W\nagents: []\n", "r.yaml")).toEqual({ file: "r.yaml", workspace: "W", agents: [] });
  });

  it("trims the workspace", () => {
    expect(onlyAgent("workspace: '  Flex Task Assignment '\nagents: [{ email: a@x.io }]\n").line).toBe(2);
    expect(parseRoster("workspace: '  Flex Task Assignment '\nagents: []\n", "r.yaml").workspace).toBe("Flex Task Assignment");
  });
});

describe("invalid roster fixtures: every error at once, with positions", () => {
  const cases: { file: string; message: string[] }[] = [
    {
      file: "typo-key.yaml",
      message: [
        "Invalid roster typo-key.yaml (3 errors):",
        'typo-key.yaml:4:5 agents[0].fullname: unknown key "fullname" (did you mean "fullName"?)',
        'typo-key.yaml:5:5 agents[0].skils: unknown key "skils" (did you mean "skills"?)',
        'typo-key.yaml:6:5 agents[0].team: unknown key "team" (known keys: email, fullName, identity, roles, skills, levels, channels, attributes, ownAttributes, protect; custom worker attributes go under "attributes")',
      ],
    },
    {
      file: "bad-capacity.yaml",
      message: [
        "Invalid roster bad-capacity.yaml (6 errors):",
        "bad-capacity.yaml:3:31 defaults.channels.voice: capacity must be an integer between 0 and 50 (got -1)",
        "bad-capacity.yaml:8:13 agents[1].channels.chat: capacity must be an integer between 0 and 50 (got 60)",
        "bad-capacity.yaml:9:26 agents[1].channels.voice.capacity: capacity must be an integer between 0 and 50 (got 1.5)",
        'bad-capacity.yaml:10:12 agents[1].channels.sms.capacity: missing required key "capacity"',
        'bad-capacity.yaml:11:7 agents[1].channels.Email: invalid task channel name "Email": use the task channel\'s unique name (lowercase letters, digits, "_" and "-"), e.g. voice, chat, sms',
        'bad-capacity.yaml:12:14 agents[1].channels.video: channel must be a capacity (integer 0..50) or a mapping { capacity, available } (got "lots")',
      ],
    },
    {
      file: "duplicate-agents.yaml",
      message: [
        "Invalid roster duplicate-agents.yaml (2 errors):",
        'duplicate-agents.yaml:6:12 agents[2].email: duplicate agent: email "Bob@Acme.com" is also used by agents[0] at line 3 (emails are compared ignoring case)',
        'duplicate-agents.yaml:9:15 agents[3].identity: duplicate agent: identity "bob_40acme_2Ecom" is also the identity of agents[0] at line 3 (identities are compared ignoring case)',
      ],
    },
    {
      file: "bad-yaml.yaml",
      message: [
        "Invalid roster bad-yaml.yaml (1 error):",
        "bad-yaml.yaml:5:3 agents: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
      ],
    },
    {
      file: "duplicate-keys.yaml",
      message: [
        "Invalid roster duplicate-keys.yaml (2 errors):",
        'duplicate-keys.yaml:5:5 agents[0].skills: duplicate key "skills" (each key may appear once in a mapping)',
        'duplicate-keys.yaml:6:26 agents[0].channels.chat: duplicate key "chat" (each key may appear once in a mapping)',
      ],
    },
    {
      file: "missing-email.yaml",
      message: [
        "Invalid roster missing-email.yaml (2 errors):",
        'missing-email.yaml:4:5 agents[1].email: missing required key "email"',
        "missing-email.yaml:6:5 agents[2].email: email must be the agent's Flex username, a non-empty string without spaces (got an empty value)",
      ],
    },
    {
      file: "bad-levels.yaml",
      message: [
        "Invalid roster bad-levels.yaml (4 errors):",
        // 11 is for Flex's skill catalogue to judge (the provider's check), not the file
        "bad-levels.yaml:7:35 agents[0].levels.support: level must be a non-negative integer (the skill's range comes from Flex's skill catalogue) (got -1)",
        `bad-levels.yaml:9:15 agents[1].levels.billing: level for "billing", which is not one of the agent's skills (defaults.skills: support)`,
        `bad-levels.yaml:12:15 agents[2].levels.support: level for "support", which is not one of the agent's skills (the agent has no skills)`,
        "bad-levels.yaml:12:24 agents[2].levels.support: level must be a non-negative integer (the skill's range comes from Flex's skill catalogue) (got 2.5)",
      ],
    },
    {
      file: "non-ascii-email.yaml",
      message: [
        "Invalid roster non-ascii-email.yaml (1 error):",
        'non-ascii-email.yaml:3:12 agents[0].email: "josé.núñez@acme.es" contains non-ASCII characters (é ú ñ), so its Flex identity cannot be derived; add "identity" with the identity Flex uses for this user',
      ],
    },
    {
      file: "managed-attributes.yaml",
      message: [
        "Invalid roster managed-attributes.yaml (5 errors):",
        'managed-attributes.yaml:3:17 defaults.attributes.routing: "routing" is managed by the roster: use "skills" and "levels"',
        `managed-attributes.yaml:8:7 agents[0].attributes.contact_uri: "contact_uri" is managed by the roster: it is "client:" + the agent's identity; set "identity" if Flex's username is not the email`,
        'managed-attributes.yaml:9:7 agents[0].attributes.full_name: "full_name" is managed by the roster: use "fullName"',
        'managed-attributes.yaml:12:19 agents[1].attributes.roles: "roles" is managed by the roster: use "roles"',
        `managed-attributes.yaml:12:35 agents[1].attributes.email: "email" is managed by the roster: use the agent's "email" field`,
      ],
    },
  ];

  it.each(cases)("$file", ({ file, message }) => {
    const error = rosterError(fixture(file), file);
    expect(error.message).toBe(message.join("\n"));
    expect(error.issues).toHaveLength(message.length - 1);
    expect(error.file).toBe(file);
  });

  it("exposes structured issues", () => {
    const error = rosterError(fixture("bad-capacity.yaml"), "bad-capacity.yaml");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("RosterError");
    expect(error.issues[1]).toEqual({
      file: "bad-capacity.yaml",
      line: 8,
      column: 13,
      path: "agents[1].channels.chat",
      message: "capacity must be an integer between 0 and 50 (got 60)",
    });
  });
});

describe("inline error cases", () => {
  const cases: { name: string; yaml: string; issues: string[] }[] = [
    { name: "empty file", yaml: "", issues: ["1:1 : the roster is empty: it needs workspace and agents"] },
    {
      name: "comments only",
      yaml: "# nothing yet\n",
      issues: ["1:1 : the roster is empty: it needs workspace and agents"],
    },
    {
      name: "a list instead of a mapping",
      yaml: "- email: a@x.io\n",
      issues: ["1:1 : the roster must be a mapping with workspace, defaults and agents (got a list)"],
    },
    {
      // workspace may be left to the Flex Configuration (taskrouter_workspace_sid)
      name: "missing agents",
      yaml: "defaults: {}\n",
      issues: ['1:1 agents: missing required key "agents"'],
    },
    {
      name: "typo at the root",
      yaml: "workspace: W\nagent:\n  - email: a@x.io\n",
      issues: ['1:1 agents: missing required key "agents"', '2:1 agent: unknown key "agent" (did you mean "agents"?)'],
    },
    {
      name: "agent settings at the root",
      yaml: "workspace: W\nchannels: { chat: 1 }\nagents: []\n",
      issues: ['2:1 channels: unknown key "channels": agent settings go on each agent, or under "defaults" for all agents'],
    },
    {
      name: "per-agent keys in defaults",
      yaml: "workspace: W\ndefaults:\n  identity: x\n  fullName: X\n  skils: [a]\nagents: []\n",
      issues: [
        '3:3 defaults.identity: unknown key "identity": "identity" is set on each agent, it cannot have a default',
        '4:3 defaults.fullName: unknown key "fullName": "fullName" is set on each agent, it cannot have a default',
        '5:3 defaults.skils: unknown key "skils" (did you mean "skills"?)',
      ],
    },
    {
      name: "worker attribute names used as agent keys",
      yaml: "workspace: W\nagents:\n  - email: a@x.io\n    routing: {}\n    contact_uri: client:a\n",
      issues: [
        '4:5 agents[0].routing: unknown key "routing": "routing" is managed by the roster: use "skills" and "levels"',
        `5:5 agents[0].contact_uri: unknown key "contact_uri": "contact_uri" is managed by the roster: it is "client:" + the agent's identity; set "identity" if Flex's username is not the email`,
      ],
    },
    {
      name: "abbreviated channel key",
      yaml: "workspace: W\nagents:\n  - email: a@x.io\n    channels: { chat: { capacity: 1, avail: false } }\n",
      issues: ['4:38 agents[0].channels.chat.avail: unknown key "avail" (did you mean "available"?)'],
    },
    {
      name: "wrong scalar types",
      yaml:
        "workspace: 42\nagents:\n  - email: a@x.io\n    fullName: ''\n    protect: yes\n    ownAttributes: 1\n" +
        "    channels: { chat: { capacity: 2, available: 'no' } }\n",
      issues: [
        "1:12 workspace: workspace must be a TaskRouter workspace friendly name or WS... SID (got 42)",
        '4:15 agents[0].fullName: fullName must be a non-empty string (got "")',
        '5:14 agents[0].protect: protect must be true or false (got "yes")',
        "6:20 agents[0].ownAttributes: ownAttributes must be true or false (got 1)",
        `7:49 agents[0].channels.chat.available: available must be true or false (got "no")`,
      ],
    },
    {
      name: "bad lists",
      yaml:
        "workspace: W\nagents:\n  - email: a@x.io\n    roles: []\n    skills: [sales, sales, 3]\n" +
        "  - email: b@x.io\n    roles: agent\n    skills: [a, a]\n",
      issues: [
        "4:12 agents[0].roles: roles must be a non-empty list of Flex roles, e.g. [agent, supervisor] (got an empty list)",
        "5:28 agents[0].skills[2]: each skill must be a non-empty string (got 3)",
        '7:12 agents[1].roles: roles must be a non-empty list of Flex roles, e.g. [agent, supervisor] (got "agent")',
        '8:17 agents[1].skills[1]: duplicate skill "a"',
      ],
    },
    {
      name: "agent entries that are not mappings",
      yaml: "workspace: W\nagents:\n  - bob@acme.com\n  -\n",
      issues: [
        '3:5 agents[0]: each agent must be a mapping with at least "email", e.g. { email: bob@acme.com } (got "bob@acme.com")',
        '4:4 agents[1]: each agent must be a mapping with at least "email", e.g. { email: bob@acme.com } (got an empty value)',
      ],
    },
    {
      name: "email with whitespace and a bad identity",
      yaml: "workspace: W\nagents:\n  - email: Bob Builder\n  - email: ann@x.io\n    identity: ann@x.io\n",
      issues: [
        `3:12 agents[0].email: email must be the agent's Flex username, a non-empty string without spaces (got "Bob Builder")`,
        `5:15 agents[1].identity: identity must be Flex's encoding of the username: letters and digits, every other character as "_" and two upper-case hex digits, e.g. bob_40acme_2Ecom (got "ann@x.io")`,
      ],
    },
    {
      name: "non-JSON attribute values, with their nested path",
      yaml: 'workspace: W\nagents:\n  - email: a@x.io\n    attributes: { score: .inf, tags: [a, .nan], "my key": !!binary aGk= }\n',
      issues: [
        "4:26 agents[0].attributes.score: attribute values must be JSON: strings, numbers, true/false, null, lists and mappings (got .inf)",
        "4:42 agents[0].attributes.tags[1]: attribute values must be JSON: strings, numbers, true/false, null, lists and mappings (got .nan)",
        '4:68 agents[0].attributes["my key"]: attribute values must be JSON: strings, numbers, true/false, null, lists and mappings (got binary data)',
      ],
    },
    {
      name: "bad maps",
      yaml: "workspace: W\ndefaults:\n  levels: [1]\n  channels: 2\n  attributes: team\nagents: []\n",
      issues: [
        "3:11 defaults.levels: levels must be a mapping of skill name to level, e.g. { support: 3 } (got a list)",
        "4:13 defaults.channels: channels must be a mapping of task channel name to capacity, e.g. { chat: 2, voice: 1 } (got 2)",
        '5:15 defaults.attributes: attributes must be a mapping of extra worker attributes, e.g. { team: emea } (got "team")',
      ],
    },
    {
      name: "an error inside a YAML merge source points at the source, for each agent using it",
      yaml: "workspace: W\nagents:\n  - &base\n    email: a@x.io\n    chanels: { chat: 1 }\n  - <<: *base\n    email: b@x.io\n",
      issues: [
        '5:5 agents[0].chanels: unknown key "chanels" (did you mean "channels"?)',
        '5:5 agents[1].chanels: unknown key "chanels" (did you mean "channels"?)',
      ],
    },
    {
      name: "unterminated quote (reported where the file ends)",
      yaml: "workspace: W\nagents:\n  - email: 'a@x.io\n",
      issues: ["4:1 : invalid YAML: Missing closing 'quote"],
    },
    {
      name: "several YAML errors at once",
      yaml: "workspace: W\nagents:\n  - email: a@x.io\n    skills: [a\n  - email: b@x.io\nfoo: bar: baz\n",
      issues: [
        "5:3 agents: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
        "6:6 foo.bar: invalid YAML: Nested mappings are not allowed in compact mappings",
      ],
    },
    {
      name: "tab indentation",
      yaml: "workspace: W\nagents:\n\t- email: a@x.io\n",
      issues: ["3:1 : invalid YAML: Tabs are not allowed as indentation"],
    },
    {
      name: "alias without anchor",
      yaml: "workspace: W\nagents:\n  - email: a@x.io\n    fullName: *nope\n",
      issues: ["4:15 agents[0].fullName: unknown alias *nope (define the anchor &nope before using it)"],
    },
    {
      name: "two documents",
      yaml: "workspace: W\nagents: []\n---\nworkspace: X\n",
      issues: ["3:1 : invalid YAML: Source contains multiple documents; please use YAML.parseAllDocuments()"],
    },
  ];

  it.each(cases)("$name", ({ yaml, issues }) => {
    expect(issueLines(yaml)).toEqual(issues);
  });

  it("reports duplicate keys together with schema errors", () => {
    expect(issueLines("workspace: W\nworkspace: X\nagents:\n  - email: a@x.io\n    protect: 1\n")).toEqual([
      '2:1 workspace: duplicate key "workspace" (each key may appear once in a mapping)',
      "5:14 agents[0].protect: protect must be true or false (got 1)",
    ]);
  });

  it("reports problems of many agents in one error, in file order", () => {
    const agents = Array.from({ length: 12 }, (_, i) => `  - email: a${i}@x.io\n    channels: { chat: ${i % 2 ? 51 : 1} }\n`);
    const error = rosterError(`workspace: W\nagents:\n${agents.join("")}  - email: A1@x.io\n`);
    expect(error.message.split("\n")[0]).toBe("Invalid roster roster.yaml (7 errors):");
    expect(error.issues.map((i) => i.line)).toEqual([6, 10, 14, 18, 22, 26, 27]);
    expect(error.issues[6].message).toBe(
      'duplicate agent: email "A1@x.io" is also used by agents[1] at line 5 (emails are compared ignoring case)',
    );
  });

  it("formats issues without a path or position", () => {
    expect(rosterError("").message).toBe("Invalid roster roster.yaml (1 error):\nroster.yaml:1:1: the roster is empty: it needs workspace and agents");
  });
});

describe("loadRoster", () => {
  it("reads a file from disk", () => {
    const file = join(FIXTURES, "valid.yaml");
    const roster = loadRoster(file);
    expect(roster.file).toBe(file);
    expect(roster.agents).toHaveLength(10);
  });

  it("names the file in errors", () => {
    const file = join(FIXTURES, "typo-key.yaml");
    expect(() => loadRoster(file)).toThrowError(`Invalid roster ${file} (3 errors):\n${file}:4:5 agents[0].fullname:`);
  });

  it("reports a missing file as a RosterError", () => {
    const file = join(FIXTURES, "no-such-roster.yaml");
    let error: unknown;
    try {
      loadRoster(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RosterError);
    expect((error as RosterError).message).toBe(`Invalid roster ${file} (1 error):\n${file}: roster file not found`);
    expect((error as RosterError).issues).toEqual([{ file, line: 0, column: 0, path: "", message: "roster file not found" }]);
  });

  it("reports a directory as a RosterError", () => {
    expect(() => loadRoster(FIXTURES)).toThrowError(`${FIXTURES}: is a directory, not a roster file`);
  });
});

describe("helpers", () => {
  it.each([
    [[], ""],
    [["workspace"], "workspace"],
    [["agents", 2, "channels", "chat"], "agents[2].channels.chat"],
    [["agents", 0, "channels", "whatsapp-eu"], "agents[0].channels.whatsapp-eu"],
    [["agents", 0, "attributes", "my key"], 'agents[0].attributes["my key"]'],
    [["agents", 0, "attributes", "a.b"], 'agents[0].attributes["a.b"]'],
  ] as const)("formatPath %j", (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });

  it.each([
    ["skils", "skills"],
    ["Skills", "skills"],
    ["full_name", "fullName"],
    ["ownAllAttributes", "ownAttributes"],
    ["chanels", "channels"],
    ["attribute", "attributes"],
    ["avail", "available"],
    ["team", undefined],
    ["x", undefined],
  ])("closest(%s)", (key, expected) => {
    expect(closest(key, ["email", "fullName", "skills", "channels", "attributes", "ownAttributes", "available"])).toBe(expected);
  });

  it("counts a transposition as one edit", () => {
    expect(editDistance("sklils", "skills")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
});
