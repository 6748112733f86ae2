import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { audit, type ScannedWorker } from "../../src/brownfield/audit";
import { describeError, intOption, listOption, scanProgress, type CommandIO } from "../../src/brownfield/cli-support";
import { parseStackConfig } from "../../src/brownfield/connect";
import { doctorJson, renderDoctor, type ScanMeta } from "../../src/brownfield/report";
import { SettingsError } from "../../src/twilio/settings";

const fakeSid = (prefix: string, digit: string) => prefix + digit.repeat(32);

describe("parseStackConfig", () => {
  it("keeps string values, secrets included, and drops objects", () => {
    const json = JSON.stringify({
      "twilio:accountSid": { value: fakeSid("AC", "1"), secret: false },
      "twilio:authToken": { value: "s3cret", secret: true },
      "flex-roster:concurrency": { value: 16, secret: false },
      "flex-roster:flag": { value: true, secret: false },
      "flex-roster:object": { value: { a: 1 }, objectValue: { a: 1 }, secret: false },
      "flex-roster:secretWithoutValue": { secret: true },
    });
    expect(Object.fromEntries(parseStackConfig(json))).toEqual({
      "twilio:accountSid": fakeSid("AC", "1"),
      "twilio:authToken": "s3cret",
      "flex-roster:concurrency": "16",
      "flex-roster:flag": "true",
    });
  });
  it("rejects non-JSON without echoing it", () => {
    expect(() => parseStackConfig("token=s3cret")).toThrow(SettingsError);
    expect(() => parseStackConfig("token=s3cret")).not.toThrow(/s3cret/);
  });
});

describe("options", () => {
  const conc = intOption("--concurrency", 1, 64);
  it.each([["1", 1], ["64", 64], [" 8 ", 8]])("intOption(%j)", (raw, n) => expect(conc(raw)).toBe(n));
  it.each(["0", "65", "1.5", "-1", "x", ""])("intOption rejects %j", (raw) => expect(() => conc(raw)).toThrow(/between 1 and 64/));
  it("listOption repeats and splits on commas", () => {
    expect(listOption("b, c", listOption("a"))).toEqual(["a", "b", "c"]);
  });
});

class Sink extends Writable {
  text = "";
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(c: Buffer, _e: BufferEncoding, done: () => void) {
    this.text += c.toString();
    done();
  }
}
const io = (tty: boolean): CommandIO & { err: Sink } => {
  const err = new Sink(tty);
  return { stdout: new Sink(false), stderr: err, err, env: {}, cwd: "/" };
};

describe("progress bar", () => {
  it("draws on a terminal only", () => {
    for (const [tty, enabled, drawn] of [[true, true, true], [false, true, false], [true, false, false]] as const) {
      const x = io(tty);
      const bar = scanProgress(x, enabled);
      bar.update({ listed: 10, done: 0, listComplete: false });
      bar.update({ listed: 10, done: 10, listComplete: true });
      bar.stop();
      expect(x.err.text.includes("Scanning workers"), `tty=${tty} enabled=${enabled}`).toBe(drawn);
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
    const text = renderDoctor(audit([worker("a_40acme_2Ecom", "client:a_40acme_2Ecom")]), meta);
    expect(text).toContain(`Workspace "Flex Task Assignment" (${meta.workspace.sid}): 1 worker scanned in 1.2 s (3 API calls)`);
    expect(text).toContain("No problems found.");
    expect(text).toContain("1 worker: 1 healthy; 0 critical problems, 0 warnings. Exit 0 (clean: no problems).");
  });

  it("a broken one, as a table and as JSON", () => {
    const report = audit([worker("a_40acme_2Ecom", "client:a_40acme_2Ecom"), worker("bob_40acme_2Ecom", "client:bob")]);
    const text = renderDoctor(report, meta);
    expect(text).toMatch(/^SEVERITY {2}PROBLEM {20}WORKER {12}SID {33}DETAIL$/m);
    expect(text).toContain(`critical  contact-uri-not-canonical  bob_40acme_2Ecom  ${fakeSid("WK", "b")}  contact_uri "client:bob" is not canonical`);
    expect(text).toContain("  1  client:<local>  domain part missing");
    expect(text).toContain("Exit 3 (critical problems).");
    const json = doctorJson(report, meta);
    expect(json).toMatchObject({
      version: 1,
      summary: { workers: 2, healthy: 1, critical: 1, exitCode: 3 },
      patterns: { majority: { pattern: "client:<local>_40<domain>", count: 1, of: 1 } },
      scan: { durationMs: 1234 },
    });
  });
});

describe("describeError", () => {
  it.each([
    [Object.assign(new Error("Workspace not found"), { status: 404, code: 20404 }), "Twilio 404 (code 20404): Workspace not found"],
    [new SettingsError("Twilio credentials are missing"), "Twilio credentials are missing"],
    ["plain", "plain"],
  ])("%s", (err, line) => expect(describeError(err)).toBe(line));
});
