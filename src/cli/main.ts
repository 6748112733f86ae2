// flex-roster command line. This file only wires subcommands: each lives in
// src/cli/commands/<name>.ts and exports `register(program, ctx)`; all of
// them write output and exit codes through the CliContext (./context.ts).
//
//   flex-roster <command> [options]   (bin/flex-roster runs this file, compiled or with tsx)

import { Command, CommanderError } from "commander";
import { defaultContext, type CliContext } from "./context";
import { EXIT, exitCodesHelp } from "./exit-codes";
import * as conformance from "./commands/conformance";
import * as doctor from "./commands/doctor";
import * as drift from "./commands/drift";
import * as importCmd from "./commands/import";
import * as preview from "./commands/preview";
import * as report from "./commands/report";
import * as up from "./commands/up";

/** Every subcommand, in the order of `--help`: GitOps (PR report, guarded apply, drift gate), then brownfield. */
const COMMANDS: readonly { register(program: Command, ctx: CliContext): void }[] = [report, preview, up, drift, doctor, importCmd, conformance];

export function buildProgram(ctx: CliContext = defaultContext()): Command {
  const program = new Command("flex-roster")
    .description("Twilio Flex agents as code: plan, apply and watch the roster (GitOps helpers around Pulumi).")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => ctx.stdout(s), writeErr: (s) => ctx.stderr(s) })
    // Before the subcommands exist: they inherit it, so their usage errors throw to main() instead of exiting.
    .exitOverride();
  for (const command of COMMANDS) command.register(program, ctx);
  program.addHelpText("after", `\n${exitCodesHelp()}\nSee docs/gitops.md.`);
  return program;
}

export async function main(argv: string[] = process.argv, ctx: CliContext = defaultContext()): Promise<void> {
  try {
    await buildProgram(ctx).parseAsync(argv);
  } catch (err) {
    // Commander's own exits (help, version, usage errors): it has printed the message already.
    if (err instanceof CommanderError) {
      ctx.setExitCode(err.exitCode === 0 ? EXIT.OK : EXIT.ERROR);
      return;
    }
    ctx.setExitCode(EXIT.ERROR);
    ctx.stderr(`flex-roster: error: ${(err as Error).message}\n`);
  }
}

if (require.main === module) {
  void main();
}
