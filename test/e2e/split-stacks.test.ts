// One workspace split over two stacks by a roster folder (docs/scale.md, "Memory"):
// roster.d/a.yaml and roster.d/b.yaml, stacks "e2e" (team a) and "b" (team b), one
// emulator. Two agents swap teams in one change and one leaves, then stack b runs
// first: for bob (a → b) the new stack adopts before the old one lets go, for eve
// (b → a) the old stack lets go first. Each keeps its worker and SID, nothing is
// duplicated, and both stacks then plan no changes. Before that, flex-roster's
// preview of each stack tells a move from a removal: the report says where the
// agent went and the blast-radius guard (limit 0 here) counts only cid.

import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createFlexStack, type FlexStack } from "../../testing/flex-stack";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS, runFlexRosterReport } from "../../testing/pulumi-cli";
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
    // No removal allowed: a move must not count as one.
    config: { "flex-roster:roster": "roster.d", "flex-roster:team": "a", "flex-roster:maxRemovalDelta": "0" },
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
/** `flex-roster preview` of a stack: exit code, output and its JSON summary. */
const flexRosterPreview = (stack: FlexStack) =>
  runFlexRosterReport(["preview", "--stack", stack.name], path.join(path.dirname(stack.dir), `summary-${stack.name}.json`), {
    cwd: stack.dir,
    env: stack.env,
    timeoutMs: 5 * 60_000,
  });
const rows = (json: any) => json.agents.map((x: any) => [x.identity, x.action, x.reasons.map((r: any) => r.code), x.movedTo?.team]);
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

  // The PR check of each stack: a move is not a removal, cid leaving is.
  const [planA, planB] = await Promise.all([flexRosterPreview(a), flexRosterPreview(b)]);
  expect(planB.code, planB.describe()).toBe(0);
  expect(rows(planB.json)).toEqual([
    [id("eve"), "delete", ["moved-to-team"], "a"],
    [id("bob"), "create", ["new-agent"], undefined],
  ]);
  expect(planB.json.agents[0].movedTo).toEqual({ team: "a", file: path.join("roster.d", "a.yaml"), line: 6 });
  expect(planB.json.guard).toMatchObject({ status: "pass", removals: 0, deletes: 1, moves: 1, max: 0 });
  expect(planB.stdout).toContain("moved to team `a` (`roster.d/a.yaml:6`): kept in Flex");
  expect(planA.code, planA.describe()).toBe(3); // blocked: cid is removed, the limit is 0
  expect(rows(planA.json)).toEqual([
    [id("bob"), "delete", ["moved-to-team"], "b"],
    [id("cid"), "delete", ["removed-from-roster"], undefined],
    [id("eve"), "create", ["new-agent"], undefined],
  ]);
  expect(planA.json.guard).toMatchObject({ status: "blocked", removals: 1, deletes: 2, moves: 1 });

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
