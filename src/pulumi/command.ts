// Which Pulumi CLI flex-roster commands run, as an Automation API PulumiCommand.
// - FLEX_ROSTER_PULUMI names a `pulumi` executable or the directory holding it
//   (tests use a stand-in);
// - in a source checkout of flex-roster, the pinned CLI that scripts/ensure-pulumi
//   finds or builds (its local defaults come from ./environment.ts);
// - installed from npm, the `pulumi` on PATH, with the user's own login and settings.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readlinkSync, renameSync, statSync, symlinkSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";

export const PULUMI_OVERRIDE_ENV = "FLEX_ROSTER_PULUMI";
/** Root of a source checkout (src/pulumi or dist/pulumi → ../..). */
export const CHECKOUT_ROOT = path.resolve(__dirname, "..", "..");
/** scripts/ensure-pulumi of a source checkout; absent in the npm package. */
export const ENSURE_PULUMI_SCRIPT = path.join(CHECKOUT_ROOT, "scripts", "ensure-pulumi");

export interface PulumiCli {
  command: PulumiCommand;
  /** Where it came from: the override, a source checkout's pinned CLI, or PATH. */
  source: "override" | "checkout" | "path";
}

/**
 * PulumiCommand.get wants an install root holding `bin/pulumi`. A CLI directory
 * named `bin` has one (its parent); any other (the flat ensure-pulumi cache) gets
 * a per-user root whose `bin` links to it, so the whole directory (language host,
 * provider shim) still ends up first on the CLI's PATH.
 */
export function installRoot(cliDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = path.resolve(cliDir);
  if (path.basename(dir) === "bin") return path.dirname(dir);
  const cacheHome = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  const root = path.join(cacheHome, "flex-roster", "pulumi-roots", createHash("sha256").update(dir).digest("hex").slice(0, 16));
  const bin = path.join(root, "bin");
  let current: string | undefined;
  try {
    current = readlinkSync(bin);
  } catch {
    current = undefined;
  }
  if (current !== dir) {
    mkdirSync(root, { recursive: true });
    // Link beside, then rename over: concurrent runs never see a missing `bin`.
    const tmp = `${bin}.${process.pid}`;
    symlinkSync(dir, tmp, "dir");
    renameSync(tmp, bin);
  }
  return root;
}

/** The directory of the CLI that FLEX_ROSTER_PULUMI names. */
function overrideDir(value: string): string {
  const p = path.resolve(value);
  let isDir: boolean;
  try {
    isDir = statSync(p).isDirectory();
  } catch {
    throw new Error(`${PULUMI_OVERRIDE_ENV}=${value}: no such file or directory`);
  }
  if (isDir) return p;
  if (path.basename(p) !== "pulumi") throw new Error(`${PULUMI_OVERRIDE_ENV} must name a \`pulumi\` executable or its directory; got ${value}`);
  return path.dirname(p);
}

/** Run scripts/ensure-pulumi (it may build the CLI once; its progress goes to our stderr). */
function ensurePulumiDir(env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [ENSURE_PULUMI_SCRIPT], { env, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", (err) => reject(new Error(`cannot run scripts/ensure-pulumi: ${err.message}`)));
    child.on("close", (code) => {
      const dir = out.trim();
      if (code === 0 && dir) resolve(dir);
      else reject(new Error(`scripts/ensure-pulumi failed (exit ${code}); see its errors above`));
    });
  });
}

/**
 * The Automation API, loaded on first use: it pulls in gRPC and the Pulumi runtime
 * (about a second), which `--help` or `report` never need.
 */
export function automation(): typeof import("@pulumi/pulumi/automation") {
  return require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
}

async function find(env: NodeJS.ProcessEnv): Promise<PulumiCli> {
  const { PulumiCommand } = automation();
  const override = env[PULUMI_OVERRIDE_ENV];
  if (override) return { command: await PulumiCommand.get({ root: installRoot(overrideDir(override), env) }), source: "override" };
  if (existsSync(ENSURE_PULUMI_SCRIPT)) {
    return { command: await PulumiCommand.get({ root: installRoot(await ensurePulumiDir(env), env) }), source: "checkout" };
  }
  try {
    return { command: await PulumiCommand.get(), source: "path" };
  } catch (err) {
    throw new Error(`no usable \`pulumi\` on PATH (install the Pulumi CLI, or set ${PULUMI_OVERRIDE_ENV}): ${firstLine(err)}`);
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).trim().split("\n")[0] ?? "";
}

const found = new Map<string, Promise<PulumiCli>>();

/** The Pulumi CLI for this environment (looked up once per process and choice). */
export function findPulumi(env: NodeJS.ProcessEnv = process.env): Promise<PulumiCli> {
  const key = env[PULUMI_OVERRIDE_ENV] || (existsSync(ENSURE_PULUMI_SCRIPT) ? "checkout" : "path");
  let p = found.get(key);
  if (!p) {
    p = find(env);
    p.catch(() => found.delete(key));
    found.set(key, p);
  }
  return p;
}
