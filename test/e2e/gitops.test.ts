// The GitOps flow end to end, as the workflows run it: bin/flex-roster (preview,
// up, drift) on a real stack (real Pulumi CLI via scripts/pulumi, real program and
// provider) against the TaskRouter emulator.
//   1. a roster change on a branch: the PR report has exactly the expected rows
//   2. "merge": up applies it, and the drift gate is clean (exit 0)
//   3. out-of-band corruption (contact_uri set to client:bob through the Twilio SDK):
//      the drift gate exits 2 and names the agent and the reason
//   4. the blast-radius guard refuses a mass removal for real (exit 3, nothing touched)
//      and lets it through when explicitly allowed

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFlexStack, STACK, type FlexStack } from "../../testing/flex-stack";
import { flexRosterCli } from "../../testing/flex-roster-cli";
import { ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS } from "../../testing/pulumi-cli";
import { AGENT_DEFAULTS, agentYaml, rosterYaml } from "../../testing/roster-builders";

const AGENTS = {
  bob: agentYaml({ email: "bob@acme.com", fullName: "Bob Builder", skills: ["sales", "support"], channels: { chat: 3 } }),
  maria: agentYaml({ email: "maria@acme.com", fullName: "Maria Garcia", skills: ["support"] }),
  jl: agentYaml({ email: "jean-luc@acme.com", fullName: "Jean-Luc Picard" }),
  tk: agentYaml({ email: "tk@acme.com", fullName: "Tomasz Kowalski" }),
};
const roster = (...agents: string[]) => rosterYaml(agents, { defaults: AGENT_DEFAULTS });

const BOB = "bob_40acme_2Ecom";

let stack: FlexStack;

const cli = flexRosterCli(() => stack, STACK);

const rows = (json: any) => json.agents.map((a: any) => [a.email, a.action, a.reasons.map((r: any) => r.message)]);
const workers = async () =>
  (await stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers.list()).map((w) => w.friendlyName).sort();

beforeAll(async () => {
  await ensurePulumi();
  stack = await createFlexStack({ roster: roster(AGENTS.bob, AGENTS.maria, AGENTS.jl, AGENTS.tk) });
  const r = await cli(["up"]);
  if (r.code !== 0) throw new Error(r.describe());
}, ENSURE_PULUMI_TIMEOUT_MS);

afterAll(async () => {
  await stack?.close();
});

describe("GitOps flow on the emulator", { timeout: 600_000 }, () => {
  it("1. a roster change on a branch: the PR report has exactly the expected rows", async () => {
    const newHire = agentYaml({ email: "new.hire@acme.com", fullName: "Nia Hire", channels: { chat: 1 } });
    await stack.writeRoster(roster(AGENTS.bob.replace("chat: 3", "chat: 4"), AGENTS.maria, AGENTS.jl, newHire));
    const r = await cli(["preview"]);
    expect(r.code, r.describe()).toBe(0);
    expect(rows(r.json)).toEqual([
      ["tk@acme.com", "delete", ["not in the roster any more; worker " + r.json.agents[0].sid + " is deleted"]],
      ["new.hire@acme.com", "create", ["new agent in the roster"]],
      ["bob@acme.com", "update", ["chat capacity 3 → 4"]],
    ]);
    expect(r.json.totals).toEqual({ create: 1, update: 1, replace: 0, delete: 1, unchanged: 2, managed: 4 });
    expect(r.json.guard).toMatchObject({ status: "pass", removals: 1, max: 1 });
    // The comment: the marker first, three agent rows, each with its reason.
    expect(r.md.split("\n")[0]).toBe("<!-- flex-roster-report -->");
    expect(r.md.match(/^\| `[^\n]*$/gm)).toHaveLength(3);
    expect(r.md).toContain("| `tk@acme.com`<br><sub>`tk_40acme_2Ecom`</sub> | **delete**");
    expect(r.md).toContain("| `new.hire@acme.com`<br><sub>`new_2Ehire_40acme_2Ecom`</sub> | create | new agent; channels `chat` 1, `voice` 1 |");
    expect(r.md).toContain("| `bob@acme.com`<br><sub>`bob_40acme_2Ecom`</sub> | update | `chat` capacity `3` → `4` |");
    // A preview changes nothing.
    expect(await workers()).toContain("tk_40acme_2Ecom");
  });

  it("2. after the merge, up applies the change and the drift gate is clean (exit 0)", async () => {
    const up = await cli(["up"]);
    expect(up.code, up.describe()).toBe(0);
    expect(await workers()).toEqual(["bob_40acme_2Ecom", "jean_2Dluc_40acme_2Ecom", "maria_40acme_2Ecom", "new_2Ehire_40acme_2Ecom"]);
    const drift = await cli(["drift"]);
    expect(drift.code, drift.describe()).toBe(0);
    expect(drift.json.status).toBe("in-sync");
    expect(drift.md).toContain("**In sync.** Live Flex matches the roster for all 4 managed workers.");
  });

  it("3. out-of-band corruption: the drift gate exits 2 and names the agent and the reason", async () => {
    const [listed] = await stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers.list({ friendlyName: BOB });
    // Lists carry no attributes; fetch the worker for them.
    const w = await stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers(listed.sid).fetch();
    const attrs = JSON.parse(w.attributes);
    await stack.sdk.taskrouter.v1
      .workspaces(stack.emulator.workspaceSid)
      .workers(w.sid)
      .update({ attributes: JSON.stringify({ ...attrs, contact_uri: "client:bob" }) });

    const drift = await cli(["drift"]);
    expect(drift.code, drift.describe()).toBe(2);
    expect(rows(drift.json)).toEqual([
      ["bob@acme.com", "replace", ['contact_uri "client:bob" is not canonical "client:bob_40acme_2Ecom"']],
    ]);
    expect(drift.md).toContain("### flex-roster drift check");
    expect(drift.md).toContain(
      "| `bob@acme.com`<br><sub>`bob_40acme_2Ecom`</sub> | **replace**<br><sub>`" + w.sid + "`</sub> | contact_uri `client:bob` is not canonical; expected `client:bob_40acme_2Ecom`",
    );
    // The drift gate changed nothing; an apply repairs it and the gate is clean again.
    expect((await cli(["up"])).code).toBe(0);
    expect((await cli(["drift"])).code).toBe(0);
  });

  it("4. the blast-radius guard refuses a mass removal (exit 3, nothing touched) unless allowed", async () => {
    await stack.writeRoster(roster(AGENTS.bob));
    const before = await workers();
    const blocked = await cli(["up"]);
    expect(blocked.code, blocked.describe()).toBe(3);
    expect(blocked.stderr).toContain("would delete or replace 3 workers (3 deletes, 0 replaces) of 4 managed; the limit is 1");
    expect(blocked.md).toContain("**Blocked by the blast-radius guard:**");
    expect(await workers()).toEqual(before);

    const allowed = await cli(["up"], { FLEX_ROSTER_ALLOW_MASS_REMOVAL: "1" });
    expect(allowed.code, allowed.describe()).toBe(0);
    expect(allowed.json.guard).toMatchObject({ status: "allowed", allowedBy: "FLEX_ROSTER_ALLOW_MASS_REMOVAL=1" });
    expect(await workers()).toEqual([BOB]);
    expect((await cli(["drift"])).code).toBe(0);
  });
});
