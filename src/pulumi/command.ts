// Which Pulumi CLI flex-roster commands run.
// - FLEX_ROSTER_PULUMI names an executable (tests use a stand-in);
// - in a source checkout of flex-roster, its scripts/pulumi wrapper (the pinned
//   CLI that scripts/ensure-pulumi finds or builds, with safe local defaults);
// - installed from npm, the `pulumi` on PATH, with the user's own login and settings.

import { existsSync } from "node:fs";
import * as path from "node:path";

export const PULUMI_OVERRIDE_ENV = "FLEX_ROSTER_PULUMI";
/** scripts/pulumi of a source checkout (src/pulumi → ../..); absent in the npm package. */
export const PULUMI_SCRIPT = path.resolve(__dirname, "..", "..", "scripts", "pulumi");

/** The command line that runs Pulumi: [executable, ...leading args]. */
export function pulumiCommand(env: NodeJS.ProcessEnv = process.env): [string, ...string[]] {
  const override = env[PULUMI_OVERRIDE_ENV];
  if (override) return [override];
  if (existsSync(PULUMI_SCRIPT)) return ["bash", PULUMI_SCRIPT];
  return ["pulumi"];
}
