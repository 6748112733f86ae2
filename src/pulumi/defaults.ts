// The environment every flex-roster run of the Pulumi CLI gets, each variable
// only where the user has not set it (withPulumiDefaults()): the Automation API
// runner and scripts/pulumi both take it from ./environment.ts.

export const PULUMI_DEFAULTS = {
  PULUMI_SKIP_UPDATE_CHECK: "true",
  // No plugin downloads: offline machines; the program needs none.
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  // No type check of the program on every run (about 2 s); `npm test` type-checks.
  PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  // Write the state once at the end of a run instead of after every step, which
  // costs O(workers) per step and O(workers²) per run (pulumi/pulumi#10668).
  // Safe for flex-roster: a killed run leaves state as it was before the run, and
  // the rerun's refresh, create-or-adopt and 404-tolerant delete converge
  // (docs/scale.md; test/e2e/kill-rerun.test.ts).
  PULUMI_SKIP_CHECKPOINTS: "true",
} as const satisfies Record<string, string>;

/** `env` with every PULUMI_DEFAULTS entry the user has not set filled in. */
export function withPulumiDefaults<T extends Record<string, string | undefined>>(env: T): T & Record<keyof typeof PULUMI_DEFAULTS, string> {
  const out: Record<string, string | undefined> = { ...env };
  for (const [k, v] of Object.entries(PULUMI_DEFAULTS)) if (out[k] === undefined || out[k] === "") out[k] = v;
  return out as T & Record<keyof typeof PULUMI_DEFAULTS, string>;
}
