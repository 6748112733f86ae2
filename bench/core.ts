// Benchmark of the core loop with the real Pulumi CLI against the emulator:
// `pulumi up` from nothing, then a refreshing preview of unchanged workers,
// for rosters of 100 and 1,000 agents (override: BENCH_SIZES=100,1000) with
// 50 ms of emulator latency per request (BENCH_LATENCY_MS).
//
// Prints wall time, API requests by route (from the emulator's counters),
// state bytes per worker and the peak RSS of the whole Pulumi process tree.
//
//   npx tsx bench/core.ts

import { execFileSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { createFlexStack, type FlexStack } from "../test/e2e/helpers/flex-stack";
import { ensurePulumi } from "../test/e2e/helpers/pulumi";

const SIZES = (process.env.BENCH_SIZES ?? "100,1000").split(",").map(Number);
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? 50);

function roster(n: number): string {
  const lines = ["workspace: Flex Task Assignment", "defaults: { roles: [agent], skills: [support], channels: { chat: 2, voice: 1 } }", "agents:"];
  for (let i = 0; i < n; i++) {
    lines.push(`  - email: agent.${String(i).padStart(4, "0")}+flex@acme-corp.com`);
    lines.push(`    fullName: Agent ${i}`);
    if (i % 3 === 0) lines.push("    skills: [support, sales]\n    levels: { sales: 3 }");
    if (i % 5 === 0) lines.push("    attributes: { team: emea, location: Lisbon }");
  }
  return lines.join("\n") + "\n";
}

/** Sum of RSS (KiB) over a process and all its descendants. */
function treeRssKiB(root: number): number {
  let out: string;
  try {
    out = execFileSync("ps", ["-e", "-o", "pid=,ppid=,rss="], { encoding: "utf8" });
  } catch {
    return 0;
  }
  const rows = out.trim().split("\n").map((l) => l.trim().split(/\s+/).map(Number));
  const kids = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const [pid, ppid, r] of rows) {
    rss.set(pid, r);
    kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  }
  let sum = 0;
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    sum += rss.get(p) ?? 0;
    stack.push(...(kids.get(p) ?? []));
  }
  return sum;
}

/** Runs a pulumi command while sampling the RSS of everything under this process. */
async function measure(stack: FlexStack, args: string[]) {
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssKiB(process.pid) - selfRss());
  }, 200);
  const started = Date.now();
  const r = await stack.pulumi(args);
  const ms = Date.now() - started;
  clearInterval(timer);
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  return { ms, peakMiB: peak / 1024 };
}
const selfRss = () => Math.round(process.memoryUsage().rss / 1024);

function stateFileBytes(stack: FlexStack): number {
  const dir = path.join(new URL(stack.env.PULUMI_BACKEND_URL).pathname, ".pulumi", "stacks");
  let total = 0;
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith(".json") && !f.includes(".bak")) total += statSync(p).size;
    }
  };
  walk(dir);
  return total;
}

function routes(byRoute: Record<string, number>): string {
  return Object.entries(byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `      ${String(v).padStart(6)}  ${k}`)
    .join("\n");
}

async function bench(n: number) {
  const emulator = await startEmulator({ latencyMs: LATENCY });
  const stack = await createFlexStack({ roster: roster(n), emulator });
  try {
    emulator.control.resetCounters();
    const up = await measure(stack, ["up", "--yes", "--skip-preview"]);
    const upCalls = emulator.control.counters();
    emulator.control.resetCounters();
    const preview = await measure(stack, ["preview", "--expect-no-changes"]);
    const previewCalls = emulator.control.counters();
    const exported = JSON.stringify(await stack.exportState());
    const workers = (await stack.workerResources()).length;
    const fileBytes = stateFileBytes(stack);
    return { n, workers, up, upCalls, preview, previewCalls, exportBytes: exported.length, fileBytes };
  } finally {
    await stack.close();
    await emulator.close();
  }
}

async function main() {
  await ensurePulumi();
  const results = [];
  for (const n of SIZES) {
    process.stderr.write(`benchmarking ${n} agents at ${LATENCY} ms latency...\n`);
    results.push(await bench(n));
  }
  console.log(`\nflex-roster core benchmark (emulator latency ${LATENCY} ms per request, provider concurrency 8)\n`);
  console.log("| agents | up s | up API calls | preview+refresh s | preview API calls | state bytes/worker (export) | state bytes/worker (file) | peak RSS up MiB | peak RSS preview MiB |");
  console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${r.n} | ${(r.up.ms / 1000).toFixed(1)} | ${r.upCalls.total} | ${(r.preview.ms / 1000).toFixed(1)} | ${r.previewCalls.total} | ${Math.round(r.exportBytes / r.workers)} | ${Math.round(r.fileBytes / r.workers)} | ${r.up.peakMiB.toFixed(0)} | ${r.preview.peakMiB.toFixed(0)} |`,
    );
  }
  for (const r of results) {
    console.log(`\n${r.n} agents — API requests by route`);
    console.log(`  up (${r.upCalls.total} requests, ${r.upCalls.writes} writes, ${(r.upCalls.total / r.n).toFixed(2)} per agent):`);
    console.log(routes(r.upCalls.byRoute));
    console.log(`  preview with refresh (${r.previewCalls.total} requests, ${r.previewCalls.writes} writes, ${(r.previewCalls.total / r.n).toFixed(2)} per agent):`);
    console.log(routes(r.previewCalls.byRoute));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
