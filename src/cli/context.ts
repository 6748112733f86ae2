// What a command needs from the outside world, injectable for tests.

import { runPulumi, type PulumiRunner } from "./pulumi";

/** Exit codes shared by every flex-roster command. */
export const EXIT = {
  /** Success; for `drift`: live Flex matches the roster. */
  OK: 0,
  /** An error: bad arguments or input, Pulumi failed, the preview reported errors. */
  ERROR: 1,
  /** `drift` only: live Flex differs from the roster. */
  DRIFT: 2,
  /** `preview`/`up`/`report --guard`: the blast-radius guard refused the plan (nothing applied). */
  BLOCKED: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliContext {
  pulumi: PulumiRunner;
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
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
  return {
    pulumi: runPulumi,
    env: process.env,
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    readStdin: () =>
      process.stdin.isTTY
        ? Promise.reject(new CliError("no input: pipe `pulumi preview --json` output in, or give --preview-json FILE"))
        : readAll(process.stdin),
    setExitCode: (code) => {
      process.exitCode = code;
    },
  };
}

/** An error with a message meant for people and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.ERROR,
  ) {
    super(message);
    this.name = "CliError";
  }
}
