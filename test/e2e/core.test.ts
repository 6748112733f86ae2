// End to end: the real Pulumi CLI runs the real program, whose dynamic
// provider drives the emulator over HTTP through the official twilio SDK.
// One stack walks through the scenarios in order.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlexStack, type FlexStack } from "../../testing/flex-stack";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";

const ROSTER = `
workspace: Flex Task Assignment
defaults: { roles: [agent], channels: { chat: 2, voice: 1 } }
agents:
  - email: bob@acme.com
    fullName: Bob Builder
    roles: [agent, supervisor]
    skills: [sales, support]
    levels: { support: 3 }
    channels: { chat: 3 }
    attributes: { team: emea }
  - email: Maria.Garcia+support@acme-corp.com
    fullName: Maria Garcia
    skills: [support]
  - email: jean-luc.picard@acme-corp.com
    fullName: Jean-Luc Picard
    skills: [billing]
  - email: TKowalski@acme.com
    fullName: Tomasz Kowalski
`;

const BOB = "bob_40acme_2Ecom";
const MARIA = "Maria_2EGarcia_2Bsupport_40acme_2Dcorp_2Ecom";
const JL = "jean_2Dluc_2Epicard_40acme_2Dcorp_2Ecom";
const TK = "TKowalski_40acme_2Ecom";

let stack: FlexStack;
const logs: string[] = [];

async function sidOf(friendlyName: string): Promise<string | undefined> {
  const list = await stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers.list({ friendlyName });
  return list[0]?.sid;
}
const worker = (sid: string) => stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers(sid);
const attrs = async (sid: string) => JSON.parse((await worker(sid).fetch()).attributes);
async function patchAttrs(sid: string, patch: (a: Record<string, any>) => Record<string, any>) {
  await worker(sid).update({ attributes: JSON.stringify(patch(await attrs(sid))) });
}
async function channel(sid: string, name: string) {
  return (await worker(sid).workerChannels.list()).find((c) => c.taskChannelUniqueName === name)!;
}
async function run(args: string[], env?: Record<string, string>) {
  const r = await stack.pulumi(args, env);
  logs.push(r.stdout, r.stderr);
  return r;
}
/** Steps of `pulumi preview --json`, keyed by resource name. */
async function plan(): Promise<Record<string, string>> {
  const r = await run(["preview", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout);
  // Refresh steps come first; a resource with no other step is unchanged.
  const ops: Record<string, string> = {};
  for (const s of json.steps ?? []) {
    if (!String(s.urn).includes("flex-roster:Worker")) continue;
    const name = String(s.urn).split("::").pop()!;
    const op = ["create-replacement", "delete-replaced", "replace"].includes(s.op) ? "replace" : s.op;
    if (op === "refresh") ops[name] ??= "same";
    else if (ops[name] !== "replace") ops[name] = op;
  }
  return ops;
}
async function up(env?: Record<string, string>) {
  const r = await run(["up", "--yes", "--skip-preview"], env);
  return r;
}

beforeAll(async () => {
  await ensurePulumi();
  stack = await createFlexStack({ roster: ROSTER });
}, ENSURE_PULUMI_TIMEOUT_MS);

afterAll(async () => {
  await stack?.close();
});

describe("flex-roster end to end", { timeout: 300_000 }, () => {
  let bobSid: string;

  it("1. up creates every worker with canonical attributes and channel capacities", async () => {
    const r = await up();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const [fn, email] of [
      [BOB, "bob@acme.com"],
      [MARIA, "Maria.Garcia+support@acme-corp.com"],
      [JL, "jean-luc.picard@acme-corp.com"],
      [TK, "TKowalski@acme.com"],
    ]) {
      const sid = (await sidOf(fn))!;
      expect(sid, fn).toMatch(/^WK/);
      const a = await attrs(sid);
      expect(a.contact_uri).toBe(`client:${fn}`);
      expect(a.email).toBe(email);
    }
    bobSid = (await sidOf(BOB))!;
    expect(await attrs(bobSid)).toEqual({
      contact_uri: "client:bob_40acme_2Ecom",
      email: "bob@acme.com",
      full_name: "Bob Builder",
      roles: ["agent", "supervisor"],
      routing: { skills: ["sales", "support"], levels: { support: 3 } },
      team: "emea",
    });
    expect((await channel(bobSid, "chat")).configuredCapacity).toBe(3);
    expect((await channel(bobSid, "voice")).configuredCapacity).toBe(1);
    expect((await channel((await sidOf(MARIA))!, "chat")).configuredCapacity).toBe(2);
    const out = (await stack.outputs()) as { agents: Record<string, { sid: string; contactUri: string }> };
    expect(out.agents["bob@acme.com"]).toEqual({ sid: bobSid, contactUri: "client:bob_40acme_2Ecom" });
    expect(Object.keys(out.agents).length).toBe(4);
  });

  it("2. an immediate preview shows no changes", async () => {
    const r = await run(["preview", "--expect-no-changes"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  });

  it("3. seed corruption: only that worker is replaced, gets a new SID, and is canonical after up", async () => {
    const others = await Promise.all([MARIA, JL, TK].map(sidOf));
    await patchAttrs(bobSid, (a) => ({ ...a, contact_uri: "client:bob" }));

    const diff = await run(["preview", "--diff"]);
    expect(diff.code).toBe(0);
    // With --diff the CLI prints diagnostics on stderr.
    expect(diff.stdout + diff.stderr).toContain(
      'bob@acme.com: contact_uri "client:bob" is not canonical "client:bob_40acme_2Ecom"; the worker will be recreated (the agent must sign in again)',
    );
    expect(diff.stdout).toMatch(/contactUri\s*:\s*"client:bob"\s*=>\s*"client:bob_40acme_2Ecom"/);
    expect(await plan()).toEqual({ [BOB]: "replace", [MARIA]: "same", [JL]: "same", [TK]: "same" });

    const r = await up();
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const newBob = (await sidOf(BOB))!;
    expect(newBob).not.toBe(bobSid);
    expect((await attrs(newBob)).contact_uri).toBe("client:bob_40acme_2Ecom");
    expect((await channel(newBob, "chat")).configuredCapacity).toBe(3);
    await expect(worker(bobSid).fetch()).rejects.toMatchObject({ status: 404 });
    expect(await Promise.all([MARIA, JL, TK].map(sidOf))).toEqual(others);
    bobSid = newBob;
    expect((await run(["preview", "--expect-no-changes"])).code).toBe(0);
  });

  it("4. out-of-band drift of a skill or full_name is updated in place, same SID", async () => {
    const maria = (await sidOf(MARIA))!;
    await patchAttrs(maria, (a) => ({ ...a, full_name: "M. G.", routing: { skills: ["sales"], levels: {} } }));
    expect(await plan()).toMatchObject({ [MARIA]: "update", [BOB]: "same" });
    expect((await up()).code).toBe(0);
    expect(await sidOf(MARIA)).toBe(maria);
    const a = await attrs(maria);
    expect(a.full_name).toBe("Maria Garcia");
    expect(a.routing.skills).toEqual(["support"]);
  });

  it("5. an out-of-band delete is re-created", async () => {
    const jl = (await sidOf(JL))!;
    await worker(jl).remove();
    expect(await plan()).toMatchObject({ [JL]: "create" });
    expect((await up()).code).toBe(0);
    const again = (await sidOf(JL))!;
    expect(again).toMatch(/^WK/);
    expect(again).not.toBe(jl);
    expect((await attrs(again)).contact_uri).toBe(`client:${JL}`);
  });

  it("6. a chat capacity changed out of band is restored", async () => {
    const tk = (await sidOf(TK))!;
    const chat = await channel(tk, "chat");
    await worker(tk).workerChannels(chat.sid).update({ capacity: 1 });
    expect(await plan()).toMatchObject({ [TK]: "update" });
    expect((await up()).code).toBe(0);
    expect((await channel(tk, "chat")).configuredCapacity).toBe(2);
    expect(await sidOf(TK)).toBe(tk);
  });

  it("11. unmanaged attribute keys survive an update", async () => {
    const tk = (await sidOf(TK))!;
    await patchAttrs(tk, (a) => ({ ...a, image_url: "https://example.invalid/tk.png", disabled_skills: { skills: [], levels: {} } }));
    await stack.writeRoster(ROSTER.replace("fullName: Tomasz Kowalski", "fullName: Tomasz K. Kowalski"));
    expect((await up()).code).toBe(0);
    const a = await attrs(tk);
    expect(a.full_name).toBe("Tomasz K. Kowalski");
    expect(a.image_url).toBe("https://example.invalid/tk.png");
    expect(a.disabled_skills).toEqual({ skills: [], levels: {} });
    await stack.writeRoster(ROSTER);
    expect((await up()).code).toBe(0);
  });

  it("8. an existing unmanaged worker with the same friendly name is adopted, not duplicated", async () => {
    const ws = stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid);
    const pre = await ws.workers.create({
      friendlyName: "nina_40acme_2Ecom",
      attributes: JSON.stringify({ contact_uri: "client:nina_40acme_2Ecom", email: "nina@acme.com", image_url: "u" }),
    });
    await stack.writeRoster(`${ROSTER}  - email: nina@acme.com\n    fullName: Nina Simone\n`);
    expect((await up()).code).toBe(0);
    const list = await ws.workers.list({ friendlyName: "nina_40acme_2Ecom" });
    expect(list.map((w) => w.sid)).toEqual([pre.sid]);
    expect(await attrs(pre.sid)).toMatchObject({ full_name: "Nina Simone", image_url: "u" });
    expect((await run(["preview", "--expect-no-changes"])).code).toBe(0);
  });

  it("7. an agent removed from the roster is deleted safely; a busy worker is refused", async () => {
    const nina = (await sidOf("nina_40acme_2Ecom"))!;
    const tk = (await sidOf(TK))!;
    stack.emulator.control.markBusy(tk);
    // Remove both Nina (idle) and Tomasz (busy).
    await stack.writeRoster(ROSTER.replace(/  - email: TKowalski@acme.com\n    fullName: Tomasz Kowalski\n/, ""));
    const r = await up();
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(`TKowalski@acme.com: refusing to delete worker ${tk}: it has 1 accepted reservation(s)`);
    expect(await sidOf(TK)).toBe(tk);
    await expect(worker(nina).fetch()).rejects.toMatchObject({ status: 404 });

    // The switch allows it; the worker is set offline, then deleted.
    const forced = await up({ FLEX_ROSTER_ALLOW_BUSY_DELETE: "true" });
    expect(forced.code, forced.stdout + forced.stderr).toBe(0);
    expect(await sidOf(TK)).toBeUndefined();
  });

  it("9. bad rosters exit non-zero with file:line errors and zero write requests", async () => {
    const cases: Array<[string, RegExp]> = [
      [ROSTER.replace("skills: [sales, support]", "skils: [sales, support]"), /roster\.yaml:\d+:\d+ agents\[0\]\.skils: unknown key "skils" \(did you mean "skills"\?\)/],
      [ROSTER.replace("channels: { chat: 3 }", "channels: { chat: 60 }"), /roster\.yaml:\d+:\d+ agents\[0\]\.channels\.chat: .*0.*50/],
      [`${ROSTER}  - email: BOB@acme.com\n`, /roster\.yaml:\d+:\d+ agents\[\d\]\.email: .*duplicate/i],
      ["workspace: [unclosed\n", /roster\.yaml:\d+:\d+/],
    ];
    for (const [yaml, message] of cases) {
      await stack.writeRoster(yaml);
      stack.emulator.control.resetCounters();
      for (const args of [["preview"], ["up", "--yes", "--skip-preview"]]) {
        const r = await run(args);
        expect(r.code, args.join(" ")).not.toBe(0);
        expect(r.stdout + r.stderr).toMatch(message);
      }
      expect(stack.emulator.control.counters().writes).toBe(0);
    }
    await stack.writeRoster(ROSTER.replace(/  - email: TKowalski@acme.com\n    fullName: Tomasz Kowalski\n/, ""));
    expect((await run(["preview", "--expect-no-changes"])).code).toBe(0);
  });

  it("10. the auth token is absent from stack export and from every log", async () => {
    const exported = (await stack.pulumi(["stack", "export"])).stdout;
    expect(exported.length).toBeGreaterThan(1000);
    expect(exported).not.toContain(stack.emulator.authToken);
    const all = logs.join("\n");
    expect(all.length).toBeGreaterThan(1000);
    expect(all).not.toContain(stack.emulator.authToken);
  });
});
