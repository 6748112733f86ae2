// The emulator's Flex: the Configuration through the official SDK (the
// `flexApi` host, rewritten to the emulator like TaskRouter), and the Flex
// users' actions of the control API over HTTP.

import twilio from "twilio";
import { describe, expect, it } from "vitest";
import type { Emulator } from "../../emulator";
import { useEmulator } from "../../testing/emulator-fixture";

let emu: Emulator;
let client: twilio.Twilio;

useEmulator((e, sdk) => {
  emu = e;
  client = sdk;
});

async function control(path: string, body: unknown) {
  const res = await fetch(`${emu.url}/__emulator/workspaces/default${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const worker = async (sid: string) => {
  const w = await client.taskrouter.v1.workspaces(emu.workspaceSid).workers(sid).fetch();
  return JSON.parse(w.attributes) as Record<string, unknown>;
};

describe("Flex Configuration through the SDK", () => {
  it("fetches and updates it at the flexApi host", async () => {
    const conf = await client.flexApi.v1.configuration().fetch();
    expect(conf.taskrouterWorkspaceSid).toBe(emu.workspaceSid);
    expect(conf.taskrouterOfflineActivitySid).toMatch(/^WA[0-9a-f]{32}$/);
    expect((conf.taskrouterSkills as { name: string }[]).map((s) => s.name)).toContain("support");
    const updated = await client.flexApi.v1.configuration().update({ taskrouter_skills: [{ name: "x", multivalue: false, minimum: 0, maximum: 0 }] });
    expect(updated.taskrouterSkills).toEqual([{ name: "x", multivalue: false, minimum: 0, maximum: 0 }]);
    expect(emu.control.counters().byRoute["POST /v1/Configuration"]).toBe(1);
  });
});

describe("Flex users' actions", () => {
  it("SSO sign-in creates the worker when there is none, with contact_uri from the username", async () => {
    const res = await control("/sso-login", { username: "ann@acme.com", fullName: "Ann", roles: ["agent", "supervisor"] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: true, contactUri: "client:ann_40acme_2Ecom", filledContactUri: true });
    expect(await worker(res.body.workerSid)).toEqual({
      contact_uri: "client:ann_40acme_2Ecom",
      email: "ann@acme.com",
      full_name: "Ann",
      roles: ["agent", "supervisor"],
    });
  });

  it("SSO sign-in rewrites roles, full_name and email, fills a missing contact_uri and keeps everything else", async () => {
    const [sid] = emu.control.seedWorkers([
      { friendlyName: "bob_40acme_2Ecom", attributes: { email: "bob@acme.com", full_name: "Bob", roles: ["agent"], routing: { skills: ["sales"], levels: {} }, team_sid: "x" } },
    ]);
    const res = await control("/sso-login", { username: "bob@acme.com", fullName: "Robert", roles: ["agent", "wfo.admin"] });
    expect(res.body).toMatchObject({ created: false, workerSid: sid, filledContactUri: true });
    expect(await worker(sid!)).toEqual({
      email: "bob@acme.com",
      full_name: "Robert",
      roles: ["agent", "wfo.admin"],
      routing: { skills: ["sales"], levels: {} },
      team_sid: "x",
      contact_uri: "client:bob_40acme_2Ecom",
    });
    // A contact_uri that is present is left alone, even when it is wrong (the seed's bug).
    emu.control.seedWorkers([{ friendlyName: "cy_40acme_2Ecom", attributes: { contact_uri: "client:cy" } }]);
    const again = await control("/sso-login", { username: "cy@acme.com" });
    expect(again.body).toMatchObject({ contactUri: "client:cy", filledContactUri: false });
  });

  it("a supervisor disabling a skill moves it and its level into disabled_skills", async () => {
    const [sid] = emu.control.seedWorkers([
      { friendlyName: "dee", attributes: { routing: { skills: ["sales", "support"], levels: { support: 3, sales: 1 } } } },
    ]);
    const res = await control(`/workers/${sid}/disable-skill`, { skill: "support" });
    expect(res.status).toBe(200);
    expect(await worker(sid!)).toEqual({
      routing: { skills: ["sales"], levels: { sales: 1 } },
      disabled_skills: { skills: ["support"], levels: { support: 3 } },
    });
    expect((await control(`/workers/${sid}/disable-skill`, { skill: "support" })).status).toBe(400);
  });

  it("a second chat fails with the seed's error unless contact_uri is client: + the username's identity", async () => {
    emu.control.seedWorkers([
      { friendlyName: "bob_40acme_2Ecom", attributes: { contact_uri: "client:bob" } },
      { friendlyName: "eve_40acme_2Ecom", attributes: { contact_uri: "client:eve_40acme_2Ecom" } },
    ]);
    const bad = await control("/second-chat", { username: "bob@acme.com" });
    expect(bad).toMatchObject({ status: 403, body: { message: "You are not a chat participant" } });
    const ok = await control("/second-chat", { username: "eve@acme.com" });
    expect(ok).toMatchObject({ status: 200, body: { ok: true, identity: "eve_40acme_2Ecom" } });
    expect((await control("/second-chat", { username: "nobody@acme.com" })).status).toBe(404);
  });
});
