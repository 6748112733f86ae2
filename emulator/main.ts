/**
 * CLI: npm run emulator -- [--port 0] [--host 127.0.0.1] [--state file.json] [--latency-ms N] [--rate-limit N]
 *
 * Prints the base URL, the test account's credentials and the default
 * workspace, then serves until SIGINT/SIGTERM/SIGHUP.
 */

import { parseArgs } from "node:util";
import { startEmulator } from "./index";

const USAGE = `Usage: npm run emulator -- [--port N] [--host H] [--state FILE] [--latency-ms N] [--rate-limit N]

  --port N          port to listen on (default 0: a free port)
  --host H          interface to bind (default 127.0.0.1)
  --state FILE      load state from FILE if present; save it after writes and on exit
  --latency-ms N    latency added to every Twilio request
  --rate-limit N    account-wide limit: N requests per second, then 429 (code 20429)
                    with Retry-After
  --reject-delete-when-busy
                    refuse to delete workers with active reservations/tasks
  -h, --help        this text
`;

function intArg(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`emulator: --${name} must be a non-negative integer, got ${raw}\n`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        state: { type: "string" },
        "latency-ms": { type: "string" },
        "rate-limit": { type: "string" },
        "reject-delete-when-busy": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    process.stderr.write(`emulator: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }

  const emu = await startEmulator({
    port: intArg("port", values.port, 0),
    host: values.host ?? "127.0.0.1",
    statePath: values.state,
    latencyMs: intArg("latency-ms", values["latency-ms"], 0),
    rateLimitRps: intArg("rate-limit", values["rate-limit"], 0),
    rejectDeleteWhenBusy: values["reject-delete-when-busy"] ?? false,
  });

  const ws = emu.control.dump().workspaces.find((w) => w.sid === emu.workspaceSid);
  process.stdout.write(
    [
      `TaskRouter emulator listening on ${emu.url}`,
      `  control API: ${emu.url}/__emulator/`,
      values.state ? `  state file:  ${values.state}` : `  state:       in memory`,
      ``,
      `TWILIO_BASE_URL=${emu.url}`,
      `TWILIO_ACCOUNT_SID=${emu.accountSid}`,
      `TWILIO_AUTH_TOKEN=${emu.authToken}`,
      `TWILIO_API_KEY=${emu.apiKeySid}`,
      `TWILIO_API_SECRET=${emu.apiKeySecret}`,
      `TWILIO_WORKSPACE_SID=${emu.workspaceSid}`,
      `TWILIO_WORKSPACE_NAME=${ws?.friendlyName ?? ""}`,
      ``,
    ].join("\n"),
  );

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`emulator: ${signal}, shutting down\n`);
    emu.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`emulator: shutdown failed: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGHUP", () => stop("SIGHUP"));
}

main().catch((e: unknown) => {
  process.stderr.write(`emulator: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
