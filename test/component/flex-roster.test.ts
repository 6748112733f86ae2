// The FlexRoster component under Pulumi's mocks: one child FlexWorker per agent,
// parented to the component, with the canonical inputs and the outputs it
// promises, and the same component as served to other languages. Aliases and real
// URNs are checked end to end (test/e2e/upgrade.test.ts).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const registered: pulumi.runtime.MockResourceArgs[] = [];

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        registered.push(args);
        // A worker's id is its SID; its outputs mirror the inputs (as the provider's read does).
        return { id: args.type.endsWith(":Worker") ? `WK${"0".repeat(31)}${registered.length}` : `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "flex-roster",
    "unit",
  );
});

const output = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe("FlexRoster", () => {
  it("declares one worker per agent under the component, with the outputs", async () => {
    const { FlexRoster, parseRoster } = await import("../../src");
    const roster = parseRoster(
      [
        "workspace: Flex Task Assignment",
        "agents:",
        "  - { email: bob@acme.com, fullName: Bob, protect: true }",
        "  - { email: maria@acme.com, fullName: Maria, channels: { chat: 3 } }",
      ].join("\n"),
      "team.yaml",
    );
    const team = new FlexRoster("team", { roster, workspace: "WS" + "e".repeat(32) });

    expect(Object.keys(team.workers)).toEqual(["bob@acme.com", "maria@acme.com"]);
    const urn = await output(team.workers["bob@acme.com"].urn);
    expect(urn).toBe("urn:pulumi:unit::flex-roster::flex-roster:index:FlexRoster$pulumi-nodejs:dynamic/flex-roster:Worker::bob_40acme_2Ecom");

    const agents = await output(team.agents);
    expect(agents["bob@acme.com"]).toEqual({ sid: expect.stringMatching(/^WK0+\d$/), contactUri: "client:bob_40acme_2Ecom" });
    expect(agents["maria@acme.com"].contactUri).toBe("client:maria_40acme_2Ecom");
    expect(await output(team.agentCount)).toBe(2);
    expect(await output(team.protectedCount)).toBe(1);
    expect(await output(team.workspace)).toBe("WS" + "e".repeat(32));

    const maria = registered.find((r) => r.name === "maria_40acme_2Ecom");
    expect(maria?.inputs).toMatchObject({ workspace: "WS" + "e".repeat(32), friendlyName: "maria_40acme_2Ecom", channels: { chat: 3 } });
    // The provider is stored as a require() of an installed package, not as inlined code
    // (in this source checkout the shim; an installed package stores "flex-roster/provider").
    expect(String(maria?.inputs.__provider)).toContain('require("@flex-roster/provider-shim/index.js")');
    expect(String(maria?.inputs.__provider)).not.toMatch(/twilio|TaskRouter|tsx/);
    expect(String(maria?.inputs.__provider).length).toBeLessThan(600);
  });

  it("a roster file with errors fails before any worker is declared, naming file and line", async () => {
    const { FlexRoster } = await import("../../src");
    const before = registered.length;
    expect(() => new FlexRoster("bad", { roster: "test/fixtures/rosters/does-not-exist.yaml" })).toThrow(
      /does-not-exist\.yaml.*roster file not found/s,
    );
    expect(registered.slice(before).filter((r) => r.type.endsWith(":Worker"))).toEqual([]);
  });

  it("with a roster folder, declares only its team's workers, after checking the whole folder", async () => {
    const { FlexRoster, parseRoster } = await import("../../src");
    const dir = mkdtempSync(path.join(tmpdir(), "flex-roster-teams-"));
    try {
      const team = (...emails: string[]) => `workspace: Flex Task Assignment\nagents:\n${emails.map((e) => `  - { email: ${e} }\n`).join("")}`;
      writeFileSync(path.join(dir, "sales.yaml"), team("bob@acme.com", "ann@acme.com"));
      writeFileSync(path.join(dir, "support.yaml"), team("cid@acme.com"));

      const before = registered.length;
      const sales = new FlexRoster("sales", { roster: dir, team: "sales" });
      expect(Object.keys(sales.workers)).toEqual(["bob@acme.com", "ann@acme.com"]);
      expect(Object.keys(await output(sales.agents))).toEqual(["bob@acme.com", "ann@acme.com"]); // registered by now
      expect(registered.slice(before).filter((r) => r.type.endsWith(":Worker")).map((r) => r.name)).toEqual([
        "bob_40acme_2Ecom",
        "ann_40acme_2Ecom",
      ]);
      expect(await output(sales.agentCount)).toBe(2);

      // Without a team, with a team it does not have, or with a team for a single file: no worker.
      expect(() => new FlexRoster("none", { roster: dir })).toThrow(/choose this stack's team \(stack config `flex-roster:team`\), one of: sales, support/);
      expect(() => new FlexRoster("gone", { roster: dir, team: "billing" })).toThrow(/no team "billing" in the roster folder/);
      expect(() => new FlexRoster("file", { roster: path.join(dir, "sales.yaml"), team: "sales" })).toThrow(
        /sales\.yaml: is a roster file, but team "sales" is set/,
      );
      expect(() => new FlexRoster("loaded", { roster: parseRoster(team("eve@acme.com"), "eve.yaml"), team: "sales" })).toThrow(
        /team "sales" selects a file of a roster folder; give the folder's path as `roster`/,
      );
      // An agent in two team files stops every team's stack, naming both files.
      writeFileSync(path.join(dir, "support.yaml"), team("cid@acme.com", "bob@acme.com"));
      const mark = registered.length;
      expect(() => new FlexRoster("support", { roster: dir, team: "support" })).toThrow(
        /support\.yaml:4:\d+ agents\[1\]\.email: duplicate agent: email "bob@acme\.com" is also in .*sales\.yaml:3 \(team sales\)/,
      );
      expect(registered.slice(mark).filter((r) => r.type.endsWith(":Worker"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("registers workers without formatting a stack trace per output promise, and restores the limit", async () => {
    const { FlexRoster, parseRoster } = await import("../../src");
    const agents = Array.from({ length: 20 }, (_, i) => `  - { email: frames${i}@acme.com }`).join("\n");
    const roster = parseRoster(`workspace: Flex Task Assignment\nagents:\n${agents}\n`, "frames.yaml");
    // Every stack V8 formats passes through prepareStackTrace: count its frames.
    let frames = 0;
    const original = Error.prepareStackTrace;
    Error.stackTraceLimit = 17;
    Error.prepareStackTrace = (err, callsites) => {
      frames += callsites.length;
      return original ? original(err, callsites) : String(err);
    };
    try {
      new FlexRoster("frames", { roster });
    } finally {
      Error.prepareStackTrace = original;
    }
    // Left: the SDK's one source-position stack per resource (about a dozen
    // frames). With stack traces on, each worker formats about 50 stacks of
    // up to 17 frames here (about 500 frames per worker).
    expect(frames / 20).toBeLessThan(40);
    expect(Error.stackTraceLimit).toBe(17);
    expect(() => new FlexRoster("bad-frames", { roster: "test/fixtures/rosters/does-not-exist.yaml" })).toThrow(/roster file not found/);
    expect(Error.stackTraceLimit).toBe(17);
    Error.stackTraceLimit = 10;
  });
});

/** What the engine would see of each worker a component declared, keyed by worker name. */
async function workersOf(component: pulumi.ComponentResource & { agents: pulumi.Output<unknown> }, from: number) {
  await output(component.agents); // every worker is registered by then
  const parentUrn = await output(component.urn);
  const workers = registered.slice(from).filter((r) => r.type.endsWith(":Worker"));
  expect(workers.every((w) => String(w.inputs.__provider).length > 0)).toBe(true);
  return Object.fromEntries(workers.map((w) => [w.name, { type: w.type, parentType: parentUrn.split("::")[2], inputs: w.inputs, custom: w.custom }]));
}

describe("the FlexRoster served to other languages (src/component/served.ts)", () => {
  // From a roster path it declares the very workers the TypeScript FlexRoster declares
  // (names, type, parent type, inputs, provider, protection) with the same outputs.
  // The real plugin, schema and YAML program run end to end in test/languages/.
  const dir = mkdtempSync(path.join(tmpdir(), "flex-roster-served-"));
  const rosterFile = path.join(dir, "roster.yaml");
  writeFileSync(
    rosterFile,
    ["workspace: Flex Task Assignment", "agents:", "  - { email: bob@acme.com, fullName: Bob, protect: true }", "  - { email: maria@acme.com, channels: { chat: 3 } }", ""].join("\n"),
  );
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("declares the same workers and outputs as the TypeScript FlexRoster from the same roster path", async () => {
    const { FlexRoster } = await import("../../src");
    const { FlexRoster: Served } = await import("../../src/component/served");

    let mark = registered.length;
    const ts = new FlexRoster("ts", { roster: rosterFile, protectAll: false });
    const fromTs = await workersOf(ts, mark);
    mark = registered.length;
    const served = new Served("served", { roster: rosterFile, protectAll: false });
    const fromServed = await workersOf(served, mark);

    expect(Object.keys(fromServed)).toEqual(["bob_40acme_2Ecom", "maria_40acme_2Ecom"]);
    expect(fromServed).toEqual(fromTs);
    expect(fromServed.bob_40acme_2Ecom!.parentType).toBe("flex-roster:index:FlexRoster");
    // The same agents out (each component's workers got their own SIDs from the mocks).
    const uris = async (agents: pulumi.Output<Record<string, { contactUri: string }>>) => Object.entries(await output(agents)).map(([email, a]) => [email, a.contactUri]);
    expect(await uris(served.agents)).toEqual(await uris(ts.agents));
    expect(await output(served.agentCount)).toBe(2);
    expect(await output(served.protectedCount)).toBe(1);
    expect(await output(served.workspace)).toBe("Flex Task Assignment");
  });

  it("the plugin folder serves it under the package's name and version", () => {
    const root = path.join(__dirname, "../..");
    const read = (file: string) => JSON.parse(readFileSync(path.join(root, file), "utf8"));
    const plugin = read("plugin/package.json");
    expect({ name: plugin.name, version: plugin.version }).toEqual({ name: read("package.json").name, version: read("package.json").version });
    expect(readFileSync(path.join(root, "plugin/PulumiPlugin.yaml"), "utf8")).toMatch(/^runtime:\n  name: nodejs$/m);
    expect(readFileSync(path.join(root, "plugin/index.ts"), "utf8")).toContain('componentProviderHost({ name: "flex-roster", components: [FlexRoster]');
  });

  it("stops, before any worker, when the roster is not a plain path (an output, or a loaded roster)", async () => {
    const { FlexRoster: Served } = await import("../../src/component/served");
    const before = registered.length;
    expect(() => new Served("later", { roster: pulumi.output("roster.yaml") as unknown as string })).toThrow(/`roster` must be a plain path .*got an output/);
    expect(() => new Served("loaded", { roster: { agents: [] } as unknown as string })).toThrow(/`roster` must be a plain path .*got object/);
    expect(registered.slice(before).filter((r) => r.type.endsWith(":Worker"))).toEqual([]);
  });
});
