// How flex-roster sets up the Automation API: the Pulumi flags it passes on, the
// environment of the CLI (the same local defaults as scripts/pulumi, checked
// against the script itself), the install root PulumiCommand wants, and how a
// failed CLI run is read.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { extraOptions } from "../../src/pulumi/runner";
import { installRoot } from "../../src/pulumi/command";
import { DEV_PASSPHRASE, devPassphrase, pulumiEnvVars } from "../../src/pulumi/environment";
import { PULUMI_DEFAULTS } from "../../src/pulumi/defaults";
import { describeFailure, pulumiFailure } from "../../src/pulumi/exit";

const REPO = path.resolve(__dirname, "..", "..");
const tmp = mkdtempSync(path.join(os.tmpdir(), "flex-roster-automation-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("Pulumi arguments after --", () => {
  it("become Automation API options", () => {
    expect(
      extraOptions(["--parallel", "8", "-t", "urn:a", "--target=urn:b", "--target-dependents", "--replace", "urn:c", "-m", "why", "--diff", "-v", "3", "--color", "never"]),
    ).toEqual({ parallel: 8, target: ["urn:a", "urn:b"], targetDependents: true, replace: ["urn:c"], message: "why", diff: true, logVerbosity: 3, color: "never" });
    expect(extraOptions([])).toEqual({});
  });

  it("anything else is an error naming what passes, never silently dropped", () => {
    expect(() => extraOptions(["--refresh=false"])).toThrow(/Unknown option '--refresh'.*--parallel, --target/);
    expect(() => extraOptions(["preview"])).toThrow(/pulumi arguments after --/);
    expect(() => extraOptions(["--parallel", "many"])).toThrow(/--parallel needs a whole number/);
    expect(() => extraOptions(["--color", "pink"])).toThrow(/--color must be always, never, raw or auto/);
  });
});

describe("the CLI's environment", () => {
  const home = path.join(tmp, "pulumi-home");
  mkdirSync(home, { recursive: true });

  it("installed from npm (no checkout): the user's environment as it is", () => {
    expect(pulumiEnvVars({ PATH: "/bin", PULUMI_HOME: home, UNSET: undefined })).toEqual({ PATH: "/bin", PULUMI_HOME: home });
  });

  it("in a checkout: scripts/pulumi's defaults where nothing is set, a file backend in the checkout when not logged in", () => {
    const checkout = path.join(tmp, "checkout");
    const env = pulumiEnvVars({ PULUMI_HOME: home, PULUMI_SKIP_CHECKPOINTS: "" }, checkout);
    expect(env).toMatchObject({ ...PULUMI_DEFAULTS, PULUMI_BACKEND_URL: `file://${path.join(checkout, ".pulumi-state")}` });
    expect(existsSync(path.join(checkout, ".pulumi-state"))).toBe(true);
    const mine = pulumiEnvVars({ PULUMI_HOME: home, PULUMI_NODEJS_TRANSPILE_ONLY: "false", PULUMI_BACKEND_URL: "s3://bucket" }, checkout);
    expect(mine).toMatchObject({ PULUMI_NODEJS_TRANSPILE_ONLY: "false", PULUMI_BACKEND_URL: "s3://bucket" });
  });

  it("no file backend default when logged in to a backend", () => {
    const loggedIn = path.join(tmp, "logged-in");
    mkdirSync(loggedIn, { recursive: true });
    writeFileSync(path.join(loggedIn, "credentials.json"), JSON.stringify({ current: "https://api.pulumi.example", accessTokens: {} }));
    expect(pulumiEnvVars({ PULUMI_HOME: loggedIn }, path.join(tmp, "checkout")).PULUMI_BACKEND_URL).toBeUndefined();
  });

  it("the public dev passphrase: the dev stack only, never over the user's choice", () => {
    expect(devPassphrase({}, "dev")).toBe(DEV_PASSPHRASE);
    expect(devPassphrase({}, "org/proj/dev")).toBe(DEV_PASSPHRASE);
    for (const stack of ["prod", "devx", "dev/prod"]) expect(devPassphrase({}, stack), stack).toBeUndefined();
    expect(devPassphrase({ PULUMI_CONFIG_PASSPHRASE: "" }, "dev")).toBeUndefined();
    expect(devPassphrase({ PULUMI_CONFIG_PASSPHRASE_FILE: "/dev/null" }, "dev")).toBeUndefined();
  });

  it("agrees with scripts/pulumi (run with a stand-in pulumi that reports its environment)", () => {
    const bin = path.join(tmp, "fake-bin");
    mkdirSync(bin, { recursive: true });
    const pinned = require(path.join(REPO, "node_modules", "@pulumi", "pulumi", "package.json")).version as string;
    const report = "console.log(JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PULUMI_')))))";
    writeFileSync(path.join(bin, "pulumi"), `#!/usr/bin/env bash\nif [[ "$1" == version ]]; then echo v${pinned}; exit 0; fi\nexec node -e "${report}"\n`, { mode: 0o755 });
    writeFileSync(path.join(bin, "pulumi-language-nodejs"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
    const base: Record<string, string> = { PATH: `${bin}:${process.env.PATH}`, HOME: process.env.HOME ?? os.homedir(), PULUMI_HOME: home };
    for (const stack of ["dev", "prod"]) {
      const r = spawnSync("bash", [path.join(REPO, "scripts", "pulumi"), "preview", "--stack", stack], { env: base, encoding: "utf8", cwd: tmp });
      expect(r.status, r.stderr).toBe(0);
      const script = JSON.parse(r.stdout) as Record<string, string>;
      const ours = pulumiEnvVars(base, REPO);
      const pass = devPassphrase(base, stack);
      if (pass) ours.PULUMI_CONFIG_PASSPHRASE = pass;
      const pulumiOnly = Object.fromEntries(Object.entries(ours).filter(([k]) => k.startsWith("PULUMI_")));
      expect(pulumiOnly, stack).toEqual(script);
    }
  });
});

describe("the install root PulumiCommand.get wants (<root>/bin/pulumi)", () => {
  it("a CLI directory named bin: its parent", () => {
    expect(installRoot("/opt/pulumi/bin")).toBe("/opt/pulumi");
  });

  it("any other CLI directory: a per-user root whose bin links to it, made once", () => {
    const cli = path.join(tmp, "cache", "v3.248.0");
    mkdirSync(cli, { recursive: true });
    const env = { XDG_CACHE_HOME: path.join(tmp, "xdg") };
    const root = installRoot(cli, env);
    expect(root.startsWith(path.join(tmp, "xdg", "flex-roster", "pulumi-roots"))).toBe(true);
    expect(readlinkSync(path.join(root, "bin"))).toBe(cli);
    expect(installRoot(cli, env)).toBe(root);
    expect(installRoot(path.join(tmp, "cache", "other"), env)).not.toBe(root);
  });
});

describe("a failed CLI run", () => {
  // The shape of the Automation API's CommandError (its CommandResult wraps execa's error).
  const commandError = (err: Record<string, unknown>) =>
    Object.assign(new Error("code: -2\n stdout: \n stderr: Command failed"), { name: "CommandError", commandResult: { code: -2, stdout: "", stderr: "", err } });

  it("exit code, signal and the tail of stderr; never stdout", () => {
    const err = commandError({ exitCode: 255, stderr: "a\nb\nc\nerror: no stack named 'x' found", stdout: "s3cret" });
    expect(pulumiFailure(err)).toEqual({ code: 255, signal: null, stderr: "a\nb\nc\nerror: no stack named 'x' found" });
    expect(describeFailure("selecting stack x", err)).toBe("selecting stack x failed (exited 255): b c error: no stack named 'x' found");
    expect(describeFailure("x", err)).not.toContain("s3cret");
    expect(pulumiFailure(commandError({ signal: "SIGKILL", stderr: "" }))).toEqual({ code: null, signal: "SIGKILL", stderr: "" });
  });

  it("any other error is not a CLI failure", () => {
    expect(pulumiFailure(new SyntaxError("Unexpected token"))).toBeUndefined();
    expect(pulumiFailure("boom")).toBeUndefined();
  });
});
