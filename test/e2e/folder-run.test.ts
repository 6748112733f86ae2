// `flex-roster preview | up | drift --roster roster.d`: a workspace split over
// three team stacks behaves as one (docs/scale.md, "The whole folder at once").
// Teams a and b have stacks, c does not: the first up creates it. Then one pull
// request moves bob from a to b and removes gus from c: the up that applies it
// writes ONE report (the one the PR's preview writes) showing bob once, as a
// move, and the one guard verdict (limit 1) counts gus alone. That up is
// killed (SIGKILL, the whole process tree) as soon as its first team is
// applied: b, which gains bob, goes before a, which loses him, so bob is held
// by a stack throughout. The rerun converges: every worker
// kept its SID, none is duplicated, only gus is gone, and drift finds nothing;
// a skill then added out of band shows in the folder drift's Routing section.

import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createFlexStack, type FlexStack } from "../../testing/flex-stack";
import { killTree } from "../../testing/kill-rerun";
import { baseEnv, describeRun, ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS, FLEX_ROSTER_BIN, runFlexRosterReport, runPulumi } from "../../testing/pulumi-cli";
import { AGENT_DEFAULTS, rosterYaml } from "../../testing/roster-builders";

const team = (...names: string[]) => rosterYaml(names.map((n) => ({ email: `${n}@acme.com`, fullName: n })), { defaults: AGENT_DEFAULTS });
const id = (name: string) => `${name}_40acme_2Ecom`;

let a: FlexStack;

beforeAll(async () => {
  await ensurePulumi();
  a = await createFlexStack({
    roster: "",
    stack: "a",
    files: { "roster.d/a.yaml": team("ann", "bob", "cid"), "roster.d/b.yaml": team("dan", "eve"), "roster.d/c.yaml": team("fay", "gus") },
    // One removal allowed: a move counted as one too would block the change.
    config: { "flex-roster:roster": "roster.d", "flex-roster:team": "a", "flex-roster:maxRemovalDelta": "1" },
  });
  await a.sibling("b", { "flex-roster:team": "b" });
}, ENSURE_PULUMI_TIMEOUT_MS);

afterAll(async () => {
  await a?.close();
});

const writeTeam = (name: string, yaml: string) => writeFile(path.join(a.dir, "roster.d", `${name}.yaml`), yaml);

/** `flex-roster <command> --roster roster.d`, its JSON summary read back. */
const folder = (command: "up" | "drift") =>
  runFlexRosterReport([command, "--roster", "roster.d"], path.join(path.dirname(a.dir), `summary-${command}.json`), { cwd: a.dir, env: a.env, timeoutMs: 8 * 60_000 });

/**
 * `flex-roster up --roster roster.d`, SIGKILLed with every descendant once team b
 * is applied; its report (written before anything is applied) read back.
 */
function upKilledAfterFirstTeam(): Promise<{ stderr: string; killed: boolean; markdown: string; json: any }> {
  const out = path.join(path.dirname(a.dir), "killed-up.md");
  const summary = path.join(path.dirname(a.dir), "killed-up.json");
  const args = ["up", "--roster", "roster.d", "--out", out, "--summary-json", summary];
  return new Promise((resolve) => {
    const child = spawn(FLEX_ROSTER_BIN, args, { cwd: a.dir, env: { ...baseEnv(), ...a.env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let killed = false;
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (!killed && /^flex-roster up: team b \(stack b\): applied$/m.test(stderr)) {
        killed = true;
        killTree(child.pid!);
      }
    });
    child.on("close", () => {
      const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
      resolve({ stderr, killed, markdown: read(out), json: JSON.parse(read(summary) || "null") });
    });
  });
}

async function live(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const w of await a.sdk.taskrouter.v1.workspaces(a.emulator.workspaceSid).workers.list()) (out[w.friendlyName] ??= []).push(w.sid);
  return out;
}
/** The workers in a stack's state, by friendly name. */
async function held(stack: string): Promise<string[]> {
  const r = await runPulumi(["stack", "export", "--stack", stack, "--non-interactive"], { cwd: a.dir, env: a.env });
  if (r.code !== 0) throw new Error(describeRun(`pulumi stack export --stack ${stack}`, r));
  const resources: any[] = JSON.parse(r.stdout).deployment.resources ?? [];
  return resources.filter((x) => String(x.type).endsWith("flex-roster:Worker")).map((x) => x.outputs.friendlyName).sort();
}

it("previews, guards and applies a roster folder as one change, and an interrupted up converges on rerun", async () => {
  // First up: teams a and b are applied, team c's stack is created (config copied from a's).
  const first = await folder("up");
  expect(first.code, first.describe()).toBe(0);
  expect(first.stderr).toContain("team c: its stack c did not exist: created it (flex-roster:roster and flex-roster:team set, other config copied from stack a)");
  expect(first.json.teams.find((t: any) => t.team === "c").stackStatus).toBe("missing");
  const before = await live();
  expect(Object.keys(before).sort()).toEqual(["ann", "bob", "cid", "dan", "eve", "fay", "gus"].map(id).sort());
  expect(Object.values(before).every((sids) => sids.length === 1)).toBe(true);
  const sid = (name: string) => before[id(name)][0];

  // The pull request: bob a → b, gus leaves c.
  await writeTeam("a", team("ann", "cid"));
  await writeTeam("b", team("dan", "eve", "bob"));
  await writeTeam("c", team("fay"));
  // up: its report first (the PR's preview writes the same), then the teams,
  // killed once the first is applied: b (gains bob) before a (loses him).
  const plan = await upKilledAfterFirstTeam();
  expect(plan.killed, plan.stderr).toBe(true);
  expect(plan.json.moves).toEqual([
    { identity: id("bob"), email: "bob@acme.com", sid: sid("bob"), from: "a", to: "b", listing: { team: "b", file: path.join("roster.d", "b.yaml"), line: 8 }, newAction: "create" },
  ]);
  expect(plan.json.guard).toMatchObject({ status: "pass", removals: 1, deletes: 2, moves: 1, replaces: 0, managed: 7, max: 1 });
  const rows = (t: string) => plan.json.teams.find((x: any) => x.team === t).agents.map((x: any) => [x.identity, x.action]);
  expect([rows("a"), rows("b"), rows("c")]).toEqual([[], [], [[id("gus"), "delete"]]]);
  // One report: bob appears once, in the moves table.
  expect(plan.markdown.split("bob@acme.com").length - 1, plan.markdown).toBe(1);
  expect(plan.markdown).toContain("#### Moved between teams: 1 agent");
  expect(plan.markdown.match(/<!-- flex-roster-report -->/g)).toHaveLength(1);
  expect(plan.stderr).toContain("applying in this order (a team gaining an agent before the team losing it): b, a, c");
  expect(plan.stderr).toMatch(/^flex-roster up: team b \(stack b\): applied$/m);
  // The file backend's lock outlives a killed run.
  for (const s of ["a", "b", "c"]) await runPulumi(["cancel", "--yes", "--stack", s, "--non-interactive"], { cwd: a.dir, env: a.env });
  // Interrupted between the teams: bob is held by both stacks, one worker, his SID.
  expect(await held("b")).toEqual([id("bob"), id("dan"), id("eve")].sort());
  expect(await held("a")).toEqual([id("ann"), id("bob"), id("cid")].sort());
  expect((await live())[id("bob")]).toEqual([sid("bob")]);

  // The rerun converges: every worker kept its SID, only gus is deleted.
  const rerun = await folder("up");
  expect(rerun.code, rerun.describe()).toBe(0);
  const { [id("gus")]: gus, ...kept } = before;
  expect(gus).toHaveLength(1);
  expect(await live()).toEqual(kept);
  expect(await held("a")).toEqual([id("ann"), id("cid")].sort());
  expect(await held("b")).toEqual([id("bob"), id("dan"), id("eve")].sort());
  expect(await held("c")).toEqual([id("fay")]);

  const drift = await folder("drift");
  expect(drift.code, drift.describe()).toBe(0);
  expect(drift.json.status).toBe("in-sync");

  // A skill added out of band to fay (team c) makes her the only worker of a
  // queue: the folder's drift report says the repair would empty it.
  const ws = a.sdk.taskrouter.v1.workspaces(a.emulator.workspaceSid);
  await ws.taskQueues.create({ friendlyName: "Spanish Support", targetWorkers: 'routing.skills HAS "spanish"' });
  const attrs = JSON.parse((await ws.workers(sid("fay")).fetch()).attributes);
  attrs.routing.skills.push("spanish");
  await ws.workers(sid("fay")).update({ attributes: JSON.stringify(attrs) });
  const drifted = await folder("drift");
  expect(drifted.code, drifted.describe()).toBe(2);
  expect(drifted.json.routing.queues.find((q: any) => q.name === "Spanish Support")).toMatchObject({ before: 1, after: 0, leaves: ["fay@acme.com"] });
  expect(drifted.json.routing.guard).toMatchObject({ status: "blocked", emptied: [{ name: "Spanish Support", before: 1 }] });
}, 900_000);
