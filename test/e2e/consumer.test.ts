// flex-roster as an npm package, installed the two ways a team can: from the
// `npm pack` tarball, and from the Git repository (a `git+file://` URL of this
// checkout's HEAD, for which npm clones, installs devDependencies and runs
// `prepare` to build dist/). Each route gets a Pulumi project of its own that
// installs only flex-roster (plus @pulumi/pulumi and twilio) from the local npm
// cache, ten lines of TypeScript using FlexRoster, then up, an out-of-band
// corruption, the replacement in preview, the repair, and the packaged CLI
// (npx flex-roster doctor / report) run from inside that project.

import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import { createClient } from "../../src/twilio/client";
import { describeRun, ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS, makePulumiSandbox, REPO_ROOT, runCommand, runPulumi, type PulumiSandbox } from "../../testing/pulumi-cli";
import { CONSUMER_ROSTER, installFromCache, packFlexRoster, pinnedVersion } from "../../testing/npm-consumer";

const STACK = "e2e";
const BOB = "bob_40acme_2Ecom";
const INDEX_TS = `import * as pulumi from "@pulumi/pulumi";
import { FlexRoster } from "flex-roster";
import { flexIdentity } from "flex-roster/core";

const team = new FlexRoster("support-team", { roster: "roster.yaml" });

export const agents = team.agents;
export const agentCount = team.agentCount;
export const bobIdentity = flexIdentity("bob@acme.com");
export const stackName = pulumi.getStack();
`;

const pin = pinnedVersion;

let sandbox: PulumiSandbox;
let emulator: Emulator;
let env: Record<string, string>;

const sh = (cmd: string, args: string[], timeoutMs = 5 * 60_000) => runCommand(cmd, args, { cwd: sandbox.dir, env, timeoutMs });
const pulumi = (args: string[]) => runPulumi([...args, "--stack", STACK, "--non-interactive"], { cwd: sandbox.dir, env });
async function pulumiOk(args: string[]) {
  const r = await pulumi(args);
  if (r.code !== 0) throw new Error(describeRun(`pulumi ${args.join(" ")}`, r));
  return r;
}

type Source = "the packed tarball" | "a git+file:// URL of HEAD";

/** The dependency spec of flex-roster in the consumer's package.json. */
async function flexRosterSpec(source: Source, scratch: string): Promise<string> {
  if (source === "a git+file:// URL of HEAD") {
    const head = await runCommand("git", ["rev-parse", "HEAD"], { cwd: REPO_ROOT });
    if (head.code !== 0) throw new Error(describeRun("git rev-parse HEAD", head));
    return `git+file://${REPO_ROOT}#${head.stdout.trim()}`;
  }
  return `file:${await packFlexRoster(path.join(scratch, "pack"))}`;
}

async function setUpConsumer(source: Source) {
  const pulumiDir = await ensurePulumi();
  emulator = await startEmulator();
  // No "flex-roster" in the path: Pulumi then stores the exported name (see src/provider/entry.ts).
  sandbox = await makePulumiSandbox({}, { prefix: "consumer-project-" });
  // A project of its own: no link to the repository's node_modules.
  await runCommand("rm", ["-f", path.join(sandbox.dir, "node_modules")], { cwd: sandbox.dir });
  // The packaged CLI finds `pulumi` on PATH, as in any user's project.
  env = { ...sandbox.env, PATH: `${pulumiDir}:${process.env.PATH}`, PULUMI_SKIP_UPDATE_CHECK: "true" };

  const flexRoster = await flexRosterSpec(source, path.dirname(sandbox.dir));

  const files: Record<string, string> = {
    // refresh: always, as the README asks, so every preview reads live Flex first.
    "Pulumi.yaml": "name: support-roster\nruntime: nodejs\ndescription: A team's own Pulumi program using flex-roster.\noptions:\n  refresh: always\n",
    "package.json": JSON.stringify(
      {
        name: "support-roster",
        private: true,
        main: "index.ts",
        dependencies: { "flex-roster": flexRoster, "@pulumi/pulumi": pin("@pulumi/pulumi"), twilio: pin("twilio") },
        devDependencies: { typescript: pin("typescript"), "ts-node": pin("ts-node"), "@types/node": pin("@types/node") },
      },
      null,
      2,
    ),
    "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true, skipLibCheck: true }, files: ["index.ts"] }),
    "index.ts": INDEX_TS,
    "roster.yaml": CONSUMER_ROSTER,
  };
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(sandbox.dir, name), text);
  // The tarball needs no scripts; from Git, npm must run flex-roster's `prepare` (as for any user).
  await installFromCache(sandbox.dir, env, source === "the packed tarball" ? ["--ignore-scripts"] : []);

  const init = await runPulumi(["stack", "init", STACK, "--non-interactive"], { cwd: sandbox.dir, env });
  if (init.code !== 0) throw new Error(describeRun("stack init", init));
  await pulumiOk(["config", "set", "flex-roster:apiBaseUrl", emulator.url]);
  await pulumiOk(["config", "set", "twilio:accountSid", emulator.accountSid]);
  await pulumiOk(["config", "set", "--secret", "twilio:authToken", emulator.authToken]);
}

const SOURCES: Source[] = ["the packed tarball", "a git+file:// URL of HEAD"];

describe.each(SOURCES)("a consumer project that installs flex-roster from %s", { timeout: 600_000 }, (source) => {
  beforeAll(() => setUpConsumer(source), ENSURE_PULUMI_TIMEOUT_MS);
  afterAll(async () => {
    await emulator?.close();
    await sandbox?.cleanup();
  });

  it("the package holds compiled JS and declarations, and needs neither tsx nor the TypeScript sources", () => {
    const pkg = path.join(sandbox.dir, "node_modules", "flex-roster");
    // plugin/: the component provider a Pulumi YAML program names (test/languages/).
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/provider/entry.js", "dist/cli/main.js", "bin/flex-roster", "plugin/PulumiPlugin.yaml", "plugin/index.js"]) {
      expect(existsSync(path.join(pkg, f)), f).toBe(true);
    }
    expect(existsSync(path.join(pkg, "src"))).toBe(false);
    expect(existsSync(path.join(sandbox.dir, "node_modules", "tsx"))).toBe(false);
    expect(existsSync(path.join(sandbox.dir, "node_modules", "@flex-roster", "provider-shim"))).toBe(false);
  });

  it("require(\"flex-roster\") gives the component, and npx runs the packaged CLI", async () => {
    const api = await sh("node", ["-p", 'typeof require("flex-roster").FlexRoster']);
    expect(api.stdout.trim(), describeRun("node", api)).toBe("function");
    // The building blocks are the core subpath's, not the public API's.
    const core = await sh("node", ["-p", '[typeof require("flex-roster/core").flexIdentity, typeof require("flex-roster").flexIdentity].join(" ")']);
    expect(core.stdout.trim(), describeRun("node", core)).toBe("function undefined");
    const help = await sh("npx", ["--no-install", "flex-roster", "--help"]);
    expect(help.code, describeRun("npx flex-roster --help", help)).toBe(0);
    expect(help.stdout).toContain("Usage: flex-roster");
  });

  it("the provider entry resolves by its exported name and by its file path (the name Pulumi falls back to)", async () => {
    const same = await sh("node", ["-p", 'require("flex-roster/provider") === require("flex-roster/dist/provider/entry.js") && typeof require("flex-roster/provider").create']);
    expect(same.stdout.trim(), describeRun("node", same)).toBe("function");
  });

  it("up creates the roster's workers; state holds only require(\"flex-roster/provider\")", async () => {
    await pulumiOk(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse((await pulumiOk(["stack", "output", "--json"])).stdout);
    expect(outputs.agentCount).toBe(2);
    expect(outputs.bobIdentity).toBe(BOB);
    expect(outputs.agents["bob@acme.com"]).toMatchObject({ contactUri: `client:${BOB}`, sid: expect.stringMatching(/^WK/) });

    const state = JSON.parse((await pulumiOk(["stack", "export"])).stdout);
    const workers = state.deployment.resources.filter((r: any) => r.type === "pulumi-nodejs:dynamic/flex-roster:Worker");
    expect(workers).toHaveLength(2);
    for (const w of workers) {
      expect(w.parent).toBe(`urn:pulumi:${STACK}::support-roster::flex-roster:index:FlexRoster::support-team`);
      const provider: string = w.inputs.__provider;
      expect(provider).toContain('require("flex-roster/provider")');
      expect(provider).not.toMatch(/node_modules|tsx|twilio/);
      expect(provider.length).toBeLessThan(600);
    }
  });

  it("an out-of-band corruption shows as a replacement in preview; up repairs it", async () => {
    const sdk = createClient({ username: emulator.accountSid, password: emulator.authToken, baseUrl: emulator.url }).twilio;
    const workers = sdk.taskrouter.v1.workspaces(emulator.workspaceSid).workers;
    // Lists return attributes: null (as Twilio does): the attributes come from a fetch,
    // so only contact_uri is corrupted and everything else the worker has stays.
    const [listed] = await workers.list({ friendlyName: BOB });
    const bob = await workers(listed.sid).fetch();
    const attrs = JSON.parse(bob.attributes);
    expect(attrs).toMatchObject({ email: "bob@acme.com", contact_uri: `client:${BOB}` });
    await workers(bob.sid).update({ attributes: JSON.stringify({ ...attrs, contact_uri: "client:bob" }) });
    const corrupted = JSON.parse((await workers(bob.sid).fetch()).attributes);
    expect(corrupted).toEqual({ ...attrs, contact_uri: "client:bob" });

    const preview = await pulumiOk(["preview", "--json"]);
    const steps: Array<{ op: string; urn: string }> = JSON.parse(preview.stdout).steps;
    const bobOps = steps.filter((s) => s.urn.endsWith(`::${BOB}`)).map((s) => s.op);
    expect(bobOps).toContain("replace");
    expect(steps.filter((s) => s.urn.endsWith("::maria_40acme_2Ecom") && !["same", "refresh"].includes(s.op))).toEqual([]);
    await writeFile(path.join(sandbox.dir, "plan.json"), preview.stdout);

    // The packaged CLI from inside the consumer project: the PR report of that plan, and doctor.
    const report = await sh("npx", ["--no-install", "flex-roster", "report", "--preview-json", "plan.json"]);
    expect(report.code, describeRun("flex-roster report", report)).toBe(0);
    expect(report.stdout).toContain("bob@acme.com");
    expect(report.stdout).toContain('"client:bob"');
    const doctor = await sh("npx", ["--no-install", "flex-roster", "doctor", "--stack", STACK, "--roster", "roster.yaml", "--json"]);
    const audit = JSON.parse(doctor.stdout);
    expect(JSON.stringify(audit)).toContain("client:bob");
    expect(doctor.code, describeRun("flex-roster doctor", doctor)).not.toBe(0);

    await pulumiOk(["up", "--yes", "--skip-preview"]);
    const [fixed] = await workers.list({ friendlyName: BOB });
    expect(fixed.sid).not.toBe(bob.sid); // recreated, not patched
    expect(JSON.parse((await workers(fixed.sid).fetch()).attributes).contact_uri).toBe(`client:${BOB}`);
    await pulumiOk(["preview", "--expect-no-changes"]);

    const clean = await sh("npx", ["--no-install", "flex-roster", "doctor", "--stack", STACK, "--roster", "roster.yaml"]);
    expect(clean.code, describeRun("flex-roster doctor", clean)).toBe(0);
  });
});
