import { describe, expect, it } from "vitest";
import { canonicalAttributes, managedAttributes } from "../../src/flex/attributes";
import { classify, corruptionWarning } from "../../src/flex/drift";
import { contactUriFor, flexIdentity } from "../../src/flex/identity";
import type { AgentSpec } from "../../src/flex/types";
import { channelSpec, channelState, desiredWorker, parseAttributes, projectLive, type LiveChannelRecord } from "../../src/flex/worker-model";

function agent(over: Partial<AgentSpec> = {}): AgentSpec {
  const email = over.email ?? "bob@acme.com";
  const identity = over.identity ?? flexIdentity(email);
  return {
    email,
    identity,
    contactUri: contactUriFor(identity),
    fullName: "Bob Builder",
    roles: ["agent", "supervisor"],
    skills: ["sales", "support"],
    levels: { support: 3 },
    channels: { chat: { capacity: 3, available: true }, voice: { capacity: 1, available: true } },
    attributes: { team: "emea" },
    ownAllAttributes: false,
    protect: false,
    line: 1,
    ...over,
  };
}

const WS = "Flex Task Assignment";
const desired = desiredWorker(WS, agent());
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
    expect(d).toEqual({ kind: "in-sync", corruptions: [], changes: [] });
  });

  it.each([
    ["client:bob", 'contact_uri "client:bob" is not canonical "client:bob_40acme_2Ecom"'],
    ["client:bob_40acme", 'contact_uri "client:bob_40acme" is not canonical "client:bob_40acme_2Ecom"'],
    ["client:bob@acme.com", 'contact_uri "client:bob@acme.com" is not canonical "client:bob_40acme_2Ecom"'],
  ])("seed corruption contact_uri %s → replace", (uri, message) => {
    const d = classify(desired, live({ ...healthyAttrs, contact_uri: uri }));
    expect(d.kind).toBe("replace");
    expect(d.corruptions).toEqual([
      { field: "contactUri", path: "contactUri", from: uri, to: "client:bob_40acme_2Ecom", message },
    ]);
  });

  it("missing contact_uri → replace", () => {
    const { contact_uri: _, ...rest } = healthyAttrs;
    const d = classify(desired, live(rest));
    expect(d.kind).toBe("replace");
    expect(d.corruptions[0].message).toBe('contact_uri is missing; canonical is "client:bob_40acme_2Ecom"');
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

  it("ownAllAttributes flags unmanaged live keys for removal", () => {
    const owning = desiredWorker(WS, agent({ ownAllAttributes: true }));
    const l = projectLive(owning, { sid: "WK", workspaceSid: "WS", friendlyName: "bob_40acme_2Ecom", attributes: JSON.stringify(healthyAttrs) }, healthyChannels);
    const d = classify(owning, l);
    expect(d.kind).toBe("update");
    expect(d.changes.map((c) => c.path)).toEqual(["extraAttributes.image_url"]);
  });

  it("the warning names the agent, both values and the consequence", () => {
    const d = classify(desired, live({ ...healthyAttrs, contact_uri: "client:bob" }));
    expect(corruptionWarning("bob@acme.com", d)).toBe(
      'bob@acme.com: contact_uri "client:bob" is not canonical "client:bob_40acme_2Ecom"; the worker will be recreated (the agent must sign in again)',
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

  it("owning the whole object drops unmanaged keys", () => {
    const owning = desiredWorker(WS, agent({ ownAllAttributes: true }));
    expect(Object.keys(canonicalAttributes(owning, { image_url: "u" })).sort()).toEqual(
      ["contact_uri", "email", "full_name", "roles", "routing", "team"].sort(),
    );
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
