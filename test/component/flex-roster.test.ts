// The FlexRoster component under Pulumi's mocks: one child FlexWorker per agent,
// parented to the component, with the canonical inputs and the outputs it
// promises. Aliases and real URNs are checked end to end (test/e2e/upgrade.test.ts).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";

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
