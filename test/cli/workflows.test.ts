// The GitHub workflows: actionlint (pinned, built by scripts/ensure-actionlint)
// must accept them, must reject a broken one (so this test can fail), and the
// properties the GitOps flow relies on are checked on the parsed YAML.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPORT_MARKER } from "../../src/report";

const ROOT = path.resolve(__dirname, "..", "..");
const WF_DIR = path.join(ROOT, ".github", "workflows");
const workflows = readdirSync(WF_DIR).filter((f) => f.endsWith(".yml")).sort();
/** The GitOps flow's workflows; test.yml is the project's own test run. */
const GITOPS = ["apply.yml", "drift.yml", "preview.yml"];

let actionlint = "";
const tmp = mkdtempSync(path.join(os.tmpdir(), "flex-roster-actionlint-"));

beforeAll(() => {
  const r = spawnSync("bash", [path.join(ROOT, "scripts", "ensure-actionlint")], { encoding: "utf8", timeout: 15 * 60_000 });
  if (r.status !== 0) throw new Error(`scripts/ensure-actionlint failed (${r.status}):\n${r.stderr}`);
  actionlint = r.stdout.trim();
}, 15 * 60_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Run actionlint on files; -pyflakes= off (no Python here), shellcheck used when installed. */
function lint(files: string[], cwd = ROOT) {
  const r = spawnSync(actionlint, ["-no-color", "-pyflakes=", ...files], { cwd, encoding: "utf8" });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

type Wf = {
  on: Record<string, any>;
  permissions: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean };
  env: Record<string, string>;
  jobs: Record<string, { steps: Array<Record<string, any>>; environment?: string; if?: string }>;
};
const load = (f: string): Wf => parse(readFileSync(path.join(WF_DIR, f), "utf8"));
const steps = (wf: Wf) => Object.values(wf.jobs).flatMap((j) => j.steps);
const runText = (wf: Wf) => steps(wf).map((s) => `${s.run ?? ""}\n${s.with?.script ?? ""}`).join("\n");

describe("GitHub workflows", () => {
  it("are the GitOps trio (preview.yml, apply.yml, drift.yml) and test.yml", () => {
    expect(workflows).toEqual([...GITOPS, "test.yml"]);
  });

  it("test.yml: runs the project's tests through .ci/run, read-only, no secrets", () => {
    const wf = load("test.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["pull_request", "push"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(runText(wf)).toContain("bash .ci/run");
    expect(readFileSync(path.join(WF_DIR, "test.yml"), "utf8")).not.toContain("secrets.");
  });

  it("actionlint accepts them (exit 0)", () => {
    const r = lint(workflows.map((f) => path.join(".github", "workflows", f)));
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  });

  it("actionlint rejects broken workflows (so the check above can fail)", () => {
    const dir = path.join(tmp, ".github", "workflows");
    mkdirSync(dir, { recursive: true });
    const broken: Record<string, [string, RegExp]> = {
      "typo-permission.yml": [
        "on: push\npermissions:\n  pull_requests: write\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n",
        /unknown permission scope "pull_requests"/,
      ],
      "bad-expression.yml": [
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt.number }}\n",
        /property "evnt" is not defined/,
      ],
      "bad-cron.yml": [
        'on:\n  schedule:\n    - cron: "61 * * * *"\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
        /cron/,
      ],
    };
    for (const [name, [text, why]] of Object.entries(broken)) {
      writeFileSync(path.join(dir, name), text);
      const r = lint([path.join(".github", "workflows", name)], tmp);
      expect(r.code, `${name}: ${r.out}`).toBe(1);
      expect(r.out).toMatch(why);
    }
  });

  it("every GitOps workflow has least-privilege permissions, the stack variable and the official Pulumi install", () => {
    for (const f of GITOPS) {
      const wf = load(f);
      expect(wf.permissions, f).toBeDefined();
      expect(wf.permissions.contents, f).toBe("read");
      for (const [scope, level] of Object.entries(wf.permissions)) expect(["read", "write", "none"], `${f} ${scope}`).toContain(level);
      expect(wf.env.FLEX_ROSTER_STACK, f).toBe("${{ vars.FLEX_ROSTER_STACK || 'prod' }}");
      for (const s of ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "TWILIO_ACCOUNT_SID", "TWILIO_API_KEY", "TWILIO_API_SECRET"]) {
        expect(wf.env[s], `${f} ${s}`).toBe(`\${{ secrets.${s} }}`);
      }
      // The pinned CLI the official way (no 5-15 minute Go build on GitHub's runners),
      // at the npm SDK's version; ensure-pulumi then finds it on PATH.
      const install = steps(wf).find((s) => String(s.uses).startsWith("pulumi/actions@"));
      expect(install?.with["pulumi-version"], f).toBe("${{ steps.pulumi-version.outputs.version }}");
      expect(steps(wf).find((s) => s.id === "pulumi-version")?.run, f).toContain('packages["node_modules/@pulumi/pulumi"].version');
      expect(steps(wf).some((s) => String(s.uses).startsWith("actions/setup-go@")), f).toBe(false);
      expect(runText(wf), f).toContain("bash scripts/ensure-pulumi");
    }
  });

  it("every GitOps workflow runs the whole folder (--roster) when FLEX_ROSTER_PATH is a roster folder", () => {
    const command = { "preview.yml": "preview", "apply.yml": "up", "drift.yml": "drift" } as const;
    for (const f of GITOPS) {
      const wf = load(f);
      expect(wf.env.FLEX_ROSTER_PATH, f).toBe("${{ vars.FLEX_ROSTER_PATH }}");
      const text = runText(wf);
      expect(text, f).toContain('if [ -d "$FLEX_ROSTER_PATH" ]; then target=(--roster "$FLEX_ROSTER_PATH"); fi');
      expect(text, f).toContain(`bin/flex-roster ${command[f as keyof typeof command]} "\${target[@]}"`);
    }
  });

  it("preview.yml: on pull requests, runs flex-roster preview and keeps ONE comment by its marker", () => {
    const wf = load("preview.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const text = runText(wf);
    expect(text).toContain("bin/flex-roster preview");
    expect(text).toContain(`const marker = "${REPORT_MARKER}"`);
    expect(text).toContain("updateComment");
  });

  it("apply.yml: on push to main, one apply at a time (never cancelled), flex-roster up", () => {
    const wf = load("apply.yml");
    expect(wf.on.push.branches).toEqual(["main"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    expect(wf.concurrency?.["cancel-in-progress"]).toBe(false);
    expect(wf.concurrency?.group).toContain("flex-roster-apply");
    expect(runText(wf)).toContain("bin/flex-roster up");
    expect(wf.env.FLEX_ROSTER_ALLOW_MASS_REMOVAL).toContain("inputs.allow_mass_removal");
  });

  it("drift.yml: scheduled and by hand; exit 2 opens/updates the labelled issue, 1 fails", () => {
    const wf = load("drift.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(wf.permissions).toEqual({ contents: "read", issues: "write" });
    const s = steps(wf);
    expect(s.find((x) => x.id === "drift")?.run).toContain("bin/flex-roster drift");
    expect(s.find((x) => x.id === "drift")?.run).toMatch(/-ne 0 \] && \[ "\$code" -ne 2 \]/);
    expect(s.find((x) => x.if === "steps.drift.outputs.exit-code == '2'")?.with.script).toContain('const label = "flex-roster-drift"');
  });
});
