// Credentials and client for the brownfield commands: the environment
// variables of settings.ts, or a Pulumi stack's config read through the
// Automation API (src/pulumi/workspace.ts). Secrets stay in memory; nothing here prints them.

import { createClient, type FlexRosterClient } from "../twilio/client";
import { resolveTwilioSettings, SettingsError, type ConfigLookup, type TwilioSettings } from "../twilio/settings";
import { describeFailure, pulumiFailure } from "../pulumi/exit";
import { openStack } from "../pulumi/workspace";
import { TaskRouter } from "../twilio/taskrouter";

/** Flex's default TaskRouter workspace. */
export const DEFAULT_WORKSPACE = "Flex Task Assignment";

/**
 * The values of a stack's config (`pulumi config --json` entries), secrets
 * included; numbers and booleans as text, structured values dropped.
 */
export function stackConfigValues(config: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, entry] of Object.entries(config)) {
    const value = entry && typeof entry === "object" ? (entry as { value?: unknown }).value : undefined;
    if (typeof value === "string") out.set(key, value);
    else if (typeof value === "number" || typeof value === "boolean") out.set(key, String(value));
  }
  return out;
}

/**
 * Read a stack's config (secrets decrypted, in memory only) through the
 * Automation API, for the project in `cwd`. A failure shows only the CLI's
 * stderr: it never holds config values.
 */
export async function readStackConfig(stack: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ConfigLookup> {
  let opened;
  try {
    opened = await openStack({ stack, cwd: opts.cwd }, opts.env);
  } catch (err) {
    throw new SettingsError(`reading config of stack "${stack}": ${(err as Error).message}`);
  }
  try {
    const config = stackConfigValues(await opened.stack.getAllConfig());
    return (key) => config.get(key);
  } catch (err) {
    // Not a CLI failure: its output did not parse, and the parser's message would quote it.
    if (!pulumiFailure(err)) throw new SettingsError(`reading config of stack "${stack}": \`pulumi config --json\` did not print a config document`);
    throw new SettingsError(describeFailure(`reading config of stack "${stack}"`, err));
  } finally {
    await opened.close();
  }
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
