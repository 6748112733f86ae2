// A Pulumi stack of a project directory, through the Automation API: the CLI of
// ./command.ts, the environment of ./environment.ts.

import * as path from "node:path";
import type { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { automation, CHECKOUT_ROOT, findPulumi, type PulumiCli } from "./command";
import { devPassphrase, pulumiEnvVars } from "./environment";
import { describeFailure } from "./exit";

/** Which stack of which project; every caller of this folder names one this way. */
export interface StackTarget {
  /** Stack name (default: the project's selected stack). */
  stack?: string;
  /** Directory of the Pulumi project (default: the current directory). */
  cwd?: string;
}

export interface OpenedStack {
  stack: Stack;
  /** Select again the stack that was selected before, if another one was. */
  close(): Promise<void>;
}

/** A workspace on the project in `cwd`, with the CLI and environment flex-roster runs Pulumi with. */
export async function openWorkspace(cwd: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<{ ws: LocalWorkspace; cli: PulumiCli }> {
  const cli = await findPulumi(env);
  const workDir = path.resolve(cwd ?? process.cwd());
  const envVars = pulumiEnvVars(env, cli.source === "checkout" ? CHECKOUT_ROOT : undefined);
  const { LocalWorkspace } = automation();
  return { ws: await LocalWorkspace.create({ workDir, pulumiCommand: cli.command, envVars }), cli };
}

/**
 * Select a stack of the project in `cwd`. The Automation API selects it as
 * `pulumi stack select` does; close() puts back the user's previous selection so
 * that `--stack prod` never leaves prod selected for their next `pulumi up`.
 */
export async function openStack(target: StackTarget, env: NodeJS.ProcessEnv = process.env): Promise<OpenedStack> {
  const { ws, cli } = await openWorkspace(target.cwd, env);
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

/** The names of the stacks of the project in `cwd` (short names, as `--stack` takes them). */
export async function listStacks(cwd: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const { ws } = await openWorkspace(cwd, env);
  try {
    return (await ws.listStacks()).map((s) => s.name.split("/").pop()!);
  } catch (err) {
    throw new Error(describeFailure(`listing the stacks of ${ws.workDir}`, err));
  }
}

export interface NewStack {
  /** An existing stack whose config (credentials, settings) the new one starts from; secrets are re-encrypted, never printed. */
  copyConfigFrom?: string;
  /** Plain config set on top, e.g. `flex-roster:team`. */
  config: Record<string, string>;
}

/**
 * Create stack `target.stack` (as `pulumi stack init`), with the config of
 * another stack and `config` on top. The user's selected stack stays selected.
 */
export async function createStack(target: StackTarget & { stack: string }, init: NewStack, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { ws, cli } = await openWorkspace(target.cwd, env);
  const previous = (await ws.stack().catch(() => undefined))?.name;
  if (cli.source === "checkout") {
    const pass = devPassphrase(env, target.stack);
    if (pass) ws.envVars.PULUMI_CONFIG_PASSPHRASE = pass;
  }
  const { Stack } = automation();
  try {
    const copied = init.copyConfigFrom ? await ws.getAllConfig(init.copyConfigFrom) : {};
    const stack = await Stack.create(target.stack, ws);
    const plain = Object.fromEntries(Object.entries(init.config).map(([k, value]) => [k, { value }]));
    await stack.setAllConfig({ ...copied, ...plain });
  } catch (err) {
    throw new Error(describeFailure(`creating stack ${target.stack}`, err));
  } finally {
    if (previous && previous !== target.stack) await ws.selectStack(previous).catch(() => undefined);
  }
}
