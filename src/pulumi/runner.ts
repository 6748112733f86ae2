// The Pulumi operations of the flex-roster commands (a refreshing preview, an
// up), run through the Automation API on the stack of ./workspace.ts.

import { parseArgs } from "node:util";
import type { EngineEvent, PreviewOptions, UpOptions } from "@pulumi/pulumi/automation";
import { pulumiFailure, type PulumiExit } from "./exit";
import { createStack, listStacks, openStack, type NewStack, type OpenedStack, type StackTarget } from "./workspace";

export interface PulumiOpOptions {
  env: NodeJS.ProcessEnv;
  /** Pulumi's output, both of its streams (flex-roster's stdout carries only the report). */
  log(text: string): void;
  onEvent?(event: EngineEvent): void;
}

export interface PulumiRunner {
  /** A refreshing preview (live Flex is read first); its plan arrives as engine events. */
  preview(target: StackTarget, extraArgs: string[], opts: PulumiOpOptions): Promise<PulumiExit>;
  /** `up` with a refresh, without a preview of its own, going on past a failed worker. */
  up(target: StackTarget, extraArgs: string[], opts: PulumiOpOptions): Promise<PulumiExit>;
  /** The stacks of the project in `cwd` (a roster folder's run looks for each team's). */
  stacks(cwd: string | undefined, opts: { env: NodeJS.ProcessEnv }): Promise<string[]>;
  /** Create a stack (a team's whose stack does not exist yet); the user's selection is kept. */
  createStack(target: StackTarget & { stack: string }, init: NewStack, opts: { env: NodeJS.ProcessEnv }): Promise<void>;
  /**
   * The stack's config with secrets decrypted (in memory only), from the stack
   * the operations use: no second selection. Optional for runners that have none.
   */
  config?(target: StackTarget, opts: Pick<PulumiOpOptions, "env">): Promise<Record<string, unknown>>;
  /** The command is done: select again the stack the user had selected. */
  close(): Promise<void>;
}

/** Pulumi flags accepted after `--`, as the Automation API options they become. */
const EXTRA_FLAGS = {
  parallel: { type: "string", short: "p" },
  target: { type: "string", short: "t", multiple: true },
  "target-dependents": { type: "boolean" },
  replace: { type: "string", multiple: true },
  exclude: { type: "string", multiple: true },
  "exclude-dependents": { type: "boolean" },
  "policy-pack": { type: "string", multiple: true },
  "policy-pack-config": { type: "string", multiple: true },
  message: { type: "string", short: "m" },
  diff: { type: "boolean" },
  debug: { type: "boolean", short: "d" },
  verbose: { type: "string", short: "v" },
  logflow: { type: "boolean" },
  logtostderr: { type: "boolean" },
  color: { type: "string" },
  tracing: { type: "string" },
  "suppress-outputs": { type: "boolean" },
  "suppress-progress": { type: "boolean" },
  "config-file": { type: "string" },
} as const;

export type ExtraOptions = Pick<
  PreviewOptions & UpOptions,
  | "parallel"
  | "target"
  | "targetDependents"
  | "replace"
  | "exclude"
  | "excludeDependents"
  | "policyPacks"
  | "policyPackConfigs"
  | "message"
  | "diff"
  | "debug"
  | "logVerbosity"
  | "logFlow"
  | "logToStdErr"
  | "color"
  | "tracing"
  | "suppressOutputs"
  | "suppressProgress"
  | "configFile"
>;

function wholeNumber(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`pulumi argument --${flag} needs a whole number ≥ 1; got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * The Pulumi arguments given after `--` (`flex-roster up -- --parallel 8`). The
 * Automation API takes options, not raw arguments, so only the flags above pass;
 * any other is an error rather than silently dropped.
 */
export function extraOptions(args: string[]): ExtraOptions {
  let values;
  try {
    ({ values } = parseArgs({ args, options: EXTRA_FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    const known = Object.keys(EXTRA_FLAGS).map((f) => `--${f}`).join(", ");
    throw new Error(`pulumi arguments after --: ${(err as Error).message.split("\n")[0]} (flex-roster passes on: ${known})`);
  }
  const out: ExtraOptions = {};
  if (values.parallel !== undefined) out.parallel = wholeNumber("parallel", values.parallel);
  if (values.target) out.target = values.target;
  if (values["target-dependents"]) out.targetDependents = true;
  if (values.replace) out.replace = values.replace;
  if (values.exclude) out.exclude = values.exclude;
  if (values["exclude-dependents"]) out.excludeDependents = true;
  if (values["policy-pack"]) out.policyPacks = values["policy-pack"];
  if (values["policy-pack-config"]) out.policyPackConfigs = values["policy-pack-config"];
  if (values.message !== undefined) out.message = values.message;
  if (values.diff) out.diff = true;
  if (values.debug) out.debug = true;
  if (values.verbose !== undefined) out.logVerbosity = wholeNumber("verbose", values.verbose);
  if (values.logflow) out.logFlow = true;
  if (values.logtostderr) out.logToStdErr = true;
  if (values.color !== undefined) {
    const c = values.color;
    if (c !== "always" && c !== "never" && c !== "raw" && c !== "auto") throw new Error(`pulumi argument --color must be always, never, raw or auto; got ${JSON.stringify(c)}`);
    out.color = c;
  }
  if (values.tracing !== undefined) out.tracing = values.tracing;
  if (values["suppress-outputs"]) out.suppressOutputs = true;
  if (values["suppress-progress"]) out.suppressProgress = true;
  if (values["config-file"] !== undefined) out.configFile = values["config-file"];
  return out;
}

async function runOperation(
  opened: OpenedStack,
  kind: "preview" | "up",
  extra: ExtraOptions,
  opts: PulumiOpOptions,
): Promise<PulumiExit> {
  // SIGINT/SIGTERM: ask Pulumi to stop (it cancels cleanly and writes its state),
  // then report its exit instead of dying under it.
  const abort = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted ??= sig;
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const common = { ...extra, refresh: true, onOutput: opts.log, onError: opts.log, onEvent: opts.onEvent, signal: abort.signal };
  try {
    if (kind === "preview") await opened.stack.preview(common);
    // continueOnError: agents are independent, so one that cannot be applied (a busy
    // worker, a permanent API error) must not hold back the others; the exit code is still 1.
    else await opened.stack.up({ ...common, continueOnError: true });
    return { code: 0, signal: null };
  } catch (err) {
    const failure = pulumiFailure(err);
    if (!failure) throw err;
    return { code: failure.code, signal: failure.signal, ...(interrupted ? { interrupted } : {}) };
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/**
 * A runner on the Automation API. A stack is selected once per command (`up`
 * previews, then applies) and the user's selection put back by close(). A
 * roster folder's run opens several stacks at once: the selections are made one
 * after the other and undone in reverse, so the user's own comes back last.
 */
export function automationRunner(): PulumiRunner {
  const opened = new Map<string, Promise<OpenedStack>>();
  let selecting: Promise<unknown> = Promise.resolve();
  const stackFor = (target: StackTarget, env: NodeJS.ProcessEnv) => {
    const key = JSON.stringify([target.stack ?? "", target.cwd ?? ""]);
    let p = opened.get(key);
    if (!p) {
      p = selecting.then(() => openStack({ stack: target.stack, cwd: target.cwd }, env));
      selecting = p.catch(() => undefined);
      p.catch(() => opened.delete(key));
      opened.set(key, p);
    }
    return p;
  };
  const run = (kind: "preview" | "up") => async (target: StackTarget, extraArgs: string[], opts: PulumiOpOptions) => {
    const extra = extraOptions(extraArgs);
    return runOperation(await stackFor(target, opts.env), kind, extra, opts);
  };
  return {
    preview: run("preview"),
    up: run("up"),
    stacks: (cwd, opts) => listStacks(cwd, opts.env),
    createStack: (target, init, opts) => {
      const p = selecting.then(() => createStack(target, init, opts.env));
      selecting = p.catch(() => undefined);
      return p;
    },
    async config(target, opts) {
      return (await stackFor(target, opts.env)).stack.getAllConfig();
    },
    async close() {
      const all = [...opened.values()].reverse();
      opened.clear();
      for (const p of all) await (await p.catch(() => undefined))?.close();
    },
  };
}

/** The runner the commands use. */
export const runPulumi: PulumiRunner = automationRunner();
