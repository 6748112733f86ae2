// flex-roster from a Pulumi YAML program (npm run test:languages, not npm test):
// a project with only Pulumi.yaml, roster.yaml and the npm install of the packed
// flex-roster, whose program is one resource of type flex-roster:index:FlexRoster,
// served by the package's component provider (plugin/). Real CLI, real Node.js and
// YAML language hosts (scripts/ensure-language-hosts), the emulator over HTTP:
// up, an out-of-band corruption of contact_uri, the replace planned with its
// reason (the same one TypeScript gets), the PR report, flex-roster preview / up /
// drift on the YAML project, --expect-no-changes after the repair, and a bad
// roster stopping up with its file, line and field.

import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { classify, corruptionWarning } from "../../src/flex/drift";
import { desiredWorker, type WorkerInputs } from "../../src/flex/worker-model";
import { loadRoster } from "../../src/roster";
import { emulatorSdk } from "../../testing/emulator-client";
import { CONSUMER_ROSTER, installFromCache, packFlexRoster, pinnedVersion } from "../../testing/npm-consumer";
import { describeRun, makePulumiSandbox, REPO_ROOT, runCommand, type PulumiSandbox, type RunResult } from "../../testing/pulumi-cli";

const STACK = "e2e";
const BOB = "bob_40acme_2Ecom";
// The whole program, as the README shows it.
const PULUMI_YAML = `name: support-roster
runtime: yaml
description: A team's Flex roster, as a Pulumi YAML program.
options:
  refresh: always
packages:
  flex-roster: ./node_modules/flex-roster/plugin
resources:
  support:
    type: flex-roster:index:FlexRoster
    properties:
      roster: roster.yaml
outputs:
  agents: \${support.agents}
  agentCount: \${support.agentCount}
`;

let sandbox: PulumiSandbox;
let emulator: Emulator;
let hostsDir: string;
let env: Record<string, string>;

/** The directory of `pulumi` with the component-capable Node.js host and the YAML host beside it. */
async function ensureLanguageHosts(): Promise<string> {
  const r = await runCommand("bash", [path.join(REPO_ROOT, "scripts", "ensure-language-hosts")], { cwd: REPO_ROOT, timeoutMs: 30 * 60_000, echoStderr: true });
  if (r.code === 3) throw new Error("test:languages needs FLEX_ROSTER_NODEJS_HOST_SOURCE: the source folder of pulumi-language-nodejs v3.206.0 (see scripts/ensure-language-hosts)");
  if (r.code !== 0 || !r.stdout.trim()) throw new Error(describeRun("scripts/ensure-language-hosts", r));
  return r.stdout.trim();
}

const sh = (cmd: string, args: string[]) => runCommand(cmd, args, { cwd: sandbox.dir, env, timeoutMs: 5 * 60_000 });
const pulumi = (args: string[]) => sh(path.join(hostsDir, "pulumi"), [...args, "--stack", STACK, "--non-interactive"]);
const flexRoster = (args: string[]) => sh("npx", ["--no-install", "flex-roster", ...args]);
async function succeeds(label: string, run: Promise<RunResult>): Promise<RunResult> {
  const r = await run;
  if (r.code !== 0) throw new Error(describeRun(label, r));
  return r;
}

beforeAll(async () => {
  hostsDir = await ensureLanguageHosts();
  emulator = await startEmulator();
  sandbox = await makePulumiSandbox({ "Pulumi.yaml": PULUMI_YAML, "roster.yaml": CONSUMER_ROSTER }, { prefix: "yaml-project-" });
  // A project of its own: no link to the repository's node_modules.
  await runCommand("rm", ["-f", path.join(sandbox.dir, "node_modules")], { cwd: sandbox.dir });
  // Both hosts and the CLI first on PATH: pulumi and the packaged flex-roster CLI find them there.
  env = { ...sandbox.env, PATH: `${hostsDir}:${process.env.PATH}`, PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" };

  const tarball = await packFlexRoster(path.join(path.dirname(sandbox.dir), "pack"));
  const dependencies = { "flex-roster": `file:${tarball}`, "@pulumi/pulumi": pinnedVersion("@pulumi/pulumi"), twilio: pinnedVersion("twilio") };
  await writeFile(path.join(sandbox.dir, "package.json"), JSON.stringify({ name: "support-roster", private: true, dependencies }, null, 2));
  await installFromCache(sandbox.dir, env, ["--ignore-scripts"]);

  await succeeds("stack init", runCommand(path.join(hostsDir, "pulumi"), ["stack", "init", STACK, "--non-interactive"], { cwd: sandbox.dir, env }));
  await succeeds("config", pulumi(["config", "set", "flex-roster:apiBaseUrl", emulator.url]));
  await succeeds("config", pulumi(["config", "set", "twilio:accountSid", emulator.accountSid]));
  await succeeds("config", pulumi(["config", "set", "--secret", "twilio:authToken", emulator.authToken]));
}, 30 * 60_000);

afterAll(async () => {
  await emulator?.close();
  await sandbox?.cleanup();
});

describe("FlexRoster from a Pulumi YAML program", { timeout: 600_000 }, () => {
  it("the package serves FlexRoster's schema: a roster path, team, workspace, protectAll in; agents and counts out", async () => {
    const r = await succeeds("get-schema", sh(path.join(hostsDir, "pulumi"), ["package", "get-schema", "./node_modules/flex-roster/plugin"]));
    const schema = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
    expect(schema.name).toBe("flex-roster");
    const roster = schema.resources["flex-roster:index:FlexRoster"];
    expect(roster.isComponent).toBe(true);
    expect(Object.keys(roster.inputProperties).sort()).toEqual(["protectAll", "roster", "team", "workspace"]);
    expect(roster.inputProperties.roster).toMatchObject({ type: "string", plain: true });
    expect(roster.requiredInputs).toEqual(["roster"]);
    expect(Object.keys(roster.properties).sort()).toEqual(["agentCount", "agents", "protectedCount", "workspace"]);
    expect(roster.properties.agents.additionalProperties).toEqual({ $ref: "#/types/flex-roster:index:AgentSummary" });
    expect(Object.keys(schema.resources)).toEqual(["flex-roster:index:FlexRoster"]);
  });

  it("up creates the roster's workers under the component, with the provider TypeScript programs store", async () => {
    await succeeds("pulumi up", pulumi(["up", "--yes", "--skip-preview"]));
    const outputs = JSON.parse((await succeeds("stack output", pulumi(["stack", "output", "--json"]))).stdout);
    expect(outputs.agentCount).toBe(2);
    expect(outputs.agents["bob@acme.com"]).toMatchObject({ contactUri: `client:${BOB}`, sid: expect.stringMatching(/^WK/) });

    const state = JSON.parse((await succeeds("stack export", pulumi(["stack", "export"]))).stdout);
    const workers = state.deployment.resources.filter((r: any) => r.type === "pulumi-nodejs:dynamic/flex-roster:Worker");
    expect(workers.map((w: any) => w.urn).sort()).toEqual([
      `urn:pulumi:${STACK}::support-roster::flex-roster:index:FlexRoster$pulumi-nodejs:dynamic/flex-roster:Worker::${BOB}`,
      `urn:pulumi:${STACK}::support-roster::flex-roster:index:FlexRoster$pulumi-nodejs:dynamic/flex-roster:Worker::maria_40acme_2Ecom`,
    ]);
    for (const w of workers) {
      expect(w.parent).toBe(`urn:pulumi:${STACK}::support-roster::flex-roster:index:FlexRoster::support`);
      expect(w.inputs.__provider).toContain('require("flex-roster/provider")');
    }
  });

  it("a corrupted contact_uri: preview plans the replace with TypeScript's reason; flex-roster preview, up and drift repair it", async () => {
    const sdk = emulatorSdk(emulator);
    const workers = sdk.taskrouter.v1.workspaces(emulator.workspaceSid).workers;
    const [bob] = await workers.list({ friendlyName: BOB });
    const attrs = JSON.parse(bob!.attributes);
    await workers(bob!.sid).update({ attributes: JSON.stringify({ ...attrs, contact_uri: "client:bob" }) });

    const preview = await succeeds("pulumi preview --json", pulumi(["preview", "--json"]));
    const plan = JSON.parse(preview.stdout);
    const ops = (suffix: string) => plan.steps.filter((s: { urn: string }) => s.urn.endsWith(suffix)).map((s: { op: string }) => s.op);
    expect(ops(`::${BOB}`)).toContain("replace");
    expect(ops("::maria_40acme_2Ecom").filter((op: string) => !["same", "refresh"].includes(op))).toEqual([]);
    // The one health rule's warning, exactly as a TypeScript program's preview shows it.
    const agent = loadRoster(path.join(sandbox.dir, "roster.yaml")).agents[0]!;
    const desired = desiredWorker("Flex Task Assignment", agent);
    const live: WorkerInputs = { ...desired, contactUri: "client:bob" };
    const reason = corruptionWarning(agent.email, classify(desired, live));
    const warnings = plan.diagnostics.filter((d: { severity: string }) => d.severity === "warning").map((d: { message: string }) => d.message.trim());
    expect(warnings, JSON.stringify(plan.diagnostics)).toEqual([`warning: ${reason}`]);

    // The PR report from that plan, and flex-roster's own refreshing preview of the YAML project.
    await writeFile(path.join(sandbox.dir, "plan.json"), preview.stdout);
    const report = await succeeds("flex-roster report", flexRoster(["report", "--preview-json", "plan.json"]));
    expect(report.stdout).toMatch(/bob@acme\.com[^\n]*\*\*replace\*\*[^\n]*contact_uri `client:bob` is not canonical/);
    const checked = await succeeds("flex-roster preview", flexRoster(["preview", "--stack", STACK]));
    expect(checked.stdout).toContain("**1 to replace**");

    await succeeds("flex-roster up", flexRoster(["up", "--stack", STACK]));
    const [fixed] = await workers.list({ friendlyName: BOB });
    expect(fixed!.sid).not.toBe(bob!.sid); // recreated, not patched
    expect(JSON.parse((await workers(fixed!.sid).fetch()).attributes).contact_uri).toBe(`client:${BOB}`);

    await succeeds("pulumi preview --expect-no-changes", pulumi(["preview", "--expect-no-changes"]));
    const drift = await succeeds("flex-roster drift", flexRoster(["drift", "--stack", STACK]));
    expect(drift.stdout).toContain("**In sync.**");
  });

  it("a bad roster stops up at its preview with file, line and field; nothing is written to Twilio or state", async () => {
    const stateBefore = (await succeeds("stack export", pulumi(["stack", "export"]))).stdout;
    await writeFile(path.join(sandbox.dir, "roster.yaml"), `${CONSUMER_ROSTER}  - email: carol@acme.com\n    channels: { chat: 60 }\n`);
    emulator.control.resetCounters();
    const up = await pulumi(["up", "--yes"]);
    const out = up.stdout + up.stderr;
    expect(up.code, out).not.toBe(0);
    expect(out).toContain("roster.yaml:9:23 agents[2].channels.chat: capacity must be an integer between 0 and 50 (got 60)");
    expect(out).not.toContain("Updating (e2e)"); // stopped at its preview
    expect(emulator.control.counters().writes).toBe(0);
    expect(JSON.parse((await succeeds("stack export", pulumi(["stack", "export"]))).stdout).deployment.resources).toEqual(JSON.parse(stateBefore).deployment.resources);
    await writeFile(path.join(sandbox.dir, "roster.yaml"), CONSUMER_ROSTER);
  });
});
