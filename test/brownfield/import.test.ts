// import against the seeded messy workspace (205 workers on the emulator): the
// roster loads, holds exactly the healthy and corrupted workers, flags the
// corrupted ones, and adopting it through the real worker provider creates
// only the corrupted agents' workers and touches no healthy one.

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDoctor } from "../../src/cli/commands/doctor";
import { runImport } from "../../src/cli/commands/import";
import { desiredWorker } from "../../src/flex/worker-model";
import { WorkerProvider } from "../../src/provider/worker-impl";
import { loadRoster } from "../../src/roster";
import { emulatorTaskRouter } from "../../testing/emulator-client";
import { captureIO, emulatorEnv, seededEmulator, type Seeded } from "../../testing/brownfield-harness";

let s: Seeded;
const tmp = mkdtempSync(path.join(tmpdir(), "flex-roster-import-"));
const file = path.join(tmp, "roster.yaml");
let yaml = "";

type Imported = { email: string; plan: string };
const importedOf = (p: Seeded["planted"][number]) => ("email" in p.import ? (p.import as Imported) : undefined);

beforeAll(async () => {
  s = await seededEmulator();
  const io = captureIO(emulatorEnv(s.emu), tmp);
  const code = await runImport({ out: "roster.yaml", progress: false }, io);
  if (code !== 0) throw new Error(io.err.text);
  yaml = readFileSync(file, "utf8");
});
afterAll(() => s.emu.close());

describe("flex-roster import on a messy workspace", () => {
  it("writes a roster that loads, sorted by email", () => {
    const roster = loadRoster(file);
    expect(roster.workspace).toBe("Flex Task Assignment");
    const emails = roster.agents.map((a) => a.email);
    expect(emails).toEqual([...emails].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
  });

  it("holds exactly the healthy and corrupted workers, one agent per worker identity", () => {
    const roster = loadRoster(file);
    const expected = s.planted
      .filter((p) => importedOf(p))
      .map((p) => `${importedOf(p)!.email} ${p.spec.friendlyName}`)
      .sort();
    expect(roster.agents.map((a) => `${a.email} ${a.identity}`).sort()).toEqual(expected);
  });

  it("flags exactly the corrupted workers with a CORRUPTED comment", () => {
    const lines = yaml.split("\n");
    const flagged = lines
      .map((l, i) => (l.trim().startsWith("# CORRUPTED:") ? lines.slice(i + 1).find((x) => x.trim().startsWith("- email:")) : undefined))
      .filter((x): x is string => x !== undefined)
      .map((x) => x.trim().replace("- email: ", ""))
      .sort();
    const corrupted = s.planted.filter((p) => importedOf(p)?.plan === "replace").map((p) => importedOf(p)!.email).sort();
    expect(flagged).toEqual(corrupted);
    expect(yaml).toContain('# CORRUPTED: contact_uri "client:seeded0" is not canonical "client:seeded0_40acme_2Ecom"; flex-roster will recreate this worker');
    // The two without contact_uri are waiting for first sign-in: updated in place, not recreated.
    expect(yaml.match(/# UPDATE:/g)).toHaveLength(2);
    expect(yaml).toContain("# UPDATE: pulumi up will change contact_uri is missing (waiting for first sign-in)");
  });

  it("lists duplicates and strays as not imported, with their SIDs", () => {
    const tail = yaml.slice(yaml.indexOf("# Not imported:"));
    const skipped = s.planted.filter((p) => !importedOf(p));
    expect(skipped.length).toBe(4);
    for (const p of skipped) expect(tail).toContain(`${(p.import as { skipped: string }).skipped.toUpperCase()}: ${p.sid}`);
  });

  it("keeps Flex/SSO keys unmanaged, uses defaults, and is short", () => {
    expect(yaml).toContain("# Attributes left to Flex/SSO (unmanaged): disabled_skills, image_url.");
    expect(yaml).not.toMatch(/^\s+image_url:/m);
    expect(yaml).toContain("defaults:\n  roles: [agent]\n  skills: [support]\n");
    expect(yaml).toContain("  channels: {chat: 2, default: 1, email: 1, sms: 1, video: 1, voice: 1}");
    expect(yaml).toContain("  - email: contractor7@partner.example\n    identity: contractor7\n");
    // ~4-5 lines per agent, not one line per attribute and channel
    expect(yaml.split("\n").length).toBeLessThan(s.planted.length * 6);
  });

  it("refuses to overwrite without --force; --out - writes to stdout", async () => {
    const io = captureIO(emulatorEnv(s.emu), tmp);
    expect(await runImport({ out: "roster.yaml", progress: false }, io)).toBe(1);
    expect(io.err.text).toContain("roster.yaml exists; pass --force to overwrite it");
    const out = captureIO(emulatorEnv(s.emu), tmp);
    expect(await runImport({ out: "-", progress: false }, out)).toBe(0);
    expect(out.out.text).toBe(yaml);
    expect(out.err.text).toMatch(/^flex-roster import: roster: 201 agents from 205 workers \(pulumi up: 178 adopted unchanged, 2 updated in place, 21 corrupted recreated\); 4 not imported\./);
    const forced = captureIO(emulatorEnv(s.emu), tmp);
    writeFileSync(path.join(tmp, "other.yaml"), "x");
    expect(await runImport({ out: "other.yaml", force: true, progress: false }, forced)).toBe(0);
    expect(readFileSync(path.join(tmp, "other.yaml"), "utf8")).toBe(yaml);
  });

  // Last: it changes the workspace.
  it("adopting the roster through the provider creates only the corrupted agents' workers", async () => {
    const roster = loadRoster(file);
    const tr = emulatorTaskRouter(s.emu, { concurrency: 8, timeoutMs: 10_000 });
    const provider = new WorkerProvider(tr);
    s.emu.control.resetCounters();
    // What `pulumi up` does for resources not yet in state: create (= create-or-adopt).
    const results = [];
    for (const agent of roster.agents) results.push(await provider.create(desiredWorker(roster.workspace, agent)));
    const sidByIdentity = new Map(results.map((r) => [r.outs.friendlyName as string, r.id]));

    const corrupted = s.planted.filter((p) => importedOf(p)?.plan === "replace");
    const healthy = s.planted.filter((p) => importedOf(p)?.plan === "adopt");
    const waiting = s.planted.filter((p) => importedOf(p)?.plan === "update");
    expect(waiting).toHaveLength(2);
    const byRoute = s.emu.control.counters().byRoute;
    expect(byRoute["POST /v1/Workspaces/:WorkspaceSid/Workers"]).toBe(corrupted.length);
    expect(byRoute["DELETE /v1/Workspaces/:WorkspaceSid/Workers/:Sid"]).toBe(corrupted.length);
    // Worker updates: taking the corrupted workers offline before deleting them, and
    // writing contact_uri in place on the two waiting for first sign-in (same SID).
    expect(byRoute["POST /v1/Workspaces/:WorkspaceSid/Workers/:Sid"]).toBe(corrupted.length + waiting.length);
    for (const p of waiting) expect(sidByIdentity.get(p.spec.friendlyName)).toBe(p.sid);
    // Channel writes: only chat 1 → 2 on the new workers (Twilio creates channels with capacity 1).
    expect(byRoute["POST /v1/Workspaces/:WorkspaceSid/Workers/:WorkerSid/Channels/:Sid"]).toBe(corrupted.length);
    for (const p of healthy) expect(sidByIdentity.get(p.spec.friendlyName)).toBe(p.sid);
    for (const p of corrupted) expect(sidByIdentity.get(p.spec.friendlyName)).not.toBe(p.sid);

    // Afterwards doctor finds no corrupted worker: what is left is duplicates, the stray and low chat.
    const io = captureIO(emulatorEnv(s.emu), tmp);
    await runDoctor({ json: true, progress: false }, io);
    const left = new Set(JSON.parse(io.out.text).findings.map((f: { code: string }) => f.code));
    expect([...left].sort()).toEqual(["chat-capacity-low", "duplicate-email", "duplicate-identity", "friendly-name-not-identity"]);
  }, 120_000);
});
