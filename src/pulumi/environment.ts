// The environment flex-roster runs the Pulumi CLI with (the Automation API's
// workspace envVars). In a source checkout it fills in the local defaults that
// scripts/pulumi applies, each only where the user has set nothing:
//   - PULUMI_DEFAULTS (src/pulumi/defaults.ts: no update check, no plugin
//     downloads, no type check, no per-step checkpoints);
//   - a file backend in <checkout>/.pulumi-state when not logged in to a backend;
//   - the public dev passphrase, for the `dev` stack only (it talks only to the
//     emulator and holds no real secrets; never use it for real credentials).
// Installed from npm, the user's environment passes unchanged.

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { withPulumiDefaults } from "./defaults";

export const DEV_STACK = "dev";
/** Dev-only and deliberately public (scripts/pulumi applies it through checkoutCliVars). */
export const DEV_PASSPHRASE = "flex-roster-dev";

/** Logged in to some backend? `pulumi login` records it as "current" in credentials.json. */
export function loggedIn(env: NodeJS.ProcessEnv): boolean {
  const creds = path.join(env.PULUMI_HOME || path.join(os.homedir(), ".pulumi"), "credentials.json");
  if (!existsSync(creds)) return false;
  try {
    const current = (JSON.parse(readFileSync(creds, "utf8")) as { current?: unknown }).current;
    return typeof current === "string" && current !== "";
  } catch {
    return false;
  }
}

function strings(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Every variable of `env`, plus the local defaults when `checkoutRoot` is given
 * (the CLI is a source checkout's pinned one).
 */
export function pulumiEnvVars(env: NodeJS.ProcessEnv, checkoutRoot?: string): Record<string, string> {
  const out = strings(env);
  if (checkoutRoot === undefined) return out;
  const withDefaults = withPulumiDefaults(out);
  if (!withDefaults.PULUMI_BACKEND_URL && !loggedIn(env)) {
    const state = path.join(checkoutRoot, ".pulumi-state");
    mkdirSync(state, { recursive: true });
    withDefaults.PULUMI_BACKEND_URL = `file://${state}`;
  }
  return withDefaults;
}

/** The dev passphrase, when this stack gets it (checkout CLI, `dev` stack, no passphrase of the user's). */
export function devPassphrase(env: NodeJS.ProcessEnv, stack: string): string | undefined {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined || env.PULUMI_CONFIG_PASSPHRASE_FILE !== undefined) return undefined;
  // A fully qualified name (org/project/dev) names the dev stack too.
  return stack.split("/").pop() === DEV_STACK ? DEV_PASSPHRASE : undefined;
}

/** `pulumi stack <verb> <name>` verbs that name the stack positionally. */
const POSITIONAL_STACK_VERBS = new Set(["init", "select", "rm"]);

/**
 * The stack a `pulumi` command line operates on, as the CLI reads it: the last
 * `--stack`/`-s` before `--`, else the name of `pulumi stack init|select|rm <name>`,
 * else $PULUMI_STACK; "" when none is named.
 */
export function targetStack(args: readonly string[], env: NodeJS.ProcessEnv): string {
  let stack = env.PULUMI_STACK ?? "";
  let prev = "";
  for (const a of args) {
    if (a === "--") break;
    if (prev === "--stack" || prev === "-s") stack = a;
    if (a.startsWith("--stack=")) stack = a.slice("--stack=".length);
    else if (a.startsWith("-s=")) stack = a.slice("-s=".length);
    prev = a;
  }
  if (!stack && args[0] === "stack" && POSITIONAL_STACK_VERBS.has(args[1] ?? "")) {
    stack = args.slice(2).find((a) => !a.startsWith("-")) ?? "";
  }
  return stack;
}

/**
 * The variables scripts/pulumi sets for `pulumi <args>` run by hand in a source
 * checkout: the local defaults of pulumiEnvVars and, for the dev stack, the dev
 * passphrase; only those the user's environment does not already hold as they are.
 */
export function checkoutCliVars(env: NodeJS.ProcessEnv, args: readonly string[], checkoutRoot: string): Record<string, string> {
  const all = pulumiEnvVars(env, checkoutRoot);
  const pass = devPassphrase(env, targetStack(args, env));
  if (pass) all.PULUMI_CONFIG_PASSPHRASE = pass;
  return Object.fromEntries(Object.entries(all).filter(([k, v]) => env[k] !== v));
}
