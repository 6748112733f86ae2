// Fast refresh end to end: after a run has recorded each worker's settled
// date_updated, a refreshing preview of unchanged workers lists the workers once
// and fetches none (N + ceil(N/1000) calls plus the one-per-run lookups, instead
// of 2N plus those), and drift of
// each managed field made out of band is still planned.

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flexIdentity } from "../../src/flex/identity";
import { createFlexStack, type FlexStack } from "../../testing/flex-stack";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";
import { AGENT_DEFAULTS, rosterYaml } from "../../testing/roster-builders";

const N = 12;
const emails = Array.from({ length: N }, (_, i) => `fast.${i}@acme.com`);
const ROSTER = rosterYaml(
  emails.map((e) => ({ email: e, fullName: `Fast ${e.split("@")[0]}` })),
  { defaults: AGENT_DEFAULTS },
);
const FETCH = "GET /v1/Workspaces/:WorkspaceSid/Workers/:Sid";
const LIST = "GET /v1/Workspaces/:WorkspaceSid/Workers";
const CHANNELS = "GET /v1/Workspaces/:WorkspaceSid/Workers/:WorkerSid/Channels";

let stack: FlexStack;

beforeAll(async () => {
  await ensurePulumi();
  stack = await createFlexStack({ roster: ROSTER });
}, ENSURE_PULUMI_TIMEOUT_MS);
afterAll(() => stack?.close());

async function plan(): Promise<Record<string, string>> {
  const r = await stack.pulumi(["preview", "--json"]);
  expect(r.code, r.stderr).toBe(0);
  const ops: Record<string, string> = {};
  for (const s of JSON.parse(r.stdout).steps ?? []) {
    if (!String(s.urn).includes("flex-roster:Worker") || s.op === "refresh" || s.op === "same") continue;
    ops[String(s.urn).split("::").pop()!] = s.op;
  }
  return ops;
}

describe("fast refresh", { timeout: 300_000 }, () => {
  it("a no-op refreshing preview lists once and fetches no worker; each kind of drift is still planned", async () => {
    await stack.ok(["up", "--yes", "--skip-preview"]);
    // date_updated has whole seconds: a value is recorded only once it is 2 s old.
    await new Promise((r) => setTimeout(r, 3000));
    await stack.ok(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
    const recorded = (await stack.workerResources()).filter((r) => typeof r.outputs?.dateUpdated === "string");
    expect(recorded.length, "the second up's refresh recorded every worker's date_updated").toBe(N);

    const c = stack.emulator.control;
    c.resetCounters();
    await stack.ok(["preview", "--expect-no-changes"]);
    const noop = c.counters();
    expect(noop.byRoute[FETCH] ?? 0).toBe(0);
    expect(noop.byRoute[LIST]).toBe(1);
    expect(noop.byRoute[CHANNELS]).toBe(N);
    // N channel lists + ceil(N/1000) list pages + one-per-run lookups: the workspace, the
    // Flex Configuration and the preflight's task channels, each at most once.
    const perRun = Object.entries(noop.byRoute).filter(([k]) => k !== CHANNELS && k !== LIST);
    expect(perRun.every(([, v]) => v === 1), JSON.stringify(perRun)).toBe(true);
    const ONCE_PER_RUN = new Set(["GET /v1/Workspaces", "GET /v1/Workspaces/:Sid", "GET /v1/Configuration", "GET /v1/Workspaces/:WorkspaceSid/TaskChannels"]);
    expect(perRun.map(([k]) => k).filter((k) => !ONCE_PER_RUN.has(k)), JSON.stringify(perRun)).toEqual([]);
    expect(noop.total).toBe(N + 1 + perRun.length);

    // Out of band: attributes, a chat capacity, a voice availability, a delete.
    const ws = stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid);
    const sidOf = async (i: number) => (await ws.workers.list({ friendlyName: flexIdentity(emails[i]!) }))[0]!.sid;
    const chan = async (sid: string, name: string) => (await ws.workers(sid).workerChannels.list()).find((x) => x.taskChannelUniqueName === name)!;
    const [a, b, d, e] = await Promise.all([0, 1, 2, 3].map(sidOf));
    const attrs = JSON.parse((await ws.workers(a!).fetch()).attributes);
    await ws.workers(a!).update({ attributes: JSON.stringify({ ...attrs, full_name: "Out Of Band" }) });
    await ws.workers(b!).workerChannels((await chan(b!, "chat")).sid).update({ capacity: 6 });
    await ws.workers(d!).workerChannels((await chan(d!, "voice")).sid).update({ available: false });
    await ws.workers(e!).remove();

    c.resetCounters();
    const ops = await plan();
    expect(ops).toEqual({
      [flexIdentity(emails[0]!)]: "update",
      [flexIdentity(emails[1]!)]: "update",
      [flexIdentity(emails[2]!)]: "update",
      [flexIdentity(emails[3]!)]: "create",
    });
    // Fetched: the worker written out of band and the one missing from the list.
    expect(c.counters().byRoute[FETCH]).toBe(2);

    await stack.ok(["up", "--yes", "--skip-preview"]);
    await stack.ok(["preview", "--expect-no-changes"]);
  });
});
