// Credentials and client for the brownfield commands: the environment
// variables of settings.ts, or a Pulumi stack's config read through the
// Pulumi CLI (src/pulumi/command.ts). Secrets stay in memory; nothing here prints them.

import { spawn } from "node:child_process";
import { createClient, type FlexRosterClient } from "../twilio/client";
import { resolveTwilioSettings, SettingsError, type ConfigLookup, type TwilioSettings } from "../twilio/settings";
import { pulumiCommand } from "../pulumi/command";
import { TaskRouter } from "../twilio/taskrouter";

/** Flex's default TaskRouter workspace. */
export const DEFAULT_WORKSPACE = "Flex Task Assignment";

/** `pulumi config --json --show-secrets` output: `{ "twilio:accountSid": { "value": "...", "secret": false } }`. */
export function parseStackConfig(json: string): Map<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new SettingsError("`pulumi config --json` did not print JSON");
  }
  const out = new Map<string, string>();
  if (data === null || typeof data !== "object") return out;
  for (const [key, entry] of Object.entries(data as Record<string, unknown>)) {
    const value = entry && typeof entry === "object" ? (entry as { value?: unknown }).value : undefined;
    if (typeof value === "string") out.set(key, value);
    else if (typeof value === "number" || typeof value === "boolean") out.set(key, String(value));
  }
  return out;
}

/**
 * Read a stack's config (secrets decrypted) with `pulumi config --json
 * --show-secrets --stack <stack>`, run in `cwd` (the Pulumi project). Only the
 * CLI's stderr is shown on failure: it never holds config values.
 */
export function readStackConfig(stack: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ConfigLookup> {
  return new Promise((resolve, reject) => {
    const env = opts.env ?? process.env;
    const [cmd, ...lead] = pulumiCommand(env);
    const child = spawn(cmd, [...lead, "config", "--json", "--show-secrets", "--stack", stack], {
      cwd: opts.cwd ?? process.cwd(),
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (err) => reject(new SettingsError(`cannot run the Pulumi CLI: ${err.message}`)));
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new SettingsError(`reading config of stack "${stack}" failed (pulumi exit ${code}): ${stderr.trim().split("\n").slice(-3).join(" ")}`));
        return;
      }
      try {
        const config = parseStackConfig(stdout);
        stdout = "";
        resolve((key) => config.get(key));
      } catch (err) {
        reject(err);
      }
    });
  });
}

export interface ConnectOptions {
  stack?: string;
  /** Overrides flex-roster:concurrency / FLEX_ROSTER_CONCURRENCY. */
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface Connection {
  settings: TwilioSettings;
  client: FlexRosterClient;
  tr: TaskRouter;
  /** `flex-roster:roster` / `flex-roster:workspace` from the stack, when --stack was given. */
  config: ConfigLookup;
}

export async function connect(opts: ConnectOptions = {}): Promise<Connection> {
  const env = opts.env ?? process.env;
  const config: ConfigLookup = opts.stack ? await readStackConfig(opts.stack, { cwd: opts.cwd, env }) : () => undefined;
  const settings = resolveTwilioSettings(config, env);
  if (opts.concurrency !== undefined) settings.concurrency = opts.concurrency;
  const client = createClient(settings);
  return { settings, client, tr: new TaskRouter(client), config };
}
