// Golden tests of the PR report on REAL `pulumi preview --json` output, captured
// end to end (real CLI, real provider, emulator) by scripts/capture-preview-fixtures.ts.
//
//   test/fixtures/preview/<scenario>.json          captured preview (input)
//   test/fixtures/preview/<scenario>.md            the PR comment (plan mode, default guard)
//   test/fixtures/preview/<scenario>.summary.json  the --summary-json document
//   test/fixtures/preview/<scenario>.drift.md      the drift-gate report (some scenarios)
//
// Regenerate the goldens after a deliberate change: UPDATE_GOLDENS=1 npx vitest run test/report/report.test.ts
// (then read the diff). The per-scenario expectations below do not come from the goldens.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateGuard, resolveGuardPolicy } from "../../src/report/guard";
import {
  REPORT_MARKER,
  buildPlan,
  markTeamMoves,
  parseDigest,
  reportFromPlan,
  summaryJson,
  type PlanModel,
  type ReportMode,
} from "../../src/report";

const DIR = path.resolve(__dirname, "..", "fixtures", "preview");
const UPDATE = process.env.UPDATE_GOLDENS === "1";

const scenarios = readdirSync(DIR)
  .filter((f) => f.endsWith(".json") && !f.endsWith(".summary.json"))
  .map((f) => f.slice(0, -".json".length))
  .sort();

function planOf(name: string): PlanModel {
  return buildPlan(parseDigest(readFileSync(path.join(DIR, `${name}.json`), "utf8")));
}

/** What `flex-roster preview` / `drift` produce for this plan (guard with the default policy, no overrides). */
function reportOf(name: string, mode: ReportMode) {
  const plan = planOf(name);
  const guard =
    mode === "plan" && !plan.failed
      ? evaluateGuard(
          { managed: plan.totals.managed, deletes: plan.totals.delete, replaces: plan.totals.replace },
          resolveGuardPolicy({ config: plan.config, env: {} }),
        )
      : undefined;
  return reportFromPlan(plan, { mode, guard });
}

function golden(file: string, actual: string) {
  const p = path.join(DIR, file);
  if (UPDATE || !existsSync(p)) {
    if (!UPDATE) throw new Error(`golden ${file} is missing; run with UPDATE_GOLDENS=1 to create it`);
    writeFileSync(p, actual);
    return;
  }
  expect(actual).toBe(readFileSync(p, "utf8"));
}

const DRIFT_GOLDENS = ["clean", "contact-uri-corrupted", "skill-changed-out-of-band", "worker-deleted-out-of-band"];

describe("report goldens on captured previews", () => {
  it("the captured scenarios are all there", () => {
    expect(scenarios).toEqual([
      "agent-added",
      "agent-removed",
      "capacity-changed",
      "clean",
      "contact-uri-corrupted",
      "invalid-roster",
      "legacy-long-channel-state",
      "many-agents-added",
      "mass-removal",
      "skill-changed-out-of-band",
      "worker-deleted-out-of-band",
    ]);
  });

  for (const name of scenarios) {
    it(`${name}: Markdown matches ${name}.md`, () => golden(`${name}.md`, reportOf(name, "plan").markdown));
    it(`${name}: JSON summary matches ${name}.summary.json`, () =>
      golden(`${name}.summary.json`, summaryJson(reportOf(name, "plan").summary)));
  }
  for (const name of DRIFT_GOLDENS) {
    it(`${name}: drift report matches ${name}.drift.md`, () => golden(`${name}.drift.md`, reportOf(name, "drift").markdown));
  }
});

/** [identity, action, reason codes] of the changed agents, in report order. */
function rows(name: string) {
  return planOf(name)
    .agents.filter((a) => a.action !== "same")
    .map((a) => [a.identity, a.action, a.reasons.map((r) => r.code)]);
}

describe("what each captured scenario reports", () => {
  it("clean: no changes, every worker counted unchanged", () => {
    const plan = planOf("clean");
    expect(rows("clean")).toEqual([]);
    expect(plan.totals).toEqual({ create: 0, update: 0, replace: 0, delete: 0, unchanged: 5, managed: 5 });
    expect(plan.failed).toBe(false);
    const r = reportOf("clean", "drift");
    expect(r.summary.status).toBe("in-sync");
    expect(r.markdown).toContain("**In sync.**");
  });

  it("contact-uri-corrupted: bob is replaced because of the non-canonical contact_uri, with the expected value", () => {
    expect(rows("contact-uri-corrupted")).toEqual([["bob_40acme_2Ecom", "replace", ["contact-uri"]]]);
    const bob = planOf("contact-uri-corrupted").agents.find((a) => a.identity === "bob_40acme_2Ecom")!;
    expect(bob.email).toBe("bob@acme.com");
    expect(bob.sid).toMatch(/^WK[0-9a-f]{32}$/);
    expect(bob.reasons[0]).toMatchObject({ from: "client:bob", to: "client:bob_40acme_2Ecom", replaces: true });
    const md = reportOf("contact-uri-corrupted", "plan").markdown;
    expect(md).toContain("contact_uri `client:bob` is not canonical; expected `client:bob_40acme_2Ecom`");
    // The provider's own warning is carried over.
    expect(md).toContain("the worker will be recreated");
  });

  it("skill-changed-out-of-band: Maria is updated in place, routing.skills old → new", () => {
    expect(rows("skill-changed-out-of-band")).toEqual([["Maria_2EGarcia_2Bsupport_40acme_2Dcorp_2Ecom", "update", ["attribute"]]]);
    const r = planOf("skill-changed-out-of-band").agents.find((a) => a.action === "update")!.reasons[0];
    expect(r).toMatchObject({ key: "routing.skills", from: ["support", "sales"], to: ["support"] });
  });

  it.each(["capacity-changed", "legacy-long-channel-state"])("%s: two updates naming the channel and both capacities", (name) => {
    const plan = planOf(name);
    expect(rows(name)).toEqual([
      ["bob_40acme_2Ecom", "update", ["channel"]],
      ["jean_2Dluc_2Epicard_40acme_2Dcorp_2Ecom", "update", ["channel"]],
    ]);
    expect(plan.agents[0].reasons[0]).toMatchObject({ key: "chat.capacity", from: 3, to: 5 });
    expect(plan.agents[1].reasons[0]).toMatchObject({ key: "voice.capacity", from: 1, to: 0 });
  });

  it("agent-removed: one delete with the old SID", () => {
    expect(rows("agent-removed")).toEqual([["TKowalski_40acme_2Ecom", "delete", ["removed-from-roster"]]]);
    expect(planOf("agent-removed").agents[0].sid).toMatch(/^WK/);
  });

  it("mass-removal in a roster folder: deletes of agents listed in another team are moves, kept and not counted", () => {
    const plan = planOf("mass-removal");
    const deletes = plan.agents.filter((a) => a.action === "delete").map((a) => a.identity);
    expect(deletes.length).toBeGreaterThanOrEqual(2);
    const moved = deletes[0]!;
    const n = markTeamMoves(plan, (identity) => (identity === moved ? { team: "support", file: "roster.d/support.yaml", line: 12 } : undefined));
    expect(n).toBe(1);
    const row = plan.agents.find((a) => a.identity === moved)!;
    expect(row.movedTo).toEqual({ team: "support", file: "roster.d/support.yaml", line: 12 });
    expect(row.reasons.map((r) => r.code)).toEqual(["moved-to-team"]);
    expect(plan.agents.filter((a) => a.action === "delete" && !a.movedTo).every((a) => a.reasons[0]?.code === "removed-from-roster")).toBe(true);

    const policy = resolveGuardPolicy({ config: plan.config, env: {} });
    const guard = evaluateGuard({ managed: plan.totals.managed, deletes: plan.totals.delete, replaces: plan.totals.replace, moves: n }, policy);
    expect(guard.removals).toBe(plan.totals.delete + plan.totals.replace - 1);
    const report = reportFromPlan(plan, { mode: "plan", guard });
    expect(report.markdown).toContain("moved to team `support` (`roster.d/support.yaml:12`): kept in Flex, that team's stack manages it");
    expect(report.markdown).toContain("**delete** from this stack<br><sub>worker kept</sub>");
    expect(report.summary.agents.find((a) => a.identity === moved)?.movedTo).toEqual(row.movedTo);
    expect(report.summary.guard?.moves).toBe(1);
  });

  it("agent-added: one create with its channel capacities", () => {
    expect(rows("agent-added")).toEqual([["new_2Ehire_40acme_2Ecom", "create", ["new-agent"]]]);
    expect(planOf("agent-added").agents[0].channels).toEqual({
      chat: { capacity: 1, available: true },
      voice: { capacity: 0, available: true },
    });
    expect(reportOf("agent-added", "plan").markdown).toContain("new agent; channels `chat` 1, `voice` 0");
  });

  it("worker-deleted-out-of-band: the worker is created again and said to be missing in Flex", () => {
    expect(rows("worker-deleted-out-of-band")).toEqual([["amara_2Eokafor_40acme_2Dcorp_2Ecom", "create", ["missing-in-flex"]]]);
    expect(planOf("worker-deleted-out-of-band").totals.managed).toBe(5);
  });

  it("mass-removal: three deletes of five workers are blocked by the default guard", () => {
    expect(rows("mass-removal").map((r) => r[1])).toEqual(["delete", "delete", "delete"]);
    const r = reportOf("mass-removal", "plan");
    expect(r.summary.guard).toMatchObject({ status: "blocked", removals: 3, managed: 5, max: 1 });
    expect(r.markdown).toContain("**Blocked by the blast-radius guard:**");
  });

  it("many-agents-added: 24 creates, split per action and collapsed in <details>", () => {
    const plan = planOf("many-agents-added");
    expect(plan.totals.create).toBe(24);
    const md = reportOf("many-agents-added", "plan").markdown;
    expect(md).toContain("<details><summary><b>Create: 24 agents</b></summary>");
  });

  it("invalid-roster: the preview failed, the roster error is shown, nothing else", () => {
    const plan = planOf("invalid-roster");
    expect(plan.failed).toBe(true);
    expect(rows("invalid-roster")).toEqual([]);
    const r = reportOf("invalid-roster", "plan");
    expect(r.summary.status).toBe("failed");
    expect(r.markdown).toContain("**The preview failed.**");
    expect(r.markdown).toContain("capacity must be an integer between 0 and 50 (got 99)");
  });

  it("every report carries the marker and never a secret or the serialized provider", () => {
    for (const name of scenarios) {
      for (const mode of ["plan", "drift"] as const) {
        const r = reportOf(name, mode);
        expect(r.markdown.startsWith(`${REPORT_MARKER}\n`)).toBe(true);
        const all = r.markdown + summaryJson(r.summary);
        expect(all).not.toContain("serialized dynamic provider");
        expect(all).not.toContain("authToken");
      }
    }
  });
});
