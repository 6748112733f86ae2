// Kill-and-rerun trials: a `pulumi up` (through scripts/pulumi, so with its
// defaults, checkpoints skipped) is SIGKILLed with its whole process tree once
// the emulator has seen a chosen number of writes; then `pulumi cancel` (the
// file backend's lock outlives a killed run) and a rerun must converge: it
// adopts every worker the killed runs created (state ids = their live SIDs),
// creates only the rest, loses nothing, and a preview then shows no changes.
// (No duplicate count: Twilio, like the emulator, refuses a second worker of
// one name, so a duplicate is never observable; adoption is what can fail.) Shared by test/e2e/kill-rerun.test.ts (small) and
// bench/kill.ts (1,000 agents).

import { execFileSync, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import type { Emulator } from "../emulator";
import { childEnv, PULUMI_SCRIPT } from "./run";

/** What a trial needs of a stack (testing/flex-stack.ts provides it). */
export interface TrialStack {
  dir: string;
  /** PULUMI_HOME, PULUMI_BACKEND_URL, passphrase: the stack's isolation. */
  env: Record<string, string>;
  stackName: string;
  emulator: Emulator;
  /** Run pulumi to completion (adds --stack and --non-interactive). */
  pulumi(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export interface TrialResult {
  /** Emulator writes seen when the first run was killed (and the second, if any). */
  killedAtWrites: number[];
  /** Whether each kill landed before the run ended on its own. */
  killedInFlight: boolean[];
  /** Live workers and state resources just before the converging rerun. */
  liveBeforeRerun: number;
  inStateBeforeRerun: number;
  /** Of the rerun's final workers: already live but not in state (adopted), or new. */
  adopted: number;
  created: number;
  lost: number;
  /** State ids that are not live SIDs of the right agent. */
  stateMismatches: number;
  /** `preview --expect-no-changes` after the rerun. */
  noChangesAfter: boolean;
  rerunMs: number;
}

/** PIDs of a process and all its descendants. */
export function processTree(root: number): number[] {
  let out: string;
  try {
    out = execFileSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" });
  } catch {
    return [root];
  }
  const kids = new Map<number, number[]>();
  for (const line of out.trim().split("\n")) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    kids.set(ppid!, [...(kids.get(ppid!) ?? []), pid!]);
  }
  const seen: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    seen.push(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return seen;
}

const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
};

/**
 * SIGKILL a process and every descendant (Pulumi starts plugins in their own
 * process groups, so a group kill would miss them). The tree is frozen with
 * SIGSTOP first, until no new child appears, so nothing escapes by forking.
 */
export function killTree(root: number): number[] {
  const stopped = new Set<number>();
  for (let round = 0; round < 20; round++) {
    const fresh = processTree(root).filter((p) => !stopped.has(p));
    if (fresh.length === 0) break;
    for (const p of fresh) {
      signal(p, "SIGSTOP");
      stopped.add(p);
    }
  }
  for (const p of stopped) signal(p, "SIGKILL");
  return [...stopped];
}

/** Run `scripts/pulumi up` and SIGKILL it once `writes()` reaches `atWrites`. */
export function upKilledAt(
  stack: TrialStack,
  atWrites: number,
  writes: () => number,
): Promise<{ killed: boolean; writesAtKill: number; code: number | null }> {
  const child = spawn("bash", [PULUMI_SCRIPT, "up", "--yes", "--skip-preview", "--stack", stack.stackName, "--non-interactive"], {
    cwd: stack.dir,
    env: childEnv(stack.env),
    stdio: ["ignore", "ignore", "ignore"],
  });
  return new Promise((resolve) => {
    let killed = false;
    let writesAtKill = 0;
    const timer = setInterval(() => {
      if (killed || child.pid === undefined) return;
      const w = writes();
      if (w >= atWrites) {
        killed = true;
        writesAtKill = w;
        killTree(child.pid);
      }
    }, 10);
    child.on("close", (code) => {
      clearInterval(timer);
      resolve({ killed, writesAtKill: killed ? writesAtKill : writes(), code });
    });
  });
}

function liveWorkers(emulator: Emulator): Array<{ sid: string; friendlyName: string }> {
  const ws = emulator.control.dump().workspaces.find((w) => w.sid === emulator.workspaceSid);
  return (ws?.workers ?? []).map((w) => ({ sid: w.sid, friendlyName: w.friendlyName }));
}

async function stateWorkers(stack: TrialStack): Promise<Array<{ id: string; name: string }>> {
  const r = await stack.pulumi(["stack", "export"]);
  if (r.code !== 0) throw new Error(`stack export failed:\n${r.stderr.slice(-2000)}`);
  const resources = (JSON.parse(r.stdout).deployment?.resources ?? []) as Array<Record<string, unknown>>;
  return resources
    .filter((x) => String(x.type).endsWith("flex-roster:Worker"))
    .map((x) => ({ id: String(x.id), name: String(x.urn).split("::").pop()! }));
}

/** The stack's state as it is now, to restore before each trial (`emptyState`). */
export async function saveState(stack: TrialStack, file: string): Promise<string> {
  const r = await stack.pulumi(["stack", "export"]);
  if (r.code !== 0) throw new Error(`stack export failed:\n${r.stderr.slice(-2000)}`);
  writeFileSync(file, r.stdout);
  return file;
}

/**
 * One trial from an empty workspace and the saved empty state: an up killed at
 * `killAt[0]` writes (and, if given, a rerun killed at `killAt[1]`), then a
 * rerun to completion. `expected` are the agents' identities (friendly names).
 * A kill point may depend on how many workers are live already (a rerun has
 * less left to do).
 */
export async function killRerunTrial(
  stack: TrialStack,
  emptyStateFile: string,
  expected: string[],
  killAt: Array<number | ((liveWorkers: number) => number)>,
): Promise<TrialResult> {
  const emu = stack.emulator;
  // A fresh workspace for each trial, at the latency the caller set (reset clears it too).
  const latency = emu.control.latency();
  emu.control.reset();
  emu.control.setLatency(latency.globalMs);
  for (const rule of latency.rules) emu.control.setLatency(rule.ms, { route: rule.route, method: rule.method });
  const imp = await stack.pulumi(["stack", "import", "--file", emptyStateFile]);
  if (imp.code !== 0) throw new Error(`stack import failed:\n${imp.stderr.slice(-2000)}`);

  const killedAtWrites: number[] = [];
  const killedInFlight: boolean[] = [];
  for (const point of killAt) {
    const at = typeof point === "number" ? point : point(liveWorkers(emu).length);
    const base = emu.control.counters().writes;
    const run = await upKilledAt(stack, base + at, () => emu.control.counters().writes);
    killedAtWrites.push(run.writesAtKill - base);
    killedInFlight.push(run.killed);
    // The file backend's lock outlives a killed run.
    const cancel = await stack.pulumi(["cancel", "--yes"]);
    if (cancel.code !== 0 && !/no update|not currently|no lock/i.test(cancel.stdout + cancel.stderr)) {
      throw new Error(`pulumi cancel failed:\n${cancel.stdout.slice(-1000)}\n${cancel.stderr.slice(-1000)}`);
    }
  }

  const live = liveWorkers(emu);
  const before = await stateWorkers(stack);
  const liveSids = new Set(live.map((w) => w.sid));
  const stateIds = new Set(before.map((w) => w.id));

  const started = Date.now();
  const rerun = await stack.pulumi(["up", "--yes", "--skip-preview"]);
  const rerunMs = Date.now() - started;
  if (rerun.code !== 0) throw new Error(`rerun failed:\n${rerun.stdout.slice(-3000)}\n${rerun.stderr.slice(-2000)}`);

  const after = liveWorkers(emu);
  const byName = new Map<string, string[]>();
  for (const w of after) byName.set(w.friendlyName.toLowerCase(), [...(byName.get(w.friendlyName.toLowerCase()) ?? []), w.sid]);
  const lost = expected.filter((name) => !byName.has(name.toLowerCase())).length;
  const final = await stateWorkers(stack);
  const stateMismatches = final.filter((r) => (byName.get(r.name.toLowerCase()) ?? []).join() !== r.id).length + Math.abs(final.length - expected.length);
  const adopted = final.filter((r) => liveSids.has(r.id) && !stateIds.has(r.id)).length;
  const created = final.filter((r) => !liveSids.has(r.id)).length;
  const check = await stack.pulumi(["preview", "--expect-no-changes"]);
  return {
    killedAtWrites,
    killedInFlight,
    liveBeforeRerun: live.length,
    inStateBeforeRerun: before.length,
    adopted,
    created,
    lost,
    stateMismatches,
    noChangesAfter: check.code === 0,
    rerunMs,
  };
}
