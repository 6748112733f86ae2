// End to end alongside Flex: the real Pulumi CLI, the real program and
// provider, the official SDK and the emulator playing Flex (its Configuration,
// SSO sign-ins, a supervisor disabling a skill). One SSO tenant walks through
// the scenarios in order: import → up → an SSO login changes roles →
// no changes; without the SSO setting the same plans an update; a disabled
// skill plans nothing; a pre-provisioned agent waits for its first sign-in;
// repair: in-place keeps the SID, recreate does not; a skill outside Flex's
// catalogue fails with file:line before anything is written.

import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImport } from "../../src/cli/commands/import";
import { reportFromPreviewJson } from "../../src/report";
import { captureIO, emulatorEnv } from "../../testing/brownfield-harness";
import { createFlexStack, type FlexStack } from "../../testing/flex-stack";
import { signedInWorker } from "../../testing/flex-workers";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";

const ANN = "ann_40acme_2Ecom";
const BOB = "bob_40acme_2Ecom";
const PAT = "pat_40acme_2Ecom";
/** What an SSO tenant's workers look like: Flex created them at sign-in; an admin gave them skills. */
const flexWorker = (login: string, identity: string, fullName: string, skills: string[]) =>
  signedInWorker(
    { email: login, fullName, levels: Object.fromEntries(skills.map((s) => [s, 2])), imageUrl: `https://example.invalid/${identity}.png` },
    { chat: 2, voice: 1 },
  );

let stack: FlexStack;
let imported = "";
const logs: string[] = [];

const workers = () => stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers;
async function sidOf(friendlyName: string): Promise<string | undefined> {
  return (await workers().list({ friendlyName }))[0]?.sid;
}
const attrs = async (sid: string) => JSON.parse((await workers()(sid).fetch()).attributes);
async function run(args: string[]) {
  const r = await stack.pulumi(args);
  logs.push(r.stdout, r.stderr);
  return r;
}
/** The roster as imported, with the tenant's settings on top. */
function roster(settings: string, extraAgents = "") {
  return `${settings}\n${imported}${extraAgents}`;
}
/** Ops of `pulumi preview --json` for the workers, by resource name (refresh-only = same). */
async function plan(): Promise<Record<string, string>> {
  const r = await run(["preview", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  const ops: Record<string, string> = {};
  for (const s of JSON.parse(r.stdout).steps ?? []) {
    if (!String(s.urn).includes("flex-roster:Worker")) continue;
    const name = String(s.urn).split("::").pop()!;
    if (s.op === "refresh") ops[name] ??= "same";
    else if (ops[name] !== "replace") ops[name] = ["create-replacement", "delete-replaced", "replace"].includes(s.op) ? "replace" : s.op;
  }
  return ops;
}

const SSO = "identityProvider: sso\ncontactUri: leave-to-flex\nrepair: in-place";

beforeAll(async () => {
  await ensurePulumi();
  stack = await createFlexStack({ roster: "agents: []\n" });
  stack.emulator.control.seedWorkers([flexWorker("ann@acme.com", ANN, "Ann Lee", ["support"]), flexWorker("bob@acme.com", BOB, "Bob Builder", ["sales", "support"])]);
  // import: the roster written from the live workspace, as a user runs it
  const io = captureIO(emulatorEnv(stack.emulator), stack.dir);
  const code = await runImport({ out: "imported.yaml", progress: false }, io);
  if (code !== 0) throw new Error(`import failed: ${io.err.text}`);
  imported = readFileSync(path.join(stack.dir, "imported.yaml"), "utf8");
  await stack.writeRoster(roster(SSO));
}, ENSURE_PULUMI_TIMEOUT_MS + 120_000);
afterAll(async () => {
  await stack?.close();
  // Secrets never show in plain text: not in state, not in any log.
  for (const text of logs) expect(text).not.toContain("emulator-dev-auth-token");
});

describe("an SSO tenant alongside Flex (real CLI)", () => {
  it("import → up adopts the workers Flex made; an SSO login that changes roles plans nothing", { timeout: 300_000 }, async () => {
    const before = { ann: await sidOf(ANN), bob: await sidOf(BOB) };
    const up = await run(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stderr).toBe(0);
    expect({ ann: await sidOf(ANN), bob: await sidOf(BOB) }).toEqual(before);
    // Flex's keys were kept (image_url); nothing the identity provider owns was rewritten
    expect(await attrs(before.bob!)).toMatchObject({ full_name: "Bob Builder", image_url: expect.stringContaining("bob") });

    stack.emulator.control.ssoSignIn({ username: "bob@acme.com", fullName: "Robert Builder", roles: ["agent", "supervisor", "wfo.full_access"] });
    const r = await run(["preview", "--expect-no-changes"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    // and the roles SSO wrote stay (no up could strip supervisor)
    expect((await attrs(before.bob!)).roles).toEqual(["agent", "supervisor", "wfo.full_access"]);
    // the PR report shows the difference as information, not as drift
    const json = await run(["preview", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const report = reportFromPreviewJson(json.stdout);
    expect(report.summary.status).toBe("in-sync");
    expect(report.summary.information).toEqual([
      expect.objectContaining({
        identity: BOB,
        notes: expect.arrayContaining(['roles is set by SSO at sign-in: ["agent","supervisor","wfo.full_access"] (the roster says ["agent"])']),
      }),
    ]);
    expect(report.markdown).toContain("Information, not drift: 1 unchanged agent");
  });

  it("without the SSO setting, the same login plans an update", { timeout: 120_000 }, async () => {
    await stack.writeRoster(roster("contactUri: leave-to-flex\nrepair: in-place"));
    try {
      expect((await plan())[BOB]).toBe("update");
    } finally {
      await stack.writeRoster(roster(SSO));
    }
  });

  it("a supervisor disables a skill in Flex: no changes planned, and it stays disabled", { timeout: 120_000 }, async () => {
    const bob = (await sidOf(BOB))!;
    stack.emulator.control.disableSkill(bob, "support");
    const r = await run(["preview", "--expect-no-changes"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(await attrs(bob)).toMatchObject({ routing: { skills: ["sales"] }, disabled_skills: { skills: ["support"] } });
  });

  it("a pre-provisioned agent waits for its first sign-in: no changes before, none after SSO fills contact_uri", { timeout: 300_000 }, async () => {
    await stack.writeRoster(roster(SSO, "  - email: pat@acme.com\n    skills: [support]\n"));
    const up = await run(["up", "--yes", "--skip-preview"]);
    expect(up.code, up.stderr).toBe(0);
    const pat = (await sidOf(PAT))!;
    expect(await attrs(pat)).not.toHaveProperty("contact_uri");
    const waiting = await run(["preview", "--expect-no-changes"]);
    expect(waiting.code, waiting.stdout + waiting.stderr).toBe(0);
    const signedIn = stack.emulator.control.ssoSignIn({ username: "pat@acme.com", fullName: "Pat Kim", roles: ["agent"] });
    expect(signedIn).toMatchObject({ workerSid: pat, filledContactUri: true, contactUri: `client:${PAT}` });
    const after = await run(["preview", "--expect-no-changes"]);
    expect(after.code, after.stdout + after.stderr).toBe(0);
  });

  it("repair: in-place fixes the seed's contact_uri on the same SID; recreate gives a new SID", { timeout: 300_000 }, async () => {
    const corrupt = async (sid: string) => workers()(sid).update({ attributes: JSON.stringify({ ...(await attrs(sid)), contact_uri: "client:ann" }) });
    const ann = (await sidOf(ANN))!;
    await corrupt(ann);
    expect(() => stack.emulator.control.secondChat("ann@acme.com")).toThrow("You are not a chat participant");
    const inPlace = await run(["up", "--yes", "--skip-preview"]);
    expect(inPlace.code, inPlace.stderr).toBe(0);
    expect(inPlace.stdout + inPlace.stderr).toContain("repair: in-place (roster setting)");
    expect(await sidOf(ANN)).toBe(ann);
    expect((await attrs(ann)).contact_uri).toBe(`client:${ANN}`);
    expect(stack.emulator.control.secondChat("ann@acme.com").workerSid).toBe(ann);

    await stack.writeRoster(roster("identityProvider: sso\ncontactUri: leave-to-flex\nrepair: recreate", "  - email: pat@acme.com\n    skills: [support]\n"));
    await corrupt(ann);
    const recreate = await run(["up", "--yes", "--skip-preview"]);
    expect(recreate.code, recreate.stderr).toBe(0);
    const fresh = await sidOf(ANN);
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(ann);
  });

  it("a roster skill outside Flex's catalogue fails with file:line and a did-you-mean, and writes nothing", { timeout: 300_000 }, async () => {
    await stack.writeRoster(roster(SSO, "  - email: pat@acme.com\n    skills: [suport]\n"));
    const line = readFileSync(stack.rosterPath, "utf8").split("\n").indexOf("    skills: [suport]") + 1;
    stack.emulator.control.resetCounters();
    const r = await run(["up", "--yes"]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(`roster.yaml:${line}:14 agents[2].skills[0]: unknown skill "suport": not in Flex's skill catalogue (taskrouter_skills) (did you mean "support"?)`);
    expect(stack.emulator.control.counters().writes).toBe(0);
    writeFileSync(stack.rosterPath, roster(SSO));
  });
});
