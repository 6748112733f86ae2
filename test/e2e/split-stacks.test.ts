// One workspace split over two stacks by a roster folder (docs/scale.md, "Memory"):
// roster.d/a.yaml and roster.d/b.yaml, stacks "e2e" (team a) and "b" (team b), one
// emulator. Two agents swap teams in one change and one leaves, then stack b runs
// first: for bob (a → b) the new stack adopts before the old one lets go, for eve
// (b → a) the old stack lets go first. Each keeps its worker and SID, nothing is
// duplicated, and both stacks then plan no changes.

import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createFlexStack, type FlexStack } from "../../testing/flex-stack";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";
import { AGENT_DEFAULTS, rosterYaml } from "../../testing/roster-builders";

const team = (...names: string[]) => rosterYaml(names.map((n) => ({ email: `${n}@acme.com`, fullName: n })), { defaults: AGENT_DEFAULTS });
const id = (name: string) => `${name}_40acme_2Ecom`;

let a: FlexStack;
let b: FlexStack;

beforeAll(async () => {
  await ensurePulumi();
  a = await createFlexStack({
    roster: "",
    files: { "roster.d/a.yaml": team("ann", "bob", "cid"), "roster.d/b.yaml": team("dan", "eve", "fay") },
    config: { "flex-roster:roster": "roster.d", "flex-roster:team": "a" },
  });
  b = await a.sibling("b", { "flex-roster:team": "b" });
}, ENSURE_PULUMI_TIMEOUT_MS);

afterAll(async () => {
  await a?.close();
});

const writeTeam = (name: string, yaml: string) => writeFile(path.join(a.dir, "roster.d", `${name}.yaml`), yaml);
/** Live workers: friendly name → SIDs (more than one would be a duplicate). */
async function live(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const w of await a.sdk.taskrouter.v1.workspaces(a.emulator.workspaceSid).workers.list()) (out[w.friendlyName] ??= []).push(w.sid);
  return out;
}
/** A stack's workers in state: friendly name → SID. */
async function held(stack: FlexStack): Promise<Record<string, string>> {
  return Object.fromEntries((await stack.workerResources()).map((r) => [r.outputs.friendlyName, r.id]));
}

it("moves agents between team stacks in either order without losing or duplicating a worker", async () => {
  // Team stacks are independent: CI may run them side by side.
  await Promise.all([a.ok(["up", "--yes", "--skip-preview"]), b.ok(["up", "--yes", "--skip-preview"])]);
  const before = await live();
  expect(Object.keys(before).sort()).toEqual(["ann", "bob", "cid", "dan", "eve", "fay"].map(id));
  const sid = (name: string) => before[id(name)][0];

  // bob a → b, eve b → a, cid leaves the workspace.
  await writeTeam("a", team("ann", "eve"));
  await writeTeam("b", team("dan", "fay", "bob"));

  const upB = await b.ok(["up", "--yes", "--skip-preview"]);
  expect(upB.stdout + upB.stderr).toContain(
    `eve@acme.com: worker ${sid("eve")} not deleted: the agent moved to team a (${path.join("roster.d", "a.yaml")}:6), whose stack manages it`,
  );
  // bob adopted by b, still held by a; eve held by nobody, but alive.
  expect(await held(b)).toEqual({ [id("dan")]: sid("dan"), [id("fay")]: sid("fay"), [id("bob")]: sid("bob") });
  expect(await live()).toEqual(before);

  const upA = await a.ok(["up", "--yes", "--skip-preview"]);
  expect(upA.stdout + upA.stderr).toContain(`bob@acme.com: worker ${sid("bob")} not deleted: the agent moved to team b`);
  expect(await held(a)).toEqual({ [id("ann")]: sid("ann"), [id("eve")]: sid("eve") });
  // Every worker kept its SID, one each; only cid, in no team file any more, is deleted.
  const { [id("cid")]: cid, ...kept } = before;
  expect(cid).toHaveLength(1);
  expect(await live()).toEqual(kept);

  // Both stacks are settled: a refreshing preview plans nothing in either.
  await Promise.all([a.ok(["preview", "--expect-no-changes"]), b.ok(["preview", "--expect-no-changes"])]);
}, 300_000);
