// Shared plumbing of the doctor and import commands: I/O handles (injectable
// for tests), option parsers, the progress bar, and turning errors into one
// line and exit code 1.

import { Writable } from "node:stream";
import { SingleBar } from "cli-progress";
import { InvalidArgumentError } from "commander";
import { RosterError } from "../roster";
import { SettingsError } from "../twilio/settings";
import { isRestException } from "../twilio/taskrouter";
import type { ScanProgress } from "./scan";

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIO(): CommandIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** The CLI's context (src/cli/context.ts), as far as these commands use it. */
export interface ContextLike {
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  setExitCode(code: number): void;
}

function sink(write: (text: string) => void, isTTY: boolean): CommandIO["stdout"] {
  const w = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      write(chunk.toString());
      done();
    },
  }) as CommandIO["stdout"];
  w.isTTY = isTTY;
  return w;
}

/** I/O through the CLI context; the progress bar only when the real stderr is a terminal. */
export function contextIO(ctx: ContextLike): CommandIO {
  return { stdout: sink((t) => ctx.stdout(t), false), stderr: sink((t) => ctx.stderr(t), Boolean(process.stderr.isTTY)), env: ctx.env, cwd: process.cwd() };
}

export function intOption(name: string, min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer between ${min} and ${max}.`);
    }
    return n;
  };
}

/** Repeatable / comma-separated list option. */
export function listOption(raw: string, previous: string[] = []): string[] {
  return [...previous, ...raw.split(",").map((s) => s.trim()).filter(Boolean)];
}

/** A progress bar on stderr while a scan runs, only when stderr is a terminal. */
export function scanProgress(io: CommandIO, enabled: boolean) {
  if (!enabled || !io.stderr.isTTY) return { update: (_p: ScanProgress) => {}, stop: () => {} };
  const bar = new SingleBar({
    stream: io.stderr,
    format: "Scanning workers [{bar}] {value}/{total}{phase} | {duration_formatted} elapsed, ETA {eta_formatted}",
    barCompleteChar: "#",
    barIncompleteChar: "-",
    hideCursor: true,
    clearOnComplete: true,
    etaBuffer: 200,
  });
  let started = false;
  return {
    update(p: ScanProgress) {
      if (!started) {
        bar.start(Math.max(p.listed, 1), 0, { phase: " (listing)" });
        started = true;
      }
      bar.setTotal(Math.max(p.listed, 1));
      bar.update(p.done, { phase: p.listComplete ? "" : " (listing)" });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

/** One line for an error, never with credentials (settings and SDK errors carry none). */
export function describeError(err: unknown): string {
  if (err instanceof RosterError || err instanceof SettingsError) return err.message;
  if (isRestException(err)) {
    const e = err as { status: number; code?: number; message: string };
    return `Twilio ${e.status}${e.code ? ` (code ${e.code})` : ""}: ${e.message}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
