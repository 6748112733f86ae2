// A roster split over a folder, one file per team (src/roster/folder.ts): each
// file checked as one roster, then the rules across files (one team per agent,
// one workspace), with every error at its file:line:column; the team selection
// and the "moved to another team" lookup the provider's delete relies on.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  loadRosterFolder,
  otherTeamListing,
  RosterError,
  selectTeam,
  stackRosterFile,
  StackRoster,
  type RosterFolder,
} from "../../src/roster";

let base: string;
const DIR = "roster.d";

function write(files: Record<string, string>) {
  mkdirSync(path.join(base, DIR), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(base, DIR, name), text);
}
const load = () => loadRosterFolder(DIR, { baseDir: base });

/** The folder's RosterError, as `file:line:column path: message` lines. */
function folderErrors(): string[] {
  try {
    load();
  } catch (e) {
    if (!(e instanceof RosterError)) throw e;
    expect(e.file).toBe(DIR);
    return e.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`);
  }
  throw new Error("expected loadRosterFolder to throw RosterError");
}

const team = (agents: string[], workspace = "Flex Task Assignment") =>
  [`workspace: ${workspace}`, agents.length ? "agents:" : "agents: []", ...agents.map((a) => `  - ${a}`), ""].join("\n");

beforeEach(() => {
  base = mkdtempSync(path.join(tmpdir(), "roster-folder-"));
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("loadRosterFolder", () => {
  it("loads one roster per team file, in file-name order, each checked and defaulted as one roster", () => {
    write({
      "sales.yaml": team(["{ email: bob@acme.com, fullName: Bob }", "{ email: ann@acme.com, fullName: Ann }"]),
      "billing.yml": "workspace: Flex Task Assignment\ndefaults: { channels: { chat: 2 } }\nagents:\n  - { email: eve@acme.com }\n",
      // not team files: hidden (an editor's), other extensions, folders
      ".sales.yaml.swp": "not yaml: [",
      "README.md": "# teams",
      "old.yaml.bak": "agents: [",
    });
    mkdirSync(path.join(base, DIR, "archive.yaml"));
    const folder = load();
    expect(folder.dir).toBe(DIR);
    expect(folder.teams.map((t) => t.team)).toEqual(["billing", "sales"]);
    expect(folder.teams.map((t) => t.roster.file)).toEqual([path.join(DIR, "billing.yml"), path.join(DIR, "sales.yaml")]);
    const [billing, sales] = folder.teams.map((t) => t.roster);
    expect(sales.agents.map((a) => [a.email, a.identity, a.line])).toEqual([
      ["bob@acme.com", "bob_40acme_2Ecom", 3],
      ["ann@acme.com", "ann_40acme_2Ecom", 4],
    ]);
    expect(billing.agents[0].channels).toEqual({ chat: { capacity: 2, available: true } });
    expect(billing.workspace).toBe("Flex Task Assignment");
  });

  it("rejects an agent listed in two team files, naming both files and lines (email ignoring case)", () => {
    write({
      "a.yaml": team(["{ email: ann@acme.com }", "{ email: bob@acme.com }"]),
      "b.yaml": team(["{ email: cid@acme.com }", "{ email: Bob@Acme.com }"]),
    });
    expect(folderErrors()).toEqual([
      `${DIR}/b.yaml:4:14 agents[1].email: duplicate agent: email "Bob@Acme.com" is also in ${DIR}/a.yaml:4 (team a); ` +
        "an agent belongs to one team file; to move an agent, delete it from the old file in the same change",
    ]);
  });

  it("rejects two agents of different teams with one identity (the worker's friendly name)", () => {
    write({
      "a.yaml": team(["{ email: bob@acme.com }"]),
      "b.yaml": team(["{ email: cid@acme.com }", "{ email: robert@acme.com, identity: bob_40acme_2Ecom }"]),
      "c.yaml": team(["{ email: BOB@acme.com }"]),
    });
    expect(folderErrors()).toEqual([
      `${DIR}/b.yaml:4:41 agents[1].identity: duplicate agent: identity "bob_40acme_2Ecom" is also the identity of bob@acme.com ` +
        `in ${DIR}/a.yaml:3 (team a); an agent belongs to one team file; to move an agent, delete it from the old file in the same change`,
      `${DIR}/c.yaml:3:14 agents[0].email: duplicate agent: email "BOB@acme.com" is also in ${DIR}/a.yaml:3 (team a); ` +
        "an agent belongs to one team file; to move an agent, delete it from the old file in the same change",
    ]);
  });

  it("rejects team files that name different workspaces, or some none", () => {
    write({
      "a.yaml": "# team a\nworkspace: Flex Task Assignment\nagents: []\n",
      "b.yaml": team([], "Sales Workspace"),
      "c.yaml": "agents: []\n",
      "d.yaml": team([]),
    });
    const same = "every team file of a roster folder names the same workspace, written the same way";
    expect(folderErrors()).toEqual([
      `${DIR}/b.yaml:1:12 workspace: workspace "Sales Workspace", but ${DIR}/a.yaml:2 (team a) names workspace "Flex Task Assignment": ${same}`,
      `${DIR}/c.yaml:1:1 workspace: no workspace (Flex's own), but ${DIR}/a.yaml:2 (team a) names workspace "Flex Task Assignment": ${same}`,
    ]);
  });

  it("reports every file's own errors at once, with the checks across the files that did load", () => {
    write({
      "a.yaml": team(["{ email: bob@acme.com, channels: { chat: 60 } }", "{ email: ann@acme.com }"]),
      "b.yaml": team(["{ email: cid@acme.com }", "{ email: cid@acme.com }"]),
      "c.yaml": team(["{ email: eve@acme.com }", "{ email: ann@acme.com }"]),
      "d.yaml": team(["{ email: eve@acme.com, skils: [sales] }"]),
      "e.yaml": team(["{ email: EVE@acme.com }"]),
    });
    expect(folderErrors()).toEqual([
      `${DIR}/a.yaml:3:46 agents[0].channels.chat: capacity must be an integer between 0 and 50 (got 60)`,
      `${DIR}/b.yaml:4:14 agents[1].email: duplicate agent: email "cid@acme.com" is also used by agents[0] at line 3 (emails are compared ignoring case)`,
      `${DIR}/d.yaml:3:28 agents[0].skils: unknown key "skils" (did you mean "skills"?)`,
      // a.yaml and d.yaml did not load, so c.yaml's ann and d.yaml's eve are not compared; e.yaml's eve is
      `${DIR}/e.yaml:3:14 agents[0].email: duplicate agent: email "EVE@acme.com" is also in ${DIR}/c.yaml:3 (team c); ` +
        "an agent belongs to one team file; to move an agent, delete it from the old file in the same change",
    ]);
  });

  it("rejects two files of one team, an empty folder and a missing one", () => {
    write({ "a.yaml": team([]), "a.yml": team([]) });
    expect(folderErrors()).toEqual([`${DIR}/a.yml:0:0 : team "a" has two files, ${DIR}/a.yaml and ${DIR}/a.yml: keep one`]);

    rmSync(path.join(base, DIR), { recursive: true });
    write({ "notes.txt": "" });
    expect(folderErrors()).toEqual([`${DIR}:0:0 : the roster folder has no team files (<team>.yaml or <team>.yml)`]);

    rmSync(path.join(base, DIR), { recursive: true });
    expect(folderErrors()).toEqual([`${DIR}:0:0 : roster folder not found`]);
  });
});

describe("selecting a stack's team", () => {
  let folder: RosterFolder;
  beforeEach(() => {
    write({ "sales.yaml": team(["{ email: bob@acme.com }"]), "support.yaml": team(["{ email: ann@acme.com }"]) });
    folder = load();
  });

  it("gives the team's roster, by name or file name", () => {
    expect(selectTeam(folder, "support").agents.map((a) => a.email)).toEqual(["ann@acme.com"]);
    expect(selectTeam(folder, "sales.yaml").file).toBe(path.join(DIR, "sales.yaml"));
  });

  it("names the teams there are when the team is unknown or not chosen", () => {
    expect(() => selectTeam(folder, "billing")).toThrowError(`${DIR}: no team "billing" in the roster folder (its teams: sales, support)`);
    expect(() => selectTeam(folder, " ")).toThrowError(
      `${DIR}: is a folder of team rosters: choose this stack's team (stack config \`flex-roster:team\`), one of: sales, support`,
    );
  });

  it("finds the other team that lists a worker, never the stack's own", () => {
    expect(otherTeamListing(folder, "sales", "ann_40acme_2Ecom")).toEqual({ team: "support", file: path.join(DIR, "support.yaml"), line: 3 });
    expect(otherTeamListing(folder, "sales", "ANN_40ACME_2ECOM")?.team).toBe("support");
    expect(otherTeamListing(folder, "sales", "bob_40acme_2Ecom")).toBeUndefined();
    expect(otherTeamListing(folder, "sales", "zed_40acme_2Ecom")).toBeUndefined();
  });

  it("names the file the provider reads for positions: the roster file, or the team's file", () => {
    expect(stackRosterFile("roster.yaml", undefined)).toBe("roster.yaml");
    expect(stackRosterFile("roster.yaml", "")).toBe("roster.yaml");
    expect(stackRosterFile(DIR, "support", { baseDir: base })).toBe(path.join(DIR, "support.yaml"));
    expect(stackRosterFile(DIR, "gone", { baseDir: base })).toBeUndefined();
  });
});

describe("StackRoster (what the provider asks of its stack's roster)", () => {
  const cwd = process.cwd();
  beforeEach(() => process.chdir(base));
  afterEach(() => process.chdir(cwd));

  it("says where a worker moved in a folder stack, and nothing for a single roster file", () => {
    write({ "a.yaml": team(["{ email: bob@acme.com }"]), "b.yaml": team(["{ email: ann@acme.com }"]) });
    writeFileSync(path.join(base, "roster.yaml"), team(["{ email: ann@acme.com }"]));
    expect(new StackRoster(DIR, "a").movedTo("ann_40acme_2Ecom")).toEqual({ team: "b", file: path.join(DIR, "b.yaml"), line: 3 });
    expect(new StackRoster(DIR, "a").movedTo("bob_40acme_2Ecom")).toBeUndefined();
    expect(new StackRoster("roster.yaml", undefined).movedTo("ann_40acme_2Ecom")).toBeUndefined();
    expect(new StackRoster(DIR, "").movedTo("ann_40acme_2Ecom")).toBeUndefined();
    // The team's own file may be gone (the team is being wound up): the others still count.
    rmSync(path.join(base, DIR, "a.yaml"));
    expect(new StackRoster(DIR, "a").movedTo("ann_40acme_2Ecom")?.team).toBe("b");
  });

  it("reads each file once per process: later answers come from the first read", () => {
    write({ "a.yaml": team(["{ email: bob@acme.com, skills: [sales, salse] }"]), "b.yaml": team(["{ email: ann@acme.com }"]) });
    const roster = new StackRoster(DIR, "a");
    const catalogue = [{ name: "sales", multivalue: true, minimum: 0, maximum: 10 }];
    const first = roster.catalogueIssuesOf("Bob@acme.com", catalogue);
    expect(first?.map((i) => `${i.file}:${i.line} ${i.path}`)).toEqual([`${path.join(DIR, "a.yaml")}:3 agents[0].skills[1]`]);
    expect(roster.movedTo("ann_40acme_2Ecom")?.team).toBe("b");
    // Files changed or gone after the first read change nothing for this process.
    rmSync(path.join(base, DIR), { recursive: true });
    expect(roster.catalogueIssuesOf("bob@acme.com", catalogue)).toEqual(first);
    expect(roster.movedTo("ann_40acme_2Ecom")?.team).toBe("b");
    // Unreadable here (another process's view): undefined, and the caller checks the inputs alone.
    expect(new StackRoster(DIR, "a").catalogueIssuesOf("bob@acme.com", catalogue)).toBeUndefined();
  });

  it("throws while the folder does not load, so nothing is deleted on a guess", () => {
    write({ "a.yaml": team([]), "b.yaml": team(["{ email: ann@acme.com, channels: { chat: 99 } }"]) });
    expect(() => new StackRoster(DIR, "a").movedTo("ann_40acme_2Ecom")).toThrowError(/b\.yaml:3:\d+ agents\[0\]\.channels\.chat/);
  });
});
