// Ten bad rosters and settings through the real CLI against the emulator:
// `pulumi preview` and `pulumi up --yes` both fail with the file:line and field
// (or the one setting to fix), the emulator sees 0 writes and state holds no
// worker. Seven come from the unit corpus; three are only knowable from
// TaskRouter (unknown task channel, a workspace that does not resolve, a
// rejected auth token) and are caught by the provider's preflight in check.

import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CORPUS } from "../fixtures/bad-rosters";
import { createFlexStack, type FlexStack } from "../../testing/flex-stack";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";
import { rosterYaml } from "../../testing/roster-builders";

const FROM_CORPUS = [
  "75-char email: derived identity too long",
  "identity with lower-case hex",
  "fullName of 100 KB",
  "__proto__ attribute key",
  "UTF-16 LE with BOM",
  "alias bomb (billion laughs)",
  "zero-width space in an email",
];

const good = (n: number, extra = "") => rosterYaml(Array.from({ length: n }, (_, i) => ({ email: `ok${i}@acme.com` }))) + extra;

interface CliCase {
  name: string;
  roster: string | Uint8Array;
  /** `file:line:column field` the CLI output must contain (roster cases). */
  at?: string;
  /** Text the CLI output must contain. */
  says: string;
  config?: Record<string, string>;
}

let stack: FlexStack;

beforeAll(async () => {
  await ensurePulumi();
  stack = await createFlexStack({ roster: good(1) });
}, ENSURE_PULUMI_TIMEOUT_MS);
afterAll(() => stack?.close());

const cases: CliCase[] = [
  ...FROM_CORPUS.map((name) => {
    const c = CORPUS.find((x) => x.name === name)!;
    return { name, roster: c.yaml, at: c.at, says: c.says };
  }),
  {
    name: "unknown task channel",
    roster: good(2, "  - email: carol@acme.com\n    channels: { chatt: 2 }\n"),
    says: 'carol@acme.com: the workspace "Flex Task Assignment" has no task channel "chatt"',
  },
  { name: "workspace that does not resolve", roster: good(3).replace("Flex Task Assignment", "WS123"), says: 'TaskRouter workspace "WS123" not found' },
  {
    name: "auth token rejected by Twilio",
    roster: good(3),
    says: "Twilio rejected the auth token for account",
    config: { "twilio:authToken": "not-the-token" },
  },
];

describe("bad rosters and settings through the real CLI", { timeout: 600_000 }, () => {
  it.each(cases)("$name: preview and up fail with the same message, 0 writes, no worker in state", async (c) => {
    await writeFile(stack.rosterPath, c.roster);
    for (const [k, v] of Object.entries(c.config ?? {})) await stack.ok(["config", "set", "--secret", k, v]);
    try {
      stack.emulator.control.resetCounters();
      // `up` previews first (that is where it must fail); the TaskRouter-knowable
      // cases also run a plain `preview`, which used to be green for them.
      const runs = c.at ? [["up", "--yes"]] : [["preview"], ["up", "--yes"]];
      for (const args of runs) {
        const r = await stack.pulumi(args);
        const out = r.stdout + r.stderr;
        expect(r.code, out).not.toBe(0);
        if (c.at) expect(out).toContain(`${c.at}: `);
        expect(out).toContain(c.says);
        expect(out).not.toContain("Updating (e2e)"); // up stopped at its preview
        if (c.config) {
          // one failed worker for the run, not one per worker; the secret is never printed
          expect(out, out).toMatch(/\b1 errored\b/);
          for (const v of Object.values(c.config)) expect(out).not.toContain(v);
        }
      }
      expect(stack.emulator.control.counters().writes).toBe(0);
      expect(await stack.workerResources()).toEqual([]);
    } finally {
      if (c.config) await stack.ok(["config", "set", "--secret", "twilio:authToken", stack.emulator.authToken]);
    }
  });
});
