// A Pulumi stack of a project directory, through the Automation API: the CLI of
// ./command.ts, the environment of ./environment.ts.

import * as path from "node:path";
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { automation, CHECKOUT_ROOT, findPulumi, type PulumiCli } from "./command";
import { devPassphrase, pulumiEnvVars } from "./environment";

export interface StackTarget {
  /** Stack name (default: the project's selected stack). */
  stack?: string;
  /** Directory of the Pulumi project (default: the current directory). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface OpenedStack {
  stack: Stack;
  /** Select again the stack that was selected before, if another one was. */
  close(): Promise<void>;
}

/** How a Pulumi CLI run failed: its exit code (null if killed), signal and the tail of its stderr. */
export interface PulumiFailure {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * The failure inside an Automation API CommandError (the CLI ran and exited
 * non-zero, or could not start); undefined for any other error. Never the
 * CLI's stdout: it may hold config values.
 */
export function pulumiFailure(err: unknown): PulumiFailure | undefined {
  if (!(err instanceof Error)) return undefined;
  const result = (err as { commandResult?: { code?: number; stderr?: string; err?: { exitCode?: number; signal?: string; stderr?: string } } }).commandResult;
  if (!result || typeof result !== "object") return undefined;
  const inner = result.err;
  const code = inner ? (typeof inner.exitCode === "number" ? inner.exitCode : null) : (result.code ?? null);
  const signal = (inner?.signal as NodeJS.Signals | undefined) ?? null;
  const stderr = typeof inner?.stderr === "string" ? inner.stderr : (result.stderr ?? "");
  return { code, signal, stderr };
}

/** `<what> failed (exit N): <last lines of stderr>`. */
export function describeFailure(what: string, err: unknown): string {
  const f = pulumiFailure(err);
  if (!f) return `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
  const how = f.code === null ? (f.signal ? `killed by ${f.signal}` : "could not run") : `exit ${f.code}`;
  const tail = f.stderr.trim().split("\n").slice(-3).join(" ").trim();
  return `${what} failed (${how})${tail ? `: ${tail}` : ""}`;
}

/** A workspace on the project in `cwd`, with the CLI and environment flex-roster runs Pulumi with. */
export async function openWorkspace(target: Omit<StackTarget, "stack">): Promise<{ ws: LocalWorkspace; cli: PulumiCli }> {
  const env = target.env ?? process.env;
  const cli = await findPulumi(env);
  const workDir = path.resolve(target.cwd ?? process.cwd());
  const envVars = pulumiEnvVars(env, cli.source === "checkout" ? CHECKOUT_ROOT : undefined);
  const { LocalWorkspace } = automation();
  return { ws: await LocalWorkspace.create({ workDir, pulumiCommand: cli.command, envVars }), cli };
}

/**
 * Select a stack of the project in `cwd`. The Automation API selects it as
 * `pulumi stack select` does; close() puts back the user's previous selection so
 * that `--stack prod` never leaves prod selected for their next `pulumi up`.
 */
export async function openStack(target: StackTarget): Promise<OpenedStack> {
  const env = target.env ?? process.env;
  const { ws, cli } = await openWorkspace(target);
  let previous: string | undefined;
  try {
    previous = (await ws.stack())?.name;
  } catch (err) {
    throw new Error(describeFailure(`listing the stacks of ${ws.workDir}`, err));
  }
  const name = target.stack ?? previous;
  if (!name) throw new Error("no stack selected: pass --stack <name> (or select one with `pulumi stack select`)");
  if (cli.source === "checkout") {
    const pass = devPassphrase(env, name);
    // Known only now that the stack is; every later command of the workspace reads envVars.
    if (pass) ws.envVars.PULUMI_CONFIG_PASSPHRASE = pass;
  }
  const { Stack } = automation();
  let stack: Stack;
  try {
    stack = await Stack.select(name, ws);
  } catch (err) {
    throw new Error(describeFailure(`selecting stack ${name}`, err));
  }
  return {
    stack,
    async close() {
      if (previous && previous !== name) await ws.selectStack(previous).catch(() => undefined);
    },
  };
}
