// The report pipeline piece by piece, on small hand-made digests in the shape
// Pulumi 3.248 prints (the goldens in report.test.ts use captured ones).

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DigestError,
  REPORT_MARKER,
  WORKER_TYPE,
  actionOf,
  buildPlan,
  buildSummary,
  changeReasons,
  parseDigest,
  parseUrn,
  renderMarkdown,
  reportFromPreviewJson,
  type PreviewDigest,
} from "../../src/report";
import { code, codeBlock, text, valueText } from "../../src/report/markdown-util";
import { corruptionReasons, healthOf, inPlaceReasons, redact } from "../../src/report/reasons";

const URN = (name: string, type = WORKER_TYPE) => `urn:pulumi:prod::flex-roster::${type}::${name}`;
const STACK_URN = URN("flex-roster-prod", "pulumi:pulumi:Stack");

function inputs(identity: string, over: Record<string, unknown> = {}) {
  return {
    __provider: "exports.handler = __f0; // serialized",
    workspace: "Flex Task Assignment",
    friendlyName: identity,
    email: "bob@acme.com",
    contactUri: `client:${identity}`,
    fullName: "Bob Builder",
    roles: ["agent"],
    skills: ["sales", "support"],
    levels: { support: 3 },
    extraAttributes: { team: "emea" },
    ownAllAttributes: false,
    channels: { chat: { capacity: 3, available: true }, voice: { capacity: 1, available: true } },
    attributesFormat: "json-object",
    ...over,
  };
}

function state(identity: string, props: Record<string, unknown>, id?: string) {
  return {
    urn: URN(identity),
    type: WORKER_TYPE,
    custom: true,
    ...(id ? { id } : {}),
    inputs: props,
    outputs: id ? { ...props, sid: id, workspaceSid: "WS1" } : undefined,
  };
}

function step(op: string, identity: string, old?: Record<string, unknown>, next?: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    op,
    urn: URN(identity),
    ...(old ? { oldState: state(identity, old, `WK${identity}`) } : {}),
    ...(next ? { newState: state(identity, next) } : {}),
    detailedDiff: null,
    ...extra,
  };
}

function digest(steps: unknown[], more: Partial<PreviewDigest> = {}): PreviewDigest {
  return parseDigest(
    JSON.stringify({
      config: { "flex-roster:roster": "roster.yaml", "twilio:authToken": "[secret]" },
      steps: [{ op: "same", urn: STACK_URN, detailedDiff: null }, ...steps],
      changeSummary: {},
      ...more,
    }),
  );
}

describe("parseDigest / parseUrn", () => {
  it("reads a digest, skipping any line printed before the JSON", () => {
    const d = parseDigest('warning: something\n{"steps":[{"op":"same","urn":"u","detailedDiff":null}]}');
    expect(d.steps?.[0].op).toBe("same");
  });

  it("says what is wrong with empty, non-JSON or misshapen input", () => {
    expect(() => parseDigest("")).toThrow(/empty/);
    expect(() => parseDigest("error: no stack named 'x' found")).toThrow(DigestError);
    expect(() => parseDigest("{ nope")).toThrow(/does not parse/);
    expect(() => parseDigest('{"steps": [{"urn": 1}]}')).toThrow(/steps\.0\.op/);
  });

  it("splits URNs, names with :: included, types after the last $", () => {
    expect(parseUrn(URN("bob_40acme_2Ecom"))).toEqual({
      stack: "prod",
      project: "flex-roster",
      type: WORKER_TYPE,
      name: "bob_40acme_2Ecom",
    });
    expect(parseUrn("urn:pulumi:s::p::a:b:C$x:y:Z::n::m")?.name).toBe("n::m");
    expect(parseUrn("urn:pulumi:s::p::a:b:C$x:y:Z::n")?.type).toBe("x:y:Z");
    expect(parseUrn("not-a-urn")).toBeUndefined();
  });
});

describe("actionOf", () => {
  it.each([
    [["refresh"], "same"],
    [["refresh", "same"], "same"],
    [["create"], "create"],
    [["refresh", "create"], "create"],
    [["update"], "update"],
    [["delete"], "delete"],
    [["replace"], "replace"],
    [["delete-replaced", "replace", "create-replacement"], "replace"],
    [["delete", "create"], "replace"],
    [["import"], "create"],
    [["weird-new-op"], "other"],
  ])("%j → %s", (ops, want) => {
    expect(actionOf(ops)).toBe(want);
  });
});

describe("reasons", () => {
  const desired = inputs("bob_40acme_2Ecom");

  it("a non-canonical contact_uri names the live and the expected value and forces replacement", () => {
    const r = corruptionReasons({ ...desired, contactUri: "client:bob" }, desired, new Set(["contactUri"]));
    expect(r).toEqual([
      {
        code: "contact-uri",
        key: "contact_uri",
        from: "client:bob",
        to: "client:bob_40acme_2Ecom",
        replaces: true,
        message: 'contact_uri "client:bob" is not canonical "client:bob_40acme_2Ecom"',
      },
    ]);
  });

  it("a missing contact_uri says so, as an in-place write (waiting for first sign-in), not a corruption", () => {
    const { contactUri: _drop, ...live } = desired;
    expect(corruptionReasons(live, desired)).toEqual([]);
    const [r] = inPlaceReasons(live, desired);
    expect(r.message).toBe('contact_uri is missing (waiting for first sign-in); flex-roster writes "client:bob_40acme_2Ecom"');
    expect("from" in r).toBe(false);
  });

  it("unparsable attributes are reported instead of a contact_uri (as the provider does)", () => {
    const r = corruptionReasons({ ...desired, contactUri: undefined, attributesFormat: "invalid-json" }, desired);
    expect(r.map((x) => [x.code, x.message])).toEqual([["attributes-format", "attributes are not valid JSON"]]);
    const r2 = corruptionReasons({ ...desired, attributesFormat: "not-an-object" }, desired);
    expect(r2[0].message).toBe("attributes are JSON but not an object");
  });

  it("friendly name and workspace mismatches are corruptions", () => {
    const r = corruptionReasons({ ...desired, friendlyName: "bob", workspace: "Other" }, desired);
    expect(r.map((x) => x.code)).toEqual(["friendly-name", "workspace"]);
  });

  it("roles and skills compare as sets; order alone is no change", () => {
    expect(inPlaceReasons({ ...desired, skills: ["support", "sales"], roles: ["agent"] }, desired)).toEqual([]);
    const r = inPlaceReasons({ ...desired, skills: ["sales"] }, desired);
    expect(r).toEqual([
      {
        code: "attribute",
        key: "routing.skills",
        from: ["sales"],
        to: ["sales", "support"],
        message: 'routing.skills ["sales"] → ["sales","support"]',
      },
    ]);
  });

  it("levels are reported per key; full_name, email and roles by their Flex names", () => {
    const r = inPlaceReasons(
      { ...desired, levels: { support: 1, sales: 2 }, fullName: "Bob", email: "", roles: ["agent", "admin"] },
      desired,
    );
    expect(r.map((x) => [x.key, x.from, x.to])).toEqual([
      ["email", undefined, "bob@acme.com"],
      ["full_name", "Bob", "Bob Builder"],
      ["roles", ["agent", "admin"], ["agent"]],
      ["routing.levels.sales", 2, undefined],
      ["routing.levels.support", 1, 3],
    ]);
  });

  it("extra attributes: managed keys compared; unmanaged live keys removed only when the roster owns all", () => {
    const live = { ...desired, extraAttributes: { team: "apac", image_url: "x" } };
    expect(inPlaceReasons(live, desired).map((x) => [x.key, x.from, x.to])).toEqual([["team", "apac", "emea"]]);
    const owning = { ...desired, ownAllAttributes: true };
    expect(inPlaceReasons({ ...live, ownAllAttributes: true }, owning).map((x) => [x.key, x.from, x.to])).toEqual([
      ["team", "apac", "emea"],
      ["image_url", "x", undefined],
    ]);
    expect(inPlaceReasons(desired, owning).map((x) => [x.code, x.key])).toEqual([["setting", "ownAllAttributes"]]);
  });

  it("channels: capacity and availability changes, and missing channels", () => {
    const live = { ...desired, channels: { chat: { capacity: 1, available: false } } };
    expect(inPlaceReasons(live, desired).map((x) => [x.code, x.key, x.from, x.to])).toEqual([
      ["channel", "chat.capacity", 1, 3],
      ["channel", "chat.available", false, true],
      ["channel-missing", "voice", undefined, { capacity: 1, available: true }],
    ]);
  });

  it("channels in the short state form (a number = available) compare with either form", () => {
    const short = { ...desired, channels: { chat: 3, voice: { capacity: 1, available: false } } };
    expect(inPlaceReasons(short, { ...desired, channels: { chat: 3, voice: { capacity: 1, available: false } } })).toEqual([]);
    expect(inPlaceReasons({ ...desired, channels: { chat: { capacity: 3, available: true }, voice: 1 } }, { ...desired, channels: { chat: 3, voice: 1 } })).toEqual([]);
    expect(inPlaceReasons(short, { ...desired, channels: { chat: 4, voice: 1 } }).map((x) => [x.key, x.from, x.to])).toEqual([
      ["chat.capacity", 3, 4],
      ["voice.available", false, true],
    ]);
  });

  it("absent ownAllAttributes / attributesFormat mean false / json-object (the provider's short state)", () => {
    const { ownAllAttributes: _o, attributesFormat: _f, ...lean } = desired;
    expect(changeReasons(lean, desired)).toEqual([]);
    expect(changeReasons(desired, lean)).toEqual([]);
  });

  it("inputs a newer provider adds are shown generically; Pulumi bookkeeping never", () => {
    const r = inPlaceReasons({ ...desired, sid: "WK1", __provider: "a" }, { ...desired, sid: "WK2", __provider: "b", shift: "night" });
    expect(r.map((x) => [x.code, x.key, x.to])).toEqual([["other", "shift", "night"]]);
  });

  it("a replace reason Pulumi gives but the comparison does not explain is still listed", () => {
    const r = changeReasons(desired, desired, new Set(["fullName"]));
    expect(r).toEqual([{ code: "other", key: "fullName", replaces: true, message: "Pulumi replaces the worker because fullName changed" }]);
  });

  it("redact turns secret-shaped objects into [secret]", () => {
    expect(redact({ a: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" }, b: ["x"] })).toEqual({
      a: "[secret]",
      b: ["x"],
    });
  });
});

describe("reasons follow the health rule (classify) alongside Flex", () => {
  const base = inputs("bob_40acme_2Ecom");
  it("SSO: profile keys are not reasons, only notes", () => {
    const desired = { ...base, identityProvider: "sso" };
    const before = { ...base, roles: ["agent", "supervisor"], fullName: "Robert" };
    expect(changeReasons({ ...before, identityProvider: "sso" }, desired)).toEqual([]);
    expect(changeReasons(before, base).map((r) => r.key)).toEqual(["full_name", "roles"]);
    expect(healthOf(before, desired).notes.map((n) => n.message)).toEqual([
      'full_name is set by SSO at sign-in: "Robert" (the roster says "Bob Builder")',
      'roles is set by SSO at sign-in: ["agent","supervisor"] (the roster says ["agent"])',
    ]);
  });

  it("a skill disabled in Flex is not a reason; one gone from the roster is", () => {
    const before = { ...base, skills: ["sales"], levels: {}, disabledSkills: { skills: ["support"], levels: { support: 3 } } };
    expect(changeReasons(before, base)).toEqual([]);
    const salesOnly = { ...base, skills: ["sales"], levels: {} };
    expect(changeReasons(before, salesOnly).map((r) => r.key)).toEqual(["disabled_skills"]);
  });

  it("repair: in-place turns the seed's contact_uri into an in-place reason; a missing one is not a corruption", () => {
    const before = { ...base, contactUri: "client:bob" };
    const [r] = changeReasons({ ...before, repair: "in-place" }, { ...base, repair: "in-place" });
    expect(r).toMatchObject({ code: "contact-uri", from: "client:bob" });
    expect(r!.replaces).toBeUndefined();
    expect(r!.message).toMatch(/fixed in place on the same worker \(repair: in-place\)$/);
    expect(changeReasons(before, base)[0]!.replaces).toBe(true);
    const { contactUri: _c, ...waiting } = base;
    expect(changeReasons({ ...waiting, contactUriByFlex: true }, { ...base, contactUriByFlex: true })).toEqual([]);
    expect(changeReasons(waiting, base).map((x) => [x.code, x.replaces])).toEqual([["contact-uri", undefined]]);
  });
});

describe("buildPlan", () => {
  const bob = "bob_40acme_2Ecom";
  const maria = "maria_40acme_2Ecom";
  const tk = "tk_40acme_2Ecom";
  const nia = "nia_40acme_2Ecom";
  const amara = "amara_40acme_2Ecom";
  const i = (id: string, over: Record<string, unknown> = {}) => inputs(id, { email: id.replace("_40", "@").replace("_2E", "."), ...over });

  const d = digest([
    step("refresh", bob, i(bob), i(bob)),
    step("refresh", maria, i(maria), i(maria)),
    step("refresh", tk, i(tk), i(tk)),
    step("refresh", amara, i(amara), i(amara)),
    step("refresh", "zed_40acme_2Ecom", i("zed_40acme_2Ecom"), i("zed_40acme_2Ecom")),
    step("replace", bob, i(bob, { contactUri: "client:bob" }), i(bob), { replaceReasons: ["contactUri"] }),
    step("update", maria, i(maria, { channels: { chat: { capacity: 2, available: true }, voice: { capacity: 1, available: true } }, skills: ["x"] }), i(maria, { skills: ["y"] })),
    step("delete", tk, i(tk)),
    step("create", nia, undefined, i(nia)),
    step("create", amara, undefined, i(amara)),
    { op: "update", urn: "urn:pulumi:prod::flex-roster::pulumi:providers:pulumi-nodejs::default::abc", detailedDiff: null },
  ], {
    diagnostics: [
      { severity: "warning", message: "warning: \u001b[33mbob@acme.com: contact_uri …\u001b[0m\n" },
      { severity: "warning", message: "warning: \u001b[33mbob@acme.com: contact_uri …\u001b[0m\n" },
      { severity: "info", message: "console.log noise" },
    ],
  });
  const plan = buildPlan(d);

  it("one entry per worker, destructive first, with stack and project from the URNs", () => {
    expect(plan.stack).toBe("prod");
    expect(plan.project).toBe("flex-roster");
    expect(plan.agents.map((a) => [a.identity, a.action])).toEqual([
      [bob, "replace"],
      [tk, "delete"],
      [amara, "create"],
      [nia, "create"],
      [maria, "update"],
      ["zed_40acme_2Ecom", "same"],
    ]);
  });

  it("totals count workers; managed = in state before the plan", () => {
    expect(plan.totals).toEqual({ create: 2, update: 1, replace: 1, delete: 1, unchanged: 1, managed: 5 });
    expect(plan.unchangedKnown).toBe(true);
  });

  it("channels of new workers are given as capacity + availability, whatever the state form", () => {
    const p = buildPlan(digest([step("create", nia, undefined, i(nia, { channels: { chat: 2, voice: { capacity: 0, available: false } } }))]));
    expect(p.agents[0].channels).toEqual({ chat: { capacity: 2, available: true }, voice: { capacity: 0, available: false } });
    expect(renderMarkdown(p)).toContain("new agent; channels `chat` 2, `voice` 0 (unavailable)");
  });

  it("a create for a worker that was in state is 'missing in Flex', a brand-new one 'new agent'", () => {
    expect(plan.agents.find((a) => a.identity === amara)?.reasons[0].code).toBe("missing-in-flex");
    expect(plan.agents.find((a) => a.identity === nia)?.reasons[0].code).toBe("new-agent");
    expect(plan.agents.find((a) => a.identity === nia)?.sid).toBeUndefined();
  });

  it("update reasons compare the refreshed (live) outputs with the roster", () => {
    const m = plan.agents.find((a) => a.identity === maria)!;
    expect(m.reasons.map((r) => [r.key, r.from, r.to])).toEqual([
      ["routing.skills", ["x"], ["y"]],
      ["chat.capacity", 2, 3],
    ]);
  });

  it("other resources that change are listed; the root stack is not", () => {
    expect(plan.others).toEqual([
      { urn: "urn:pulumi:prod::flex-roster::pulumi:providers:pulumi-nodejs::default::abc", type: "pulumi:providers:pulumi-nodejs", name: "default::abc", op: "update" },
    ]);
    expect(plan.stackChanges).toBe(false);
  });

  it("warnings and errors are kept once each, without colour codes; info is dropped", () => {
    expect(plan.diagnostics).toEqual([{ severity: "warning", message: "warning: bob@acme.com: contact_uri …" }]);
    expect(plan.failed).toBe(false);
  });

  it("without refresh or same steps the unchanged count is unknown", () => {
    const p = buildPlan(parseDigest(JSON.stringify({ steps: [step("create", nia, undefined, i(nia))] })));
    expect(p.unchangedKnown).toBe(false);
    expect(renderMarkdown(p)).not.toContain("unchanged");
  });

  it("an error diagnostic marks the plan failed", () => {
    const p = buildPlan(digest([], { diagnostics: [{ severity: "error", message: "error: boom" }] }));
    expect(p.failed).toBe(true);
    expect(buildSummary(p).status).toBe("failed");
  });

  it("a root stack change (outputs) is remembered for `up` but is not drift", () => {
    const p = buildPlan(parseDigest(JSON.stringify({ steps: [{ op: "update", urn: STACK_URN, detailedDiff: null }] })));
    expect(p.stackChanges).toBe(true);
    expect(buildSummary(p).status).toBe("in-sync");
  });
});

describe("notes of unchanged agents (the provider's info lines)", () => {
  it("an info line `<email>: not drift: ...` becomes a note of that agent, in the comment and the summary", () => {
    const text = readFileSync(path.join(__dirname, "..", "fixtures", "preview", "clean.json"), "utf8");
    const digest = JSON.parse(text);
    digest.diagnostics = [
      ...(digest.diagnostics ?? []),
      { severity: "info", message: 'bob@acme.com: not drift: roles is set by SSO at sign-in: ["agent","wfo.admin"] (the roster says ["agent"])\n' },
      { severity: "info", message: 'bob@acme.com: not drift: skill "sales" is disabled in Flex (left disabled)\n' },
      { severity: "info", message: "nobody@acme.com: not drift: x\n" },
    ];
    const report = reportFromPreviewJson(JSON.stringify(digest));
    expect(report.summary.status).toBe("in-sync");
    expect(report.summary.information).toEqual([
      {
        identity: "bob_40acme_2Ecom",
        email: "bob@acme.com",
        notes: ['roles is set by SSO at sign-in: ["agent","wfo.admin"] (the roster says ["agent"])', 'skill "sales" is disabled in Flex (left disabled)'],
      },
    ]);
    expect(report.markdown).toContain("Information, not drift: 1 unchanged agent");
    expect(report.markdown).toContain("is disabled in Flex (left disabled)");
    expect(report.summary.diagnostics).toEqual([]);
  });
});

describe("markdown", () => {
  it("escapes table text: pipes, HTML, emphasis, newlines", () => {
    expect(text("a|b <script>*x*_y_\nz")).toBe("a\\|b &lt;script&gt;\\*x\\*\\_y\\_ z");
  });

  it("code spans survive backticks and pipes", () => {
    expect(code("a`b|c")).toBe("``a`b\\|c``");
    expect(code("`x`")).toBe("`` `x` ``");
    expect(code("")).toBe("`  `");
    expect(code("a|b", false)).toBe("`a|b`");
  });

  it("code blocks cannot be closed from inside", () => {
    expect(codeBlock("```\nevil")).toBe("````text\n```\nevil\n````");
  });

  it("values: strings bare, others JSON, long ones cut, secrets as [secret]", () => {
    expect(valueText("client:bob")).toBe("client:bob");
    expect(valueText("")).toBe('""');
    expect(valueText(" padded")).toBe('" padded"');
    expect(valueText(["a", "b"])).toBe('["a","b"]');
    expect(valueText("x".repeat(100))).toHaveLength(80);
    expect(valueText("[secret]")).toBe("[secret]");
  });

  const many = (n: number, action: "create" | "delete") =>
    digest(
      Array.from({ length: n }, (_, k) => {
        const id = `agent${String(k).padStart(3, "0")}_40acme_2Ecom`;
        return action === "create" ? step("create", id, undefined, inputs(id)) : step("delete", id, inputs(id));
      }),
    );

  it("up to collapseAfter rows: one open table", () => {
    const md = renderMarkdown(buildPlan(many(20, "create")));
    expect(md).not.toContain("<details>");
    expect(md.match(/^\| `/gm)).toHaveLength(20);
  });

  it("more rows: one section per action, long ones collapsed", () => {
    const d = many(25, "create");
    d.steps!.push(step("delete", "old_40acme_2Ecom", inputs("old_40acme_2Ecom")));
    const md = renderMarkdown(buildPlan(d));
    expect(md).toContain("#### Delete: 1 agent");
    expect(md).toContain("<details><summary><b>Create: 25 agents</b></summary>");
    expect(renderMarkdown(buildPlan(d), { collapseAfter: 30 })).not.toContain("<details>");
  });

  it("a report too long for one GitHub comment is cut, with a note", () => {
    const md = renderMarkdown(buildPlan(many(2000, "create")));
    expect(md.length).toBeLessThanOrEqual(60_000);
    expect(md).toMatch(/… and \d+ more agents \(see the JSON summary for the full list\)/);
  });

  it("the marker is the first line and can be changed", () => {
    const p = buildPlan(digest([]));
    expect(renderMarkdown(p).split("\n")[0]).toBe(REPORT_MARKER);
    expect(renderMarkdown(p, { marker: "<!-- x -->" }).split("\n")[0]).toBe("<!-- x -->");
  });

  it("hostile roster values cannot break the table", () => {
    const id = "evil_40acme_2Ecom";
    const d = digest([step("update", id, inputs(id, { fullName: "x" }), inputs(id, { fullName: "a | b `c` <img src=x onerror=alert(1)>" }))]);
    const md = renderMarkdown(buildPlan(d));
    const row = md.split("\n").find((l) => l.includes("full_name"))!;
    // 4 unescaped pipes: the row's own borders and separators only.
    expect(row.replace(/\\\|/g, "").split("|")).toHaveLength(5);
    // HTML only ever inside a code span (rendered literally), never as markup.
    expect(row).toContain("<img");
    expect(row.replace(/(`+)[\s\S]*?\1/g, "")).not.toMatch(/<img/);
  });

  it("secrets from the preview are printed as [secret] only", () => {
    const id = "bob_40acme_2Ecom";
    const d = digest([
      step("update", id, inputs(id, { extraAttributes: { pin: "[secret]" } }), inputs(id, { extraAttributes: { pin: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "1234" } } })),
    ]);
    const r = reportFromPreviewJson(JSON.stringify(d));
    expect(r.markdown + JSON.stringify(r.summary)).not.toContain("1234");
  });
});
