// One table: every command, every outcome, the exit code it must give. The
// commands run in-process through main() with a recording CLI context; Pulumi
// is a stand-in that answers with REAL captured previews (test/fixtures/preview: engine
// events for preview/up/drift, --json documents for report),
// Twilio is the emulator. Also checks that --help, README and docs print the
// table of src/cli/exit-codes.ts and that every code a command documents is
// one it really returns.

import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator, type SeedWorkerSpec } from "../../emulator";
import { COMMAND_EXITS, EXIT, exitCodesMarkdown, type CommandName, type ExitCode } from "../../src/cli/exit-codes";
import { main } from "../../src/cli/main";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { PulumiExit } from "../../src/pulumi/exit";
import type { PulumiRunner } from "../../src/pulumi/runner";
import { flexIdentity } from "../../src/flex/identity";
import { recordingContext, type RecordingContext } from "../../testing/cli-context";

const ROOT = path.resolve(__dirname, "..", "..");
const preview = (scenario: string) => readFileSync(path.join(ROOT, "test", "fixtures", "preview", `${scenario}.json`), "utf8");

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator();
});
afterAll(() => emu?.close());

/** The scenario's captured engine events (what the Automation API streams during its preview). */
const events = (scenario: string): EngineEvent[] =>
  readFileSync(path.join(ROOT, "test", "fixtures", "preview", `${scenario}.events.jsonl`), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as EngineEvent);

/** Pulumi stand-in: `preview` streams the scenario's captured events and exits `previewCode`; `up` exits `upCode`. */
function fakePulumi(calls: string[], scenario: string | undefined, previewCode = 0, upCode = 0): PulumiRunner {
  return {
    async preview(_sel, _extra, opts): Promise<PulumiExit> {
      calls.push("preview");
      for (const e of scenario ? events(scenario) : []) opts.onEvent?.(e);
      return { code: previewCode, signal: null };
    },
    async up(): Promise<PulumiExit> {
      calls.push("up");
      return { code: upCode, signal: null };
    },
    stacks: async () => [],
    createStack: async () => {},
    close: async () => {},
  };
}

const healthy = (email: string, chat = 2): SeedWorkerSpec => ({
  friendlyName: flexIdentity(email),
  attributes: { contact_uri: `client:${flexIdentity(email)}`, email },
  channels: { chat: { capacity: chat } },
});
const corrupted: SeedWorkerSpec = { ...healthy("bob@acme.com"), attributes: { contact_uri: "client:bob", email: "bob@acme.com" } };

interface Row {
  command: CommandName;
  outcome: string;
  argv: string[];
  code: ExitCode;
  /** Pulumi's answer to preview (a fixture scenario), and the exit codes of preview and up. */
  pulumi?: { scenario?: string; previewCode?: number; upCode?: number };
  stdin?: string;
  /** The emulator's workers for doctor and import; undefined: no Twilio credentials at all. */
  workers?: SeedWorkerSpec[];
  /** The Pulumi commands that must have run. */
  calls?: string[];
  /** Emulator options for the row (e.g. an assumption broken for conformance). */
  options?: { ignoreIfMatch?: boolean };
}

const table: Row[] = [
  { command: "preview", outcome: "ok: a plan within the guard", argv: ["preview"], pulumi: { scenario: "agent-removed" }, code: EXIT.OK, calls: ["preview"] },
  { command: "preview", outcome: "error: the preview failed", argv: ["preview"], pulumi: { scenario: "invalid-roster", previewCode: 1 }, code: EXIT.ERROR },
  { command: "preview", outcome: "refused by the guard", argv: ["preview"], pulumi: { scenario: "mass-removal" }, code: EXIT.BLOCKED },

  { command: "up", outcome: "ok: applied", argv: ["up"], pulumi: { scenario: "agent-added" }, code: EXIT.OK, calls: ["preview", "up"] },
  { command: "up", outcome: "ok: nothing to do", argv: ["up"], pulumi: { scenario: "clean" }, code: EXIT.OK, calls: ["preview"] },
  { command: "up", outcome: "error: pulumi up failed", argv: ["up"], pulumi: { scenario: "agent-added", upCode: 255 }, code: EXIT.ERROR, calls: ["preview", "up"] },
  { command: "up", outcome: "refused by the guard: never applies", argv: ["up"], pulumi: { scenario: "mass-removal" }, code: EXIT.BLOCKED, calls: ["preview"] },

  { command: "drift", outcome: "ok: in sync", argv: ["drift"], pulumi: { scenario: "clean" }, code: EXIT.OK },
  { command: "drift", outcome: "error: no JSON from pulumi", argv: ["drift"], pulumi: { previewCode: 6 }, code: EXIT.ERROR },
  { command: "drift", outcome: "drift: live Flex differs", argv: ["drift"], pulumi: { scenario: "contact-uri-corrupted" }, code: EXIT.DRIFT },

  { command: "report", outcome: "ok: a plan with changes", argv: ["report"], stdin: preview("capacity-changed"), code: EXIT.OK, calls: [] },
  { command: "report", outcome: "ok: --mode drift, in sync", argv: ["report", "--mode", "drift"], stdin: preview("clean"), code: EXIT.OK },
  { command: "report", outcome: "error: not preview JSON", argv: ["report"], stdin: "error: no stack named 'prod' found\n", code: EXIT.ERROR },
  { command: "report", outcome: "error: the preview failed", argv: ["report"], stdin: preview("invalid-roster"), code: EXIT.ERROR },
  { command: "report", outcome: "drift: --mode drift with changes", argv: ["report", "--mode", "drift"], stdin: preview("contact-uri-corrupted"), code: EXIT.DRIFT },
  { command: "report", outcome: "refused by --guard", argv: ["report", "--guard"], stdin: preview("mass-removal"), code: EXIT.BLOCKED },

  { command: "doctor", outcome: "ok: clean", argv: ["doctor"], workers: [healthy("a@acme.com"), healthy("b@acme.com")], code: EXIT.OK },
  { command: "doctor", outcome: "ok: warnings below --fail-on critical", argv: ["doctor", "--fail-on", "critical"], workers: [healthy("a@acme.com", 1)], code: EXIT.OK },
  { command: "doctor", outcome: "error: no credentials", argv: ["doctor"], code: EXIT.ERROR },
  { command: "doctor", outcome: "findings: a warning", argv: ["doctor"], workers: [healthy("a@acme.com", 1)], code: EXIT.DRIFT },
  { command: "doctor", outcome: "findings: a critical problem, --fail-on critical", argv: ["doctor", "--fail-on", "critical"], workers: [healthy("a@acme.com"), corrupted], code: EXIT.DRIFT },

  { command: "import", outcome: "ok: roster written (corrupted workers are no failure)", argv: ["import", "--out", "-"], workers: [healthy("a@acme.com"), corrupted], code: EXIT.OK },
  { command: "import", outcome: "error: no credentials", argv: ["import", "--out", "-"], code: EXIT.ERROR },

  { command: "conformance", outcome: "ok: every assumption holds", argv: ["conformance", "--event-wait", "5"], workers: [], code: EXIT.OK },
  { command: "conformance", outcome: "error: no credentials", argv: ["conformance"], code: EXIT.ERROR },
  { command: "conformance", outcome: "findings: If-Match ignored", argv: ["conformance", "--event-wait", "5"], workers: [], options: { ignoreIfMatch: true }, code: EXIT.DRIFT },
];

// Usage errors end the same way for every command.
const usage: Row[] = (Object.keys(COMMAND_EXITS) as CommandName[]).map((command) => ({
  command,
  outcome: "error: unknown option",
  argv: [command, "--no-such-option"],
  code: EXIT.ERROR,
  calls: [],
}));

async function run(row: Row): Promise<{ ctx: RecordingContext; calls: string[] }> {
  const calls: string[] = [];
  emu.control.reset();
  emu.control.setOptions({ ignoreIfMatch: false, ...row.options });
  if (row.workers) emu.control.seedWorkers(row.workers);
  const env: NodeJS.ProcessEnv = row.workers
    ? { TWILIO_ACCOUNT_SID: emu.accountSid, TWILIO_AUTH_TOKEN: emu.authToken, FLEX_ROSTER_API_BASE_URL: emu.url }
    : {};
  const ctx = recordingContext({
    env,
    pulumi: row.pulumi ? fakePulumi(calls, row.pulumi.scenario, row.pulumi.previewCode, row.pulumi.upCode) : fakePulumi(calls, undefined, 1),
    stdin: row.stdin,
  });
  await main(["node", "flex-roster", ...row.argv, ...(row.command === "doctor" || row.command === "import" ? ["--no-progress"] : [])], ctx);
  return { ctx, calls };
}

describe("exit codes: one table for every command", () => {
  it.each([...table, ...usage].map((r) => [`${r.command}: ${r.outcome} → ${r.code}`, r] as const))("%s", async (_name, row) => {
    const { ctx, calls } = await run(row);
    expect(ctx.exitCode, ctx.err.text).toBe(row.code);
    if (row.calls) expect(calls).toEqual(row.calls);
    // An error is never silent: stderr says why.
    if (row.code === EXIT.ERROR) expect(ctx.err.text).toMatch(/error|exited/);
  });

  it("each command returns exactly the codes its --help lists, and no other", () => {
    for (const command of Object.keys(COMMAND_EXITS) as CommandName[]) {
      const returned = new Set(table.filter((r) => r.command === command).map((r) => r.code));
      expect([...returned].sort(), command).toEqual(Object.keys(COMMAND_EXITS[command]).map(Number).sort());
    }
  });

  it("3 means the guard refused, and only that", () => {
    expect(table.filter((r) => r.code === EXIT.BLOCKED).every((r) => /guard/.test(r.outcome))).toBe(true);
  });
});

describe("the table is printed, not copied", () => {
  const help = async (argv: string[]) => {
    const ctx = recordingContext();
    await main(["node", "flex-roster", ...argv, "--help"], ctx);
    expect(ctx.exitCode).toBe(EXIT.OK);
    return ctx.out.text;
  };

  it("flex-roster --help shows every code with its meaning", async () => {
    const text = await help([]);
    expect(text).toMatch(/Exit codes \(the same for every command[^\n]*\n  0  ok[^\n]*\n  1  error[^\n]*\n  2  drift or findings[^\n]*\n  3  refused by a guard \(blast radius/);
  });

  it.each(Object.keys(COMMAND_EXITS) as CommandName[])("%s --help lists its codes", async (command) => {
    const text = await help([command]);
    const lines = Object.entries(COMMAND_EXITS[command]).map(([code, meaning]) => `  ${code}  ${meaning}`);
    expect(text).toContain(`Exit codes:\n${lines.join("\n")}\n`);
  });

  it.each([
    ["README.md", undefined],
    ["docs/gitops.md", undefined],
    ["docs/brownfield.md", "doctor"],
  ] as const)("%s holds the table of src/cli/exit-codes.ts", (file, command) => {
    expect(readFileSync(path.join(ROOT, file), "utf8")).toContain(exitCodesMarkdown(command));
  });
});
