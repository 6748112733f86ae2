import { describe, expect, it } from "vitest";
import { audit } from "../../src/brownfield/audit";
import { workerFacts, type ScannedWorker } from "../../src/brownfield/facts";
import { worstSeverity, type Severity } from "../../src/brownfield/findings";
import { flexIdentity } from "../../src/flex/identity";
import { parseRoster } from "../../src/roster";

let n = 0;
const sid = () => `WK${(++n).toString(16).padStart(32, "0")}`;

function worker(friendlyName: string, attributes: unknown, chat = 2, available = true): ScannedWorker {
  return {
    sid: sid(),
    friendlyName,
    attributes: typeof attributes === "string" ? attributes : JSON.stringify(attributes),
    channels: [
      { taskChannelUniqueName: "voice", configuredCapacity: 1, available: true },
      { taskChannelUniqueName: "chat", configuredCapacity: chat, available },
    ],
  };
}

/** A healthy Flex-created worker for `email`. */
function healthy(email: string, extra: Record<string, unknown> = {}, chat = 2): ScannedWorker {
  const id = flexIdentity(email);
  return worker(id, { contact_uri: `client:${id}`, email, full_name: email.split("@")[0], roles: ["agent"], ...extra }, chat);
}

const codes = (r: ReturnType<typeof audit>) => r.findings.map((f) => `${f.code} ${f.friendlyName}`).sort();

describe("workerFacts", () => {
  it.each([
    ["email from attributes", healthy("bob@acme.com"), { email: "bob@acme.com", emailSource: "attributes", corrupted: false }],
    ["email from the friendly name", worker("bob_40acme_2Ecom", { contact_uri: "client:bob_40acme_2Ecom" }), { email: "bob@acme.com", emailSource: "friendly-name", corrupted: false }],
    ["invalid JSON", worker("bob_40acme_2Ecom", "{nope"), { format: "invalid-json", email: "bob@acme.com", corrupted: true }],
    ["not an object", worker("bob_40acme_2Ecom", "[1]"), { format: "not-an-object", corrupted: true }],
    ["seed-style contact_uri", worker("bob_40acme_2Ecom", { contact_uri: "client:bob" }), { corrupted: true, expectedContactUri: "client:bob_40acme_2Ecom" }],
    ["not an identity", worker("Bob Smith", { contact_uri: "client:x" }), { identityName: false, email: undefined, corrupted: false }],
  ])("%s", (_name, w, expected) => {
    expect(workerFacts(w, 0)).toMatchObject(expected);
  });
});

describe("audit", () => {
  it("a clean workspace has no findings", () => {
    const r = audit([healthy("a@acme.com"), healthy("b@acme.com"), healthy("c@acme.com")]);
    expect(r.findings).toEqual([]);
    expect(r.counts).toMatchObject({ workers: 3, healthy: 3, critical: 0, warning: 0 });
    expect(r.majority).toEqual({ pattern: "client:<local>_40<domain>", label: "", count: 3, of: 3 });
    expect(worstSeverity(r)).toBeUndefined();
  });

  const table: [name: string, workers: ScannedWorker[], expected: string[], worst: Severity | undefined][] = [
    ["domain part missing", [healthy("a@acme.com"), worker("bob_40acme_2Ecom", { contact_uri: "client:bob" })], ["contact-uri-not-canonical bob_40acme_2Ecom"], "critical"],
    // waiting for first sign-in (pre-provisioned): information, not corruption
    ["contact_uri missing", [worker("bob_40acme_2Ecom", { email: "bob@acme.com" })], ["contact-uri-missing bob_40acme_2Ecom"], "info"],
    ["invalid JSON", [worker("bob_40acme_2Ecom", "{'contact_uri': 1}")], ["attributes-invalid-json bob_40acme_2Ecom"], "critical"],
    ["not an object", [worker("bob_40acme_2Ecom", '"client:bob_40acme_2Ecom"')], ["attributes-not-object bob_40acme_2Ecom"], "critical"],
    ["low chat capacity", [healthy("a@acme.com", {}, 1)], ["chat-capacity-low a_40acme_2Ecom"], "warning"],
    ["chat unavailable is not multi-chat", [worker("a_40acme_2Ecom", { contact_uri: "client:a_40acme_2Ecom" }, 1, false)], [], undefined],
    ["friendly name not an identity", [worker("bob@acme.com", { contact_uri: "client:bob_40acme_2Ecom" })], ["friendly-name-not-identity bob@acme.com"], "warning"],
    [
      "same identity twice (case)",
      [healthy("bob@acme.com"), worker("Bob_40acme_2Ecom", { contact_uri: "client:Bob_40acme_2Ecom" })],
      ["duplicate-identity Bob_40acme_2Ecom", "duplicate-identity bob_40acme_2Ecom"],
      "critical",
    ],
    [
      "same email on two identities",
      [healthy("bob@acme.com"), worker("bob", { contact_uri: "client:bob", email: "bob@acme.com" })],
      ["duplicate-email bob", "duplicate-email bob_40acme_2Ecom"],
      "critical",
    ],
    [
      "planted twice with one name: duplicate identity only",
      [healthy("bob@acme.com"), healthy("bob@acme.com")],
      ["duplicate-identity bob_40acme_2Ecom", "duplicate-identity bob_40acme_2Ecom"],
      "critical",
    ],
  ];
  it.each(table)("%s", (_name, workers, expected, worst) => {
    const r = audit(workers);
    expect(codes(r)).toEqual([...expected].sort());
    expect(worstSeverity(r)).toBe(worst);
  });

  it("compares a bad pattern with the majority of working agents", () => {
    const r = audit([healthy("a@acme.com"), healthy("b@acme.com"), worker("bob_40acme_2Ecom", { contact_uri: "client:bob" })]);
    const f = r.findings[0];
    expect(f.expected).toBe("client:bob_40acme_2Ecom");
    expect(f.actual).toBe("client:bob");
    expect(f.pattern?.label).toBe("domain part missing");
    expect(f.message).toBe(
      'contact_uri "client:bob" is not canonical "client:bob_40acme_2Ecom": domain part missing ' +
        "(pattern client:<local>; 2 of 2 working agents use client:<local>_40<domain>)",
    );
    expect(r.badPatterns).toEqual([{ pattern: "client:<local>", label: "domain part missing", count: 1 }]);
  });

  it("names another worker's identity", () => {
    const r = audit([healthy("alice@acme.com"), worker("bob_40acme_2Ecom", { contact_uri: "client:alice_40acme_2Ecom" })]);
    expect(r.findings[0].pattern?.kind).toBe("other-identity");
  });

  it("the chat threshold is a setting and 0 turns it off", () => {
    const ws = [healthy("a@acme.com", {}, 2), healthy("b@acme.com", {}, 1)];
    expect(codes(audit(ws, { minChatCapacity: 3 }))).toEqual(["chat-capacity-low a_40acme_2Ecom", "chat-capacity-low b_40acme_2Ecom"]);
    expect(codes(audit(ws, { minChatCapacity: 0 }))).toEqual([]);
  });

  it("with a roster: orphans, agents without worker, and chat 1 on purpose", () => {
    const roster = parseRoster(
      [
        "workspace: Flex Task Assignment",
        "agents:",
        "  - email: a@acme.com",
        "    channels: { chat: 1 }",
        "  - email: new@acme.com",
      ].join("\n"),
      "roster.yaml",
    );
    const r = audit([healthy("a@acme.com", {}, 1), healthy("b@acme.com")], { roster });
    expect(codes(r)).toEqual(["agent-without-worker new_40acme_2Ecom", "orphan-worker b_40acme_2Ecom"]);
    expect(r.findings.find((f) => f.code === "agent-without-worker")?.message).toContain("line 5");
    expect(worstSeverity(r)).toBe("warning");
  });

  it("with an SSO roster: the profile SSO wrote and skills disabled in Flex are information, not problems", () => {
    const roster = parseRoster(
      ["workspace: Flex Task Assignment", "identityProvider: sso", "agents:", "  - email: a@acme.com", "    fullName: Ann", "    skills: [sales, support]"].join("\n"),
      "roster.yaml",
    );
    const w = healthy("a@acme.com", {
      full_name: "Ann Smith",
      roles: ["agent", "supervisor"],
      routing: { skills: ["sales"], levels: {} },
      disabled_skills: { skills: ["support"], levels: {} },
    });
    const r = audit([w], { roster });
    expect(r.findings.map((f) => [f.code, f.severity, f.message])).toEqual([
      ["skill-disabled-in-flex", "info", 'skill "support" is disabled in Flex (left disabled)'],
      ["sso-owned-difference", "info", 'full_name is set by SSO at sign-in: "Ann Smith" (the roster says "Ann")'],
      ["sso-owned-difference", "info", 'roles is set by SSO at sign-in: ["agent","supervisor"] (the roster says ["agent"])'],
    ]);
    expect(worstSeverity(r)).toBe("info");
  });

  it("sorts findings critical first and counts healthy workers", () => {
    const r = audit([healthy("a@acme.com", {}, 1), worker("z_40acme_2Ecom", { contact_uri: "client:z" }), healthy("m@acme.com")]);
    expect(r.findings.map((f) => f.severity)).toEqual(["critical", "warning"]);
    expect(r.counts).toMatchObject({ workers: 3, healthy: 1, critical: 1, warning: 1, byCode: { "contact-uri-not-canonical": 1, "chat-capacity-low": 1 } });
  });
});

describe("audit with a roster and duplicate workers", () => {
  it("only the first worker listed under an agent's identity is managed; the others are orphans", () => {
    const roster = parseRoster("workspace: W\nagents:\n  - email: bob@acme.com\n", "roster.yaml");
    const first = healthy("bob@acme.com");
    const again = healthy("bob@acme.com");
    const cased = worker("Bob_40acme_2Ecom", { contact_uri: "client:Bob_40acme_2Ecom" });
    const r = audit([first, again, cased], { roster });
    const orphans = r.findings.filter((f) => f.code === "orphan-worker");
    expect(orphans.map((f) => f.sid).sort()).toEqual([again.sid, cased.sid].sort());
    expect(orphans[0].message).toContain("another worker with this identity is the roster agent's");
  });
});

describe("routing findings (doctor with the workspace's TaskQueues)", () => {
  const QUEUES = [
    { sid: "WQ1", name: "Everyone", targetWorkers: "1==1" },
    { sid: "WQ2", name: "Spanish Support", targetWorkers: 'routing.skills HAS "spanish"' },
    { sid: "WQ3", name: "Sales", targetWorkers: "routing.skills HAS 'sales'" },
  ];

  it("a queue no worker is eligible for, and a worker no queue but the catch-all picks, are warnings", () => {
    const ana = healthy("ana@acme.com", { routing: { skills: ["sales"], levels: {} } });
    const bob = healthy("bob@acme.com", { routing: { skills: [], levels: {} } });
    const r = audit([ana, bob], { queues: QUEUES });
    const routing = r.findings.filter((f) => ["queue-without-workers", "worker-in-no-queue"].includes(f.code));
    expect(routing.map((f) => [f.code, f.severity, f.message])).toEqual([
      ["queue-without-workers", "warning", 'TaskQueue "Spanish Support" (WQ2): no worker is eligible for its target_workers "routing.skills HAS \\"spanish\\"": tasks routed there wait with nobody to take them'],
      ["worker-in-no-queue", "warning", `"bob_40acme_2Ecom" (${bob.sid}) is in no TaskQueue but the catch-all "Everyone": none of 2 other queues routes tasks to it`],
    ]);
    expect(worstSeverity(r)).toBe("warning");
  });

  it("only the catch-all queue: no worker-in-no-queue finding; an unparsable expression is its own finding", () => {
    const r = audit([healthy("ana@acme.com")], { queues: [QUEUES[0]!, { sid: "WQ9", name: "Odd", targetWorkers: "skills HAS" }] });
    expect(codes(r)).toEqual(["queue-expression-unparsable undefined"]);
  });
});
