// `flex-roster doctor`: audit the live workers of a workspace (read-only).
// Thin: scanning is src/brownfield/scan.ts, findings src/brownfield/audit.ts,
// output src/brownfield/report.ts.

import * as path from "node:path";
import type { Command } from "commander";
import { audit, EXIT, exitCodeFor } from "../../brownfield/audit";
import { contextIO, describeError, intOption, processIO, scanProgress, type CommandIO, type ContextLike } from "../../brownfield/cli-support";
import { connect, DEFAULT_WORKSPACE } from "../../brownfield/connect";
import { doctorJson, renderDoctor } from "../../brownfield/report";
import { scanWorkspace } from "../../brownfield/scan";
import type { Roster } from "../../flex/types";
import { loadRoster } from "../../roster";

export interface DoctorOptions {
  roster?: string;
  json?: boolean;
  workspace?: string;
  stack?: string;
  concurrency?: number;
  minChatCapacity?: number;
  chatChannel?: string;
  progress?: boolean;
}

const HELP = `
Reads every worker of the workspace (read-only) and reports, per worker:
  - contact_uri missing or not "client:" + the worker's identity (its friendly
    name), with the expected value and the pattern of the bad value compared
    with the majority of working agents (domain part missing, not encoded, ...)
  - attributes that are not JSON, or not a JSON object
  - duplicates: one identity (ignoring case) or one email on several workers
  - chat capacity below --min-chat-capacity (multi-chat expected)
  - friendly names that are not Flex identities
  - with a roster: workers not in it (orphans), agents without a worker

Exit codes:
  0  clean: no problems
  1  doctor could not run (bad option, credentials, network, roster file)
  2  warnings only (low chat capacity, orphans, agents without worker, odd names)
  3  critical problems (non-canonical or missing contact_uri, bad attributes, duplicates)

Credentials: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY +
TWILIO_API_SECRET); FLEX_ROSTER_API_BASE_URL points at another API base (the
emulator). With --stack, the stack's config is read through the Pulumi CLI
(secrets stay in memory) and its flex-roster:roster is the default --roster.

Examples:
  flex-roster doctor
  flex-roster doctor --roster roster.yaml --json > doctor.json
  flex-roster doctor --stack prod --concurrency 16
`;

export async function runDoctor(opts: DoctorOptions, io: CommandIO = processIO()): Promise<number> {
  const progress = scanProgress(io, opts.progress !== false);
  try {
    const conn = await connect({ stack: opts.stack, concurrency: opts.concurrency, env: io.env, cwd: io.cwd });
    const rosterFile = opts.roster ?? (opts.stack ? conn.config("flex-roster:roster") : undefined);
    const roster: Roster | undefined = rosterFile ? loadRoster(path.resolve(io.cwd, rosterFile)) : undefined;
    const workspace = opts.workspace ?? roster?.workspace ?? DEFAULT_WORKSPACE;
    const scan = await scanWorkspace(conn.tr, workspace, {
      concurrency: conn.settings.concurrency,
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    const report = audit(scan.workers, {
      roster,
      minChatCapacity: opts.minChatCapacity,
      chatChannel: opts.chatChannel,
    });
    const meta = {
      workspace: scan.workspace,
      durationMs: scan.durationMs,
      gone: scan.gone,
      api: conn.client.http.calls.toJSON(),
      ...(rosterFile ? { roster: rosterFile } : {}),
    };
    io.stdout.write(opts.json ? JSON.stringify(doctorJson(report, meta), null, 2) + "\n" : renderDoctor(report, meta));
    return exitCodeFor(report);
  } catch (err) {
    progress.stop();
    io.stderr.write(`flex-roster doctor: ${describeError(err)}\n`);
    return EXIT.error;
  }
}

export function register(program: Command, ctx?: ContextLike): void {
  program
    .command("doctor")
    .summary("audit live workers: contact_uri, attributes, duplicates, chat capacity (exit 0/2/3, 1 error)")
    .description("audit the live TaskRouter workers of a workspace: contact_uri, attributes, duplicates, chat capacity")
    .option("--roster <file>", "compare with a roster: report orphan workers and agents without a worker")
    .option("--json", "print a JSON report on stdout instead of the table")
    .option("--workspace <name|sid>", `TaskRouter workspace friendly name or WS SID (default: the roster's, else "${DEFAULT_WORKSPACE}")`)
    .option("--stack <name>", "read Twilio credentials (and the roster path) from this Pulumi stack's config")
    .option("--concurrency <n>", "requests in flight at once (default 8, or FLEX_ROSTER_CONCURRENCY)", intOption("--concurrency", 1, 64))
    .option("--min-chat-capacity <n>", "report chat capacity below this (0 turns the check off)", intOption("--min-chat-capacity", 0, 50), 2)
    .option("--chat-channel <name>", "task channel unique name of chats", "chat")
    .option("--no-progress", "no progress bar (it is shown only when stderr is a terminal)")
    .addHelpText("after", HELP)
    .action(async (opts: DoctorOptions) => {
      const code = await runDoctor(opts, ctx ? contextIO(ctx) : processIO());
      if (ctx) ctx.setExitCode(code);
      else process.exitCode = code;
    });
}
