// Where the Twilio credential lives, checked with the real CLI: what the
// README promises. From the environment (the recommended path for CI) it is in
// no config, no state (not even with --show-secrets) and no log, verbose
// engine logs included. From stack config (a `--secret`), Pulumi hands the
// stack's config to the default `pulumi-nodejs` provider and records it as that
// provider's inputs (and outputs): encrypted in state, plain only with --show-secrets, and
// in no worker, output, preview or log.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlexStack, type FlexStack } from "../../testing/flex-stack";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";

const ROSTER = "workspace: Flex Task Assignment\nagents:\n  - email: ann@acme.com\n    fullName: Ann\n";

/** Every path (e.g. `resources[1].inputs.__pulumi...`) in a JSON value whose string contains `needle`. */
function pathsContaining(value: unknown, needle: string, at = ""): string[] {
  if (typeof value === "string") return value.includes(needle) ? [at] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => pathsContaining(v, needle, `${at}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => pathsContaining(v, needle, at ? `${at}.${k}` : k));
  }
  return [];
}

let stack: FlexStack;
let token: string;
const logs: string[] = [];

beforeAll(async () => {
  await ensurePulumi();
  stack = await createFlexStack({ roster: ROSTER });
  token = stack.emulator.authToken;
}, ENSURE_PULUMI_TIMEOUT_MS);
afterAll(() => stack?.close());

describe("where the credential lives", { timeout: 600_000 }, () => {
  it("from stack config: only in the default provider's inputs, encrypted; plain only with --show-secrets", async () => {
    for (const args of [["up", "--yes"], ["preview", "--diff"]]) {
      const r = await stack.ok(args);
      logs.push(r.stdout, r.stderr);
    }
    const plain = JSON.parse((await stack.ok(["stack", "export"])).stdout);
    expect(pathsContaining(plain, token)).toEqual([]);
    const shown = JSON.parse((await stack.ok(["stack", "export", "--show-secrets"])).stdout);
    const resources: Array<{ type: string }> = shown.deployment.resources;
    const found = pathsContaining(resources, token);
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) {
      // only in the default provider resource, as its inputs (and the outputs Pulumi mirrors from them)
      const index = Number(/^\[(\d+)\]/.exec(p)![1]);
      expect(resources[index].type, p).toBe("pulumi:providers:pulumi-nodejs");
      expect(p).toMatch(/^\[\d+\]\.(inputs|outputs)\./);
    }
    expect(found.some((p) => /^\[\d+\]\.inputs\./.test(p))).toBe(true);
    // no worker and no stack output carries it
    expect(resources.filter((r) => r.type.endsWith("flex-roster:Worker")).length).toBe(1);
    expect(logs.join("\n")).not.toContain(token);
  });

  it("from the environment: in no config, no state (even --show-secrets) and no log, -v=9 included", async () => {
    const env = { TWILIO_ACCOUNT_SID: stack.emulator.accountSid, TWILIO_AUTH_TOKEN: token };
    await stack.ok(["config", "rm", "twilio:authToken"]);
    await stack.ok(["config", "rm", "twilio:accountSid"]);
    await stack.writeRoster(ROSTER.replace("fullName: Ann", "fullName: Ann Lee"));
    const up = await stack.ok(["up", "--yes"], env);
    expect(up.stdout).toContain("1 updated");
    const verbose = await stack.ok(["preview", "--diff", "-v=9", "--logtostderr"], env);
    expect(verbose.stderr.length).toBeGreaterThan(10_000);
    for (const out of [up.stdout, up.stderr, verbose.stdout, verbose.stderr]) expect(out).not.toContain(token);
    const shown = JSON.parse((await stack.ok(["stack", "export", "--show-secrets"])).stdout);
    expect(pathsContaining(shown, token)).toEqual([]);
    const config = (await stack.ok(["config", "--show-secrets", "--json"])).stdout;
    expect(config).not.toContain(token);
  });
});
