// One health rule, four consumers. Each case is a roster agent and the worker
// Flex has for it (seeded in the emulator, or none: gone). The rule
// (classify) gives the verdict and the reasons, pinned by the table; then
// the provider (read → diff, as the engine runs a refreshing preview), doctor
// (scan → audit with the roster), import (its plan for the agent against the
// scanned worker) and the PR report (built from the preview step the
// provider's verdict makes) must each say the same thing.

import { describe, expect, it, vi } from "vitest";
import type { Emulator, SeedWorkerSpec } from "../../emulator";
import { audit } from "../../src/brownfield/audit";
import { FINDING_FOR_RULE, type FindingCode } from "../../src/brownfield/findings";
import { importPlan } from "../../src/brownfield/roster-gen";
import { scanWorkspace } from "../../src/brownfield/scan";
import { buildPlan, WORKER_TYPE, type PreviewDigest } from "../../src/report";
import { changeReasons, REASON_FOR_RULE } from "../../src/report/reasons";
import { classify, reasonsOf, type ChangeCode, type CorruptionCode, type Drift, type DriftKind, type HealthCode } from "../../src/flex/drift";
import { contactUriFor, flexIdentity } from "../../src/flex/identity";
import type { AgentSpec } from "../../src/flex/types";
import { agent, channels } from "../../testing/agent-spec";
import { desiredWorker, projectLive, type WorkerInputs } from "../../src/flex/worker-model";
import { WorkerProvider } from "../../src/provider/worker-impl";
import { emulatorTaskRouter } from "../../testing/emulator-client";
import { useEmulator } from "../../testing/emulator-fixture";

const WS = "Flex Task Assignment";
const EMAIL = "bob@acme.com";
const ID = flexIdentity(EMAIL);

/** Bob as the cases assert on him; a case changes one thing. */
const BOB: Partial<AgentSpec> = {
  email: EMAIL,
  fullName: "Bob Builder",
  skills: ["sales", "support"],
  levels: { support: 3 },
  channels: channels({ chat: 2, voice: 1 }),
  attributes: { team: "emea" },
  line: 3,
};

/** The worker Flex has when everything is right; cases change one thing. */
const canonical = {
  contact_uri: contactUriFor(ID),
  email: EMAIL,
  full_name: "Bob Builder",
  roles: ["agent"],
  routing: { skills: ["support", "sales"], levels: { support: 3 } },
  team: "emea",
};
const canonicalChannels = { chat: { capacity: 2, available: true }, voice: { capacity: 1, available: true } };

function worker(attributes: Record<string, unknown> | string, over: Partial<SeedWorkerSpec> = {}): SeedWorkerSpec {
  return { friendlyName: ID, attributes: typeof attributes === "string" ? attributes : JSON.stringify(attributes), channels: canonicalChannels, ...over };
}
const without = (key: string) => Object.fromEntries(Object.entries(canonical).filter(([k]) => k !== key));

interface Case {
  name: string;
  agent?: Partial<AgentSpec>;
  /** null: Flex has no worker for the agent. */
  live: SeedWorkerSpec | null;
  kind: DriftKind;
  codes: HealthCode[];
  repair?: "recreate" | "in-place";
}

const cases: Case[] = [
  { name: "canonical", live: worker(canonical), kind: "in-sync", codes: [] },
  { name: "client:bob (domain part missing)", live: worker({ ...canonical, contact_uri: "client:bob" }), kind: "replace", codes: ["contact-uri-not-canonical"], repair: "recreate" },
  { name: "client:bob_40acme (domain truncated)", live: worker({ ...canonical, contact_uri: "client:bob_40acme" }), kind: "replace", codes: ["contact-uri-not-canonical"], repair: "recreate" },
  { name: "attributes not valid JSON", live: worker('{"contact_uri": "client:bob_40acme_2Ecom", '), kind: "replace", codes: ["attributes-invalid-json"], repair: "recreate" },
  { name: "missing contact_uri: waiting for sign-in, flex-roster writes it", live: worker(without("contact_uri")), kind: "update", codes: ["contact-uri-missing"] },
  {
    name: "missing contact_uri, leave-to-flex: waiting for sign-in is information",
    agent: { contactUriByFlex: true },
    live: worker(without("contact_uri")),
    kind: "in-sync",
    codes: ["waiting-for-first-sign-in"],
  },
  {
    name: "wrong contact_uri with leave-to-flex is still the seed's corruption",
    agent: { contactUriByFlex: true },
    live: worker({ ...canonical, contact_uri: "client:bob" }),
    kind: "replace",
    codes: ["contact-uri-not-canonical"],
    repair: "recreate",
  },
  { name: "friendly name is not the agent's identity (case)", live: worker(canonical, { friendlyName: "Bob_40acme_2Ecom" }), kind: "replace", codes: ["friendly-name-mismatch"], repair: "recreate" },
  {
    name: "SSO owns full_name, email and roles: drift there is information",
    agent: { identityProvider: "sso" },
    live: worker({ ...canonical, full_name: "Robert", email: "rob@acme.com", roles: ["agent", "wfo.full_access"] }),
    kind: "in-sync",
    codes: ["sso-owned", "sso-owned", "sso-owned"],
  },
  { name: "without SSO the same is an update", live: worker({ ...canonical, full_name: "Robert" }), kind: "update", codes: ["profile"] },
  {
    name: "a skill disabled in Flex stays disabled",
    live: worker({ ...canonical, routing: { skills: ["sales"], levels: {} }, disabled_skills: { skills: ["support"], levels: { support: 3 } } }),
    kind: "in-sync",
    codes: ["skill-disabled-in-flex"],
  },
  {
    name: "unmanaged Teams/Insights keys are left alone",
    live: worker({ ...canonical, team_sid: "TS1", image_url: "https://example.invalid/b.png", insights_rank: 3 }),
    kind: "in-sync",
    codes: [],
  },
  {
    name: "owning all attributes keeps Teams/Insights keys and removes a stray one",
    agent: { ownAllAttributes: true },
    live: worker({ ...canonical, team_sid: "TS1", image_url: "https://example.invalid/b.png", legacy_flag: true }),
    kind: "update",
    codes: ["attribute-removed"],
  },
  { name: "managed attribute drift", live: worker({ ...canonical, team: "apac" }), kind: "update", codes: ["attribute"] },
  { name: "chat capacity drift", live: worker(canonical, { channels: { ...canonicalChannels, chat: { capacity: 1, available: true } } }), kind: "update", codes: ["channel-capacity"] },
  { name: "channel availability drift", live: worker(canonical, { channels: { ...canonicalChannels, voice: { capacity: 1, available: false } } }), kind: "update", codes: ["channel-available"] },
  { name: "activity is the agent's, never drift", live: worker(canonical, { activityName: "Available" }), kind: "in-sync", codes: [] },
  {
    name: "repair: in-place fixes a wrong contact_uri on the same worker",
    agent: { repair: "in-place" },
    live: worker({ ...canonical, contact_uri: "client:bob" }),
    kind: "update",
    codes: ["contact-uri-not-canonical"],
    repair: "in-place",
  },
  {
    name: "repair: in-place cannot fix unreadable attributes: recreate",
    agent: { repair: "in-place" },
    live: worker("[1,2]"),
    kind: "replace",
    codes: ["attributes-not-object"],
    repair: "recreate",
  },
  { name: "gone: no worker in Flex", live: null, kind: "gone", codes: ["worker-missing"] },
];

/** Doctor findings about the workspace as a whole, not about one worker's health. */
const WORKSPACE_CODES = new Set<FindingCode>(["chat-capacity-low", "friendly-name-not-identity", "duplicate-identity", "duplicate-email", "orphan-worker"]);

let emu: Emulator;
useEmulator((e) => (emu = e));

/** The provider's verdict, as the engine gets it on a refreshing preview, with what it logged. */
async function providerVerdict(provider: WorkerProvider, sid: string, want: WorkerInputs) {
  const logged: string[] = [];
  const spy = vi.spyOn(process.stderr, "write").mockImplementation((s: unknown) => (logged.push(String(s)), true));
  try {
    const read = await provider.read(sid, want as never);
    if (!read.id) return { kind: "gone" as DriftKind, logged, read };
    const diff = await provider.diff(sid, read.props as WorkerInputs, want);
    const kind: DriftKind = diff.replaces && diff.replaces.length > 0 ? "replace" : diff.changes ? "update" : "in-sync";
    return { kind, diff, logged, read };
  } finally {
    spy.mockRestore();
  }
}

const OP: Record<DriftKind, string> = { "in-sync": "same", update: "update", replace: "replace", gone: "create" };

describe("the health rule and its four consumers agree", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const spec = agent({ ...BOB, ...c.agent });
    const want = desiredWorker(WS, spec);
    const tr = emulatorTaskRouter(emu, { maxRetries: 1 });
    const [sid] = c.live ? emu.control.seedWorkers([c.live]) : ["WK" + "0".repeat(32)];

    // The rule, on the worker as Flex has it.
    const scan = await scanWorkspace(tr, WS, { concurrency: 2 });
    const scanned = scan.workers.find((w) => w.sid === sid);
    expect(scanned !== undefined).toBe(c.live !== null);
    const live = scanned && projectLive(want, { sid, workspaceSid: scan.workspace.sid, friendlyName: scanned.friendlyName, attributes: scanned.attributes }, scanned.channels);
    const rule: Drift = classify(want, live && { ...live, workspace: want.workspace });
    const reasons = reasonsOf(rule);
    expect(rule.kind).toBe(c.kind);
    // A replacement rewrites the whole worker: what it would also change in place is listed, not pinned.
    const pinned = rule.kind === "replace" ? [...rule.corruptions, ...rule.notes] : reasons;
    expect(pinned.map((r) => r.code)).toEqual(c.codes);
    expect(rule.repair?.policy).toBe(c.repair);

    // 1. Provider: read → diff, the verdict Pulumi plans; corruptions and notes are logged in the rule's words.
    const p = await providerVerdict(new WorkerProvider(tr), sid!, want);
    expect(p.kind).toBe(c.kind);
    if (p.diff) expect([...(p.diff.replaces ?? [])].sort()).toEqual([...new Set(rule.corruptions.map((f) => f.field))].sort());
    const log = p.logged.join("");
    for (const f of [...rule.corruptions, ...rule.notes]) expect(log).toContain(f.message);

    // 2. Doctor with the roster: the rule's verdict, and its reasons as findings in the rule's words.
    const roster = { file: "roster.yaml", workspace: WS, agents: [spec] };
    const report = audit(scan.workers, { roster });
    const mine = report.findings.filter((f) => (c.live ? f.sid === sid : f.friendlyName === ID) && !WORKSPACE_CODES.has(f.code));
    // Doctor reports problems and information, not roster drift (preview does): every corruption,
    // note, contact_uri repair and missing worker, each once, in the rule's words.
    const shown = reasons.filter((r) => !rule.changes.includes(r) || r.code.startsWith("contact-uri") || r.code === "worker-missing");
    expect(mine.map((f) => f.code).sort()).toEqual(shown.map((r) => FINDING_FOR_RULE[r.code]).sort());
    for (const r of shown) expect(mine.some((f) => f.message.includes(r.message))).toBe(true);
    if (c.live) expect(report.workers.find((w) => w.sid === sid)!.health.kind).toBe(c.kind);
    const critical = mine.some((f) => f.severity === "critical");
    expect(critical).toBe(rule.kind === "replace" || rule.repair !== undefined);

    // 3. Import: the plan and the comment's reasons for this agent against the scanned worker.
    if (scanned) {
      const imported = importPlan(WS, spec, scanned);
      expect(imported.plan).toBe({ "in-sync": "adopt", update: "update", replace: "replace" }[c.kind as Exclude<DriftKind, "gone">]);
      const listed = c.kind === "replace" ? rule.corruptions : rule.changes;
      expect(imported.reasons).toEqual(listed.map((f) => f.message));
    }

    // 4. PR report: the preview step the provider's verdict makes; its reasons are the rule's.
    const urn = `urn:pulumi:dev::flex-roster::${WORKER_TYPE}::${ID}`;
    const oldState = { urn, type: WORKER_TYPE, id: sid, inputs: want, outputs: p.read.id ? (p.read.props as Record<string, unknown>) : want };
    const steps =
      c.kind === "gone"
        ? [{ op: "refresh", urn, oldState }, { op: "create", urn, newState: { urn, type: WORKER_TYPE, inputs: want } }]
        : [{ op: OP[p.kind], urn, oldState, newState: { urn, type: WORKER_TYPE, inputs: want }, replaceReasons: p.diff?.replaces ?? [] }];
    const plan = buildPlan({ steps } as unknown as PreviewDigest);
    const a = plan.agents.find((x) => x.identity === ID)!;
    expect(a.action).toBe({ "in-sync": "same", update: "update", replace: "replace", gone: "create" }[c.kind]);
    const planned = [...rule.corruptions, ...rule.changes];
    expect(a.reasons.map((r) => [r.code, r.message])).toEqual(
      a.action === "same" ? [] : planned.map((f) => [REASON_FOR_RULE[f.code as CorruptionCode | ChangeCode], f.message]),
    );
    expect(a.reasons.filter((r) => r.replaces).length).toBe(rule.corruptions.length);
    expect(a.notes ?? []).toEqual(rule.notes.map((n) => n.message));
    expect(a.repair?.policy).toBe(a.action === "same" ? undefined : c.repair);
  });
});

describe("a roster setting that changes", () => {
  it.each([
    ["repair", { repair: "in-place" }],
    ["identityProvider", { identityProvider: "sso" }],
    ["contactUriByFlex", { contactUriByFlex: true }],
    ["ownAllAttributes", { ownAllAttributes: true }],
  ] as const)("%s: the rule, the provider's diff and the report all plan an update", async (key, over) => {
    const before = desiredWorker(WS, agent(BOB));
    const after = desiredWorker(WS, agent({ ...BOB, ...(over as Partial<AgentSpec>) }));
    const rule = classify(after, before);
    expect([rule.kind, rule.changes.map((f) => [f.code, f.key])]).toEqual(["update", [["setting", key]]]);
    const diff = await new WorkerProvider(emulatorTaskRouter(emu)).diff("WK1", before, after);
    expect([diff.changes, diff.replaces]).toEqual([true, []]);
    const reasons = changeReasons(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>);
    expect(reasons.map((r) => [r.code, r.key, r.message])).toEqual([["setting", key, rule.changes[0]!.message]]);
  });
});
