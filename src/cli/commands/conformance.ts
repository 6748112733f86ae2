// `flex-roster conformance`: does this account's API behave as flex-roster
// assumes? Thin: the checks are src/brownfield/conformance.ts; this file wires
// options, Ctrl-C and the table.

import type { Command } from "commander";
import { ConformanceAborted, runConformance, SCRATCH_PREFIX, type ConformanceCheck, type ConformanceResult } from "../../brownfield/conformance";
import { connect, DEFAULT_WORKSPACE } from "../../brownfield/connect";
import { action, CliError, runCommand, type CliContext } from "../context";
import { EXIT, exitCodesHelp, type ExitCode } from "../exit-codes";
import { intOption } from "../options";

export interface ConformanceOptions {
  workspace?: string;
  stack?: string;
  json?: boolean;
  eventWait?: number;
}

const HELP = `
Creates one scratch worker named ${SCRATCH_PREFIX}<time>-<random>xxx (64
characters), exercises each API behaviour flex-roster relies on (If-Match,
date_updated, duplicate names, list attributes, channels, events, the Flex
Configuration, the offline activity) and deletes it, also when a check fails
or on Ctrl-C. Prints, per assumption, what was observed and what flex-roster
does when it does not hold. docs/conformance.md gives each one's source.

${exitCodesHelp("conformance")}

Credentials as for doctor: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or
TWILIO_API_KEY + TWILIO_API_SECRET), or --stack; FLEX_ROSTER_API_BASE_URL
points at another API base (the emulator).

Examples:
  flex-roster conformance --workspace "Flex Task Assignment"
  flex-roster conformance --workspace WSxxxxxxxx --json > conformance.json
`;

const MARK: Record<ConformanceCheck["verdict"], string> = { holds: "ok  ", fails: "FAIL", unchecked: "--  " };

/** The table: one block per assumption (a terminal is too narrow for three long columns). */
export function renderConformance(r: ConformanceResult): string {
  const lines = [`Conformance of workspace "${r.workspace.friendlyName}" (${r.workspace.sid})`, ""];
  for (const c of r.checks) {
    lines.push(`${MARK[c.verdict]} ${c.id}: ${c.assumption}`);
    lines.push(`       observed: ${c.observed}`);
    if (c.verdict !== "holds") lines.push(`       if it differs, flex-roster: ${c.ifDiffers}`);
  }
  const failed = r.checks.filter((c) => c.verdict === "fails").map((c) => c.id);
  lines.push("");
  lines.push(
    r.scratch.deleted
      ? `Scratch worker ${r.scratch.friendlyName}${r.scratch.sid ? ` (${r.scratch.sid})` : ""} deleted.`
      : `Scratch worker ${r.scratch.friendlyName} (${r.scratch.sid}) could NOT be deleted: delete it by hand.`,
  );
  lines.push(failed.length ? `${failed.length} assumption(s) do not hold: ${failed.join(", ")}` : "Every checked assumption holds.");
  return lines.join("\n") + "\n";
}

async function conformance(opts: ConformanceOptions, ctx: CliContext): Promise<ExitCode> {
  const conn = await connect({ stack: opts.stack, env: ctx.env, cwd: ctx.cwd });
  const controller = new AbortController();
  const onSigint = () => {
    ctx.stderr("flex-roster conformance: interrupted, deleting the scratch worker...\n");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    const result = await runConformance(conn.client, conn.tr, opts.workspace ?? DEFAULT_WORKSPACE, {
      eventWaitMs: opts.eventWait === undefined ? undefined : opts.eventWait * 1000,
      signal: controller.signal,
    });
    if (controller.signal.aborted) throw new ConformanceAborted();
    ctx.stdout(opts.json ? JSON.stringify(result, null, 2) + "\n" : renderConformance(result));
    if (!result.scratch.deleted) return EXIT.ERROR;
    return result.ok ? EXIT.OK : EXIT.DRIFT;
  } catch (err) {
    if (err instanceof ConformanceAborted) throw new CliError(err.message);
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
  }
}

/** `flex-roster conformance` with parsed options: its exit code; errors are printed, never thrown. */
export function runConformanceCommand(opts: ConformanceOptions, ctx: CliContext): Promise<ExitCode> {
  return runCommand(ctx, "conformance", () => conformance(opts, ctx));
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("conformance")
    .summary("check that the account's API behaves as flex-roster assumes, with one scratch worker (exit 0 all hold, 2 one does not)")
    .description("check, with one scratch worker, each Twilio behaviour flex-roster relies on")
    .option("--workspace <name|sid>", `TaskRouter workspace friendly name or WS SID (default "${DEFAULT_WORKSPACE}")`)
    .option("--stack <name>", "read Twilio credentials from this Pulumi stack's config")
    .option("--json", "print the result as JSON")
    .option("--event-wait <seconds>", "how long to wait for each write's event to be listed (default 30)", intOption("--event-wait", 0, 600))
    .addHelpText("after", HELP)
    .action(action(ctx, "conformance", (opts: ConformanceOptions) => conformance(opts, ctx)));
}
