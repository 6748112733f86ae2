// Brownfield end to end: a seeded messy workspace (205 workers) on the
// emulator, `flex-roster import` writes the roster, the real Pulumi CLI runs
// the real program on it. The first `pulumi up` must create no worker for a
// healthy agent and recreate exactly the corrupted ones; afterwards preview
// shows no changes. doctor reads its credentials from the stack (--stack).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDoctor } from "../../src/cli/commands/doctor";
import { runImport } from "../../src/cli/commands/import";
import { captureIO, emulatorEnv, seededEmulator, type Seeded } from "../../testing/brownfield-harness";
import { createFlexStack, STACK, type FlexStack } from "../../testing/flex-stack";
import { baseEnv, describeRun, ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";

let s: Seeded;
let stack: FlexStack;
let yaml = "";

type Imported = { email: string; plan: string };
const importedOf = (p: Seeded["planted"][number]) => ("email" in p.import ? (p.import as Imported) : undefined);
const corrupted = () => s.planted.filter((p) => importedOf(p)?.plan === "replace");
const healthy = () => s.planted.filter((p) => importedOf(p)?.plan === "adopt");
// Missing contact_uri: fixed in place on the same SID (not corruption since the Flex Configuration work).
const fixedInPlace = () => s.planted.filter((p) => importedOf(p)?.plan === "update");

/** Worker steps of `pulumi preview --json`: op → count. */
async function previewOps(): Promise<Record<string, number>> {
  const r = await stack.pulumi(["preview", "--json"]);
  expect(r.code, describeRun("preview", r)).toBe(0);
  const ops: Record<string, number> = {};
  for (const step of JSON.parse(r.stdout).steps ?? []) {
    if (!String(step.urn).includes("flex-roster:Worker")) continue;
    ops[step.op] = (ops[step.op] ?? 0) + 1;
  }
  return ops;
}

beforeAll(async () => {
  await ensurePulumi();
  s = await seededEmulator();
  const io = captureIO(emulatorEnv(s.emu), process.cwd());
  if ((await runImport({ out: "-", progress: false }, io)) !== 0) throw new Error(io.err.text);
  yaml = io.out.text;
  stack = await createFlexStack({ roster: yaml, emulator: s.emu });
}, ENSURE_PULUMI_TIMEOUT_MS);

afterAll(async () => {
  await stack?.close();
  await s?.emu.close();
});

describe("brownfield: import, then pulumi up", { timeout: 900_000 }, () => {
  it("doctor --stack reads the credentials and the roster from the stack config", async () => {
    const io = captureIO({ ...baseEnv(), ...stack.env, TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "", FLEX_ROSTER_API_BASE_URL: "" }, stack.dir);
    const code = await runDoctor({ stack: STACK, json: true, progress: false }, io);
    expect(code, io.err.text).toBe(2); // findings: the corrupted workers
    const report = JSON.parse(io.out.text);
    expect(report.roster).toBe("roster.yaml");
    // Every worker left out of the import is an orphan of the imported roster.
    const orphans = report.findings.filter((f: { code: string }) => f.code === "orphan-worker").map((f: { sid: string }) => f.sid).sort();
    expect(orphans).toEqual(s.planted.filter((p) => !importedOf(p)).map((p) => p.sid).sort());
    expect(report.findings.filter((f: { code: string }) => f.code === "agent-without-worker")).toEqual([]);
    // The secret never reaches the output.
    expect(io.out.text + io.err.text).not.toContain(s.emu.authToken);
  });

  it("the first preview plans one create per agent and nothing else (state is empty)", async () => {
    const ops = await previewOps();
    expect(fixedInPlace().length).toBeGreaterThan(0);
    expect(ops).toEqual({ create: healthy().length + fixedInPlace().length + corrupted().length });
  });

  it("that preview warns once for each corrupted worker that create will adopt and recreate", async () => {
    const r = await stack.pulumi(["preview"]);
    expect(r.code, describeRun("preview", r)).toBe(0);
    const adopted = new Set(
      [...(r.stdout + r.stderr).matchAll(/warning: \S+: create adopts the existing worker (WK[0-9a-f]{32}), but /g)].map((m) => m[1]),
    );
    expect([...adopted].sort()).toEqual(corrupted().map((p) => p.sid).sort());
  });

  it("the first up adopts every healthy worker and recreates exactly the corrupted ones", async () => {
    s.emu.control.resetCounters();
    const r = await stack.pulumi(["up", "--yes", "--skip-preview"]);
    expect(r.code, describeRun("up", r)).toBe(0);
    const byRoute = s.emu.control.counters().byRoute;
    // Twilio creates: only the corrupted agents' new workers. Deletes: only their old ones.
    expect(byRoute["POST /v1/Workspaces/:WorkspaceSid/Workers"]).toBe(corrupted().length);
    expect(byRoute["DELETE /v1/Workspaces/:WorkspaceSid/Workers/:Sid"]).toBe(corrupted().length);
    // Worker writes: taking each corrupted worker offline before deleting it, one in-place
    // fix per worker missing its contact_uri, nothing on healthy ones.
    expect(byRoute["POST /v1/Workspaces/:WorkspaceSid/Workers/:Sid"]).toBe(corrupted().length + fixedInPlace().length);

    const ids = new Map((await stack.workerResources()).map((res) => [String(res.outputs?.friendlyName), String(res.id)]));
    expect(ids.size).toBe(healthy().length + fixedInPlace().length + corrupted().length);
    for (const p of [...healthy(), ...fixedInPlace()]) expect(ids.get(p.spec.friendlyName), p.spec.friendlyName).toBe(p.sid);
    for (const p of corrupted()) expect(ids.get(p.spec.friendlyName), p.spec.friendlyName).not.toBe(p.sid);
    // The recreation warnings name exactly the corrupted agents.
    for (const p of corrupted()) expect(r.stdout + r.stderr).toContain(`${importedOf(p)!.email}: `);
  });

  it("afterwards preview shows no changes and doctor no corrupted worker", async () => {
    const ops = await previewOps();
    expect(Object.keys(ops).filter((op) => op !== "same" && op !== "refresh")).toEqual([]);
    const io = captureIO(emulatorEnv(s.emu), stack.dir);
    await runDoctor({ json: true, progress: false }, io);
    const codes = new Set(JSON.parse(io.out.text).findings.map((f: { code: string }) => f.code));
    expect([...codes].sort()).toEqual(["chat-capacity-low", "duplicate-email", "duplicate-identity", "friendly-name-not-identity"]);
  });
});
