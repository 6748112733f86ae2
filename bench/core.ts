// Benchmark of the core loop with the real Pulumi CLI (through scripts/pulumi,
// so with its defaults) against the emulator, per roster size:
//
//   up-empty      `pulumi up` from nothing
//   first-preview a refreshing `pulumi preview --expect-no-changes` right after it
//                 (create records each worker's read time: nothing to settle)
//   noop-up       `pulumi up` with nothing to do
//   noop-preview  a refreshing `pulumi preview --expect-no-changes`
//   live-preview  a live contact centre between two runs: 50% of workers change
//                 activity, 5% sign in through SSO (Flex rewrites their attributes
//                 with the same values), 1% get a chat capacity changed by hand;
//                 then a refreshing preview (it plans those 1%)
//   live-up       the `pulumi up` that repairs them
//   drift-preview a preview after 1% of workers drifted out of band (full_name,
//                 chat capacity, voice availability, deleted: in turn)
//   drift-up      the `pulumi up` that repairs them
//   roster-up     `pulumi up` after 10 roster changes (4 added, 3 removed, 3 edited)
//
// For each: wall time, API calls by route (emulator counters), the API floor
// (calls x latency / concurrency), peak RSS of the Pulumi process tree (and
// per part: engine, language host, provider), state bytes per worker.
// Each size is printed as soon as it is done.
//
//   npx tsx bench/core.ts [--sizes 1000,5000] [--phases up-empty,noop-preview] [--latency-ms 50]
//                         [--concurrency 8] [--parallel N] [--rate-limit RPS] [--checkpoints] [--out file.jsonl]
//                         [--folder-agents N]
//
// --folder-agents N: the roster is a folder (roster.d/) of N agents in teams of
// the size measured (team-000.yaml, team-001.yaml, ...), and the stack is the
// first team's (flex-roster:team = team-000): one team's stack as it runs in a
// large organisation, with the whole folder loaded and checked every run.
//
// Environment: BENCH_SIZES, BENCH_LATENCY_MS, BENCH_TIMEOUT_MS (per Pulumi
// command, default 3 hours), BENCH_OUT.

import { appendFileSync, readdirSync, statSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator, type Emulator } from "../emulator";
import { flexIdentity } from "../src/flex/identity";
import { runPulumiMeasured, type RunStats } from "../testing/run";
import { createFlexStack, STACK, type FlexStack } from "../testing/flex-stack";
import { ensurePulumi } from "../testing/pulumi-cli";
import { BENCH_DEFAULTS, benchAgent, benchEmail, rosterYaml } from "../testing/roster-builders";

const PHASES = ["up-empty", "first-preview", "noop-up", "noop-preview", "live-preview", "live-up", "drift-preview", "drift-up", "roster-up"] as const;
type Phase = (typeof PHASES)[number];

const { values: argv } = parseArgs({
  options: {
    sizes: { type: "string" },
    phases: { type: "string" },
    "latency-ms": { type: "string" },
    concurrency: { type: "string" },
    parallel: { type: "string" },
    "rate-limit": { type: "string" },
    checkpoints: { type: "boolean" },
    out: { type: "string" },
    "folder-agents": { type: "string" },
  },
});
const FOLDER_AGENTS = argv["folder-agents"] ? Number(argv["folder-agents"]) : undefined;
const SIZES = (argv.sizes ?? process.env.BENCH_SIZES ?? "100,1000").split(",").map(Number);
const LATENCY = Number(argv["latency-ms"] ?? process.env.BENCH_LATENCY_MS ?? 50);
const CONCURRENCY = Number(argv.concurrency ?? 8);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 3 * 3600_000);
const RATE_LIMIT = argv["rate-limit"] ? Number(argv["rate-limit"]) : undefined;
const OUT = argv.out ?? process.env.BENCH_OUT;
const SELECTED = new Set<Phase>((argv.phases?.split(",") as Phase[] | undefined) ?? PHASES);
for (const p of SELECTED) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p}; phases: ${PHASES.join(", ")}`);


function roster(n: number, change = false): string {
  // The 10 roster changes: the last 3 agents removed, 4 new ones, 3 full names edited.
  const count = change ? n - 3 : n;
  const renamed = (i: number) => change && i % Math.max(1, Math.floor(n / 3)) === 1;
  const agents = Array.from({ length: count }, (_, i) => benchAgent(i, benchEmail(i), `Agent ${i}${renamed(i) ? " (renamed)" : ""}`));
  if (change) for (let i = n; i < n + 4; i++) agents.push({ email: benchEmail(i), fullName: `New Agent ${i}` });
  return rosterYaml(agents, { defaults: BENCH_DEFAULTS });
}

interface PhaseResult {
  phase: Phase;
  ms: number;
  calls: number;
  writes: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  floorMs: number;
  peakMiB: number;
  peakByKindMiB: Record<string, number>;
  cpuByKindS: Record<string, number>;
  stateBytesPerWorker: number;
  /** Preview summary, e.g. { update: 7, create: 3 }. */
  planned?: Record<string, number>;
  note?: string;
}

function stateFileBytes(stack: FlexStack): number {
  const dir = path.join(new URL(stack.env.PULUMI_BACKEND_URL!).pathname, ".pulumi", "stacks");
  let total = 0;
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f === `${STACK}.json`) total += statSync(p).size;
    }
  };
  walk(dir);
  return total;
}

/** `+ 3 to create`, `~ 7 to update`, `+-1 to replace`, `- 2 to delete` from a preview's summary. */
function plannedOf(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of stdout.matchAll(/^\s*[-+~]+\s*(\d+) to (\w+)/gm)) out[m[2]!] = Number(m[1]);
  return out;
}

/** Workers of the emulator's default workspace (in process, no API calls). */
function live(emu: Emulator) {
  return emu.control.dump().workspaces.find((w) => w.sid === emu.workspaceSid)?.workers ?? [];
}

/** Drift 1% of workers over HTTP with the SDK, a quarter of each kind. Returns what it did. */
async function drift(stack: FlexStack, n: number): Promise<Record<string, number>> {
  const emu = stack.emulator;
  const ws = stack.sdk.taskrouter.v1.workspaces(emu.workspaceSid);
  const byName = new Map(live(emu).map((w) => [w.friendlyName, w.sid]));
  const k = Math.max(4, Math.floor(n / 100));
  const done: Record<string, number> = { attributes: 0, capacity: 0, availability: 0, deleted: 0 };
  const jobs = Array.from({ length: k }, (_, j) => async () => {
    const i = Math.floor((j * n) / k) + 1;
    const sid = byName.get(flexIdentity(benchEmail(i)))!;
    const w = ws.workers(sid);
    const chan = async (name: string) => (await w.workerChannels.list()).find((c) => c.taskChannelUniqueName === name)!;
    switch (j % 4) {
      case 0: {
        const attrs = JSON.parse((await w.fetch()).attributes);
        await w.update({ attributes: JSON.stringify({ ...attrs, full_name: "Changed Out Of Band" }) });
        done.attributes!++;
        break;
      }
      case 1:
        await w.workerChannels((await chan("chat")).sid).update({ capacity: 7 });
        done.capacity!++;
        break;
      case 2:
        await w.workerChannels((await chan("voice")).sid).update({ available: false });
        done.availability!++;
        break;
      default:
        await w.remove();
        done.deleted!++;
    }
  });
  await unmeasured(emu, () => pool(jobs));
  return done;
}

/** The emulator's latency off while `work` runs (changes made "between runs" are not measured). */
async function unmeasured<T>(emu: Emulator, work: () => Promise<T>): Promise<T> {
  const saved = emu.control.latency();
  emu.control.setLatency(0);
  try {
    return await work();
  } finally {
    emu.control.setLatency(saved.globalMs);
  }
}

/** Run `jobs` 8 at a time. */
async function pool(jobs: Array<() => Promise<void>>): Promise<void> {
  const queue = [...jobs];
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job();
  }));
}

/**
 * A live contact centre between two runs: 50% of workers change activity
 * (Available <-> Offline, over HTTP), 5% sign in through Flex's SSO with the
 * claims the roster has (attributes rewritten with the same values), 1% get
 * their chat capacity changed by hand (drift the next plan repairs).
 */
async function liveCentre(stack: FlexStack, n: number): Promise<Record<string, number>> {
  const emu = stack.emulator;
  const ws = stack.sdk.taskrouter.v1.workspaces(emu.workspaceSid);
  const workers = live(emu);
  const byName = new Map(workers.map((w) => [w.friendlyName, w]));
  const acts = emu.control.dump().workspaces.find((w) => w.sid === emu.workspaceSid)!.activities;
  const sidOf = (name: string) => acts.find((a) => a.friendlyName === name)!.sid;
  const [available, offline] = [sidOf("Available"), sidOf("Offline")];
  const done = { activity: 0, ssoLogin: 0, chatCapacity: 0 };
  await unmeasured(emu, async () => {
    const jobs: Array<() => Promise<void>> = [];
    for (let i = 0; i < n; i += 2) {
      const w = byName.get(flexIdentity(benchEmail(i)));
      if (!w) continue;
      const next = w.activitySid === available ? offline : available;
      jobs.push(async () => void (await ws.workers(w.sid).update({ activitySid: next }), done.activity++));
    }
    for (let i = 1; i < n; i += 20) {
      emu.control.ssoSignIn({ username: benchEmail(i), email: benchEmail(i), fullName: `Agent ${i}`, roles: ["agent"] });
      done.ssoLogin++;
    }
    for (let i = 3; i < n; i += 100) {
      const w = byName.get(flexIdentity(benchEmail(i)));
      if (!w) continue;
      jobs.push(async () => void (await ws.workers(w.sid).workerChannels("chat").update({ capacity: 4 }), done.chatCapacity++));
    }
    await pool(jobs);
  });
  return done;
}

async function phase(stack: FlexStack, n: number, name: Phase, args: string[], extraEnv: Record<string, string>): Promise<PhaseResult> {
  const emu = stack.emulator;
  emu.control.resetCounters();
  const r: RunStats = await runPulumiMeasured(stack.dir, { ...stack.env, ...extraEnv }, [...args, "--stack", STACK, "--non-interactive"], {
    timeoutMs: TIMEOUT_MS,
  });
  const c = emu.control.counters();
  if (r.code !== 0) {
    throw new Error(
      `${n} agents, ${name}: pulumi ${args.join(" ")} ${r.timedOut ? `timed out after ${TIMEOUT_MS} ms` : `exited ${r.code}`}\n` +
        `${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}\n(API calls so far: ${c.total}, writes ${c.writes})`,
    );
  }
  const workers = live(emu).length || n;
  const result: PhaseResult = {
    phase: name,
    ms: r.ms,
    calls: c.total,
    writes: c.writes,
    byRoute: c.byRoute,
    byStatus: c.byStatus,
    floorMs: (c.total * LATENCY) / CONCURRENCY,
    peakMiB: r.peakMiB,
    peakByKindMiB: r.peakByKindMiB,
    cpuByKindS: r.cpuByKindS,
    stateBytesPerWorker: Math.round(stateFileBytes(stack) / workers),
  };
  if (args[0] === "preview") result.planned = plannedOf(r.stdout);
  return result;
}

const fmtS = (ms: number) => (ms / 1000).toFixed(1);
const mib = (v: number | undefined) => (v === undefined ? "–" : v.toFixed(0));

function report(n: number, results: PhaseResult[]) {
  const lines = [
    `\n## ${n.toLocaleString("en")} agents${FOLDER_AGENTS ? ` (one team's stack in a ${FOLDER_AGENTS.toLocaleString("en")}-agent roster folder)` : ""} (latency ${LATENCY} ms, provider concurrency ${CONCURRENCY}${RATE_LIMIT ? `, rate limit ${RATE_LIMIT}/s` : ""}${argv.checkpoints ? ", checkpoints ON" : ""}${argv.parallel ? `, --parallel ${argv.parallel}` : ""})\n`,
    "| phase | wall s | API calls | per agent | API floor s | wall / floor | 429s | CPU s (engine / lang host / provider) | peak RSS MiB (engine / lang host / provider) | state B/worker | planned |",
    "|---|---:|---:|---:|---:|---:|---:|---|---|---:|---|",
  ];
  for (const r of results) {
    const k = r.peakByKindMiB;
    const c = r.cpuByKindS;
    const cpuS = (v: number | undefined) => (v === undefined ? "–" : v.toFixed(0));
    lines.push(
      `| ${r.phase} | ${fmtS(r.ms)} | ${r.calls} | ${(r.calls / n).toFixed(2)} | ${fmtS(r.floorMs)} | ${(r.ms / Math.max(1, r.floorMs)).toFixed(2)} | ${r.byStatus["429"] ?? 0} | ${cpuS(c.engine)} / ${cpuS(c["language host"])} / ${cpuS(c.provider)} | ${mib(r.peakMiB)} (${mib(k.engine)} / ${mib(k["language host"])} / ${mib(k.provider)}) | ${r.stateBytesPerWorker} | ${r.planned ? JSON.stringify(r.planned) : ""}${r.note ? ` ${r.note}` : ""} |`,
    );
  }
  for (const r of results) {
    lines.push(`\n${r.phase}: ${r.calls} requests, ${r.writes} writes`);
    for (const [k, v] of Object.entries(r.byRoute).sort((a, b) => b[1] - a[1])) lines.push(`  ${String(v).padStart(7)}  ${k}`);
  }
  console.log(lines.join("\n"));
}

/** The roster folder of --folder-agents: teams of n agents, team-000 first; agent numbers are global. */
function rosterFolder(total: number, n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let t = 0; t * n < total; t++) {
    const agents = Array.from({ length: Math.min(n, total - t * n) }, (_, k) => benchAgent(t * n + k, benchEmail(t * n + k)));
    files[`roster.d/team-${String(t).padStart(3, "0")}.yaml`] = rosterYaml(agents, { defaults: BENCH_DEFAULTS });
  }
  return files;
}

async function bench(n: number) {
  const emulator = await startEmulator({ latencyMs: LATENCY, rateLimitRps: RATE_LIMIT });
  if (FOLDER_AGENTS && SELECTED.has("roster-up")) throw new Error("--folder-agents: leave out roster-up (it edits roster.yaml); e.g. --phases up-empty,noop-up,noop-preview");
  const stack = FOLDER_AGENTS
    ? await createFlexStack({ roster: "", emulator, files: rosterFolder(FOLDER_AGENTS, n), config: { "flex-roster:roster": "roster.d", "flex-roster:team": "team-000" } })
    : await createFlexStack({ roster: roster(n), emulator });
  const env: Record<string, string> = { FLEX_ROSTER_CONCURRENCY: String(CONCURRENCY) };
  if (argv.checkpoints) env.PULUMI_SKIP_CHECKPOINTS = "false";
  const par = argv.parallel ? ["--parallel", argv.parallel] : [];
  const results: PhaseResult[] = [];
  const run = async (name: Phase, args: string[], extra?: (r: PhaseResult) => void) => {
    if (!SELECTED.has(name)) return;
    process.stderr.write(`[${new Date().toISOString()}] ${n} agents: ${name}...\n`);
    const r = await phase(stack, n, name, args, env);
    extra?.(r);
    results.push(r);
    process.stderr.write(`[${new Date().toISOString()}] ${n} agents: ${name} ${fmtS(r.ms)} s, ${r.calls} calls, peak ${mib(r.peakMiB)} MiB\n`);
    if (OUT) appendFileSync(OUT, JSON.stringify({ n, folderAgents: FOLDER_AGENTS ?? null, latencyMs: LATENCY, concurrency: CONCURRENCY, rateLimit: RATE_LIMIT ?? null, ...r }) + "\n");
  };
  try {
    await run("up-empty", ["up", "--yes", "--skip-preview", ...par], (r) => {
      const failed = live(emulator).length !== n;
      if (failed) r.note = `(${live(emulator).length} workers live, expected ${n})`;
    });
    await run("first-preview", ["preview", "--expect-no-changes", ...par]);
    await run("noop-up", ["up", "--yes", "--skip-preview", "--expect-no-changes", ...par]);
    await run("noop-preview", ["preview", "--expect-no-changes", ...par]);
    let centre: Record<string, number> | undefined;
    if (SELECTED.has("live-preview")) centre = await liveCentre(stack, n);
    await run("live-preview", ["preview", ...par], (r) => {
      r.note = `changed ${JSON.stringify(centre)}`;
    });
    await run("live-up", ["up", "--yes", "--skip-preview", ...par]);
    let drifted: Record<string, number> | undefined;
    if (SELECTED.has("drift-preview") || SELECTED.has("drift-up")) drifted = await drift(stack, n);
    await run("drift-preview", ["preview", ...par], (r) => {
      r.note = `drifted ${JSON.stringify(drifted)}`;
    });
    await run("drift-up", ["up", "--yes", "--skip-preview", ...par]);
    if (SELECTED.has("roster-up")) await stack.writeRoster(roster(n, true));
    await run("roster-up", ["up", "--yes", "--skip-preview", ...par]);
  } finally {
    report(n, results);
    await stack.close();
    await emulator.close();
  }
}

async function main() {
  await ensurePulumi();
  console.log(`# flex-roster core benchmark, ${new Date().toISOString()}; timeout per Pulumi command ${TIMEOUT_MS / 1000} s`);
  // The machine, so a committed output under bench/results/ says where it was measured.
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  for (const n of SIZES) {
    try {
      await bench(n);
    } catch (err) {
      // A failed size keeps the figures of the sizes before it (printed already).
      console.log(`\n${n} agents FAILED: ${(err as Error).message}`);
      process.exitCode = 1;
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
