// Running the Pulumi CLI from flex-roster commands (which CLI: src/pulumi/command.ts).

import { spawn } from "node:child_process";
import { pulumiCommand } from "../pulumi/command";

export { PULUMI_OVERRIDE_ENV, PULUMI_SCRIPT, pulumiCommand } from "../pulumi/command";

export interface PulumiResult {
  /** Exit code; null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Captured stdout ("" when not captured). */
  stdout: string;
}

export interface PulumiRunOptions {
  /** Capture stdout (preview --json) instead of passing it on. */
  capture: boolean;
  env?: NodeJS.ProcessEnv;
}

export type PulumiRunner = (args: string[], opts: PulumiRunOptions) => Promise<PulumiResult>;

/** Environment for the child: what we have, minus settings that would change `--json` output. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  // Streams engine events instead of the PreviewDigest document the report reads.
  delete out.PULUMI_ENABLE_STREAMING_JSON_PREVIEW;
  return out;
}

/**
 * Run Pulumi. Its stderr always goes to ours (progress and errors stay visible
 * in CI logs); its stdout is captured or, when not captured, also goes to our
 * stderr so our stdout carries only the report. SIGINT/SIGTERM are passed on
 * so Pulumi can stop cleanly.
 */
export const runPulumi: PulumiRunner = (args, opts) => {
  const env = opts.env ?? process.env;
  const [cmd, ...lead] = pulumiCommand(env);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...lead, ...args], {
      env: childEnv(env),
      stdio: ["ignore", opts.capture ? "pipe" : 2, "inherit"],
    });
    let stdout = "";
    if (opts.capture) child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
    const onInt = forward("SIGINT");
    const onTerm = forward("SIGTERM");
    process.on("SIGINT", onInt);
    process.on("SIGTERM", onTerm);
    const done = () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
    };
    child.on("error", (err) => {
      done();
      reject(new Error(`cannot run ${[cmd, ...lead].join(" ")}: ${err.message}`));
    });
    child.on("close", (code, signal) => {
      done();
      resolve({ code, signal, stdout });
    });
  });
};

export interface StackSelection {
  stack?: string;
  cwd?: string;
}

/** `--stack X --cwd D` for a Pulumi command, when given. */
export function selectionArgs(sel: StackSelection): string[] {
  const out: string[] = [];
  if (sel.stack) out.push("--stack", sel.stack);
  if (sel.cwd) out.push("--cwd", sel.cwd);
  return out;
}

/** `pulumi preview --json` with a refresh, so live Flex is read first. */
export function previewArgs(sel: StackSelection, extra: string[] = []): string[] {
  return ["preview", "--json", "--refresh=true", "--non-interactive", ...selectionArgs(sel), ...extra];
}

/** `pulumi up` without its own preview (flex-roster just previewed and guarded). */
export function upArgs(sel: StackSelection, extra: string[] = []): string[] {
  // --continue-on-error: agents are independent, so one that cannot be applied (a busy
  // worker, a permanent API error) must not hold back the others; the exit code is still 1.
  return ["up", "--yes", "--skip-preview", "--continue-on-error", "--refresh=true", "--non-interactive", ...selectionArgs(sel), ...extra];
}
