// How a run of the Pulumi CLI ended, and the one way flex-roster says so
// ("exited 2", "was killed (SIGKILL)"), for the commands' runs and the
// Automation API's failed calls alike.

/** The end of a Pulumi CLI run: its exit code (null if killed or never started) and signal. */
export interface PulumiExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** flex-roster got this signal and asked Pulumi to stop. */
  interrupted?: NodeJS.Signals;
}

/** A failed Automation API call: how the CLI ended and the tail of its stderr. */
export interface PulumiFailure extends PulumiExit {
  stderr: string;
}

/**
 * The failure inside an Automation API CommandError (the CLI ran and exited
 * non-zero, or could not start); undefined for any other error. Never the
 * CLI's stdout: it may hold config values.
 */
export function pulumiFailure(err: unknown): PulumiFailure | undefined {
  if (!(err instanceof Error)) return undefined;
  const result = (err as { commandResult?: { code?: number; stderr?: string; err?: { exitCode?: number; signal?: string; stderr?: string } } }).commandResult;
  if (!result || typeof result !== "object") return undefined;
  const inner = result.err;
  const code = inner ? (typeof inner.exitCode === "number" ? inner.exitCode : null) : (result.code ?? null);
  const signal = (inner?.signal as NodeJS.Signals | undefined) ?? null;
  const stderr = typeof inner?.stderr === "string" ? inner.stderr : (result.stderr ?? "");
  return { code, signal, stderr };
}

/** "exited 2", "was killed (SIGKILL)", "could not run", "stopped after SIGINT (exited 255)". */
export function describeExit(exit: PulumiExit): string {
  const how = exit.code === null ? (exit.signal ? `was killed (${exit.signal})` : "could not run") : `exited ${exit.code}`;
  return exit.interrupted ? `stopped after ${exit.interrupted} (${how})` : how;
}

/** `<what> failed (exited N): <last lines of stderr>`. */
export function describeFailure(what: string, err: unknown): string {
  const f = pulumiFailure(err);
  if (!f) return `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
  const tail = f.stderr.trim().split("\n").slice(-3).join(" ").trim();
  return `${what} failed (${describeExit(f)})${tail ? `: ${tail}` : ""}`;
}
