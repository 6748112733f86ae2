// An isolated flex-roster stack for end-to-end tests: the real project program
// (program.js, index.ts and src/ symlinked into a temp dir), the real Pulumi CLI with a private file
// backend, and a TaskRouter emulator over HTTP holding the Twilio side. Each stack and
// its config are set up through the Automation API (stack init and one config set-all,
// on the CLI and environment flex-roster itself uses); the tests' own commands run the
// CLI as a user does (scripts/pulumi).

import { readFileSync } from "node:fs";
import { copyFile, symlink, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../emulator";
import { describeFailure } from "../src/pulumi/exit";
import { openWorkspace } from "../src/pulumi/workspace";
import { createClient, type TwilioClient } from "../src/twilio/client";
import { baseEnv, describeRun, makePulumiSandbox, REPO_ROOT, runPulumi, type RunResult } from "./pulumi-cli";

export const STACK = "e2e";

export interface FlexStack {
  /** The stack's name: STACK, or a sibling's. */
  name: string;
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
  /**
   * Another stack of the same program directory, backend and emulator, set up as
   * this one (e.g. one stack per team of a roster folder). Closing the first stack
   * cleans up both.
   */
  sibling(name: string, config?: Record<string, string>): Promise<FlexStack>;
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
  /** Repository files and folders linked into the program directory (default program.js, index.ts and src/). */
  programDirs?: string[];
  /** Stack config in plain text, over the defaults (e.g. `flex-roster:roster`). */
  config?: Record<string, string>;
  /** The first stack's name (default STACK). */
  stack?: string;
}

export async function createFlexStack(opts: FlexStackOptions): Promise<FlexStack> {
  const emulator = opts.emulator ?? (await startEmulator({ latencyMs: opts.latencyMs }));
  const sandbox = await makePulumiSandbox({
    "Pulumi.yaml": opts.pulumiYaml ?? readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"),
    "roster.yaml": opts.roster,
    ...opts.files,
  });
  // program.js (Pulumi.yaml's main), index.ts and src/ are linked; package.json
  // and tsconfig.json are copied so nothing run in the sandbox can write to the repo's.
  for (const d of opts.programDirs ?? ["program.js", "index.ts", "src"]) await symlink(path.join(REPO_ROOT, d), path.join(sandbox.dir, d));
  for (const f of ["package.json", "tsconfig.json"]) await copyFile(path.join(REPO_ROOT, f), path.join(sandbox.dir, f));
  const env = sandbox.env;
  const sdk = createClient({ username: emulator.accountSid, password: emulator.authToken, baseUrl: emulator.url }).twilio;
  const close = async () => {
    if (!opts.emulator) await emulator.close();
    await sandbox.cleanup();
  };

  const open = async (name: string, config: Record<string, string>, closeAll: () => Promise<void>): Promise<FlexStack> => {
    const pulumi = (args: string[], extraEnv: Record<string, string> = {}) =>
      runPulumi([...args, "--stack", name, "--non-interactive"], { cwd: sandbox.dir, env: { ...env, ...extraEnv } });
    const ok = async (args: string[], extraEnv?: Record<string, string>) => {
      const r = await pulumi(args, extraEnv);
      if (r.code !== 0) throw new Error(describeRun(`pulumi ${args.join(" ")}`, r));
      return r;
    };

    try {
      const { ws } = await openWorkspace(sandbox.dir, { ...baseEnv(), ...env });
      const created = await Stack.create(name, ws);
      const plain = { "flex-roster:roster": "roster.yaml", "flex-roster:apiBaseUrl": emulator.url, "twilio:accountSid": emulator.accountSid, ...config };
      await created.setAllConfig({
        ...Object.fromEntries(Object.entries(plain).map(([k, value]) => [k, { value }])),
        "twilio:authToken": { value: emulator.authToken, secret: true },
      });
    } catch (err) {
      throw new Error(describeFailure(`stack ${name} set-up`, err));
    }

    const stack: FlexStack = {
      name,
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
      sibling: (other, more = {}) => open(other, { ...opts.config, ...more }, async () => {}),
      close: closeAll,
    };
    return stack;
  };
  return open(opts.stack ?? STACK, opts.config ?? {}, close);
}
