// An isolated flex-roster stack for end-to-end tests: the real project program
// (index.ts and src/ symlinked into a temp dir), the real Pulumi CLI with a private file
// backend, and a TaskRouter emulator over HTTP holding the Twilio side.

import { readFileSync } from "node:fs";
import { copyFile, symlink, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { createClient, type TwilioClient } from "../src/twilio/client";
import { describeRun, makePulumiSandbox, REPO_ROOT, runPulumi, type RunResult } from "./pulumi-cli";

export const STACK = "e2e";

export interface FlexStack {
  dir: string;
  emulator: Emulator;
  env: Record<string, string>;
  rosterPath: string;
  /** The official SDK pointed at the emulator, for out-of-band changes. */
  sdk: TwilioClient;
  writeRoster(yaml: string): Promise<void>;
  pulumi(args: string[], extraEnv?: Record<string, string>): Promise<RunResult>;
  /** Run and fail with the CLI's output when the exit code is not 0. */
  ok(args: string[], extraEnv?: Record<string, string>): Promise<RunResult>;
  outputs(): Promise<Record<string, unknown>>;
  exportState(): Promise<{ deployment: { resources: Array<Record<string, any>> } }>;
  workerResources(): Promise<Array<Record<string, any>>>;
  close(): Promise<void>;
}

export interface FlexStackOptions {
  roster: string;
  emulator?: Emulator;
  latencyMs?: number;
  /** Pulumi.yaml of the stack (default: the repository's). */
  pulumiYaml?: string;
  /** Extra files of the program directory. */
  files?: Record<string, string>;
  /** Repository files and folders linked into the program directory (default index.ts and src/). */
  programDirs?: string[];
}

export async function createFlexStack(opts: FlexStackOptions): Promise<FlexStack> {
  const emulator = opts.emulator ?? (await startEmulator({ latencyMs: opts.latencyMs }));
  const sandbox = await makePulumiSandbox({
    "Pulumi.yaml": opts.pulumiYaml ?? readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"),
    "roster.yaml": opts.roster,
    ...opts.files,
  });
  // index.ts (Pulumi.yaml's main) and src/ are linked; package.json
  // and tsconfig.json are copied so nothing run in the sandbox can write to the repo's.
  for (const d of opts.programDirs ?? ["index.ts", "src"]) await symlink(path.join(REPO_ROOT, d), path.join(sandbox.dir, d));
  for (const f of ["package.json", "tsconfig.json"]) await copyFile(path.join(REPO_ROOT, f), path.join(sandbox.dir, f));
  const env = sandbox.env;
  const pulumi = (args: string[], extraEnv: Record<string, string> = {}) =>
    runPulumi([...args, "--stack", STACK, "--non-interactive"], { cwd: sandbox.dir, env: { ...env, ...extraEnv } });
  const ok = async (args: string[], extraEnv?: Record<string, string>) => {
    const r = await pulumi(args, extraEnv);
    if (r.code !== 0) throw new Error(describeRun(`pulumi ${args.join(" ")}`, r));
    return r;
  };

  const init = await runPulumi(["stack", "init", STACK, "--non-interactive"], { cwd: sandbox.dir, env });
  if (init.code !== 0) throw new Error(describeRun("stack init", init));
  await ok(["config", "set", "flex-roster:roster", "roster.yaml"]);
  await ok(["config", "set", "flex-roster:apiBaseUrl", emulator.url]);
  await ok(["config", "set", "twilio:accountSid", emulator.accountSid]);
  await ok(["config", "set", "--secret", "twilio:authToken", emulator.authToken]);

  const sdk = createClient({ username: emulator.accountSid, password: emulator.authToken, baseUrl: emulator.url }).twilio;

  const stack: FlexStack = {
    dir: sandbox.dir,
    emulator,
    env,
    rosterPath: path.join(sandbox.dir, "roster.yaml"),
    sdk,
    writeRoster: (yaml) => writeFile(path.join(sandbox.dir, "roster.yaml"), yaml),
    pulumi,
    ok,
    async outputs() {
      const r = await ok(["stack", "output", "--json", "--show-secrets"]);
      return JSON.parse(r.stdout);
    },
    async exportState() {
      const r = await ok(["stack", "export"]);
      return JSON.parse(r.stdout);
    },
    async workerResources() {
      const s = await stack.exportState();
      return (s.deployment.resources ?? []).filter((r) => String(r.type).endsWith("flex-roster:Worker"));
    },
    async close() {
      if (!opts.emulator) await emulator.close();
      await sandbox.cleanup();
    },
  };
  return stack;
}
