// The provider alongside Flex, against the emulator over HTTP with the real
// SDK: the Flex Configuration (read once, workspace and offline activity,
// skill catalogue in check), SSO-owned keys, disabled skills, pre-provisioned
// workers and the in-place repair.

import { emulatorTaskRouter } from "../../testing/emulator-client";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import type { AgentSpec } from "../../src/flex/types";
import { agent, channels } from "../../testing/agent-spec";
import { desiredWorker, type WorkerInputs } from "../../src/flex/worker-model";
import { WorkerProvider } from "../../src/provider/worker-impl";
import { TaskRouter } from "../../src/twilio/taskrouter";

let emu: Emulator;
let tr: TaskRouter;
let provider: WorkerProvider;

/** The agents these cases assert on; a case changes one thing. */
const AGENT: Partial<AgentSpec> = {
  fullName: "Bob",
  skills: ["support"],
  levels: { support: 2 },
  channels: channels({ chat: 2 }),
};

/** `ws: null`: a roster without workspace. */
const desired = (email: string, over: Partial<AgentSpec> = {}, ws: string | null = "Flex Task Assignment") =>
  desiredWorker(ws ?? undefined, agent({ ...AGENT, email, ...over }));
const workers = () => tr.client.twilio.taskrouter.v1.workspaces(emu.workspaceSid).workers;
const attrsOf = async (sid: string) => JSON.parse((await workers()(sid).fetch()).attributes);

function configure(p: WorkerProvider, config: Record<string, string>) {
  return p.configure({ config: { get: (k: string) => config[k] } } as never);
}

beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.control.reset();
  tr = emulatorTaskRouter(emu, { maxRetries: 1 });
  provider = new WorkerProvider(tr);
});

/** A full cycle the way the engine runs it after a refresh: read → diff. */
async function plan(id: string, want: WorkerInputs) {
  const read = await provider.read(id, want);
  return provider.diff(id, read.props as WorkerInputs, want);
}

describe("Flex Configuration", () => {
  it("a roster without workspace gets Flex's; the Configuration is read once per run; creates use Flex's offline activity", async () => {
    const a = await provider.check(undefined, desired("ann@acme.com", {}, null));
    const b = await provider.check(undefined, desired("bob@acme.com", {}, null));
    expect(a.failures).toEqual([]);
    expect(a.inputs.workspace).toBe(emu.workspaceSid);
    expect(b.inputs.workspace).toBe(emu.workspaceSid);
    const { id } = await provider.create(a.inputs as WorkerInputs);
    expect((await workers()(id).fetch()).activityName).toBe("Offline");
    const counts = emu.control.counters().byRoute;
    expect(counts["GET /v1/Configuration"]).toBe(1);
    // the offline activity came from the Configuration, not from a lookup by name
    expect(counts["GET /v1/Workspaces/:WorkspaceSid/Activities"] ?? 0).toBe(0);
  });

  it("roster skills are checked against the catalogue, with the roster's file:line and a did-you-mean", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flex-roster-cat-"));
    const file = join(dir, "roster.yaml");
    writeFileSync(
      file,
      ["agents:", "  - email: bob@acme.com", "    skills: [salse, support, vip]", "    levels: { support: 11, vip: 1 }", ""].join("\n"),
    );
    await configure(provider, { "flex-roster:roster": file });
    const res = await provider.check(undefined, desired("bob@acme.com", { skills: ["salse", "support", "vip"], levels: { support: 11, vip: 1 } }));
    expect(res.failures!.map((f) => f.reason)).toEqual([
      `${file}:3:14 agents[0].skills[0]: unknown skill "salse": not in Flex's skill catalogue (taskrouter_skills) (did you mean "sales"?)`,
      `${file}:4:24 agents[0].levels.support: level 11 for "support" is outside its range 0..10 in Flex's skill catalogue`,
      `${file}:4:33 agents[0].levels.vip: "vip" is a single-value skill in Flex's catalogue (multivalue: false): it takes no level (got 1)`,
    ]);
    expect(emu.control.dump().workspaces[0]!.workers).toHaveLength(0);
  });

  it("a catalogue with its own ranges replaces the global 0..10 rule", async () => {
    await tr.client.twilio.flexApi.v1.configuration().update({ taskrouter_skills: [{ name: "support", multivalue: true, minimum: 1, maximum: 20 }] });
    const ok = await provider.check(undefined, desired("bob@acme.com", { levels: { support: 15 } }));
    expect(ok.failures).toEqual([]);
    const low = await new WorkerProvider(tr).check(undefined, desired("bob@acme.com", { levels: { support: 0 } }));
    expect(low.failures!.map((f) => f.reason)).toEqual([
      'bob@acme.com: levels.support: level 0 for "support" is outside its range 1..20 in Flex\'s skill catalogue',
    ]);
  });

  it("without Flex it says so once and falls back (workspace required, Offline by name, 0..10)", async () => {
    emu.control.setOptions({ flexEnabled: false });
    const spy = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const logged: string[] = [];
    spy.mockImplementation((s: unknown) => (logged.push(String(s)), true));
    try {
      const noWs = await provider.check(undefined, desired("ann@acme.com", {}, null));
      expect(noWs.failures!.map((f) => f.property)).toContain("workspace");
      const over = await provider.check(undefined, desired("bob@acme.com", { levels: { support: 11 } }));
      expect(over.failures!.map((f) => f.reason)).toEqual([
        "bob@acme.com: levels.support: level must be an integer between 0 and 10 (got 11; Flex's skill catalogue could not be read)",
      ]);
      const { id } = await provider.create(desired("cy@acme.com"));
      expect((await workers()(id).fetch()).activityName).toBe("Offline");
    } finally {
      spy.mockRestore();
    }
    const fallback = logged.filter((l) => l.includes("Flex Configuration (/v1/Configuration) could not be read"));
    expect(fallback).toHaveLength(1);
    expect(fallback[0]).toContain("the account has no Flex Configuration (Twilio 404)");
    expect(emu.control.counters().byRoute["GET /v1/Configuration"]).toBe(1);
  });
});

describe("alongside Flex users", () => {
  it("SSO: a login that changes roles plans nothing, and an update never writes the profile", async () => {
    const want = desired("bob@acme.com", { identityProvider: "sso", fullName: "Bob Builder", roles: ["agent"] });
    const { id } = await provider.create(want);
    expect(await attrsOf(id)).toEqual({ contact_uri: "client:bob_40acme_2Ecom", routing: { skills: ["support"], levels: { support: 2 } } });
    emu.control.ssoSignIn({ username: "bob@acme.com", fullName: "Robert", roles: ["agent", "supervisor"] });
    expect((await plan(id, want)).changes).toBe(false);
    // a real change (capacity) is written without touching what SSO owns
    const more = desired("bob@acme.com", { identityProvider: "sso", skills: ["support", "sales"] });
    expect((await plan(id, more)).changes).toBe(true);
    await provider.update(id, want, more);
    expect(await attrsOf(id)).toMatchObject({ roles: ["agent", "supervisor"], full_name: "Robert", routing: { skills: ["support", "sales"] } });
  });

  it("a skill a supervisor disabled is not drift and is never re-enabled; gone from the roster, it leaves disabled_skills", async () => {
    const want = desired("bob@acme.com", { skills: ["support", "sales"], levels: { support: 2 } });
    const { id } = await provider.create(want);
    emu.control.disableSkill(id, "support");
    expect((await plan(id, want)).changes).toBe(false);
    const fewer = desired("bob@acme.com", { skills: ["sales"], levels: {} });
    expect((await plan(id, fewer)).changes).toBe(true);
    await provider.update(id, want, fewer);
    expect(await attrsOf(id)).toMatchObject({ routing: { skills: ["sales"], levels: {} }, disabled_skills: { skills: [], levels: {} } });
  });

  it("pre-provisioned: no contact_uri on create, no changes while waiting, none after the first SSO sign-in", async () => {
    const want = desired("pat@acme.com", { contactUriByFlex: true });
    const { id } = await provider.create(want);
    expect(await attrsOf(id)).not.toHaveProperty("contact_uri");
    expect((await plan(id, want)).changes).toBe(false);
    emu.control.ssoSignIn({ username: "pat@acme.com", fullName: "Bob", roles: ["agent"] });
    expect((await attrsOf(id)).contact_uri).toBe("client:pat_40acme_2Ecom");
    expect((await plan(id, want)).changes).toBe(false);
  });

  it("repair: in-place fixes the seed's contact_uri on the same SID with If-Match; recreate replaces", async () => {
    const inPlace = desired("bob@acme.com", { repair: "in-place" });
    const { id } = await provider.create(inPlace);
    await workers()(id).update({ attributes: JSON.stringify({ ...(await attrsOf(id)), contact_uri: "client:bob" }) });
    emu.control.resetCounters();
    const d = await plan(id, inPlace);
    expect(d).toMatchObject({ changes: true, replaces: [] });
    await provider.update(id, inPlace, inPlace);
    expect((await attrsOf(id)).contact_uri).toBe("client:bob_40acme_2Ecom");
    expect(emu.control.counters().byRoute["POST /v1/Workspaces/:WorkspaceSid/Workers/:Sid"]).toBe(1);
    expect((await emu.control.secondChat("bob@acme.com")).workerSid).toBe(id);
    const recreate = desired("bob@acme.com");
    await workers()(id).update({ attributes: JSON.stringify({ ...(await attrsOf(id)), contact_uri: "client:bob" }) });
    expect((await plan(id, recreate)).replaces).toEqual(["contactUri"]);
  });
});
