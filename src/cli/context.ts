// What a command needs from the outside world, injectable for tests: every
// command writes its output, report files and exit code through a CliContext,
// and runs its body through `action` so errors end the same way everywhere.

import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { RosterError } from "../roster";
import { SettingsError } from "../twilio/settings";
import { isRestException, twilioErrorText } from "../twilio/errors";
import { EXIT, type ExitCode } from "./exit-codes";
import { runPulumi, type PulumiRunner } from "../pulumi/runner";

export interface CliContext {
  pulumi: PulumiRunner;
  env: NodeJS.ProcessEnv;
  /** Relative paths of options (--out, --roster) are resolved against it. */
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Progress bars are drawn only on a terminal. */
  stderrIsTTY: boolean;
  readStdin(): Promise<string>;
  /** Write a report or roster file. */
  writeFile(file: string, text: string): void;
  setExitCode(code: number): void;
}

function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = "";
    stream.setEncoding("utf8");
    stream.on("data", (d: string) => (s += d));
    stream.on("end", () => resolve(s));
    stream.on("error", reject);
  });
}

export function defaultContext(): CliContext {
  const cwd = process.cwd();
  return {
    pulumi: runPulumi,
    env: process.env,
    cwd,
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    readStdin: () =>
      process.stdin.isTTY
        ? Promise.reject(new CliError("no input: pipe `pulumi preview --json` output in, or give --preview-json FILE"))
        : readAll(process.stdin),
    writeFile: (file, text) => writeFileSync(path.resolve(cwd, file), text),
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}

/** An error with a message meant for people and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.ERROR,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** One line for an error, never with credentials (settings and SDK errors carry none). */
export function describeError(err: unknown): string {
  if (err instanceof RosterError || err instanceof SettingsError) return err.message;
  if (isRestException(err)) return twilioErrorText(err);
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Run a command body: its exit code, or, when it throws, one line on stderr and the error's code (1 unless a CliError says otherwise). */
export async function runCommand(ctx: CliContext, name: string, body: () => Promise<ExitCode>): Promise<ExitCode> {
  try {
    return await body();
  } catch (err) {
    ctx.stderr(`flex-roster ${name}: error: ${describeError(err)}\n`);
    return err instanceof CliError ? err.exitCode : EXIT.ERROR;
  }
}

/** A commander action for a command body: runs it (see runCommand) and sets the process's exit code. */
export function action<A extends unknown[]>(
  ctx: CliContext,
  name: string,
  body: (...args: A) => Promise<ExitCode>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      ctx.setExitCode(await runCommand(ctx, name, () => body(...args)));
    } finally {
      // The Pulumi runner selected a stack for the command: put back the user's.
      await ctx.pulumi.close();
    }
  };
}
