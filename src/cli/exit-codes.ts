// The one exit-code table of flex-roster: the same four codes for every
// command. `--help` (top level and per command), README and docs print it from
// here (a test keeps the docs in step), so scripts can rely on one meaning.

export const EXIT = {
  /** In sync, clean, done: nothing that needs attention. */
  OK: 0,
  /** The command could not do its job: bad option or input, credentials, network, Pulumi failed. */
  ERROR: 1,
  /** It worked and found something: live Flex differs from the roster, or doctor found problems. */
  DRIFT: 2,
  /** A guard refused the plan (blast radius, or a queue emptied): nothing was applied. */
  BLOCKED: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What a code means, whichever command returns it. */
export const EXIT_MEANINGS: Readonly<Record<ExitCode, string>> = {
  [EXIT.OK]: "ok: in sync, clean, done",
  [EXIT.ERROR]: "error: bad option or input, credentials, network, Pulumi failed or the preview reported errors",
  [EXIT.DRIFT]: "drift or findings: live Flex differs from the roster, doctor found problems (see --fail-on), or an assumption of conformance does not hold",
  [EXIT.BLOCKED]: "refused by a guard (blast radius, or a TaskQueue left with no eligible worker): nothing was applied",
};

/** The codes each command returns, in that command's words. A command never returns a code it does not list. */
export const COMMAND_EXITS = {
  preview: {
    [EXIT.OK]: "plan made (with or without changes) and within the guard's limit",
    [EXIT.ERROR]: "error (pulumi failed, the preview reported errors, bad configuration)",
    [EXIT.BLOCKED]: "the blast-radius or the routing guard refused the plan (see docs/gitops.md to allow it)",
  },
  up: {
    [EXIT.OK]: "applied, or nothing to do",
    [EXIT.ERROR]: "error (pulumi failed, the preview reported errors, bad configuration); the update may be partial",
    [EXIT.BLOCKED]: "the blast-radius or the routing guard refused the plan; nothing was applied",
  },
  drift: {
    [EXIT.OK]: "in sync: live Flex matches the roster",
    [EXIT.ERROR]: "error (pulumi failed, the preview reported errors, bad option)",
    [EXIT.DRIFT]: "drift: the report lists what `flex-roster up` would change",
  },
  report: {
    [EXIT.OK]: "report written (--mode plan; --mode drift: no changes)",
    [EXIT.ERROR]: "error (unreadable or invalid preview JSON, bad option), or the preview reported errors (the report shows them)",
    [EXIT.DRIFT]: "--mode drift only: the plan has changes, i.e. live Flex differs from the roster",
    [EXIT.BLOCKED]: "--guard only: the blast-radius guard refused the plan",
  },
  doctor: {
    [EXIT.OK]: "clean: no finding at or above --fail-on (information never fails)",
    [EXIT.ERROR]: "doctor could not run (bad option, credentials, network, roster file)",
    [EXIT.DRIFT]: "findings: a warning or critical problem (--fail-on warning, the default), or a critical one (--fail-on critical)",
  },
  import: {
    [EXIT.OK]: "roster written (its comments flag the workers that are corrupted)",
    [EXIT.ERROR]: "could not import (bad option, credentials, network, file exists)",
  },
  conformance: {
    [EXIT.OK]: "every checked assumption holds; the scratch worker was deleted",
    [EXIT.ERROR]: "could not run (bad option, credentials, workspace), interrupted, or the scratch worker could not be deleted",
    [EXIT.DRIFT]: "an assumption does not hold: the table names it and what flex-roster does about it",
  },
} as const satisfies Record<string, Partial<Record<ExitCode, string>>>;

export type CommandName = keyof typeof COMMAND_EXITS;

function rows(table: Partial<Record<ExitCode, string>>): [ExitCode, string][] {
  return Object.entries(table).map(([code, meaning]) => [Number(code) as ExitCode, meaning as string]);
}

/** Which commands return a code, e.g. "preview, up, report --guard" for 3. */
function returnedBy(code: ExitCode): string {
  const names = (Object.keys(COMMAND_EXITS) as CommandName[]).filter((c) => code in COMMAND_EXITS[c]);
  return names.length === Object.keys(COMMAND_EXITS).length ? "all" : names.map((n) => `\`${n}\``).join(", ");
}

/** "Exit codes:" block for `--help`: the whole table, or one command's rows. */
export function exitCodesHelp(command?: CommandName): string {
  const table = command ? rows(COMMAND_EXITS[command]) : rows(EXIT_MEANINGS);
  const head = command ? "Exit codes:" : "Exit codes (the same for every command; `<command> --help` says what each one returns):";
  return [head, ...table.map(([code, meaning]) => `  ${code}  ${meaning}`)].join("\n");
}

/** The table as Markdown, for README and docs: every command, or one command's rows. */
export function exitCodesMarkdown(command?: CommandName): string {
  if (command) {
    return ["| code | meaning |", "| --- | --- |", ...rows(COMMAND_EXITS[command]).map(([c, m]) => `| ${c} | ${m} |`)].join("\n");
  }
  return [
    "| code | meaning | returned by |",
    "| --- | --- | --- |",
    ...rows(EXIT_MEANINGS).map(([c, m]) => `| ${c} | ${m} | ${returnedBy(c)} |`),
  ].join("\n");
}
