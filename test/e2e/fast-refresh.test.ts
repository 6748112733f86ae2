// Refresh from TaskRouter's event log end to end (src/reconcile/change-log.ts):
// right after the up that created the workers, and with half of them changing
// activity, a refreshing preview lists the workers once, reads the log, and
// reads nothing per worker, shows no refresh diff (state is left exactly as
// it was), and each kind of drift made out of band is still planned at no more
// than 2 calls for its worker.

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
const EVENTS = "GET /v1/Workspaces/:WorkspaceSid/Events";

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

/** A no-op refreshing preview with --diff: no change, no refresh diff, and its calls. */
async function quietPreview() {
  const c = stack.emulator.control;
  c.resetCounters();
  const r = await stack.pulumi(["preview", "--diff", "--expect-no-changes"]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  // An unchanged worker's state is left exactly as it was: no "~ refresh" block, no bookkeeping field.
  expect(r.stdout).not.toMatch(/dateUpdated|readAt/);
  expect(r.stdout).not.toMatch(/~\s+.*flex-roster:Worker.*refresh/);
  const calls = c.counters();
  expect(calls.byRoute[FETCH] ?? 0).toBe(0);
  expect(calls.byRoute[CHANNELS] ?? 0).toBe(0);
  expect(calls.byRoute[LIST]).toBe(1);
  // ceil(N/1000) list pages + the event pages read + at most 10 one-per-run lookups.
  expect(calls.total).toBeLessThanOrEqual(1 + calls.byRoute[EVENTS]! + 10);
  return calls;
}

describe("refresh from the event log", { timeout: 300_000 }, () => {
  it("a no-op refreshing preview right after the up and in a live contact centre reads nothing per worker; each drift is planned", async () => {
    await stack.ok(["up", "--yes", "--skip-preview"]);
    const recorded = (await stack.workerResources()).filter((r) => typeof r.outputs?.readAt === "string");
    expect(recorded.length, "create records when each worker was read").toBe(N);
    const first = await quietPreview();
    expect(first.byRoute[EVENTS]).toBe(4); // one page of each of the four event types

    // Half the agents go Available: activity changes are not read at all.
    const ws = stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid);
    const available = (await ws.activities.list({ friendlyName: "Available" }))[0]!;
    const sidOf = async (i: number) => (await ws.workers.list({ friendlyName: flexIdentity(emails[i]!) }))[0]!.sid;
    const sids = await Promise.all(emails.map((_, i) => sidOf(i)));
    for (const sid of sids.slice(0, N / 2)) await ws.workers(sid).update({ activitySid: available.sid });
    await quietPreview();

    // Out of band: attributes, a chat capacity, a voice availability, a delete.
    const [a, b, d, e] = sids;
    const attrs = JSON.parse((await ws.workers(a!).fetch()).attributes);
    await ws.workers(a!).update({ attributes: JSON.stringify({ ...attrs, full_name: "Out Of Band" }) });
    await ws.workers(b!).workerChannels("chat").update({ capacity: 6 });
    await ws.workers(d!).workerChannels("voice").update({ available: false });
    await ws.workers(e!).remove();

    const c = stack.emulator.control;
    c.resetCounters();
    const ops = await plan();
    expect(ops).toEqual({
      [flexIdentity(emails[0]!)]: "update",
      [flexIdentity(emails[1]!)]: "update",
      [flexIdentity(emails[2]!)]: "update",
      [flexIdentity(emails[3]!)]: "create",
    });
    // Fetched: the worker written out of band and the one missing from the list; channels of the two channel changes.
    expect(c.counters().byRoute[FETCH]).toBe(2);
    expect(c.counters().byRoute[CHANNELS]).toBe(2);

    await stack.ok(["up", "--yes", "--skip-preview"]);
    await quietPreview();
  });
});
