// Upgrading a stack made by flex-roster 0.1.0 (every worker a top-level resource,
// test/fixtures/legacy-program) to the FlexRoster component: the aliases move each
// worker under the component, so the plan creates, deletes and replaces no worker,
// in plain `pulumi preview` and through the blast-radius guard (bin/flex-roster).

import { readFileSync } from "node:fs";
import { rm, symlink, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlexStack, STACK, type FlexStack } from "../../testing/flex-stack";
import { describeRun, ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS, REPO_ROOT, runCommand } from "../../testing/pulumi-cli";

const ROSTER = `
workspace: Flex Task Assignment
defaults: { roles: [agent], channels: { chat: 2, voice: 1 } }
agents:
  - email: bob@acme.com
    fullName: Bob Builder
    skills: [sales]
    protect: true
  - email: maria@acme.com
    fullName: Maria Garcia
  - email: jean-luc@acme.com
    fullName: Jean-Luc Picard
`;
const IDENTITIES = ["bob_40acme_2Ecom", "jean_2Dluc_40acme_2Ecom", "maria_40acme_2Ecom"];
const REPO_PULUMI_YAML = readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8");
const LEGACY_PULUMI_YAML = REPO_PULUMI_YAML.replace(/^main: .*$/m, "main: legacy.ts");

let stack: FlexStack;
let sidsBefore: Record<string, string>;

const workerSids = async () =>
  Object.fromEntries(
    (await stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers.list()).map((w) => [w.friendlyName, w.sid]),
  );

beforeAll(async () => {
  await ensurePulumi();
  // The old program is copied (a link would resolve its ../src imports from the fixture's folder).
  const legacy = readFileSync(path.join(REPO_ROOT, "test", "fixtures", "legacy-program", "index.ts"), "utf8");
  stack = await createFlexStack({ roster: ROSTER, pulumiYaml: LEGACY_PULUMI_YAML, programDirs: ["src"], files: { "legacy.ts": legacy } });
  await stack.ok(["up", "--yes", "--skip-preview"]);
  sidsBefore = await workerSids();
  // The new layout: the repository's own program (FlexRoster), nothing else changed.
  await rm(path.join(stack.dir, "legacy.ts"));
  await writeFile(path.join(stack.dir, "Pulumi.yaml"), REPO_PULUMI_YAML);
  for (const f of ["program.js", "index.ts"]) await symlink(path.join(REPO_ROOT, f), path.join(stack.dir, f));
}, ENSURE_PULUMI_TIMEOUT_MS);

afterAll(async () => {
  await stack?.close();
});

describe("a 0.1.0 stack upgrades to the FlexRoster component", { timeout: 600_000 }, () => {
  it("the old stack has top-level workers", async () => {
    const workers = await stack.workerResources();
    expect(workers.map((r) => r.urn).sort()).toEqual(
      IDENTITIES.map((id) => `urn:pulumi:${STACK}::flex-roster::pulumi-nodejs:dynamic/flex-roster:Worker::${id}`),
    );
    expect(workers.every((r) => !String(r.parent ?? "").includes("FlexRoster"))).toBe(true);
  });

  it("pulumi preview plans 0 creates, 0 deletes, 0 replaces of workers", async () => {
    const r = await stack.pulumi(["preview", "--json"]);
    expect(r.code, describeRun("preview", r)).toBe(0);
    const steps: Array<{ op: string; urn: string }> = JSON.parse(r.stdout).steps ?? [];
    const ops = (pred: (s: { op: string; urn: string }) => boolean) => steps.filter(pred).map((s) => `${s.op} ${s.urn}`);
    const workerSteps = (s: { urn: string }) => s.urn.includes("flex-roster:Worker");
    expect(ops((s) => workerSteps(s) && !["same", "refresh"].includes(s.op))).toEqual([]);
    // Each worker is still planned (refreshed), under its old or new URN, and nothing else.
    for (const id of IDENTITIES) expect(steps.filter((s) => s.urn.endsWith(`::${id}`)).length, id).toBeGreaterThan(0);
    // The only new resource is the component itself: a grouping with nothing in Twilio.
    expect(ops((s) => s.op !== "same" && s.op !== "refresh")).toEqual([
      `create urn:pulumi:${STACK}::flex-roster::flex-roster:index:FlexRoster::flex-roster`,
    ]);
  });

  it("the blast-radius guard (bin/flex-roster preview) passes with no agent changed", async () => {
    const summary = path.join(path.dirname(stack.dir), "upgrade-summary.json");
    const r = await runCommand(path.join(REPO_ROOT, "bin", "flex-roster"), ["preview", "--stack", STACK, "--summary-json", summary], {
      cwd: stack.dir,
      env: stack.env,
    });
    expect(r.code, describeRun("flex-roster preview", r)).toBe(0);
    const json = JSON.parse(readFileSync(summary, "utf8"));
    expect(json.agents).toEqual([]);
    expect(json.totals).toEqual({ create: 0, update: 0, replace: 0, delete: 0, unchanged: IDENTITIES.length, managed: IDENTITIES.length });
    expect(json.guard).toMatchObject({ status: "pass", removals: 0, managed: IDENTITIES.length });
  });

  it("up moves the workers under the component; same SIDs, protect kept, then no changes", async () => {
    await stack.ok(["up", "--yes", "--skip-preview"]);
    expect(await workerSids()).toEqual(sidsBefore);
    const state = await stack.exportState();
    const component = state.deployment.resources.find((r) => r.type === "flex-roster:index:FlexRoster");
    expect(component?.urn).toBe(`urn:pulumi:${STACK}::flex-roster::flex-roster:index:FlexRoster::flex-roster`);
    const workers = state.deployment.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/flex-roster:Worker");
    const rows = workers.map((w) => [String(w.urn).split("::").pop(), w.parent, w.id, w.protect === true]);
    expect(rows.sort()).toEqual(IDENTITIES.map((id) => [id, component!.urn, sidsBefore[id], id === "bob_40acme_2Ecom"]));
    await stack.ok(["preview", "--expect-no-changes"]);
  });
});
