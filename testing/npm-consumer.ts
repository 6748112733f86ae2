// A project of a flex-roster user, installed with npm the way a user installs it:
// the package from `npm pack` (or another spec), its peers at this repository's
// pinned versions, everything from the local npm cache. Shared by the consumer
// e2e (TypeScript) and the languages e2e (Pulumi YAML).

import { readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import * as path from "node:path";
import { describeRun, REPO_ROOT, runCommand } from "./pulumi-cli";

/** The roster of a consumer project's e2e: two agents, one of them bob@acme.com (identity bob_40acme_2Ecom). */
export const CONSUMER_ROSTER = `workspace: Flex Task Assignment
defaults: { roles: [agent], channels: { chat: 2, voice: 1 } }
agents:
  - email: bob@acme.com
    fullName: Bob Builder
  - email: maria@acme.com
    fullName: Maria Garcia
`;

/** The version this repository pins for a dev dependency (@pulumi/pulumi, twilio, typescript...). */
export function pinnedVersion(name: string): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
  const version = pkg.devDependencies?.[name];
  if (typeof version !== "string") throw new Error(`package.json pins no devDependency ${name}`);
  return version;
}

/** `npm pack` of this checkout (its `prepare` builds dist/ and plugin/) into `destDir`; the tarball's path. */
export async function packFlexRoster(destDir: string): Promise<string> {
  await mkdir(destDir, { recursive: true });
  const pack = await runCommand("npm", ["pack", "--json", "--pack-destination", destDir], { cwd: REPO_ROOT, timeoutMs: 5 * 60_000 });
  if (pack.code !== 0) throw new Error(describeRun("npm pack", pack));
  return path.join(destDir, JSON.parse(pack.stdout.slice(pack.stdout.indexOf("[")))[0].filename);
}

/**
 * `npm install` in `dir` from the local npm cache. `npm ci` of this repository caches
 * every tarball but not the registry's package documents that resolving a new
 * project needs; only when those are missing does npm fall back to asking the
 * registry (once per machine).
 */
export async function installFromCache(dir: string, env: Record<string, string>, extraArgs: string[] = []): Promise<void> {
  const install = ["install", "--no-audit", "--no-fund", ...extraArgs];
  const offline = await runCommand("npm", [...install, "--offline"], { cwd: dir, env, timeoutMs: 10 * 60_000 });
  if (offline.code === 0) return;
  const online = await runCommand("npm", [...install, "--prefer-offline"], { cwd: dir, env, timeoutMs: 10 * 60_000 });
  if (online.code !== 0) throw new Error(describeRun(`npm ${install.join(" ")}`, online));
}
