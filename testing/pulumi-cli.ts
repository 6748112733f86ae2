// Shared helpers for e2e tests, benchmarks and scripts that drive the real Pulumi CLI.
//
// Every CLI call goes through scripts/pulumi (the project's one entry point), which
// finds or builds the pinned CLI via scripts/ensure-pulumi and fills in local defaults.
// Tests pass their own PULUMI_HOME / PULUMI_BACKEND_URL / PULUMI_CONFIG_PASSPHRASE so
// they never touch a developer's login, state or plugins.
import { spawn } from "node:child_process";
import { mkdtemp, rm, symlink, writeFile, mkdir } from "node:fs/promises";
import { readFileSync, statSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PULUMI_SCRIPT = path.join(REPO_ROOT, "scripts", "pulumi");
export const ENSURE_PULUMI_SCRIPT = path.join(REPO_ROOT, "scripts", "ensure-pulumi");

/** A cold build of the CLI downloads a lot and compiles for many minutes on 2 cores. */
export const ENSURE_PULUMI_TIMEOUT_MS = 60 * 60 * 1000;
/** Default limit for one CLI command (an `up` of a small program takes seconds). */
export const PULUMI_COMMAND_TIMEOUT_MS = 5 * 60 * 1000;

export interface RunResult {
  /** Exit code, or null if the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface RunOptions {
  cwd: string;
  /** Added on top of the inherited environment (PULUMI_* variables are not inherited). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Copy the child's stderr to ours as it arrives (progress of long builds). */
  echoStderr?: boolean;
}

/**
 * The parent environment minus every PULUMI_* variable, so that a developer's own
 * settings (a logged-in backend, PULUMI_STACK, a passphrase) never leak into a test.
 */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("PULUMI_")) env[k] = v;
  }
  return env;
}

/** Run a command; resolves (never rejects) with its exit code and output. */
export function runCommand(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const env = { ...baseEnv() } as Record<string, string>;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (opts.echoStderr) process.stderr.write(d);
    });
    const timeoutMs = opts.timeoutMs ?? PULUMI_COMMAND_TIMEOUT_MS;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    }, timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      resolve({ code, signal, stdout, stderr, timedOut, durationMs: Date.now() - started });
    };
    child.on("error", (err) => {
      stderr += `\n[spawn error] ${err.message}`;
      finish(null, null);
    });
    child.on("close", finish);
  });
}

/** Run `scripts/pulumi <args>` (the project's CLI entry point). */
export function runPulumi(args: string[], opts: RunOptions): Promise<RunResult> {
  return runCommand("bash", [PULUMI_SCRIPT, ...args], opts);
}

let ensured: Promise<string> | undefined;

/**
 * Make sure the pinned Pulumi CLI exists (building it on first use) and return its
 * directory. Memoised per test process; build progress is echoed to stderr.
 */
export function ensurePulumi(timeoutMs = ENSURE_PULUMI_TIMEOUT_MS): Promise<string> {
  ensured ??= (async () => {
    const r = await runCommand("bash", [ENSURE_PULUMI_SCRIPT], {
      cwd: REPO_ROOT,
      timeoutMs,
      echoStderr: true,
    });
    const dir = r.stdout.trim();
    if (r.code !== 0 || !dir || !statSync(dir).isDirectory()) {
      ensured = undefined;
      throw new Error(
        `ensure-pulumi failed (code ${r.code}, timedOut ${r.timedOut}):\n${r.stderr.slice(-4000)}`,
      );
    }
    return dir;
  })();
  return ensured;
}

/** Readable failure message for an expect() on a RunResult. */
export function describeRun(label: string, r: RunResult): string {
  return [
    `${label}: exit ${r.code}${r.signal ? ` (signal ${r.signal})` : ""}${r.timedOut ? " TIMED OUT" : ""} after ${r.durationMs} ms`,
    `--- stdout ---\n${r.stdout.slice(-4000)}`,
    `--- stderr ---\n${r.stderr.slice(-4000)}`,
  ].join("\n");
}

export interface PulumiSandbox {
  /** The program directory (cwd for pulumi commands). */
  dir: string;
  /** Environment isolating the CLI: its own PULUMI_HOME, file backend and passphrase. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * A fresh temp dir holding a Pulumi program (files given relative to it), with the
 * repo's node_modules symlinked in, a private PULUMI_HOME and a file backend.
 */
export async function makePulumiSandbox(
  files: Record<string, string>,
  opts: { prefix?: string; passphrase?: string } = {},
): Promise<PulumiSandbox> {
  const root = await mkdtemp(path.join(os.tmpdir(), opts.prefix ?? "flex-roster-e2e-"));
  const dir = path.join(root, "program");
  await mkdir(dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  const state = path.join(root, "state");
  const home = path.join(root, "pulumi-home");
  await mkdir(state, { recursive: true });
  await mkdir(home, { recursive: true });
  return {
    dir,
    env: {
      PULUMI_HOME: home,
      PULUMI_BACKEND_URL: `file://${state}`,
      PULUMI_CONFIG_PASSPHRASE: opts.passphrase ?? "e2e-test-only-passphrase",
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** bin/flex-roster of this checkout. */
export const FLEX_ROSTER_BIN = path.join(REPO_ROOT, "bin", "flex-roster");

/**
 * Run `bin/flex-roster <args> --out - --summary-json <summary>`: its exit code
 * and output, the JSON summary it wrote (undefined when none), and a failure
 * message for expect().
 */
export async function runFlexRosterReport(args: string[], summary: string, opts: RunOptions) {
  const r = await runCommand(FLEX_ROSTER_BIN, [...args, "--out", "-", "--summary-json", summary], opts);
  let json: any;
  try {
    json = JSON.parse(readFileSync(summary, "utf8"));
  } catch {
    // no summary: the caller's exit-code expectation shows the output
  }
  return { ...r, json, describe: () => describeRun(`flex-roster ${args.join(" ")}`, r) };
}
