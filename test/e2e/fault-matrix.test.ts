// The fault matrix end to end: the real CLI, the real SDK and the emulator
// over HTTP. Rows are chained on one stack so every faulted `up` does all four
// operations at once: it creates a new agent, updates one (fullName), replaces
// one (contact_uri corrupted out of band) and deletes one (left the roster).
// Faults are aimed at the routes of those operations: POST …/Workers (create,
// and the create half of a replace), POST …/Workers/{Sid} (update, and the
// Offline step of delete and replace), DELETE …/Workers/{Sid}. After the fault
// is lifted, one ordinary `up` and a `preview --expect-no-changes` must pass
// with every roster agent having its worker in state and the removed one gone.
// Each row also proves its fault happened (the emulator's per-rule counters,
// a 412, a kill that landed mid-run, a restart the run lived through), and
// that every worker a failed run left outside state was adopted by the rerun
// (a duplicate cannot happen: Twilio, like the emulator, refuses a second
// worker of the same name). Figures go to docs/reliability.md.

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
  /** Asserts the fault really happened during the faulted run (a row whose fault never fired must fail). */
  fired(f: Figure, ctx: Ctx): void;
}

interface Armed {
  /** Runs while the faulted `up` is in flight (given its promise). */
  during?: (run: Promise<RunResult>) => Promise<void>;
  env?: Record<string, string>;
  args?: string[];
  kill?: boolean;
  /** Figures the row fills in while it runs. */
  figure?: Partial<Figure>;
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
  /** Fired faults per rule, `kind METHOD route` (the emulator's counters). */
  hitsByOp: Record<string, number>;
  /** Kill row: the kill landed before the run ended on its own. */
  killedInFlight?: boolean;
  /** Restart row: the emulator was restarted while the run was still going. */
  restartedInFlight?: boolean;
  faultedMs: number;
  rerunExit: number | null;
  rerunMs: number;
  previewExit: number | null;
  workers: number;
  /** Workers of roster agents live after the faulted run but not in state. */
  orphansBeforeRerun: number;
  /** Of those, the ones the rerun took into state (their SIDs unchanged). */
  adopted: number;
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
  {
    fault: "401 mid-run (credentials rotated)",
    arm: async () => inject([{ kind: "401", route: UPDATE }, { kind: "401", route: DELETE }]),
    // The Offline step of the delete and the replace is an update: the update route always sees it.
    fired: (f) => expect(f.hitsByOp[`401 ${UPDATE}`], "401 on the update route").toBeGreaterThanOrEqual(1),
  },
  {
    fault: "412 race with a concurrent writer",
    // If-Match lost the race once, re-read and applied: the run still passes.
    faultedRunPasses: true,
    fired: (f) => expect(f.byStatus["412"], "one 412 during the faulted run").toBe(1),
    arm: async (ctx) => {
      // The update's write to its worker is held 1.5 s; while it is held, an SSO login
      // (an SDK write without If-Match) rewrites that worker's attributes: a real race, every time.
      const sid = ctx.sids.get(ctx.ids.update)!;
      const route = `/v1/Workspaces/${current.workspaceSid}/Workers/${sid}`;
      inject([{ kind: "slow", method: "POST", route, count: 1, delayMs: 1500 }]);
      return {
        during: async (run) => {
          let ended = false;
          void run.finally(() => (ended = true));
          await waitFor(() => ended || (current.control.counters().firedByRule[`slow POST ${route}`] ?? 0) >= 1);
          if (!ended) {
            const w = ctx.stack.sdk.taskrouter.v1.workspaces(current.workspaceSid).workers(sid);
            const attrs = JSON.parse((await w.fetch()).attributes);
            await w.update({ attributes: JSON.stringify({ ...attrs, image_url: `https://img.example/${Date.now()}` }) });
          }
          await run;
        },
      };
    },
  },
  {
    fault: "emulator restart mid-run (state kept)",
    faultedRunPasses: true,
    // Restarted before the run ended, and the restarted emulator served the rest of it.
    fired: (f) => {
      expect(f.restartedInFlight, "restarted while up was running").toBe(true);
      expect(f.byStatus["200"] ?? 0, "requests served after the restart").toBeGreaterThanOrEqual(1);
    },
    arm: async () => {
      const figure: Partial<Figure> = {};
      return {
        during: async (run) => {
          let ended = false;
          void run.finally(() => (ended = true));
          await waitFor(() => current.control.counters().writes >= 1);
          figure.restartedInFlight = !ended;
          await restartEmulator(1500);
        },
        figure,
      };
    },
  },
  {
    fault: "SIGKILL of pulumi up",
    arm: async () => ({ kill: true }),
    fired: (f) => {
      expect(f.killedInFlight, "the kill landed before up ended").toBe(true);
      expect(f.faultedExit, "up was killed, so it has no exit code").toBeNull();
    },
  },
  {
    fault: "one agent fails permanently",
    arm: async (ctx) => {
      // Every write to the updated agent's worker fails; the others must still be applied.
      const sid = ctx.sids.get(ctx.ids.update)!;
      inject([{ kind: "500", method: "POST", route: `/v1/Workspaces/${current.workspaceSid}/Workers/${sid}` }]);
      // What `flex-roster up` passes: the others are applied even after this one fails.
      return { args: ["--continue-on-error"] };
    },
    // The first try and every retry of its update: 1 + maxRetries (5).
    fired: (f, ctx) =>
      expect(f.hitsByOp[`500 POST /v1/Workspaces/${current.workspaceSid}/Workers/${ctx.sids.get(ctx.ids.update)}`]).toBe(6),
  },
  {
    fault: "429/20429 burst",
    faultedRunPasses: true,
    arm: async () => inject(onEveryOp({ kind: "429", count: 2, retryAfter: 0 })),
    fired: (f) => expectEveryOp(f, ["429"], 2),
  },
  {
    fault: "500 and 503",
    faultedRunPasses: true,
    arm: async () => inject([...onEveryOp({ kind: "500", count: 1 }), ...onEveryOp({ kind: "503", count: 1 })]),
    fired: (f) => expectEveryOp(f, ["500", "503"], 1),
  },
  {
    fault: "dropped connections",
    faultedRunPasses: true,
    arm: async () => inject(onEveryOp({ kind: "drop", count: 2 })),
    fired: (f) => expectEveryOp(f, ["drop"], 2),
  },
  {
    fault: "response slower than the request timeout",
    faultedRunPasses: true,
    fired: (f) => expectEveryOp(f, ["slow"], 1),
    // The slow write still lands after the client gave up: the retry must adopt it, not duplicate it.
    arm: async () => {
      inject(onEveryOp({ kind: "slow", count: 1, delayMs: 2500 }));
      return { env: { FLEX_ROSTER_REQUEST_TIMEOUT_MS: "1000" } };
    },
  },
];

/** Every write route saw each fault `kinds` exactly `count` times (the whole budget fired). */
function expectEveryOp(f: Figure, kinds: string[], count: number): void {
  const want: Record<string, number> = {};
  for (const kind of kinds) for (const op of OPS) want[`${kind} ${op}`] = count;
  expect(f.hitsByOp).toEqual(want);
}

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
async function killedUp(writes: number): Promise<RunResult & { killedInFlight: boolean }> {
  const started = Date.now();
  const child = spawn("bash", [PULUMI_SCRIPT, "up", "--yes", "--skip-preview", "--stack", STACK, "--non-interactive"], {
    cwd: stack.dir,
    env: { ...baseEnv(), ...stack.env },
    detached: true,
    stdio: "ignore",
  });
  let ended = false;
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => ((ended = true), resolve(code))));
  await Promise.race([waitFor(() => current.control.counters().writes >= writes), exited]);
  const killedInFlight = !ended;
  killTree(child.pid!);
  const code = await exited;
  return { code, signal: "SIGKILL", stdout: "", stderr: "", timedOut: false, durationMs: Date.now() - started, killedInFlight };
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
    let killedInFlight: boolean | undefined;
    if (armed.kill) {
      const killed = await killedUp(1 + (version % 3));
      killedInFlight = killed.killedInFlight;
      faulted = killed;
    } else {
      const run = stack.pulumi(["up", "--yes", "--skip-preview", ...(armed.args ?? [])], armed.env);
      if (armed.during) await armed.during(run);
      faulted = await run;
    }
    const faultedMs = Date.now() - t0;
    const { faults: faultsFired, byStatus, firedByRule: hitsByOp } = current.control.counters();
    current.control.clearFaults();
    current.control.clearLatency();
    // What a failed or killed run left live but outside state, for the rerun to adopt.
    const inStateBefore = new Set((await stack.workerResources()).map((r) => String(r.id)));
    const liveBefore = await workerSids();
    const orphans = wanted.flatMap((n) => liveBefore.get(identity(n)) ?? []).filter((sid) => !inStateBefore.has(sid));

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
    const lost = wanted.filter((n) => !names.has(identity(n))).length;
    const inState = (await stack.workerResources()).map((r) => String(r.id));
    const figure: Figure = {
      fault: row.fault,
      faultedExit: faulted.code,
      faultsFired,
      byStatus,
      hitsByOp,
      killedInFlight,
      ...armed.figure,
      faultedMs,
      rerunExit: rerun.code,
      rerunMs,
      previewExit: preview.code,
      workers: names.size,
      orphansBeforeRerun: orphans.length,
      adopted: orphans.filter((sid) => inState.includes(sid)).length,
      lost,
    };
    figures.push(figure);
    console.log(`fault matrix row: ${JSON.stringify(figure)}`);
    row.fired(figure, { emu: () => current, stack, sids, ids });
    // Adoption: every worker the faulted run left outside state is now in state, same SID.
    expect(figure.adopted, "orphaned workers adopted by the rerun").toBe(figure.orphansBeforeRerun);
    expect(lost).toBe(0);
    expect([...names.keys()].sort()).toEqual(wanted.map(identity).sort());
    expect(inState.sort()).toEqual(wanted.map((n) => names.get(identity(n))![0]).sort());
    // the replaced worker is canonical again
    const fixed = await stack.sdk.taskrouter.v1.workspaces(current.workspaceSid).workers(names.get(identity(replace))![0]).fetch();
    expect(JSON.parse(fixed.attributes).contact_uri).toBe(`client:${identity(replace)}`);
    live = wanted.slice().sort((a, b) => a - b);
  });
});
