// Drives the peer: OpenTofu with the locally built Twilio provider, in a
// private working directory. The provider is installed from a filesystem mirror
// (no registry is contacted) and reaches the emulator through the TLS proxy.

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { runCommand, type RunResult } from "../../testing/pulumi-cli";

export interface PeerBuild {
  tofu: string;
  tofuVersion: string;
  providerMirror: string;
  providerVersion: string;
  providerSource: string;
}

const ENSURE_PEER = path.join(__dirname, "ensure-peer");

/** Runs bench/peer/ensure-peer (builds on first use; progress on our stderr). */
export async function ensurePeer(source?: string): Promise<PeerBuild> {
  const r = await runCommand("bash", [ENSURE_PEER, ...(source ? [source] : [])], {
    cwd: path.join(__dirname, "..", ".."),
    timeoutMs: 3 * 60 * 60 * 1000,
    echoStderr: true,
  });
  if (r.code !== 0) throw new Error(`bench/peer/ensure-peer failed (exit ${r.code})`);
  const kv = Object.fromEntries(
    r.stdout
      .trim()
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return {
    tofu: kv.TOFU,
    tofuVersion: kv.TOFU_VERSION,
    providerMirror: kv.PROVIDER_MIRROR,
    providerVersion: kv.PROVIDER_VERSION,
    providerSource: kv.PROVIDER_SOURCE,
  };
}

export interface TofuWorkspace {
  dir: string;
  run(args: string[], opts?: { timeoutMs?: number }): Promise<RunResult>;
  /** `tofu show -json <planfile>` parsed. */
  showPlan(planFile: string): Promise<any>;
  close(): Promise<void>;
}

export async function createTofuWorkspace(opts: {
  build: PeerBuild;
  hcl: string;
  proxyUrl: string;
  caFile: string;
  accountSid: string;
  authToken: string;
}): Promise<TofuWorkspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "flex-roster-peer-"));
  const cliConfig = path.join(dir, "tofurc");
  await writeFile(
    cliConfig,
    [
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${JSON.stringify(opts.build.providerMirror)}`,
      '    include = ["registry.opentofu.org/twilio/twilio"]',
      "  }",
      "}",
      "",
    ].join("\n"),
  );
  await writeFile(path.join(dir, "main.tf"), opts.hcl);
  // The developer's own TF_*/proxy settings never leak in; the provider gets the
  // proxy, the throwaway CA and the emulator's development credentials.
  const env: Record<string, string | undefined> = {};
  for (const k of Object.keys(process.env)) {
    if (k.startsWith("TF_") || /^(https?|no|all)_proxy$/i.test(k) || k.startsWith("TWILIO_")) env[k] = undefined;
  }
  Object.assign(env, {
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: "1",
    CHECKPOINT_DISABLE: "1",
    HTTPS_PROXY: opts.proxyUrl,
    SSL_CERT_FILE: opts.caFile,
    TWILIO_ACCOUNT_SID: opts.accountSid,
    TWILIO_AUTH_TOKEN: opts.authToken,
  });
  const run = (args: string[], o: { timeoutMs?: number } = {}) =>
    runCommand(opts.build.tofu, [...args], { cwd: dir, env, timeoutMs: o.timeoutMs ?? 60 * 60 * 1000 });

  const init = await run(["init", "-input=false", "-no-color"]);
  if (init.code !== 0) throw new Error(`tofu init failed:\n${init.stdout.slice(-2000)}\n${init.stderr.slice(-2000)}`);

  return {
    dir,
    run,
    async showPlan(planFile) {
      // Large plans: read through execFile with a big buffer (no API calls are made).
      const { stdout } = await promisify(execFile)(opts.build.tofu, ["show", "-json", planFile], {
        cwd: dir,
        env: Object.fromEntries(
          Object.entries({ ...process.env, ...env }).filter((e): e is [string, string] => typeof e[1] === "string"),
        ),
        maxBuffer: 1 << 30,
      });
      return JSON.parse(stdout);
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
