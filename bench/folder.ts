// Benchmark of a workspace split over team stacks (docs/scale.md, "The whole
// folder at once"): a roster folder of --teams files sharing --agents agents,
// each team its own stack, against one emulator at --latency-ms. Phases:
//
//   team-up         each team's `pulumi up` from empty, one after the other
//   team-preview    each team's refreshing `pulumi preview`, nothing to do
//   folder-preview  `bin/flex-roster preview --roster roster.d`: every team at
//                   once within the default memory budget, one report
//   adopt-preview   the first refreshing preview of new, empty stacks of the
//                   same teams over the workers that now exist (adoption: one
//                   fetch per worker, read ahead concurrently), team by team
//
// Per run: wall time, peak RSS of the process tree (engine / language host /
// provider), API calls and the API floor (calls x latency / concurrency).
// Every figure is printed as soon as it is measured; one JSON line per run
// goes to --out (default bench/results/<date>-folder-<agents>x<teams>.jsonl),
// with the machine and its load average.
//
//   npx tsx bench/folder.ts [--agents 15000] [--teams 6] [--latency-ms 50] [--concurrency 8]
//                           [--phases team-up,team-preview,folder-preview,adopt-preview] [--out file.jsonl]
//
// BENCH_TIMEOUT_MS bounds each run (default 3 hours).

import { appendFileSync, mkdirSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator, type Emulator } from "../emulator";
import { createFlexStack, type FlexStack } from "../testing/flex-stack";
import { ensurePulumi, FLEX_ROSTER_BIN, REPO_ROOT } from "../testing/pulumi-cli";
import { BENCH_DEFAULTS, benchAgent, benchEmail, rosterYaml } from "../testing/roster-builders";
import { runMeasured, runPulumiMeasured, type RunStats } from "../testing/run";

const PHASES = ["team-up", "team-preview", "folder-preview", "adopt-preview"] as const;
type Phase = (typeof PHASES)[number];

const { values: argv } = parseArgs({
  options: {
    agents: { type: "string" },
    teams: { type: "string" },
    "latency-ms": { type: "string" },
    concurrency: { type: "string" },
    phases: { type: "string" },
    out: { type: "string" },
  },
});
const AGENTS = Number(argv.agents ?? 15_000);
const TEAMS = Number(argv.teams ?? 6);
const LATENCY = Number(argv["latency-ms"] ?? 50);
const CONCURRENCY = Number(argv.concurrency ?? 8);
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 3 * 3600_000);
const SELECTED = new Set<Phase>((argv.phases?.split(",") as Phase[] | undefined) ?? PHASES);
for (const p of SELECTED) if (!PHASES.includes(p)) throw new Error(`unknown phase ${p}; phases: ${PHASES.join(", ")}`);
const OUT = argv.out ?? path.join(REPO_ROOT, "bench", "results", `${new Date().toISOString().slice(0, 10)}-folder-${AGENTS}x${TEAMS}.jsonl`);
/** Where it was measured, in every record: a committed output must say. */
const MACHINE = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`;
mkdirSync(path.dirname(OUT), { recursive: true });

const team = (t: number) => `team${t + 1}`;
/** Team t's file: agents t, t + TEAMS, t + 2*TEAMS, ... (every team the same size, give or take one). */
function teamYaml(t: number): string {
  const agents = [];
  for (let i = t; i < AGENTS; i += TEAMS) agents.push(benchAgent(i, benchEmail(i)));
  return rosterYaml(agents, { defaults: BENCH_DEFAULTS });
}

const fmtS = (ms: number) => (ms / 1000).toFixed(1);
const mib = (v: number | undefined) => (v === undefined ? "–" : v.toFixed(0));

interface Measured {
  phase: Phase;
  what: string;
  ms: number;
  calls: number;
  floorMs: number;
  peakMiB: number;
  peakByKindMiB: Record<string, number>;
  code: number | null;
}

function record(emu: Emulator, phase: Phase, what: string, r: RunStats): Measured {
  const calls = emu.control.counters().total;
  const m: Measured = { phase, what, ms: r.ms, calls, floorMs: (calls * LATENCY) / CONCURRENCY, peakMiB: r.peakMiB, peakByKindMiB: r.peakByKindMiB, code: r.code };
  const k = r.peakByKindMiB;
  console.log(
    `| ${phase} | ${what} | ${fmtS(m.ms)} | ${calls} | ${fmtS(m.floorMs)} | ${(m.ms / Math.max(1, m.floorMs)).toFixed(2)} | ` +
      `${mib(m.peakMiB)} (${mib(k.engine)} / ${mib(k["language host"])} / ${mib(k.provider)}) | ${r.code} |`,
  );
  const load = os.loadavg().map((l) => Number(l.toFixed(2)));
  appendFileSync(OUT, JSON.stringify({ date: new Date().toISOString(), machine: MACHINE, load, agents: AGENTS, teams: TEAMS, latencyMs: LATENCY, concurrency: CONCURRENCY, ...m }) + "\n");
  if (r.code !== 0) console.log(`\n${what} exited ${r.code}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-3000)}\n`);
  return m;
}

async function main() {
  await ensurePulumi();
  console.log(`# flex-roster roster-folder benchmark, ${new Date().toISOString()}: ${AGENTS} agents in ${TEAMS} teams, latency ${LATENCY} ms, provider concurrency ${CONCURRENCY}`);
  console.log(`machine: ${MACHINE}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`raw output: ${path.relative(REPO_ROOT, OUT)}\n`);
  console.log("| phase | run | wall s | API calls | API floor s | wall / floor | peak RSS MiB (engine / lang host / provider) | exit |");
  console.log("|---|---|---:|---:|---:|---:|---|---:|");
  const emulator = await startEmulator({ latencyMs: LATENCY });
  const files = Object.fromEntries(Array.from({ length: TEAMS }, (_, t) => [`roster.d/${team(t)}.yaml`, teamYaml(t)]));
  const base = { "flex-roster:roster": "roster.d", "flex-roster:maxRemovalDelta": "0" };
  const first = await createFlexStack({ roster: "", emulator, stack: team(0), files, config: { ...base, "flex-roster:team": team(0) } });
  const stacks: FlexStack[] = [first];
  for (let t = 1; t < TEAMS; t++) stacks.push(await first.sibling(team(t), { "flex-roster:team": team(t) }));
  const env = (s: FlexStack) => ({ ...s.env, FLEX_ROSTER_CONCURRENCY: String(CONCURRENCY) });
  const pulumi = async (phase: Phase, s: FlexStack, args: string[]) => {
    emulator.control.resetCounters();
    const r = await runPulumiMeasured(s.dir, env(s), [...args, "--stack", s.name, "--non-interactive"], { timeoutMs: TIMEOUT_MS });
    return record(emulator, phase, `stack ${s.name}`, r);
  };
  try {
    if (SELECTED.has("team-up")) for (const s of stacks) await pulumi("team-up", s, ["up", "--yes", "--skip-preview"]);
    if (SELECTED.has("team-preview")) for (const s of stacks) await pulumi("team-preview", s, ["preview", "--expect-no-changes"]);
    if (SELECTED.has("folder-preview")) {
      emulator.control.resetCounters();
      const r = await runMeasured(FLEX_ROSTER_BIN, ["preview", "--roster", "roster.d", "--out", path.join(path.dirname(first.dir), "folder-preview.md")], first.dir, env(first), {
        timeoutMs: TIMEOUT_MS,
      });
      record(emulator, "folder-preview", "flex-roster preview --roster roster.d (whole folder)", r);
    }
    if (SELECTED.has("adopt-preview")) {
      // New stacks of the same teams: their first preview adopts the workers the team-up phase created.
      for (let t = 0; t < TEAMS; t++) {
        const s = await first.sibling(`adopt-${team(t)}`, { "flex-roster:team": team(t) });
        await pulumi("adopt-preview", s, ["preview"]);
      }
    }
  } finally {
    await first.close();
    await emulator.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
