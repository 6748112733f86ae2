// doctor against a seeded messy workspace of 205 workers on the emulator:
// it must find exactly the planted problems, no more, no less.

import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDoctor } from "../../src/cli/commands/doctor";
import { captureIO, emulatorEnv, seededEmulator, type Seeded } from "../../testing/brownfield-harness";

let s: Seeded;
const tmp = mkdtempSync(path.join(tmpdir(), "flex-roster-doctor-"));

beforeAll(async () => {
  s = await seededEmulator();
});
afterAll(() => s.emu.close());

async function doctor(args: Parameters<typeof runDoctor>[0] = {}) {
  const io = captureIO(emulatorEnv(s.emu), tmp);
  const code = await runDoctor({ progress: false, ...args }, io);
  return { code, stdout: io.out.text, stderr: io.err.text };
}

const planted = (filter: (code: string) => boolean = () => true) =>
  s.planted.flatMap((p) => p.findings.filter(filter).map((code) => `${code} ${p.sid}`)).sort();

describe("flex-roster doctor on a messy workspace", () => {
  it("has at least 200 workers", () => {
    expect(s.planted.length).toBeGreaterThanOrEqual(200);
  });

  it("--json finds exactly the planted problems and exits 2", async () => {
    const r = await doctor({ json: true });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout);
    const found = report.findings.map((f: { code: string; sid: string }) => `${f.code} ${f.sid}`).sort();
    expect(found).toEqual(planted());
    expect(report.summary).toMatchObject({ workers: s.planted.length, exitCode: 2, meaning: "critical problems" });
    // "waiting for first sign-in" (no contact_uri) is information: those workers count as healthy
    expect(report.summary.healthy).toBe(s.planted.filter((p) => p.findings.every((c) => c === "contact-uri-missing")).length);
  });

  it("--workspace takes a WS SID too", async () => {
    const r = await doctor({ json: true, workspace: s.emu.workspaceSid });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).workspace).toEqual({ sid: s.emu.workspaceSid, friendlyName: "Flex Task Assignment" });
  });

  it("names the seed-style patterns against the majority", async () => {
    const report = JSON.parse((await doctor({ json: true })).stdout);
    expect(report.patterns.majority).toMatchObject({ pattern: "client:<local>_40<domain>" });
    const bad = Object.fromEntries(report.patterns.nonCanonical.map((p: { pattern: string; count: number }) => [p.pattern, p.count]));
    expect(bad).toEqual({
      "client:<local>": 8,
      "client:<local>_40<domain-without-tld>": 5,
      "client:<local>@<domain>": 2,
      "client:<local>_40<domain> (lowercase hex)": 1,
      "(missing)": 2,
      "client:<another worker's identity>": 1,
    });
    const bob = report.findings.find((f: { friendlyName: string }) => f.friendlyName === "seeded0_40acme_2Ecom");
    expect(bob).toMatchObject({
      severity: "critical",
      expected: "client:seeded0_40acme_2Ecom",
      actual: "client:seeded0",
      pattern: { kind: "domain-missing", label: "domain part missing" },
    });
  });

  it("reads each worker with one fetch and one channel list, the list in pages of 1000", async () => {
    s.emu.control.resetCounters();
    await doctor({ json: true });
    const byRoute = s.emu.control.counters().byRoute;
    const n = s.planted.length;
    expect(byRoute["GET /v1/Workspaces/:WorkspaceSid/Workers"]).toBe(1);
    expect(byRoute["GET /v1/Workspaces/:WorkspaceSid/Workers/:Sid"]).toBe(n);
    expect(byRoute["GET /v1/Workspaces/:WorkspaceSid/Workers/:WorkerSid/Channels"]).toBe(n);
    expect(s.emu.control.counters().writes).toBe(0);
  });

  it("the table shows every finding and the exit meaning", async () => {
    const r = await doctor();
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("contact_uri of working agents: client:<local>_40<domain>");
    expect(r.stdout).toMatch(/critical\s+contact-uri-not-canonical\s+seeded0_40acme_2Ecom/);
    expect(r.stdout).toContain('"client:seeded0" is not canonical "client:seeded0_40acme_2Ecom": domain part missing');
    expect(r.stdout).toContain("Exit 2 (critical problems)");
    const rows = r.stdout.split("\n").filter((l) => /^(critical|warning|info) /.test(l));
    expect(rows).toHaveLength(planted().length);
  });

  it("--min-chat-capacity 0 leaves only critical problems and the stray; 3 finds more", async () => {
    const off = JSON.parse((await doctor({ json: true, minChatCapacity: 0 })).stdout);
    expect(off.findings.map((f: { code: string; sid: string }) => `${f.code} ${f.sid}`).sort()).toEqual(planted((c) => c !== "chat-capacity-low"));
    const three = JSON.parse((await doctor({ json: true, minChatCapacity: 3 })).stdout);
    expect(three.findings.filter((f: { code: string }) => f.code === "chat-capacity-low").length).toBe(s.planted.length);
  });

  it("--roster adds orphans and agents without a worker", async () => {
    const keep = s.planted.filter((p) => p.kind === "healthy").slice(0, 150);
    const roster = [
      "workspace: Flex Task Assignment",
      "agents:",
      ...keep.map((p) => `  - email: ${(p.import as { email: string }).email}${p.spec.friendlyName === "contractor7" ? "\n    identity: contractor7" : ""}`),
      "  - email: newhire@acme.com",
    ].join("\n");
    const file = path.join(tmp, "roster.yaml");
    writeFileSync(file, roster);
    const r = await doctor({ json: true, roster: "roster.yaml" });
    const report = JSON.parse(r.stdout);
    const inRoster = new Set(keep.map((p) => p.sid));
    const orphans = report.findings.filter((f: { code: string }) => f.code === "orphan-worker").map((f: { sid: string }) => f.sid).sort();
    expect(orphans).toEqual(s.planted.filter((p) => !inRoster.has(p.sid)).map((p) => p.sid).sort());
    expect(report.findings.filter((f: { code: string }) => f.code === "agent-without-worker").map((f: { email: string }) => f.email)).toEqual(["newhire@acme.com"]);
    expect(report.roster).toBe("roster.yaml");
  });

  it("--roster with a roster folder compares with every team: the same findings as one file", async () => {
    const keep = s.planted.filter((p) => p.kind === "healthy").slice(0, 150);
    const line = (p: (typeof keep)[number]) =>
      `  - email: ${(p.import as { email: string }).email}${p.spec.friendlyName === "contractor7" ? "\n    identity: contractor7" : ""}`;
    const dir = path.join(tmp, "roster.d");
    mkdirSync(dir, { recursive: true });
    const header = ["workspace: Flex Task Assignment", "agents:"];
    writeFileSync(path.join(dir, "sales.yaml"), [...header, ...keep.slice(0, 70).map(line)].join("\n"));
    writeFileSync(path.join(dir, "support.yaml"), [...header, ...keep.slice(70).map(line), "  - email: newhire@acme.com"].join("\n"));
    const r = await doctor({ json: true, roster: "roster.d" });
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout);
    const inRoster = new Set(keep.map((p) => p.sid));
    const orphans = report.findings.filter((f: { code: string }) => f.code === "orphan-worker").map((f: { sid: string }) => f.sid).sort();
    expect(orphans).toEqual(s.planted.filter((p) => !inRoster.has(p.sid)).map((p) => p.sid).sort());
    expect(report.findings.filter((f: { code: string }) => f.code === "agent-without-worker").map((f: { email: string }) => f.email)).toEqual(["newhire@acme.com"]);
  });

  it("a clean workspace exits 0; warnings only exit 2, or 0 with --fail-on critical", async () => {
    const { startEmulator } = await import("../../emulator");
    const emu = await startEmulator();
    try {
      const ok = s.planted.filter((p) => p.kind === "healthy").slice(0, 20).map((p) => p.spec);
      emu.control.seedWorkers(ok);
      const run = async (failOn?: "warning" | "critical") => {
        const io = captureIO(emulatorEnv(emu), tmp);
        return runDoctor({ progress: false, failOn }, io);
      };
      expect(await run()).toBe(0);
      expect(await run("critical")).toBe(0);
      emu.control.seedWorkers(s.planted.filter((p) => p.kind === "low-chat").map((p) => p.spec));
      expect(await run()).toBe(2);
      expect(await run("warning")).toBe(2);
      expect(await run("critical")).toBe(0);
      emu.control.seedWorkers(s.planted.filter((p) => p.kind !== "healthy" && p.findings.includes("contact-uri-not-canonical")).slice(0, 1).map((p) => p.spec));
      expect(await run("critical")).toBe(2);
    } finally {
      await emu.close();
    }
  });

  it("exit 1 with one line when it cannot run", async () => {
    const io = captureIO({ PATH: process.env.PATH }, tmp);
    expect(await runDoctor({ progress: false }, io)).toBe(1);
    expect(io.err.text).toMatch(/^flex-roster doctor: error: Twilio account SID is missing/);
    const bad = await doctor({ workspace: "No Such Workspace" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('TaskRouter workspace "No Such Workspace" not found');
    const roster = await doctor({ roster: "missing.yaml" });
    expect(roster.code).toBe(1);
    expect(roster.stderr).toContain("roster file not found");
  });

  it("rides out 429s", async () => {
    s.emu.control.injectFault({ kind: 429, route: "/v1/Workspaces/:WorkspaceSid/Workers/:Sid", count: 20, retryAfter: 0 });
    const r = await doctor({ json: true });
    const report = JSON.parse(r.stdout);
    expect(report.scan.api.retries).toBe(20);
    expect(report.findings.map((f: { code: string; sid: string }) => `${f.code} ${f.sid}`).sort()).toEqual(planted());
  });
});

describe("bin/flex-roster doctor (a real process)", () => {
  // Asynchronous: the emulator serves from this process's event loop.
  const run = async (args: string[]) => {
    const { spawn } = await import("node:child_process");
    const bin = path.resolve(__dirname, "..", "..", "bin", "flex-roster");
    const env = { ...process.env, ...emulatorEnv(s.emu) };
    return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(bin, args, { env, cwd: tmp });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
  };

  it("prints JSON and exits 2; --fail-on is checked; usage errors exit 1", async () => {
    const r = await run(["doctor", "--json", "--concurrency", "16"]);
    expect(r.status, r.stderr).toBe(2);
    expect(JSON.parse(r.stdout).summary.workers).toBe(s.planted.length);
    const bad = await run(["doctor", "--concurrency", "0"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--concurrency must be an integer between 1 and 64");
    const failOn = await run(["doctor", "--fail-on", "info"]);
    expect(failOn.status).toBe(1);
    expect(failOn.stderr).toContain("Allowed choices are warning, critical");
    const help = await run(["doctor", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:\n {2}0 {2}clean/);
  }, 60_000);
});
