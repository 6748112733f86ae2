import { describe, expect, it } from "vitest";
import { audit, type AuditReport } from "../../src/brownfield/audit";
import type { ScannedWorker } from "../../src/brownfield/facts";
import { stackConfigValues } from "../../src/brownfield/connect";
import { doctorJson, renderDoctor, type ScanMeta } from "../../src/brownfield/doctor-output";
import { doctorVerdict } from "../../src/cli/commands/doctor";
import { describeError } from "../../src/cli/context";
import { intOption, listOption } from "../../src/cli/options";
import { scanProgress } from "../../src/cli/progress";
import { SettingsError } from "../../src/twilio/settings";
import { recordingContext } from "../../testing/cli-context";

const fakeSid = (prefix: string, digit: string) => prefix + digit.repeat(32);

describe("stackConfigValues", () => {
  it("keeps string values, secrets included, numbers and booleans as text, and drops objects", () => {
    const config = {
      "twilio:accountSid": { value: fakeSid("AC", "1"), secret: false },
      "twilio:authToken": { value: "s3cret", secret: true },
      "flex-roster:concurrency": { value: 16, secret: false },
      "flex-roster:flag": { value: true, secret: false },
      "flex-roster:object": { value: { a: 1 }, objectValue: { a: 1 }, secret: false },
      "flex-roster:secretWithoutValue": { secret: true },
    };
    expect(Object.fromEntries(stackConfigValues(config))).toEqual({
      "twilio:accountSid": fakeSid("AC", "1"),
      "twilio:authToken": "s3cret",
      "flex-roster:concurrency": "16",
      "flex-roster:flag": "true",
    });
  });
});

describe("options", () => {
  const conc = intOption("--concurrency", 1, 64);
  it.each([["1", 1], ["64", 64], [" 8 ", 8]])("intOption(%j)", (raw, n) => expect(conc(raw)).toBe(n));
  it.each(["0", "65", "1.5", "-1", "x", ""])("intOption rejects %j", (raw) => expect(() => conc(raw)).toThrow(/between 1 and 64/));
  it("intOption without a maximum", () => {
    expect(intOption("--collapse-after", 1)("100000")).toBe(100000);
    expect(() => intOption("--collapse-after", 1)("0")).toThrow("--collapse-after must be an integer of at least 1.");
  });
  it("listOption repeats and splits on commas", () => {
    expect(listOption("b, c", listOption("a"))).toEqual(["a", "b", "c"]);
  });
});

describe("progress bar", () => {
  it("draws on a terminal only", () => {
    for (const [tty, enabled, drawn] of [[true, true, true], [false, true, false], [true, false, false]] as const) {
      const ctx = { ...recordingContext(), stderrIsTTY: tty };
      const bar = scanProgress(ctx, enabled);
      bar.update({ listed: 10, done: 0, listComplete: false });
      bar.update({ listed: 10, done: 10, listComplete: true });
      bar.stop();
      bar.stop();
      expect(ctx.err.text.includes("Scanning workers"), `tty=${tty} enabled=${enabled}`).toBe(drawn);
    }
  });
});

describe("report rendering", () => {
  const meta: ScanMeta = {
    workspace: { sid: fakeSid("WS", "a"), friendlyName: "Flex Task Assignment" },
    durationMs: 1234,
    gone: 0,
    api: { total: 3, retries: 0, byRoute: { "GET /v1/Workspaces": 1 } },
  };
  const worker = (name: string, uri: string): ScannedWorker => ({
    sid: fakeSid("WK", name[0] === "a" ? "a" : "b"),
    friendlyName: name,
    attributes: JSON.stringify({ contact_uri: uri }),
    channels: [],
  });

  it("a clean workspace", () => {
    const report = audit([worker("a_40acme_2Ecom", "client:a_40acme_2Ecom")]);
    const text = renderDoctor(report, meta, doctorVerdict(report));
    expect(text).toContain(`Workspace "Flex Task Assignment" (${meta.workspace.sid}): 1 worker scanned in 1.2 s (3 API calls)`);
    expect(text).toContain("No problems found.");
    expect(text).toContain("1 worker: 1 healthy; 0 critical problems, 0 warnings. Exit 0 (clean: no problems).");
  });

  it("a broken one, as a table and as JSON", () => {
    const report = audit([worker("a_40acme_2Ecom", "client:a_40acme_2Ecom"), worker("bob_40acme_2Ecom", "client:bob")]);
    const text = renderDoctor(report, meta, doctorVerdict(report));
    expect(text).toMatch(/^SEVERITY {2}PROBLEM {20}WORKER {12}SID {33}DETAIL$/m);
    expect(text).toContain(`critical  contact-uri-not-canonical  bob_40acme_2Ecom  ${fakeSid("WK", "b")}  contact_uri "client:bob" is not canonical`);
    expect(text).toContain("  1  client:<local>  domain part missing");
    expect(text).toContain("Exit 2 (critical problems).");
    const json = doctorJson(report, meta, doctorVerdict(report));
    expect(json).toMatchObject({
      version: 1,
      summary: { workers: 2, healthy: 1, critical: 1, exitCode: 2, meaning: "critical problems" },
      patterns: { majority: { pattern: "client:<local>_40<domain>", count: 1, of: 1 } },
      scan: { durationMs: 1234 },
    });
  });
});

describe("doctorVerdict: --fail-on", () => {
  const counts = (critical: number, warning: number, info: number) => ({ counts: { critical, warning, info } }) as Pick<AuditReport, "counts">;
  it.each([
    // critical, warning, info findings; --fail-on; exit code and meaning
    [0, 0, 0, "warning", 0, "clean: no problems"],
    [0, 0, 5, "warning", 0, "clean: no problems"],
    [0, 3, 1, "warning", 2, "warnings only"],
    [1, 3, 0, "warning", 2, "critical problems"],
    [0, 0, 0, "critical", 0, "clean: no problems"],
    [0, 3, 1, "critical", 0, "warnings only, below --fail-on critical"],
    [1, 0, 0, "critical", 2, "critical problems"],
  ] as const)("%i critical, %i warnings, %i info, --fail-on %s: exit %i", (c, w, i, failOn, exitCode, meaning) => {
    expect(doctorVerdict(counts(c, w, i), failOn)).toEqual({ exitCode, meaning });
  });
  it("fails on warnings by default", () => expect(doctorVerdict(counts(0, 1, 0)).exitCode).toBe(2));
});

describe("describeError", () => {
  it.each([
    [Object.assign(new Error("Workspace not found"), { status: 404, code: 20404 }), "Twilio 404 (code 20404): Workspace not found"],
    [new SettingsError("Twilio credentials are missing"), "Twilio credentials are missing"],
    ["plain", "plain"],
  ])("%s", (err, line) => expect(describeError(err)).toBe(line));
});
