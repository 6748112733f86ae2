// A CliContext that records instead of touching the process: what the command
// printed, which files it wrote and the exit code it set. Tests run commands
// in-process through it (src/cli/context.ts is the real one).

import { writeFileSync } from "node:fs";
import * as path from "node:path";
import type { CliContext } from "../src/cli/context";
import type { PulumiRunner } from "../src/pulumi/runner";

export interface RecordingContext extends CliContext {
  out: { text: string };
  err: { text: string };
  /** Files written through the context, by the path the command gave. */
  files: Map<string, string>;
  /** Set by the command; undefined if it never set one. */
  exitCode?: number;
}

export interface RecordingOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** What `pulumi` answers; by default a test that reaches Pulumi fails loudly. */
  pulumi?: PulumiRunner;
  stdin?: string;
  /** Also write files to disk (under cwd), for tests that read them back from there. */
  writeToDisk?: boolean;
}

export function recordingContext(opts: RecordingOptions = {}): RecordingContext {
  const cwd = opts.cwd ?? process.cwd();
  const ctx: RecordingContext = {
    out: { text: "" },
    err: { text: "" },
    files: new Map(),
    env: opts.env ?? {},
    cwd,
    stderrIsTTY: false,
    pulumi: opts.pulumi ?? {
      preview: async () => {
        throw new Error("unexpected pulumi preview");
      },
      up: async () => {
        throw new Error("unexpected pulumi up");
      },
      stacks: async () => {
        throw new Error("unexpected pulumi stack ls");
      },
      createStack: async () => {
        throw new Error("unexpected pulumi stack init");
      },
      close: async () => {},
    },
    stdout: (t) => void (ctx.out.text += t),
    stderr: (t) => void (ctx.err.text += t),
    readStdin: async () => opts.stdin ?? "",
    writeFile: (file, text) => {
      ctx.files.set(file, text);
      if (opts.writeToDisk) writeFileSync(path.resolve(cwd, file), text);
    },
    setExitCode: (code) => void (ctx.exitCode = code),
  };
  return ctx;
}
