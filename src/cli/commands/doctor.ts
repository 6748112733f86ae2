// `flex-roster doctor`: audit the live workers of a workspace (read-only).
// Thin: scanning is src/brownfield/scan.ts, findings src/brownfield/audit.ts,
// output src/brownfield/report.ts.

import * as path from "node:path";
import { Option, type Command } from "commander";
import { audit, type AuditReport } from "../../brownfield/audit";
import { SEVERITY_ORDER, worstSeverity } from "../../brownfield/findings";
import { connect, DEFAULT_WORKSPACE } from "../../brownfield/connect";
import { doctorJson, renderDoctor, type DoctorVerdict } from "../../brownfield/doctor-output";
import { scanWorkspace } from "../../brownfield/scan";
import type { Roster } from "../../flex/types";
import { loadRosterOrFolder } from "../../roster";
import { TaskRouterRouting } from "../../twilio/taskrouter";
import { action, runCommand, type CliContext } from "../context";
import { EXIT, exitCodesHelp, type ExitCode } from "../exit-codes";
import { intOption } from "../options";
import { scanProgress } from "../progress";

export interface DoctorOptions {
  roster?: string;
  json?: boolean;
  workspace?: string;
  stack?: string;
  concurrency?: number;
  minChatCapacity?: number;
  chatChannel?: string;
  progress?: boolean;
  failOn?: FailOn;
}

/** The least severe finding that makes doctor exit 2. Information never does. */
export const FAIL_ON = ["warning", "critical"] as const;
export type FailOn = (typeof FAIL_ON)[number];

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

Severities: critical (non-canonical contact_uri, bad attributes, duplicates),
warning (low chat capacity, orphans, agents without worker, odd names),
info (waiting for first sign-in, values SSO owns): information never fails.

${exitCodesHelp("doctor")}

Credentials: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY +
TWILIO_API_SECRET); FLEX_ROSTER_API_BASE_URL points at another API base (the
emulator). With --stack, the stack's config is read through the Pulumi CLI
(secrets stay in memory) and its flex-roster:roster (a file, or a folder: every team) is the default --roster.

Examples:
  flex-roster doctor
  flex-roster doctor --roster roster.yaml --json > doctor.json
  flex-roster doctor --stack prod --concurrency 16
  flex-roster doctor --fail-on critical     # a gate that only corruption fails
`;

/** Exit 2 when a finding is at least as severe as --fail-on; the meaning is repeated in the report. */
export function doctorVerdict(report: Pick<AuditReport, "counts">, failOn: FailOn = "warning"): DoctorVerdict & { exitCode: ExitCode } {
  const worst = worstSeverity(report);
  if (worst && SEVERITY_ORDER.indexOf(worst) <= SEVERITY_ORDER.indexOf(failOn)) {
    return { exitCode: EXIT.DRIFT, meaning: worst === "critical" ? "critical problems" : "warnings only" };
  }
  if (worst === "warning") return { exitCode: EXIT.OK, meaning: "warnings only, below --fail-on critical" };
  return { exitCode: EXIT.OK, meaning: "clean: no problems" };
}

async function doctor(opts: DoctorOptions, ctx: CliContext): Promise<ExitCode> {
  const progress = scanProgress(ctx, opts.progress !== false);
  try {
    const conn = await connect({ stack: opts.stack, concurrency: opts.concurrency, env: ctx.env, cwd: ctx.cwd });
    const rosterFile = opts.roster ?? (opts.stack ? conn.config("flex-roster:roster") : undefined);
    const roster: Roster | undefined = rosterFile ? loadRosterOrFolder(path.resolve(ctx.cwd, rosterFile)) : undefined;
    const workspace = opts.workspace ?? roster?.workspace ?? DEFAULT_WORKSPACE;
    const scan = await scanWorkspace(conn.tr, workspace, {
      concurrency: conn.settings.concurrency,
      onProgress: (p) => progress.update(p),
    });
    progress.stop();
    // One call: the queues, so that doctor can say which ones nobody is eligible for.
    const queues = await new TaskRouterRouting(conn.tr).queues(scan.workspace.sid);
    const report = audit(scan.workers, {
      roster,
      queues,
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
    const verdict = doctorVerdict(report, opts.failOn);
    ctx.stdout(opts.json ? JSON.stringify(doctorJson(report, meta, verdict), null, 2) + "\n" : renderDoctor(report, meta, verdict));
    return verdict.exitCode;
  } finally {
    progress.stop();
  }
}

/** `flex-roster doctor` with parsed options: its exit code; errors are printed, never thrown. */
export function runDoctor(opts: DoctorOptions, ctx: CliContext): Promise<ExitCode> {
  return runCommand(ctx, "doctor", () => doctor(opts, ctx));
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command("doctor")
    .summary("audit live workers: contact_uri, attributes, duplicates, chat capacity (exit 0 clean, 2 findings, 1 error)")
    .description("audit the live TaskRouter workers of a workspace: contact_uri, attributes, duplicates, chat capacity")
    .option("--roster <file>", "compare with a roster file, or a roster folder (every team): report orphan workers and agents without a worker")
    .option("--json", "print a JSON report on stdout instead of the table")
    .option("--workspace <name|sid>", `TaskRouter workspace friendly name or WS SID (default: the roster's, else "${DEFAULT_WORKSPACE}")`)
    .option("--stack <name>", "read Twilio credentials (and the roster path) from this Pulumi stack's config")
    .option("--concurrency <n>", "requests in flight at once (default 8, or FLEX_ROSTER_CONCURRENCY)", intOption("--concurrency", 1, 64))
    .option("--min-chat-capacity <n>", "report chat capacity below this (0 turns the check off)", intOption("--min-chat-capacity", 0, 50), 2)
    .option("--chat-channel <name>", "task channel unique name of chats", "chat")
    .addOption(new Option("--fail-on <severity>", "exit 2 on findings of this severity or worse").choices(FAIL_ON).default("warning"))
    .option("--no-progress", "no progress bar (it is shown only when stderr is a terminal)")
    .addHelpText("after", HELP)
    .action(action(ctx, "doctor", (opts: DoctorOptions) => doctor(opts, ctx)));
}
