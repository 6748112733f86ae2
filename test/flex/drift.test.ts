import { describe, expect, it } from "vitest";
import { canonicalAttributes, managedAttributes } from "../../src/flex/attributes";
import { classify, corruptionWarning, notDriftMessage, parseNotDrift } from "../../src/flex/drift";
import type { AgentSpec } from "../../src/flex/types";
import { agent, channels } from "../../testing/agent-spec";
import { channelSpec, channelState, desiredWorker, parseAttributes, projectLive, type LiveChannelRecord } from "../../src/flex/worker-model";

/** Bob as these cases assert on him; a case changes one thing. */
const BOB: Partial<AgentSpec> = {
  fullName: "Bob Builder",
  roles: ["agent", "supervisor"],
  skills: ["sales", "support"],
  levels: { support: 3 },
  channels: channels({ chat: 3, voice: 1 }),
  attributes: { team: "emea" },
};

const WS = "Flex Task Assignment";
const desired = desiredWorker(WS, agent(BOB));
const healthyAttrs = {
  contact_uri: "client:bob_40acme_2Ecom",
  email: "bob@acme.com",
  full_name: "Bob Builder",
  roles: ["supervisor", "agent"],
  routing: { skills: ["support", "sales"], levels: { support: 3 } },
  team: "emea",
  image_url: "https://example.invalid/bob.png",
};
const healthyChannels: LiveChannelRecord[] = [
  { taskChannelUniqueName: "chat", configuredCapacity: 3, available: true },
  { taskChannelUniqueName: "voice", configuredCapacity: 1, available: true },
  { taskChannelUniqueName: "sms", configuredCapacity: 1, available: true },
];

function live(attrs: unknown, opts: { friendlyName?: string; channels?: LiveChannelRecord[]; raw?: string } = {}) {
  return projectLive(
    desired,
    {
      sid: "WKfake",
      workspaceSid: "WSfake",
      friendlyName: opts.friendlyName ?? "bob_40acme_2Ecom",
      attributes: opts.raw ?? JSON.stringify(attrs),
    },
    opts.channels ?? healthyChannels,
  );
}

describe("classify", () => {
  it("a healthy worker with extra Flex keys and reordered arrays is in sync", () => {
    const d = classify(desired, live(healthyAttrs));
    expect(d).toEqual({ kind: "in-sync", corruptions: [], changes: [], notes: [] });
  });

  it.each([
    ["client:bob", 'contact_uri "client:bob" is not canonical "client:bob_40acme_2Ecom"'],
    ["client:bob_40acme", 'contact_uri "client:bob_40acme" is not canonical "client:bob_40acme_2Ecom"'],
    ["client:bob@acme.com", 'contact_uri "client:bob@acme.com" is not canonical "client:bob_40acme_2Ecom"'],
  ])("seed corruption contact_uri %s → replace", (uri, message) => {
    const d = classify(desired, live({ ...healthyAttrs, contact_uri: uri }));
    expect(d.kind).toBe("replace");
    expect(d.corruptions).toEqual([
      { code: "contact-uri-not-canonical", field: "contactUri", path: "contactUri", key: "contact_uri", from: uri, to: "client:bob_40acme_2Ecom", message },
    ]);
  });

  it("missing contact_uri is a worker waiting for first sign-in: written in place, never a replace", () => {
    const { contact_uri: _, ...rest } = healthyAttrs;
    const d = classify(desired, live(rest));
    expect(d.kind).toBe("update");
    expect(d.corruptions).toEqual([]);
    expect(d.waitingForFirstSignIn).toBe(true);
    expect(d.changes.map((c) => c.message)).toEqual([
      'contact_uri is missing (waiting for first sign-in); flex-roster writes "client:bob_40acme_2Ecom"',
    ]);
  });

  it.each([
    ["{not json", "attributes are not valid JSON"],
    ["[1,2]", "attributes are JSON but not an object"],
    ['"a string"', "attributes are JSON but not an object"],
    ["null", "attributes are JSON but not an object"],
  ])("attributes %s → replace", (raw, message) => {
    const d = classify(desired, live(undefined, { raw }));
    expect(d.kind).toBe("replace");
    expect(d.corruptions.map((c) => c.message)).toEqual([message]);
  });

  it("friendly_name not matching the identity → replace", () => {
    const d = classify(desired, live(healthyAttrs, { friendlyName: "Bob" }));
    expect(d.kind).toBe("replace");
    expect(d.corruptions.map((c) => c.field)).toEqual(["friendlyName"]);
  });

  it("skill, full_name and extra attribute drift → update in place with each key named", () => {
    const d = classify(
      desired,
      live({ ...healthyAttrs, full_name: "bob", routing: { skills: ["sales"], levels: { support: 3 } }, team: "apac" }),
    );
    expect(d.kind).toBe("update");
    expect(d.changes.map((c) => c.path)).toEqual(["fullName", "skills", "extraAttributes.team"]);
    expect(d.changes[0].message).toBe('full_name "bob" → "Bob Builder"');
  });

  it("channel capacity and availability drift → update", () => {
    const d = classify(
      desired,
      live(healthyAttrs, {
        channels: [
          { taskChannelUniqueName: "chat", configuredCapacity: 1, available: true },
          { taskChannelUniqueName: "voice", configuredCapacity: 1, available: false },
        ],
      }),
    );
    expect(d.kind).toBe("update");
    expect(d.changes.map((c) => [c.path, c.from, c.to])).toEqual([
      ["channels.chat.capacity", 1, 3],
      ["channels.voice.available", false, true],
    ]);
  });

  it("a channel the workspace lacks is reported, not silently ignored", () => {
    const d = classify(desired, live(healthyAttrs, { channels: healthyChannels.slice(1) }));
    expect(d.changes.map((c) => c.path)).toEqual(["channels.chat"]);
  });

  it("corruption and in-place drift together → replace, listing both", () => {
    const d = classify(desired, live({ ...healthyAttrs, contact_uri: "client:bob", full_name: "x" }));
    expect(d.kind).toBe("replace");
    expect(d.changes.map((c) => c.path)).toEqual(["fullName"]);
  });

  it("ownAllAttributes flags unmanaged live keys for removal, but not Flex's Teams/Insights keys", () => {
    const owning = desiredWorker(WS, agent({ ...BOB, ownAllAttributes: true }));
    const attrs = { ...healthyAttrs, legacy_flag: true, team_sid: "x", public_identity: "Bob" };
    const l = projectLive(owning, { sid: "WK", workspaceSid: "WS", friendlyName: "bob_40acme_2Ecom", attributes: JSON.stringify(attrs) }, healthyChannels);
    const d = classify(owning, l);
    expect(d.kind).toBe("update");
    expect(d.changes.map((c) => c.path)).toEqual(["extraAttributes.legacy_flag"]);
  });

  it("the warning names the agent, both values and the consequence", () => {
    const d = classify(desired, live({ ...healthyAttrs, contact_uri: "client:bob" }));
    expect(corruptionWarning("bob@acme.com", d)).toBe(
      'bob@acme.com: contact_uri "client:bob" is not canonical "client:bob_40acme_2Ecom"; the worker will be recreated (the agent must sign in again) ' +
        "[repair: recreate (the default): the worker gets a new SID; `repair: in-place` in the roster fixes contact_uri on the same SID]",
    );
  });
});

describe("attributes", () => {
  it("managed keys use Flex's names", () => {
    expect(managedAttributes(desired)).toEqual({
      contact_uri: "client:bob_40acme_2Ecom",
      email: "bob@acme.com",
      full_name: "Bob Builder",
      roles: ["agent", "supervisor"],
      routing: { skills: ["sales", "support"], levels: { support: 3 } },
      team: "emea",
    });
  });

  it("merge keeps unmanaged keys, including unmanaged routing keys", () => {
    const liveAttrs = {
      contact_uri: "client:bob",
      image_url: "u",
      disabled_skills: { skills: [], levels: {} },
      routing: { skills: ["old"], levels: {}, priority: 5 },
    };
    const merged = canonicalAttributes(desired, liveAttrs);
    expect(merged).toMatchObject({ contact_uri: "client:bob_40acme_2Ecom", image_url: "u", disabled_skills: { skills: [], levels: {} } });
    expect(merged.routing).toEqual({ skills: ["sales", "support"], levels: { support: 3 }, priority: 5 });
  });

  it("owning the whole object drops unmanaged keys but keeps Flex's Teams/Insights keys unless the roster names them", () => {
    const owning = desiredWorker(WS, agent({ ...BOB, ownAllAttributes: true }));
    const liveAttrs = { image_url: "u", legacy: 1, team_sid: "T1", manager: "m", department_name: "d", team: "old" };
    const out = canonicalAttributes(owning, liveAttrs);
    expect(Object.keys(out).sort()).toEqual(
      ["contact_uri", "email", "full_name", "roles", "routing", "team", "image_url", "team_sid", "manager", "department_name"].sort(),
    );
    expect(out.team).toBe("emea");
    const naming = desiredWorker(WS, agent({ ...BOB, ownAllAttributes: true, attributes: { team: "emea", location: "Lisbon" } }));
    expect(canonicalAttributes(naming, { location: "Porto" }).location).toBe("Lisbon");
  });

  it("does not mutate the live object", () => {
    const liveAttrs = { routing: { skills: ["x"] } };
    canonicalAttributes(desired, liveAttrs);
    expect(liveAttrs).toEqual({ routing: { skills: ["x"] } });
  });

  it.each([
    ["", "json-object"],
    ["{}", "json-object"],
    ["{", "invalid-json"],
    ["42", "not-an-object"],
  ])("parseAttributes(%j) → %s", (raw, format) => {
    expect(parseAttributes(raw).format).toBe(format);
  });
});

describe("channel state (short form kept in Pulumi state)", () => {
  it.each([
    [{ capacity: 2, available: true }, 2],
    [{ capacity: 0, available: true }, 0],
    [{ capacity: 3, available: false }, { capacity: 3, available: false }],
  ])("%j ⇄ %j", (spec, state) => {
    expect(channelState(spec)).toEqual(state);
    expect(channelSpec(state)).toEqual(spec);
  });

  it("desired workers use the short form", () => {
    expect(desired.channels).toEqual({ chat: 3, voice: 1 });
  });
});

// Living alongside Flex: what other writers own is information, not drift.
describe("classify alongside Flex (SSO, first sign-in, disabled skills, repair policy)", () => {
  const as = (over: Partial<AgentSpec>) => desiredWorker(WS, agent({ ...BOB, ...over }));
  const liveFor = (want: ReturnType<typeof as>, attrs: unknown, friendlyName = "bob_40acme_2Ecom") =>
    projectLive(want, { sid: "WK", workspaceSid: "WS", friendlyName, attributes: typeof attrs === "string" ? attrs : JSON.stringify(attrs) }, healthyChannels);
  const { contact_uri: _c, ...noContact } = healthyAttrs;
  const sso = as({ identityProvider: "sso" });
  const preProvisioned = as({ contactUriByFlex: true });
  const inPlace = as({ repair: "in-place" });
  const disabledAttrs = {
    ...healthyAttrs,
    routing: { skills: ["sales"], levels: {} },
    disabled_skills: { skills: ["support"], levels: { support: 3 } },
  };

  it.each([
    // [case, desired, live attributes, friendly name, kind, changed paths, note count, repair policy]
    ["sso: roles/full_name/email changed at login", sso, { ...healthyAttrs, roles: ["agent", "wfo.full_access"], full_name: "Robert", email: "rob@acme.com" }, undefined, "in-sync", [], 3, undefined],
    ["no sso: the same plans an update", desired, { ...healthyAttrs, roles: ["agent", "wfo.full_access"], full_name: "Robert" }, undefined, "update", ["fullName", "roles"], 0, undefined],
    ["sso: contact_uri is still checked", sso, { ...healthyAttrs, contact_uri: "client:bob" }, undefined, "replace", [], 0, "recreate"],
    ["pre-provisioned, never signed in", preProvisioned, noContact, undefined, "in-sync", [], 1, undefined],
    ["pre-provisioned, signed in", preProvisioned, healthyAttrs, undefined, "in-sync", [], 0, undefined],
    ["pre-provisioned, wrong contact_uri is the seed's corruption", preProvisioned, { ...healthyAttrs, contact_uri: "client:bob" }, undefined, "replace", [], 0, "recreate"],
    ["in-place: wrong contact_uri is an update on the same SID", inPlace, { ...healthyAttrs, contact_uri: "client:bob" }, undefined, "update", ["contactUri"], 0, "in-place"],
    ["in-place: non-JSON attributes still recreate", inPlace, "{oops", undefined, "replace", [], 0, "recreate"],
    ["in-place: a friendly name that does not match still recreates", inPlace, healthyAttrs, "Bob", "replace", [], 0, "recreate"],
    ["a skill disabled in Flex is not drift", desired, disabledAttrs, undefined, "in-sync", [], 1, undefined],
    ["a disabled skill gone from the roster leaves disabled_skills", as({ skills: ["sales"], levels: {} }), disabledAttrs, undefined, "update", ["disabledSkills"], 0, undefined],
  ] as const)("%s", (_name, want, attrs, friendlyName, kind, paths, noteCount, policy) => {
    const d = classify(want, liveFor(want, attrs, friendlyName));
    expect(d.kind).toBe(kind);
    // a replacement rewrites everything anyway; its in-place list is not what runs
    if (kind !== "replace") expect(d.changes.map((c) => c.path)).toEqual(paths);
    expect(d.notes).toHaveLength(noteCount);
    expect(d.repair?.policy).toBe(policy);
  });

  it("the notes say who owns the difference", () => {
    const d = classify(sso, liveFor(sso, { ...healthyAttrs, roles: ["agent"] }));
    expect(d.notes.map((n) => n.message)).toEqual(['roles is set by SSO at sign-in: ["agent"] (the roster says ["agent","supervisor"])']);
    const dis = classify(desired, liveFor(desired, disabledAttrs));
    expect(dis.notes.map((n) => n.message)).toEqual(['skill "support" is disabled in Flex (left disabled)']);
    const pre = classify(preProvisioned, liveFor(preProvisioned, noContact));
    expect(pre.waitingForFirstSignIn).toBe(true);
    expect(pre.notes[0]!.message).toMatch(/^waiting for first sign-in/);
    const bad = classify(inPlace, liveFor(inPlace, healthyAttrs, "Bob"));
    expect(bad.repair!.why).toBe("repair: in-place cannot fix a friendly_name that does not match, so the worker is recreated");
  });

  it("writes: SSO never writes full_name, email or roles; disabled skills stay disabled; contact_uri is left to Flex until sign-in", () => {
    const live = { ...healthyAttrs, roles: ["agent", "wfo.admin"], full_name: "Robert" };
    const out = canonicalAttributes(sso, live);
    expect(out).toMatchObject({ roles: ["agent", "wfo.admin"], full_name: "Robert", email: "bob@acme.com" });
    expect(managedAttributes(sso)).not.toHaveProperty("roles");
    expect(managedAttributes(sso)).not.toHaveProperty("full_name");
    expect(managedAttributes(sso)).not.toHaveProperty("email");
    // a disabled skill is not re-enabled, and its level stays in disabled_skills
    expect(canonicalAttributes(desired, disabledAttrs)).toMatchObject({
      routing: { skills: ["sales"], levels: {} },
      disabled_skills: { skills: ["support"], levels: { support: 3 } },
    });
    // gone from the roster: gone from disabled_skills too
    const salesOnly = as({ skills: ["sales"], levels: {} });
    expect(canonicalAttributes(salesOnly, disabledAttrs).disabled_skills).toEqual({ skills: [], levels: {} });
    // pre-provisioned: no contact_uri on create or while waiting; the in-place fix writes the canonical one
    expect(managedAttributes(preProvisioned)).not.toHaveProperty("contact_uri");
    expect(canonicalAttributes(preProvisioned, noContact)).not.toHaveProperty("contact_uri");
    expect(canonicalAttributes(preProvisioned, { ...healthyAttrs, contact_uri: "client:bob" }).contact_uri).toBe("client:bob_40acme_2Ecom");
    expect(canonicalAttributes(inPlace, { ...healthyAttrs, contact_uri: "client:bob" }).contact_uri).toBe("client:bob_40acme_2Ecom");
  });
});

describe("the not-drift line (provider → engine log → report)", () => {
  it("parseNotDrift reads back what notDriftMessage writes, and nothing else", () => {
    const line = notDriftMessage("bob@acme.com", "roles is set by SSO (identityProvider: sso): live [admin], roster [agent]");
    expect(parseNotDrift(line)).toEqual({ email: "bob@acme.com", note: "roles is set by SSO (identityProvider: sso): live [admin], roster [agent]" });
    expect(parseNotDrift("bob@acme.com: contact_uri is fixed in place")).toBeUndefined();
    expect(parseNotDrift("two words: not drift: x")).toBeUndefined();
    expect(parseNotDrift(notDriftMessage("bob@acme.com", ""))).toBeUndefined();
  });
});
