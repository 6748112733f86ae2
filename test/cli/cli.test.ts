// bin/flex-roster as a user runs it, with a stand-in Pulumi CLI (test/cli/fixtures/fake-pulumi)
// that the Automation API drives like the real one and that streams REAL captured engine
// events (test/fixtures/preview/*.events.jsonl). Checks the exit codes, which Pulumi
// commands run (and which never do), and where the report goes.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "flex-roster");
const FAKE = path.join(__dirname, "fixtures", "fake-pulumi", "bin", "pulumi");
const PREVIEWS = path.join(ROOT, "test", "fixtures", "preview");
const tmp = mkdtempSync(path.join(os.tmpdir(), "flex-roster-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Pulumi calls the CLI made, one per line: arguments, then "| cwd=<dir>". */
  calls: string[];
  /** The operations among them (preview, up). */
  ops: string[];
}

interface RunOptions {
  /** The captured scenario whose engine events the preview streams. */
  preview?: string;
  previewRc?: number;
  upRc?: number;
  env?: Record<string, string>;
  stdin?: string;
  cwd?: string;
  /** Called with the child and its stderr so far, on every stderr chunk. */
  onStderr?: (child: ReturnType<typeof spawn>, stderr: string) => void;
}

let n = 0;
function run(args: string[], opts: RunOptions = {}): Promise<Run> {
  const log = path.join(tmp, `calls-${++n}.log`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("PULUMI_") && !k.startsWith("FLEX_ROSTER_")) env[k] = v;
  Object.assign(env, {
    FLEX_ROSTER_PULUMI: FAKE,
    FAKE_LOG: log,
    FAKE_EVENTS: opts.preview ? path.join(PREVIEWS, `${opts.preview}.events.jsonl`) : "",
    FAKE_PREVIEW_RC: String(opts.previewRc ?? 0),
    FAKE_UP_RC: String(opts.upRc ?? 0),
    FAKE_SELECTED: "dev",
    ...opts.env,
  });
  return new Promise((resolve) => {
    const child = spawn(BIN, args, { env, cwd: opts.cwd ?? tmp, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      opts.onStderr?.(child, stderr);
    });
    child.stdin.end(opts.stdin ?? "");
    child.on("close", (code) => {
      const calls = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : [];
      resolve({ code, stdout, stderr, calls, ops: calls.filter((c) => /^(preview|up) /.test(c)) });
    });
  });
}

/** The refreshing preview, and the up, that the Automation API runs for a stack. */
const previewCall = (stack: string, cwd = tmp, extra = "") =>
  `preview --refresh${extra} --exec-kind auto.local --event-log <events> --stack ${stack} --non-interactive | cwd=${cwd}`;
const upCall = (stack: string) =>
  `up --yes --skip-preview --refresh --continue-on-error --exec-kind auto.local --stack ${stack} --non-interactive | cwd=${tmp}`;

describe("flex-roster CLI", { timeout: 120_000 }, () => {
  it("--help lists the commands and the exit codes", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const c of ["report", "preview", "up", "drift"]) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
    expect(r.stdout).toMatch(/^  2  drift or findings: live Flex differs from the roster/m);
    expect(r.stdout).toMatch(/^  3  refused by a guard \(blast radius/m);
  });

  it("drift --help documents 0 / 1 / 2", async () => {
    const r = await run(["drift", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Exit codes:\n  0  in sync[^\n]*\n  1  error[^\n]*\n  2  drift/);
  });

  it("an unknown command or option is an error (1)", async () => {
    expect((await run(["nope"])).code).toBe(1);
    expect((await run(["drift", "--nope"])).code).toBe(1);
  });

  describe("drift", () => {
    it("in sync: exit 0, the report on stdout, Pulumi's own chatter on stderr", async () => {
      const r = await run(["drift", "--stack", "prod"], { preview: "clean" });
      expect(r.code).toBe(0);
      expect(r.stdout.startsWith("<!-- flex-roster-report -->\n")).toBe(true);
      expect(r.stdout).toContain("**In sync.**");
      expect(r.stderr).toContain("fake pulumi: previewing");
      // The Automation API selects the stack; the user's selection (dev) is put back after.
      expect(r.calls).toEqual([
        `version | cwd=${tmp}`,
        `stack ls --json --non-interactive | cwd=${tmp}`,
        `stack select --stack prod --non-interactive | cwd=${tmp}`,
        previewCall("prod"),
        `stack select --stack dev --non-interactive | cwd=${tmp}`,
      ]);
    });

    it("drift: exit 2, the report names the agent and the reason; --out and --summary-json written", async () => {
      const out = path.join(tmp, "drift.md");
      const sum = path.join(tmp, "drift.json");
      const r = await run(["drift", "--out", out, "--summary-json", sum], { preview: "contact-uri-corrupted" });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      const md = readFileSync(out, "utf8");
      expect(md).toContain("### flex-roster drift check");
      expect(md).toContain("`bob@acme.com`");
      expect(md).toContain("contact_uri `client:bob` is not canonical; expected `client:bob_40acme_2Ecom`");
      const summary = JSON.parse(readFileSync(sum, "utf8"));
      expect(summary).toMatchObject({ schema: "flex-roster.report/v1", mode: "drift", status: "changes" });
      expect(summary.agents.map((a: { identity: string }) => a.identity)).toEqual(["bob_40acme_2Ecom"]);
    });

    it("a preview that reports errors: exit 1, and the report shows them", async () => {
      const r = await run(["drift"], { preview: "invalid-roster", previewRc: 1 });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("**The preview failed.**");
      expect(r.stdout).toContain("capacity must be an integer between 0 and 50");
    });

    it("no engine events at all from pulumi: exit 1 with a message", async () => {
      const r = await run(["drift"], { previewRc: 6 });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("flex-roster drift: error: pulumi preview exited 6 without a plan (no engine events)");
    });

    it("a clean-looking JSON with a non-zero pulumi exit is still an error", async () => {
      const r = await run(["drift"], { preview: "clean", previewRc: 255 });
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("pulumi preview exited 255");
    });

    it("stack from FLEX_ROSTER_STACK unless --stack, else the selected one; --cwd and args after -- reach pulumi", async () => {
      const env = { FLEX_ROSTER_STACK: "prod" };
      const a = await run(["drift"], { preview: "clean", env });
      expect(a.ops).toEqual([previewCall("prod")]);
      const project = mkdtempSync(path.join(tmp, "project-"));
      const b = await run(["drift", "-s", "staging", "--cwd", project, "--", "--parallel", "4", "--target-dependents"], { preview: "clean", env });
      expect(b.code).toBe(0);
      expect(b.ops).toEqual([previewCall("staging", project, " --target-dependents --parallel 4")]);
      const c = await run(["drift"], { preview: "clean" });
      expect(c.ops).toEqual([previewCall("dev")]);
      expect(c.calls.filter((x) => x.startsWith("stack select"))).toEqual([`stack select --stack dev --non-interactive | cwd=${tmp}`]);
    });

    it("a pulumi argument the Automation API cannot pass on is an error, before Pulumi runs", async () => {
      const r = await run(["drift", "--", "--refresh=false"], { preview: "clean" });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/flex-roster drift: error: pulumi arguments after --: Unknown option '--refresh'.*--parallel/);
      expect(r.calls).toEqual([]);
    });

    it("no stack given and none selected, or a stack that does not exist: exit 1 with Pulumi's reason, no preview", async () => {
      const a = await run(["drift"], { preview: "clean", env: { FAKE_SELECTED: "" } });
      expect(a.code).toBe(1);
      expect(a.stderr).toContain("flex-roster drift: error: no stack selected: pass --stack <name>");
      expect(a.ops).toEqual([]);
      const b = await run(["drift", "--stack", "nope"], { preview: "clean", env: { FAKE_MISSING_STACK: "nope" } });
      expect(b.code).toBe(1);
      expect(b.stderr).toContain("selecting stack nope failed (exited 255): error: no stack named 'nope' found");
      expect(b.ops).toEqual([]);
    });
  });

  describe("preview (pull requests)", () => {
    it("within the guard: exit 0, the comment to --out", async () => {
      const out = path.join(tmp, "comment.md");
      const r = await run(["preview", "--out", out], { preview: "agent-removed" });
      expect(r.code).toBe(0);
      expect(readFileSync(out, "utf8")).toContain("Blast-radius guard: 1 worker deleted or replaced; the limit is 1");
      expect(r.ops).toEqual([previewCall("dev")]);
    });

    it("over the guard: exit 3, the comment says blocked", async () => {
      const r = await run(["preview"], { preview: "mass-removal" });
      expect(r.code).toBe(3);
      expect(r.stdout).toContain("**Blocked by the blast-radius guard:**");
      expect(r.stderr).toContain("would delete or replace 3 workers");
    });

    it("FLEX_ROSTER_ALLOW_MASS_REMOVAL=1 lets it pass, saying so", async () => {
      const r = await run(["preview"], { preview: "mass-removal", env: { FLEX_ROSTER_ALLOW_MASS_REMOVAL: "1" } });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("**Mass removal allowed:**");
    });

    it("a bad allowance value is an error, not a pass", async () => {
      const r = await run(["preview"], { preview: "mass-removal", env: { FLEX_ROSTER_ALLOW_MASS_REMOVAL: "sure" } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("FLEX_ROSTER_ALLOW_MASS_REMOVAL must be true or false");
    });
  });

  describe("up", () => {
    it("applies after a guarded preview: preview, then pulumi up; Pulumi's stdout kept off ours", async () => {
      const r = await run(["up", "--stack", "prod"], { preview: "agent-added" });
      expect(r.code).toBe(0);
      expect(r.ops).toEqual([previewCall("prod"), upCall("prod")]);
      // One selection for both, the user's put back at the end.
      expect(r.calls.filter((c) => c.startsWith("stack select"))).toEqual([
        `stack select --stack prod --non-interactive | cwd=${tmp}`,
        `stack select --stack dev --non-interactive | cwd=${tmp}`,
      ]);
      expect(r.stdout).toContain("new agent; channels `chat` 1, `voice` 0");
      expect(r.stdout).not.toContain("fake pulumi: Updating");
      expect(r.stderr).toContain("fake pulumi: Updating (stdout)");
      expect(r.stderr).toContain("flex-roster up: applied");
    });

    it("blocked by the guard: exit 3 and pulumi up never runs", async () => {
      const r = await run(["up"], { preview: "mass-removal" });
      expect(r.code).toBe(3);
      expect(r.ops).toEqual([previewCall("dev")]);
    });

    it("--allow-mass-removal applies it", async () => {
      const r = await run(["up", "--allow-mass-removal"], { preview: "mass-removal" });
      expect(r.code).toBe(0);
      expect(r.ops.map((c) => c.split(" ")[0])).toEqual(["preview", "up"]);
    });

    it("nothing to do: no pulumi up", async () => {
      const r = await run(["up"], { preview: "clean" });
      expect(r.code).toBe(0);
      expect(r.ops).toEqual([previewCall("dev")]);
      expect(r.stderr).toContain("nothing to apply");
    });

    it("a failed preview never applies; a failed up is exit 1", async () => {
      const a = await run(["up"], { preview: "invalid-roster", previewRc: 1 });
      expect(a.code).toBe(1);
      expect(a.ops).toEqual([previewCall("dev")]);
      const b = await run(["up"], { preview: "agent-added", upRc: 255 });
      expect(b.code).toBe(1);
      expect(b.stderr).toContain("pulumi up exited 255");
    });

    it("SIGINT during up: Pulumi is asked to stop and does so cleanly; exit 1", async () => {
      let sent = false;
      const r = await run(["up", "--stack", "prod"], {
        preview: "agent-added",
        env: { FAKE_UP_WAIT: "1" },
        onStderr: (child, stderr) => {
          if (!sent && stderr.includes("fake pulumi: waiting")) {
            sent = true;
            child.kill("SIGINT");
          }
        },
      });
      expect(sent).toBe(true);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("fake pulumi: interrupted, stopping cleanly");
      expect(r.stderr).toContain("flex-roster up: pulumi up stopped after SIGINT (exited 255)");
      // The user's selected stack is still put back.
      expect(r.calls.at(-1)).toBe(`stack select --stack dev --non-interactive | cwd=${tmp}`);
    });
  });

  describe("report", () => {
    it("from a file and from stdin give the same comment", async () => {
      const file = path.join(PREVIEWS, "capacity-changed.json");
      const a = await run(["report", "--preview-json", file]);
      const b = await run(["report"], { stdin: readFileSync(file, "utf8") });
      expect(a.code).toBe(0);
      expect(b.code).toBe(0);
      expect(a.stdout).toBe(b.stdout);
      expect(a.stdout).toBe(readFileSync(path.join(PREVIEWS, "capacity-changed.md"), "utf8").replace(/\n\nBlast-radius[^\n]*/, ""));
      expect(a.calls).toEqual([]);
    });

    it("a preview run by flex-roster and the same preview saved with --json give the same report", async () => {
      for (const scenario of ["contact-uri-corrupted", "capacity-changed"]) {
        const live = await run(["preview"], { preview: scenario });
        const saved = await run(["report", "--guard", "--preview-json", path.join(PREVIEWS, `${scenario}.json`)]);
        expect(live.code).toBe(0);
        expect(saved.code).toBe(0);
        expect(live.stdout).toBe(saved.stdout);
      }
    });

    it("--mode drift (exit 2: changes are drift) and --guard", async () => {
      const file = path.join(PREVIEWS, "mass-removal.json");
      const a = await run(["report", "-p", file, "--mode", "drift"]);
      expect(a.code).toBe(2);
      expect(a.stdout).toContain("### flex-roster drift check");
      const b = await run(["report", "-p", file, "--guard"]);
      expect(b.code).toBe(3);
      const c = await run(["report", "-p", file, "--guard", "--allow-mass-removal"]);
      expect(c.code).toBe(0);
    });

    it("unreadable or invalid input: exit 1 with a message", async () => {
      const bad = path.join(tmp, "bad.json");
      writeFileSync(bad, "error: no stack named 'prod' found\n");
      const a = await run(["report", "-p", bad]);
      expect(a.code).toBe(1);
      expect(a.stderr).toContain("not a pulumi preview --json document");
      const b = await run(["report", "-p", path.join(tmp, "missing.json")]);
      expect(b.code).toBe(1);
      expect(b.stderr).toContain("cannot read");
    });
  });

  describe("doctor --stack", () => {
    it("reads the stack's config through the Automation API; output that is not a config document is never echoed", async () => {
      const r = await run(["doctor", "--stack", "prod", "--no-progress"], { env: { FAKE_CONFIG: "token=s3cret-value" } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('reading config of stack "prod": `pulumi config --json` did not print a config document');
      expect(r.stderr).not.toContain("s3cret");
      expect(r.calls).toContain(`config --show-secrets --json --stack prod --non-interactive | cwd=${tmp}`);
    });
  });

  it("bin/flex-roster works from any directory and through a symlink", async () => {
    const link = path.join(tmp, "flex-roster-link");
    const { symlinkSync } = await import("node:fs");
    symlinkSync(BIN, link);
    const r = await new Promise<number | null>((resolve) => {
      const c = spawn(link, ["--help"], { cwd: "/", stdio: "ignore" });
      c.on("close", resolve);
    });
    expect(r).toBe(0);
  });
});
