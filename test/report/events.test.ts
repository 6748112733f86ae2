// The plan from a preview's engine events (what flex-roster preview/up/drift get
// from the Automation API) against the plan from `pulumi preview --json` (what
// users pipe into `flex-roster report`). Both were captured for real, from the same
// stack state, by scripts/capture-preview-fixtures.ts; the rules of Pulumi's JSON
// display that the events module follows are checked one by one below.

import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { describe, expect, it } from "vitest";
import { evaluateGuard, resolveGuardPolicy } from "../../src/report/guard";
import { DigestError, buildPlan, digestFromEvents, parseDigest, reportFromPlan } from "../../src/report";

const DIR = path.resolve(__dirname, "..", "fixtures", "preview");
const captured = readdirSync(DIR)
  .filter((f) => f.endsWith(".events.jsonl"))
  .map((f) => f.slice(0, -".events.jsonl".length))
  .sort();

function eventsOf(name: string): EngineEvent[] {
  return readFileSync(path.join(DIR, `${name}.events.jsonl`), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EngineEvent);
}

describe("plans from captured engine events", () => {
  it("every scenario with a --json capture has its events captured too", () => {
    const withJson = readdirSync(DIR)
      .filter((f) => f.endsWith(".json") && !f.endsWith(".summary.json"))
      .map((f) => f.slice(0, -".json".length))
      // Kept from an earlier state format, without a run to capture events from (README).
      .filter((n) => n !== "legacy-long-channel-state");
    expect(captured).toEqual(withJson.sort());
  });

  for (const name of captured) {
    it(`${name}: the same plan as the --json capture of the same state, and the same PR comment`, () => {
      const fromEvents = buildPlan(digestFromEvents(eventsOf(name)));
      const fromJson = buildPlan(parseDigest(readFileSync(path.join(DIR, `${name}.json`), "utf8")));
      expect(fromEvents).toEqual(fromJson);
      const guard = fromEvents.failed
        ? undefined
        : evaluateGuard(
            { managed: fromEvents.totals.managed, deletes: fromEvents.totals.delete, replaces: fromEvents.totals.replace },
            resolveGuardPolicy({ config: fromEvents.config, env: {} }),
          );
      expect(reportFromPlan(fromEvents, { mode: "plan", guard }).markdown).toBe(readFileSync(path.join(DIR, `${name}.md`), "utf8"));
    });
  }

  it("the engine events hold what the JSON display leaves out, which the plan must not count", () => {
    const events = eventsOf("contact-uri-corrupted");
    const ops = events.map((e) => e.resourcePreEvent?.metadata.op).filter(Boolean);
    expect(ops).toEqual(expect.arrayContaining(["same", "create-replacement", "delete-replaced"]));
    expect(events.some((e) => e.resourcePreEvent?.metadata.urn.includes("pulumi:providers:pulumi-nodejs::default"))).toBe(true);
    expect(events.some((e) => (e.diagnosticEvent?.severity as string) === "debug")).toBe(true);
    const plan = buildPlan(digestFromEvents(events));
    expect(plan.totals).toMatchObject({ replace: 1, create: 0, delete: 0, update: 0, unchanged: 4, managed: 5 });
    expect(plan.agents.find((a) => a.action === "replace")?.ops).toEqual(["replace"]);
    expect(plan.diagnostics.map((d) => d.severity)).toEqual(["warning"]);
  });

  it("config comes from the prelude with secrets blinded, as in --json", () => {
    const digest = digestFromEvents(eventsOf("clean"));
    expect(digest.config?.["twilio:authToken"]).toBe("[secret]");
    expect(digest.config?.["flex-roster:roster"]).toBe("roster.yaml");
  });
});

const STACK_URN = "urn:pulumi:dev::proj::pulumi:pulumi:Stack::proj-dev";
const WORKER = "pulumi-nodejs:dynamic/flex-roster:Worker";
const urn = (name: string) => `urn:pulumi:dev::proj::${WORKER}::${name}`;
let seq = 0;
const ev = (e: Omit<EngineEvent, "sequence" | "timestamp">): EngineEvent => ({ sequence: seq++, timestamp: 0, ...e });
function meta(op: StepEventMetadata["op"], name: string, extra: Partial<StepEventMetadata> = {}): StepEventMetadata {
  const state = { type: WORKER, urn: urn(name), id: `WK-${name}`, parent: STACK_URN, provider: "", custom: true, inputs: { email: `${name}@x.com` }, outputs: { email: `${name}@x.com` } };
  return { op, urn: urn(name), type: WORKER, provider: "", old: state, new: state, logical: true, ...extra };
}
const pre = (m: StepEventMetadata) => ev({ resourcePreEvent: { metadata: m } });
const outs = (m: StepEventMetadata) => ev({ resOutputsEvent: { metadata: m } });
const prelude = ev({ preludeEvent: { config: { "flex-roster:maxRemovalDelta": "2" } } });

describe("digestFromEvents follows Pulumi's JSON display", () => {
  it("drops same steps (unless protect changes), the non-logical halves of a replacement and internal steps", () => {
    const protectedNow = meta("same", "c");
    protectedNow.new = { ...protectedNow.new!, protect: true };
    const digest = digestFromEvents([
      prelude,
      pre(meta("same", "a")),
      pre(meta("create-replacement", "b", { logical: undefined })),
      pre(meta("replace", "b")),
      pre(meta("delete-replaced", "b", { logical: undefined })),
      pre(protectedNow),
      pre({ ...meta("same", "default"), urn: "urn:pulumi:dev::proj::pulumi:providers:pulumi-nodejs::default", type: "pulumi:providers:pulumi-nodejs" }),
      pre(meta("remove-pending-replace", "d")),
      pre({ ...meta("same", "root"), urn: STACK_URN, type: "pulumi:pulumi:Stack" }),
    ]);
    expect(digest.steps?.map((s) => `${s.op} ${s.urn.split("::").pop()}`)).toEqual(["replace b", "same c", "same proj-dev"]);
    expect(digest.config).toEqual({ "flex-roster:maxRemovalDelta": "2" });
  });

  it("a refresh that finds a change shows as its outputs event's update; one that finds nothing stays a refresh", () => {
    const drifted = meta("update", "a", { detailedDiff: { skills: { diffKind: "update" as never, inputDiff: false } }, diffs: ["skills"] });
    const digest = digestFromEvents([prelude, pre(meta("refresh", "a")), pre(meta("refresh", "b")), outs(drifted), outs(meta("refresh", "b"))]);
    expect(digest.steps?.map((s) => [s.op, s.urn.split("::").pop(), s.diffReasons ?? null, s.detailedDiff ?? null])).toEqual([
      ["update", "a", ["skills"], { skills: { kind: "update", inputDiff: false } }],
      ["refresh", "b", null, null],
    ]);
  });

  it("keeps what the plan reads of a step: states, ids, diff and replace reasons", () => {
    const digest = digestFromEvents([pre(meta("replace", "a", { keys: ["attributes"], diffs: ["attributes"] }))]);
    expect(digest.steps?.[0]).toMatchObject({
      op: "replace",
      replaceReasons: ["attributes"],
      diffReasons: ["attributes"],
      oldState: { id: "WK-a", type: WORKER, inputs: { email: "a@x.com" } },
      newState: { id: "WK-a", outputs: { email: "a@x.com" } },
    });
  });

  it("diagnostics: ephemeral and debug ones dropped, colour directives removed, stdout as info, prefix kept", () => {
    const digest = digestFromEvents([
      ev({ diagnosticEvent: { prefix: "error: ", message: "<{%fg 1%}>bad roster<{%reset%}>", color: "raw", severity: "error" } }),
      ev({ diagnosticEvent: { message: "progress", color: "raw", severity: "info", ephemeral: true } }),
      ev({ diagnosticEvent: { prefix: "debug: ", message: "Registering resource", color: "raw", severity: "debug" as never } }),
      ev({ diagnosticEvent: { urn: urn("a"), message: "a@x.com: not drift: SSO owns it", color: "raw", severity: "info" } }),
      ev({ stdoutEvent: { message: "printed by the program", color: "raw" } }),
    ]);
    expect(digest.diagnostics).toEqual([
      { message: "error: bad roster", severity: "error" },
      { message: "a@x.com: not drift: SSO owns it", severity: "info", urn: urn("a") },
      { message: "printed by the program", severity: "info" },
    ]);
    expect(buildPlan(digest).failed).toBe(true);
  });

  it("summary: duration (as --json, in nanoseconds), change counts, maybeCorrupt", () => {
    const digest = digestFromEvents([prelude, ev({ summaryEvent: { maybeCorrupt: false, durationSeconds: 3, resourceChanges: { same: 2 }, policyPacks: {} } })]);
    expect(digest).toMatchObject({ duration: 3e9, changeSummary: { same: 2 }, maybeCorrupt: false });
  });

  it("no engine events (Pulumi failed before its engine ran) is a DigestError, as an empty --json is", () => {
    expect(() => digestFromEvents([])).toThrow(DigestError);
    expect(() => digestFromEvents([ev({ cancelEvent: {} })])).toThrow(/no preview events/);
  });
});
