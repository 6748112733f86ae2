// Where the start-up of a no-op refreshing preview goes, process by process:
// sets up an N-worker stack against the emulator, runs one `up` (not timed),
// then runs `pulumi preview --expect-no-changes` --runs times with a preload
// (NODE_OPTIONS) that records, for every Node.js process of the run, when it
// started (performance.timeOrigin), when its first module ran and when it
// exited. Prints each run's timeline (offsets from the moment the command was
// spawned) and the median of each stage over the runs. The Pulumi engine is a
// Go process and is not traced: its share is the time between Node processes.
//
//   npx tsx bench/startup.ts [--workers 1] [--latency-ms 0] [--runs 5] [--node-options="..."]
//
// --node-options adds to NODE_OPTIONS of every Node process of the run (an A/B of
// a Node flag or a preloaded module).
// A process the engine kills (the refresh's dynamic provider) writes no exit line.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "../emulator";
import { createFlexStack, STACK } from "../testing/flex-stack";
import { ensurePulumi } from "../testing/pulumi-cli";
import { benchRoster } from "../testing/roster-builders";
import { REPO_ROOT, runPulumiMeasured } from "../testing/run";

const { values: argv } = parseArgs({
  options: {
    workers: { type: "string", default: "1" },
    "latency-ms": { type: "string", default: "0" },
    runs: { type: "string", default: "5" },
    "node-options": { type: "string", default: "" },
  },
});
const N = Number(argv.workers);
const LATENCY = Number(argv["latency-ms"]);
const RUNS = Number(argv.runs);

/** One line per event: `<epoch ms> <pid> <start|ready|exit> <what the process runs>`. */
const PRELOAD = (log: string) => `
const fs = require("node:fs");
const path = require("node:path");
const { performance } = require("node:perf_hooks");
// Paths relative to the repository (its sandboxed copies too: the last three parts elsewhere).
const short = (a) => (path.isAbsolute(a) ? path.relative(${JSON.stringify(REPO_ROOT)}, a) : a).split("/").filter((x) => x !== "..").slice(-3).join("/");
const what = [...process.execArgv.filter((a) => a !== "--require" && !a.endsWith(".cjs")), ...process.argv.slice(1, 2)].map(short).join(" ") || "node";
const put = (event, t) => fs.appendFileSync(${JSON.stringify(log)}, Math.round(t) + " " + process.pid + " " + event + " " + what + "\\n");
put("start", performance.timeOrigin);
put("ready", Date.now());
process.on("exit", () => put("exit", Date.now()));
`;

interface Proc {
  pid: string;
  what: string;
  start: number;
  ready?: number;
  exit?: number;
}

function kind(what: string): string {
  if (/dynamic-provider/.test(what)) return "provider";
  if (/cmd\/run/.test(what)) return "language host";
  return what;
}

function processes(log: string, t0: number): Proc[] {
  const byPid = new Map<string, Proc>();
  for (const line of readFileSync(log, "utf8").trim().split("\n")) {
    const [t, pid, event, ...rest] = line.split(" ");
    const p = byPid.get(pid!) ?? { pid: pid!, what: rest.join(" "), start: NaN };
    if (event === "start") p.start = Number(t) - t0;
    if (event === "ready") p.ready = Number(t) - t0;
    if (event === "exit") p.exit = Number(t) - t0;
    byPid.set(pid!, p);
  }
  return [...byPid.values()].sort((a, b) => a.start - b.start);
}

const s = (ms: number | undefined) => (ms === undefined ? "     –" : (ms / 1000).toFixed(2).padStart(6));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  await ensurePulumi();
  const emulator = await startEmulator({ latencyMs: LATENCY });
  const stack = await createFlexStack({ roster: benchRoster(N), emulator });
  const dir = mkdtempSync(path.join(os.tmpdir(), "flex-roster-startup-"));
  const stages: Record<string, number[]> = {};
  const add = (k: string, v: number | undefined) => v !== undefined && Number.isFinite(v) && (stages[k] ??= []).push(v);
  try {
    await stack.ok(["up", "--yes", "--skip-preview"]);
    console.log(`# no-op refreshing preview, ${N} worker(s), latency ${LATENCY} ms, ${new Date().toISOString()}`);
    console.log(`# ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}${argv["node-options"] ? `; NODE_OPTIONS += ${argv["node-options"]}` : ""}`);
    for (let run = 1; run <= RUNS; run++) {
      const log = path.join(dir, `run-${run}.log`);
      const preload = path.join(dir, "timeline-preload.cjs");
      writeFileSync(preload, PRELOAD(log));
      writeFileSync(log, "");
      const env = { ...stack.env, NODE_OPTIONS: `${stack.env.NODE_OPTIONS ?? ""} ${argv["node-options"]} --require ${preload}`.trim() };
      const t0 = Date.now();
      const r = await runPulumiMeasured(stack.dir, env, ["preview", "--expect-no-changes", "--stack", STACK, "--non-interactive"], { timeoutMs: 10 * 60_000 });
      if (r.code !== 0) throw new Error(`preview failed (${r.code}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
      const procs = processes(log, t0);
      console.log(`\n## run ${run}: wall ${s(r.ms)} s\n  start  ready   exit  process`);
      for (const p of procs) console.log(`${s(p.start)} ${s(p.ready)} ${s(p.exit)}  ${kind(p.what)}`);
      // Each plugin Node process is preceded by a short one with the same arguments
      // (under 0.1 s); the stages follow the long-lived ones.
      const lasting = procs.filter((p) => p.exit === undefined || p.exit - p.start > 200);
      const [refreshProvider, planProvider] = lasting.filter((p) => kind(p.what) === "provider");
      const host = lasting.find((p) => kind(p.what) === "language host");
      add("wall", r.ms);
      add("spawned → refresh provider process (scripts/pulumi, then the CLI)", refreshProvider?.start);
      add("refresh: provider start → language host start", host && refreshProvider ? host.start - refreshProvider.start : undefined);
      add("program: language host start → second provider process", planProvider && host ? planProvider.start - host.start : undefined);
      add("second provider start → language host exit", planProvider && host?.exit !== undefined ? host.exit - planProvider.start : undefined);
      add("language host exit → command done", host?.exit !== undefined ? r.ms - host.exit : undefined);
    }
    console.log(`\n## medians over ${RUNS} runs`);
    for (const [k, v] of Object.entries(stages)) console.log(`${s(median(v))} s  ${k}`);
  } finally {
    await stack.close();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
