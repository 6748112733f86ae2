import { describe, expect, it } from "vitest";
import type { ScannedWorker } from "../../src/brownfield/facts";
import { generateRoster } from "../../src/brownfield/roster-gen";
import { mostCommon, stableJson } from "../../src/brownfield/roster-defaults";
import { isFlexOwnedKey } from "../../src/flex/flex-owned";
import { flexIdentity } from "../../src/flex/identity";
import { parseRoster } from "../../src/roster";

let n = 0;
const sid = () => `WK${(++n).toString(16).padStart(32, "0")}`;
const CH = (chat = 2, voice = 1, available = true) => [
  { taskChannelUniqueName: "chat", configuredCapacity: chat, available },
  { taskChannelUniqueName: "voice", configuredCapacity: voice, available: true },
];

function w(friendlyName: string, attributes: unknown, channels = CH()): ScannedWorker {
  return { sid: sid(), friendlyName, attributes: typeof attributes === "string" ? attributes : JSON.stringify(attributes), channels };
}

function flex(email: string, over: Record<string, unknown> = {}, channels = CH()): ScannedWorker {
  const id = flexIdentity(email);
  return w(
    id,
    { contact_uri: `client:${id}`, email, full_name: email.split("@")[0], roles: ["agent"], routing: { skills: ["support"], levels: { support: 3 } }, ...over },
    channels,
  );
}

const gen = (workers: ScannedWorker[], opts: Partial<Parameters<typeof generateRoster>[1]> = {}) =>
  generateRoster(workers, { workspace: "Flex Task Assignment", ...opts });

describe("helpers", () => {
  it.each([
    [[1, 2, 2, 3], 2, 2],
    [["b", "a"], "a", 1], // tie: smallest key
    [[{ x: 1, y: 2 }, { y: 2, x: 1 }, { x: 2 }], { x: 1, y: 2 }, 2], // key order does not matter
  ])("mostCommon(%j)", (values, value, count) => {
    expect(mostCommon(values as unknown[])).toEqual({ value, count });
  });
  it("stableJson sorts keys", () => expect(stableJson({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}'));
  it.each([
    ["image_url", true],
    ["disabled_skills", true],
    ["Team_Name", true],
    ["_private", true],
    ["flex_plugin_state", true],
    ["team", false],
    ["shift", false],
  ])("isFlexOwnedKey(%s) = %s", (key, owned) => expect(isFlexOwnedKey(key)).toBe(owned));
});

describe("generateRoster", () => {
  it("healthy workers are adopted unchanged, with the common values in defaults", () => {
    const r = gen([flex("b@acme.com", { team: "emea" }), flex("a@acme.com", { team: "emea" }), flex("c@acme.com", { team: "amer" }, CH(3))]);
    expect(r.counts).toEqual({ adopt: 3, update: 0, replace: 0, skipped: 0 });
    expect(r.defaults).toEqual({
      roles: ["agent"],
      skills: ["support"],
      levels: { support: 3 },
      channels: { chat: { capacity: 2, available: true }, voice: { capacity: 1, available: true } },
      attributes: { team: "emea" },
    });
    expect(r.yaml).toContain(
      [
        "defaults:",
        "  roles: [agent]",
        "  skills: [support]",
        "  levels: {support: 3}",
        "  channels: {chat: 2, voice: 1}",
        "  attributes:",
        "    team: emea",
        "agents:",
        "  - email: a@acme.com",
        "    fullName: a",
        "  - email: b@acme.com",
        "    fullName: b",
        "  - email: c@acme.com",
        "    fullName: c",
        "    channels: {chat: 3}",
        "    attributes:",
        "      team: amer",
      ].join("\n"),
    );
    expect(r.roster.agents.map((a) => a.email)).toEqual(["a@acme.com", "b@acme.com", "c@acme.com"]);
  });

  it("is stable: the same workers in another order give the same file", () => {
    const ws = [flex("b@acme.com"), flex("a@acme.com", { team: "x" }), flex("C@acme.com")];
    expect(gen(ws).yaml).toBe(gen([...ws].reverse()).yaml);
  });

  const table: [name: string, worker: () => ScannedWorker, entry: Record<string, unknown>, plan: string, comment?: RegExp][] = [
    ["seed-style contact_uri", () => flex("bob@acme.com", { contact_uri: "client:bob" }), { email: "bob@acme.com" }, "replace", /# CORRUPTED: contact_uri "client:bob" is not canonical "client:bob_40acme_2Ecom"; flex-roster will recreate this worker/],
    ["invalid JSON", () => w("bob_40acme_2Ecom", "{oops"), { email: "bob@acme.com" }, "replace", /# CORRUPTED: attributes are not valid JSON/],
    ["username that is not an email", () => w("bob", { contact_uri: "client:bob", email: "bob@acme.com", full_name: "Bob", roles: ["agent"], routing: { skills: ["support"], levels: { support: 3 } } }), { email: "bob@acme.com", identity: "bob", fullName: "Bob" }, "adopt"],
    ["email differs in case from the identity", () => flex("Bob@acme.com", { email: "bob@acme.com" }), { email: "bob@acme.com", identity: "Bob_40acme_2Ecom" }, "adopt"],
    ["non-ASCII email needs an identity", () => w("jos_40acme_2Ecom", { contact_uri: "client:jos_40acme_2Ecom", email: "josé@acme.com", full_name: "J", roles: ["agent"], routing: { skills: ["support"], levels: { support: 3 } } }), { email: "josé@acme.com", identity: "jos_40acme_2Ecom" }, "adopt"],
    ["no full_name: updated", () => flex("x@acme.com", { full_name: undefined }), { email: "x@acme.com" }, "update", /# UPDATE: pulumi up will change full_name \(missing\) → "x@acme.com"/],
    ["no roles: updated to the default", () => flex("x@acme.com", { roles: undefined }), { email: "x@acme.com", fullName: "x" }, "update", /# UPDATE: pulumi up will change roles \(missing\) → \["agent"\]/],
    ["level outside 0..10 is left out", () => flex("x@acme.com", { routing: { skills: ["support"], levels: { support: 3, sales: 2, vip: 99 } } }), { email: "x@acme.com", fullName: "x" }, "update", /# NOTE: routing.levels.sales = 2 left out/],
    ["no skills while the default has some", () => flex("x@acme.com", { routing: { skills: [], levels: {} } }), { email: "x@acme.com", fullName: "x", skills: [] }, "adopt"],
    ["chat unavailable", () => flex("x@acme.com", {}, CH(2, 1, false)), { email: "x@acme.com", fullName: "x", channels: { chat: { capacity: 2, available: false } } }, "adopt"],
    ["team-owned keys are managed, Flex keys are not", () => flex("x@acme.com", { shift: { start: 9 }, image_url: "https://example.invalid/x.png", disabled_skills: {} }), { email: "x@acme.com", fullName: "x", attributes: { shift: { start: 9 } } }, "adopt"],
  ];
  it.each(table)("%s", (_name, make, entry, plan, comment) => {
    const others = [flex("a@acme.com"), flex("b@acme.com"), flex("c@acme.com")];
    const target = make();
    const r = gen([...others, target]);
    const agent = r.agents.find((a) => a.sid === target.sid)!;
    expect(agent.plan).toBe(plan);
    expect(agent.entry).toMatchObject(entry);
    for (const k of ["identity", "skills", "channels", "attributes"]) if (!(k in entry)) expect(agent.entry).not.toHaveProperty(k);
    if (comment) expect(r.yaml).toMatch(comment);
    expect(r.counts[plan as "adopt"]).toBe(plan === "adopt" ? 4 : 1);
  });

  it("--ignore-attribute leaves keys unmanaged", () => {
    const r = gen([flex("a@acme.com", { shift: "am", team: "x" })], { ignoreAttributes: ["shift"] });
    expect(r.agents[0].entry.attributes ?? r.defaults.attributes).toEqual({ team: "x" });
    expect(r.unmanagedKeys).toEqual(["shift"]);
  });

  it("defaults hold only keys every agent has (an agent cannot unset a default)", () => {
    const r = gen([flex("a@acme.com", { team: "x" }), flex("b@acme.com", { team: "x" }), flex("c@acme.com"), flex("d@acme.com", {}, [{ taskChannelUniqueName: "chat", configuredCapacity: 2, available: true }])]);
    expect(r.defaults.attributes).toBeUndefined();
    expect(r.defaults.channels).toEqual({ chat: { capacity: 2, available: true } });
    expect(r.counts.adopt).toBe(4);
  });

  it("a default level only for skills whose holders all have a level", () => {
    const r = gen([
      flex("a@acme.com", { routing: { skills: ["support", "sales"], levels: { support: 3, sales: 1 } } }),
      flex("b@acme.com", { routing: { skills: ["support", "sales"], levels: { support: 3 } } }),
      flex("c@acme.com", { routing: { skills: ["support"], levels: { support: 5 } } }),
    ]);
    expect(r.defaults.levels).toEqual({ support: 3 });
    expect(r.counts.adopt).toBe(3);
  });

  it("duplicates: one agent per identity or email, the others listed as not imported", () => {
    const first = flex("dup@acme.com");
    const second = flex("dup@acme.com");
    const cased = w("Eve_40acme_2Ecom", { contact_uri: "client:Eve_40acme_2Ecom", email: "Eve@acme.com" });
    const eve = flex("eve@acme.com");
    const corruptBob = flex("bob@acme.com", { contact_uri: "client:bob" });
    const bobByName = w("bob", { contact_uri: "client:bob", email: "bob@acme.com" });
    const r = gen([first, second, cased, eve, corruptBob, bobByName]);
    // Names equal but for case: the provider adopts the first one Twilio lists, so that one is kept.
    // Same email, other identity: the healthy one, else the one named exactly after the email.
    expect(r.agents.map((a) => a.sid).sort()).toEqual([first.sid, cased.sid, bobByName.sid].sort());
    expect(r.skipped.map((s) => [s.sid, s.kind]).sort()).toEqual(
      [
        [second.sid, "duplicate"],
        [eve.sid, "duplicate"],
        [corruptBob.sid, "duplicate"],
      ].sort(),
    );
    expect(r.yaml).toContain(`#   DUPLICATE: ${second.sid} "dup_40acme_2Ecom": duplicate of ${first.sid}`);
  });

  it("workers whose name is not an identity are listed, not imported", () => {
    const stray = w("Test Worker", "{}");
    const r = gen([flex("a@acme.com"), stray]);
    expect(r.skipped).toEqual([expect.objectContaining({ sid: stray.sid, kind: "not-an-identity" })]);
    expect(r.yaml).toMatch(/# Not imported:\n#   NOT-AN-IDENTITY: WK\w+ "Test Worker"/);
  });

  it("the file loads with the roster loader as written", () => {
    const r = gen([flex("a@acme.com", { team: "yes", n: 1.5, nul: null, list: ["on", "off"] }), flex("o'brien+x@acme.co.uk"), w("q_40acme_2Ecom", "[1]")]);
    const again = parseRoster(r.yaml, "again.yaml");
    expect(again.agents.map((a) => a.identity)).toEqual(["a_40acme_2Ecom", "o_27brien_2Bx_40acme_2Eco_2Euk", "q_40acme_2Ecom"]);
    expect(again.agents[0].attributes).toEqual({ team: "yes", n: 1.5, nul: null, list: ["on", "off"] });
  });

  it("an empty workspace gives an empty roster that loads", () => {
    const r = gen([]);
    expect(r.roster.agents).toEqual([]);
    expect(r.yaml).toContain("agents: []");
  });
});
