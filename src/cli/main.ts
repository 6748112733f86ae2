// flex-roster command line. This file only wires subcommands: each lives in
// src/cli/commands/<name>.ts and exports `register(program)`.
//
//   flex-roster <command> [options]   (bin/flex-roster runs this file, compiled or with tsx)

import { Command } from "commander";
import { defaultContext, EXIT, type CliContext } from "./context";
import * as doctor from "./commands/doctor";
import * as drift from "./commands/drift";
import * as importCmd from "./commands/import";
import * as preview from "./commands/preview";
import * as report from "./commands/report";
import * as up from "./commands/up";

export function buildProgram(ctx: CliContext = defaultContext()): Command {
  const program = new Command("flex-roster")
    .description("Twilio Flex agents as code: plan, apply and watch the roster (GitOps helpers around Pulumi).")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => ctx.stdout(s), writeErr: (s) => ctx.stderr(s) });

  // GitOps: PR report, guarded apply, drift gate.
  report.register(program, ctx);
  preview.register(program, ctx);
  up.register(program, ctx);
  drift.register(program, ctx);

  // Other subcommands: one import above and one register line here each.
  doctor.register(program, ctx);
  importCmd.register(program, ctx);

  program.addHelpText(
    "after",
    `
Exit codes (every command): 0 ok, 1 error; drift: 2 = live Flex differs from the roster;
preview/up: 3 = refused by the blast-radius guard. See docs/gitops.md.`,
  );
  return program;
}

export async function main(argv: string[] = process.argv, ctx: CliContext = defaultContext()): Promise<void> {
  const program = buildProgram(ctx);
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    // Commander's own exits (help, version, usage errors) come here via exitOverride.
    const code = (err as { exitCode?: number }).exitCode;
    ctx.setExitCode(typeof code === "number" ? (code === 0 ? EXIT.OK : EXIT.ERROR) : EXIT.ERROR);
    if (typeof code !== "number") ctx.stderr(`flex-roster: error: ${(err as Error).message}\n`);
  }
}

if (require.main === module) {
  void main();
}
