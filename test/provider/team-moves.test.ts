// The provider in a stack of a roster folder (flex-roster:roster = the folder,
// flex-roster:team = this stack's team), against the emulator: delete keeps a
// worker whose agent another team file now lists (that team's stack adopts it)
// and deletes the others; check cites the team file's lines. The whole move
// between two stacks is test/e2e/split-stacks.test.ts.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Emulator } from "../../emulator";
import { desiredWorker } from "../../src/flex/worker-model";
import { WorkerProvider } from "../../src/provider/worker-impl";
import { loadRosterFolder } from "../../src/roster";
import type { TaskRouter } from "../../src/twilio/taskrouter";
import { emulatorTaskRouter } from "../../testing/emulator-client";
import { useEmulator } from "../../testing/emulator-fixture";
import { rosterYaml } from "../../testing/roster-builders";

let emu: Emulator;
let tr: TaskRouter;
let base: string;
let folder: string;

/** The worker of `email` as the folder's team files declare it. */
const desired = (email: string) => {
  const agent = loadRosterFolder(folder).teams.flatMap((t) => t.roster.agents).find((a) => a.email === email)!;
  return desiredWorker("Flex Task Assignment", agent);
};
const live = async () => (await tr.client.twilio.taskrouter.v1.workspaces(emu.workspaceSid).workers.list()).map((w) => w.friendlyName).sort();

async function teamProvider(team: string): Promise<WorkerProvider> {
  const p = new WorkerProvider(tr);
  const config: Record<string, string> = { "flex-roster:roster": folder, "flex-roster:team": team };
  await p.configure({ config: { get: (k: string) => config[k] } } as never);
  return p;
}

useEmulator((e) => (emu = e));
beforeEach(() => {
  tr = emulatorTaskRouter(emu);
  base = mkdtempSync(join(tmpdir(), "flex-roster-teams-"));
  folder = join(base, "roster.d");
  mkdirSync(folder);
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

describe("a team stack's provider", () => {
  it("does not delete a worker another team file lists, and deletes one no team lists", async () => {
    writeFileSync(join(folder, "a.yaml"), rosterYaml([{ email: "ann@acme.com" }, { email: "bob@acme.com" }, { email: "cid@acme.com" }]));
    writeFileSync(join(folder, "b.yaml"), rosterYaml([{ email: "dan@acme.com" }]));
    const a = await teamProvider("a");
    const bob = await a.create(desired("bob@acme.com"));
    const cid = await a.create(desired("cid@acme.com"));
    // bob moves from team a to team b; cid leaves.
    writeFileSync(join(folder, "a.yaml"), rosterYaml([{ email: "ann@acme.com" }]));
    writeFileSync(join(folder, "b.yaml"), rosterYaml([{ email: "dan@acme.com" }, { email: "bob@acme.com" }]));
    const logged: string[] = [];
    // Outside a Pulumi run the provider's notices go to stderr.
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((m: unknown) => (logged.push(String(m)), true));
    try {
      await a.delete(bob.id, bob.outs);
      await a.delete(cid.id, cid.outs);
    } finally {
      spy.mockRestore();
    }
    expect(await live()).toEqual(["bob_40acme_2Ecom"]);
    expect(logged.join("")).toContain(
      `bob@acme.com: worker ${bob.id} not deleted: the agent moved to team b (${join(folder, "b.yaml")}:4), whose stack manages it`,
    );
    // The same worker is deleted by team b's stack once no other file lists it.
    writeFileSync(join(folder, "b.yaml"), rosterYaml([{ email: "dan@acme.com" }]));
    await (await teamProvider("b")).delete(bob.id, bob.outs);
    expect(await live()).toEqual([]);
  });

  it("deletes nothing while the folder does not load", async () => {
    writeFileSync(join(folder, "a.yaml"), rosterYaml([{ email: "ann@acme.com" }]));
    const a = await teamProvider("a");
    const ann = await a.create(desired("ann@acme.com"));
    writeFileSync(join(folder, "b.yaml"), rosterYaml(["  - { email: bob@acme.com, channels: { chat: 99 } }\n"]));
    await expect(a.delete(ann.id, ann.outs)).rejects.toThrow(/b\.yaml:3:\d+ agents\[0\]\.channels\.chat: capacity must be/);
    expect(await live()).toEqual(["ann_40acme_2Ecom"]);
  });

  it("checks skills against Flex's catalogue with positions in the team's own file", async () => {
    writeFileSync(join(folder, "a.yaml"), rosterYaml([{ email: "ann@acme.com" }]));
    writeFileSync(join(folder, "b.yaml"), rosterYaml([{ email: "dan@acme.com", skills: ["salse"] }]));
    const res = await (await teamProvider("b")).check(undefined, desired("dan@acme.com"));
    expect(res.failures!.map((f) => f.reason)).toEqual([
      `${join(folder, "b.yaml")}:4:14 agents[0].skills[0]: unknown skill "salse": not in Flex's skill catalogue (taskrouter_skills) (did you mean "sales"?)`,
    ]);
  });
});
