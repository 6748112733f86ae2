// The fault matrix end to end: the real CLI, the real SDK and the emulator
// over HTTP. Rows are chained on one stack so every faulted `up` does all four
// operations at once: it creates a new agent, updates one (fullName), replaces
// one (contact_uri corrupted out of band) and deletes one (left the roster).
// Faults are aimed at the routes of those operations: POST …/Workers (create,
// and the create half of a replace), POST …/Workers/{Sid} (update, and the
// Offline step of delete and replace), DELETE …/Workers/{Sid}. After the fault
// is lifted, one ordinary `up` and a `preview --expect-no-changes` must pass
// with every roster agent having exactly one worker (0 duplicates, 0 lost)
// and the removed one gone. Figures go to docs/reliability.md.

import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../emulator";
import type { FaultSpec } from "../../emulator/control";
import { createFlexStack, STACK, type FlexStack } from "../../testing/flex-stack";
import { killTree } from "../../testing/kill-rerun";
import { baseEnv, ensurePulumi, ENSURE_PULUMI_TIMEOUT_MS, PULUMI_SCRIPT, type RunResult } from "../../testing/pulumi-cli";
import { rosterYaml } from "../../testing/roster-builders";

const CREATE = "POST /v1/Workspaces/:WorkspaceSid/Workers";
const UPDATE = "POST /v1/Workspaces/:WorkspaceSid/Workers/:Sid";
const DELETE = "DELETE /v1/Workspaces/:WorkspaceSid/Workers/:Sid";
const OPS = [CREATE, UPDATE, DELETE];

const email = (n: number) => `agent${n}@acme.com`;
const identity = (n: number) => `agent${n}_40acme_2Ecom`;

/** Roster of agents `ids`; `renamed` gets a new fullName (an update). */
function roster(ids: number[], renamed: number, version: number): string {
  const agents = ids.map((n) => ({ email: email(n), fullName: `Agent ${n}${n === renamed ? ` v${version}` : ""}` }));
  return rosterYaml(agents, { defaults: "{ channels: { chat: 2 } }" });
}

interface Row {
  fault: string;
  /** Set up the fault; may return a hook run while `up` is in flight, and env for the faulted run. */
  arm(ctx: Ctx): Promise<Armed | void>;
  /** Whether the faulted run itself must succeed (retries absorb the fault). */
  faultedRunPasses?: boolean;
}

interface Armed {
  /** Runs while the faulted `up` is in flight (given its promise). */
  during?: (run: Promise<RunResult>) => Promise<void>;
  env?: Record<string, string>;
  args?: string[];
  kill?: boolean;
}

interface Ctx {
  emu(): Emulator;
  stack: FlexStack;
  sids: Map<number, string>;
  ids: { create: number; update: number; replace: number; del: number };
}

interface Figure {
  fault: string;
  faultedExit: number | null;
  faultsFired: number;
  /** Responses by status during the faulted run, e.g. 412s from the race. */
  byStatus: Record<string, number>;
  hitsByOp: Record<string, number>;
  faultedMs: number;
  rerunExit: number | null;
  rerunMs: number;
  previewExit: number | null;
  workers: number;
  duplicates: number;
  lost: number;
}

const figures: Figure[] = [];
let stateDir: string;
let port: number;
let current: Emulator;
let stack: FlexStack;
/** Agents currently in the roster, oldest first. */
let live: number[] = [1, 2, 3, 4];
let next = 5;
let version = 1;

async function restartEmulator(downMs: number): Promise<void> {
  await current.close();
  await new Promise((r) => setTimeout(r, downMs));
  current = await startEmulator({ port, statePath: path.join(stateDir, "emulator.json") });
}

const inject = (specs: FaultSpec[]) => {
  for (const s of specs) current.control.injectFault(s);
};
const onEveryOp = (spec: Omit<FaultSpec, "method" | "route">): FaultSpec[] =>
  OPS.map((op) => ({ ...spec, route: op }));

const ROWS: Row[] = [
  { fault: "401 mid-run (credentials rotated)", arm: async () => inject([{ kind: "401", route: UPDATE }, { kind: "401", route: DELETE }]) },
  {
    fault: "412 race with a concurrent writer",
    arm: async (ctx) => {
      // An SSO login rewrites attributes while up runs; writes are slowed so the race is real.
      current.control.setLatency(400, { route: UPDATE.split(" ")[1], method: "POST" });
      let stop = false;
      const writer = (async () => {
        while (!stop) {
          for (const sid of [ctx.sids.get(ctx.ids.update), ctx.sids.get(ctx.ids.replace)]) {
            if (!sid) continue;
            const w = ctx.stack.sdk.taskrouter.v1.workspaces(current.workspaceSid).workers(sid);
            try {
              const attrs = JSON.parse((await w.fetch()).attributes);
              await w.update({ attributes: JSON.stringify({ ...attrs, image_url: `https://img.example/${Date.now()}` }) });
            } catch {
              // deleted by the replace: fine
            }
          }
        }
      })();
      return {
        during: async (run) => {
          await run;
          stop = true;
          await writer;
          current.control.clearLatency();
        },
      };
    },
  },
  {
    fault: "emulator restart mid-run (state kept)",
    faultedRunPasses: true,
    arm: async () => ({
      during: async () => {
        await waitFor(() => current.control.counters().writes >= 1);
        await restartEmulator(1500);
      },
    }),
  },
  { fault: "SIGKILL of pulumi up", arm: async () => ({ kill: true }) },
  {
    fault: "one agent fails permanently",
    arm: async (ctx) => {
      // Every write to the updated agent's worker fails; the others must still be applied.
      const sid = ctx.sids.get(ctx.ids.update)!;
      inject([{ kind: "500", method: "POST", route: `/v1/Workspaces/${current.workspaceSid}/Workers/${sid}` }]);
      // What `flex-roster up` passes: the others are applied even after this one fails.
      return { args: ["--continue-on-error"] };
    },
  },
  { fault: "429/20429 burst", faultedRunPasses: true, arm: async () => inject(onEveryOp({ kind: "429", count: 2, retryAfter: 0 })) },
  {
    fault: "500 and 503",
    faultedRunPasses: true,
    arm: async () => inject([...onEveryOp({ kind: "500", count: 1 }), ...onEveryOp({ kind: "503", count: 1 })]),
  },
  { fault: "dropped connections", faultedRunPasses: true, arm: async () => inject(onEveryOp({ kind: "drop", count: 2 })) },
  {
    fault: "response slower than the request timeout",
    faultedRunPasses: true,
    // The slow write still lands after the client gave up: the retry must adopt it, not duplicate it.
    arm: async () => {
      inject(onEveryOp({ kind: "slow", count: 1, delayMs: 2500 }));
      return { env: { FLEX_ROSTER_REQUEST_TIMEOUT_MS: "1000" } };
    },
  },
];

async function waitFor(cond: () => boolean, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function workerSids(): Promise<Map<string, string[]>> {
  const list = await stack.sdk.taskrouter.v1.workspaces(current.workspaceSid).workers.list({ pageSize: 1000 });
  const byName = new Map<string, string[]>();
  for (const w of list) byName.set(w.friendlyName, [...(byName.get(w.friendlyName) ?? []), w.sid]);
  return byName;
}

/**
 * `up` killed with SIGKILL after `writes` API writes, with every descendant:
 * Pulumi starts its plugins in their own process groups, so a group kill left
 * the language host and providers running (an orphaned program then spun at
 * 90% of a core for the rest of the suite).
 */
async function killedUp(writes: number): Promise<RunResult> {
  const started = Date.now();
  const child = spawn("bash", [PULUMI_SCRIPT, "up", "--yes", "--skip-preview", "--stack", STACK, "--non-interactive"], {
    cwd: stack.dir,
    env: { ...baseEnv(), ...stack.env },
    detached: true,
    stdio: "ignore",
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await Promise.race([waitFor(() => current.control.counters().writes >= writes), exited]);
  killTree(child.pid!);
  const code = await exited;
  return { code, signal: "SIGKILL", stdout: "", stderr: "", timedOut: false, durationMs: Date.now() - started };
}

beforeAll(async () => {
  await ensurePulumi();
  stateDir = await mkdtemp(path.join(os.tmpdir(), "flex-roster-faults-"));
  current = await startEmulator({ statePath: path.join(stateDir, "emulator.json") });
  port = Number(new URL(current.url).port);
  // The stack talks to the port, whichever emulator process serves it.
  stack = await createFlexStack({ roster: roster(live, 0, version), emulator: current });
  const up = await stack.pulumi(["up", "--yes", "--skip-preview"]);
  expect(up.code, up.stdout + up.stderr).toBe(0);
}, ENSURE_PULUMI_TIMEOUT_MS);

afterAll(async () => {
  await stack?.close();
  await current?.close();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
  if (figures.length) console.log(`fault matrix figures:\n${JSON.stringify(figures, null, 1)}`);
});

describe("fault matrix: create, update, replace and delete under each fault", { timeout: 900_000 }, () => {
  it.each(ROWS)("$fault", async (row) => {
    const sids = new Map<number, string>();
    for (const [name, list] of await workerSids()) {
      const n = Number(/^agent(\d+)_/.exec(name)?.[1]);
      if (list.length === 1) sids.set(n, list[0]);
    }
    // live = [del, replace, update, keep...]: rotate so each agent takes every role over the rows.
    const [del, replace, update] = live;
    const create = next++;
    version++;
    const ids = { create, update, replace, del };
    const wanted = [...live.filter((n) => n !== del), create];
    // replace: corrupt contact_uri out of band; update: a new fullName; delete: left out; create: new.
    const rw = stack.sdk.taskrouter.v1.workspaces(current.workspaceSid).workers(sids.get(replace)!);
    const attrs = JSON.parse((await rw.fetch()).attributes);
    await rw.update({ attributes: JSON.stringify({ ...attrs, contact_uri: `client:agent${replace}` }) });
    await stack.writeRoster(roster(wanted, update, version));

    current.control.resetCounters();
    const armed = (await row.arm({ emu: () => current, stack, sids, ids })) || {};
    const t0 = Date.now();
    let faulted: RunResult;
    if (armed.kill) {
      faulted = await killedUp(1 + (version % 3));
    } else {
      const run = stack.pulumi(["up", "--yes", "--skip-preview", ...(armed.args ?? [])], armed.env);
      if (armed.during) await armed.during(run);
      faulted = await run;
    }
    const faultedMs = Date.now() - t0;
    const faultInfo = current.control.faults();
    const hitsByOp: Record<string, number> = {};
    for (const f of faultInfo) hitsByOp[`${f.kind} ${f.route}`] = (hitsByOp[`${f.kind} ${f.route}`] ?? 0) + f.hits;
    const faultsFired = current.control.counters().faults;
    const byStatus = current.control.counters().byStatus;
    current.control.clearFaults();
    current.control.clearLatency();

    const out = faulted.stdout + faulted.stderr;
    if (row.faultedRunPasses) expect(faulted.code, out).toBe(0);
    if (row.fault.startsWith("401")) {
      expect(faulted.code).not.toBe(0);
      expect(out).toContain("code 20003");
      expect(out).toContain("`twilio:authToken`");
    }
    if (row.fault === "one agent fails permanently") {
      expect(faulted.code).not.toBe(0);
      expect(out).toContain(`${email(update)}: update of worker "${identity(update)}" failed: Twilio 500`);
      // the others proceeded in the same run
      const names = await workerSids();
      expect(names.has(identity(create))).toBe(true);
      expect(names.has(identity(del))).toBe(false);
    }
    // A killed CLI leaves its lock behind; `pulumi cancel` is Pulumi's documented way to clear it.
    if (armed.kill) await stack.pulumi(["cancel", "--yes"]);

    const t1 = Date.now();
    const rerun = await stack.pulumi(["up", "--yes", "--skip-preview"]);
    const rerunMs = Date.now() - t1;
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);
    const preview = await stack.pulumi(["preview", "--expect-no-changes"]);
    expect(preview.code, preview.stdout + preview.stderr).toBe(0);

    const names = await workerSids();
    const duplicates = [...names.values()].filter((l) => l.length > 1).length;
    const lost = wanted.filter((n) => !names.has(identity(n))).length;
    const figure: Figure = {
      fault: row.fault,
      faultedExit: faulted.code,
      faultsFired,
      byStatus,
      hitsByOp,
      faultedMs,
      rerunExit: rerun.code,
      rerunMs,
      previewExit: preview.code,
      workers: names.size,
      duplicates,
      lost,
    };
    figures.push(figure);
    console.log(`fault matrix row: ${JSON.stringify(figure)}`);
    expect(duplicates).toBe(0);
    expect(lost).toBe(0);
    expect([...names.keys()].sort()).toEqual(wanted.map(identity).sort());
    expect((await stack.workerResources()).length).toBe(wanted.length);
    // the replaced worker is canonical again
    const fixed = await stack.sdk.taskrouter.v1.workspaces(current.workspaceSid).workers(names.get(identity(replace))![0]).fetch();
    expect(JSON.parse(fixed.attributes).contact_uri).toBe(`client:${identity(replace)}`);
    live = wanted.slice().sort((a, b) => a - b);
  });
});
