// Where a no-op refreshing preview spends its CPU, per process: the two Node.js
// processes (language host running the program, dynamic provider) through V8's
// sampling profiler (a preload started by NODE_OPTIONS, which may not carry
// --cpu-prof itself), the Pulumi engine through the CLI's --profiling (Go pprof).
// Sets up an N-worker stack against the emulator, runs one `up` (not
// profiled), then profiles `pulumi preview --expect-no-changes` and prints:
// wall time, CPU seconds per process, and each process's top frames (self time)
// and top modules (self time by file or package).
//
//   npx tsx bench/cpu-profile.ts [--workers 1] [--latency-ms 0] [--top 15] [--keep DIR]
//
// --keep DIR keeps the raw profiles there (.cpuprofile: open in Chrome DevTools;
// engine.*.cpu: `go tool pprof -top`).

import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { startEmulator } from "../emulator";
import { createFlexStack, STACK } from "../testing/flex-stack";
import { ensurePulumi } from "../testing/pulumi-cli";
import { benchRoster } from "../testing/roster-builders";
import { REPO_ROOT, runPulumiMeasured } from "../testing/run";

const { values: argv } = parseArgs({
  options: {
    workers: { type: "string" },
    "latency-ms": { type: "string" },
    top: { type: "string" },
    keep: { type: "string" },
  },
});
const N = Number(argv.workers ?? 1);
const LATENCY = Number(argv["latency-ms"] ?? 0);
const TOP = Number(argv.top ?? 15);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * Preloaded into every Node process of the run: starts V8's profiler and writes
 * DIR/<pid>.cpuprofile when the process exits (the in-process inspector
 * session answers synchronously, so this works inside the exit handler).
 */
const PRELOAD = (dir: string) => `
const inspector = require("node:inspector");
const fs = require("node:fs");
const session = new inspector.Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 1000 });
session.post("Profiler.start");
let written = false;
function write() {
  if (written) return;
  written = true;
  session.post("Profiler.stop", (err, res) => {
    if (!err) fs.writeFileSync(${JSON.stringify(dir)} + "/" + process.pid + ".cpuprofile", JSON.stringify(res.profile));
  });
}
process.on("exit", write);
for (const sig of ["SIGTERM", "SIGINT"]) process.once(sig, () => { write(); process.exit(128 + (sig === "SIGTERM" ? 15 : 2)); });
`;

/** Where a frame's code lives: the package under node_modules, else the file under the repository. */
function moduleOf(url: string): string {
  if (!url) return "(native / V8)";
  const file = url.replace(/^file:\/\//, "");
  const nm = file.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = file.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (file.startsWith("node:")) return file;
  return path.relative(REPO_ROOT, file) || file;
}

function summarize(p: CpuProfile) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const frames = new Map<string, number>();
  const modules = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const f = n.callFrame;
    total += us;
    if (f.functionName === "(idle)") continue;
    const name = `${f.functionName || "(anonymous)"} ${moduleOf(f.url)}${f.url ? `:${f.lineNumber + 1}` : ""}`;
    frames.set(name, (frames.get(name) ?? 0) + us);
    const mod = f.functionName === "(garbage collector)" ? "(garbage collector)" : moduleOf(f.url);
    modules.set(mod, (modules.get(mod) ?? 0) + us);
  }
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === "(idle)").reduce((s, [, us]) => s + us, 0);
  const top = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, TOP).map(([k, us]) => `  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  const urls = p.nodes.map((n) => n.callFrame.url).join("\n");
  const kind = /dynamic-provider/.test(urls) ? "provider" : /cmd[/\\]run/.test(urls) ? "language host" : "other node";
  return { kind, busyMs: (total - idle) / 1000, frames: top(frames), modules: top(modules) };
}

async function main() {
  await ensurePulumi();
  const emulator = await startEmulator({ latencyMs: LATENCY });
  const stack = await createFlexStack({ roster: benchRoster(N), emulator });
  const dir = mkdtempSync(path.join(tmpdir(), "flex-roster-prof-"));
  try {
    await stack.ok(["up", "--yes", "--skip-preview"]);
    const nodeDir = path.join(dir, "node");
    mkdirSync(nodeDir);
    const preload = path.join(dir, "cpu-prof-preload.js");
    writeFileSync(preload, PRELOAD(nodeDir));
    const env = { ...stack.env, NODE_OPTIONS: `${stack.env.NODE_OPTIONS ?? ""} --require ${preload}`.trim() };
    const r = await runPulumiMeasured(stack.dir, env, ["preview", "--expect-no-changes", "--profiling", path.join(dir, "engine"), "--stack", STACK, "--non-interactive"], {
      timeoutMs: 30 * 60_000,
    });
    if (r.code !== 0) throw new Error(`preview failed (${r.code}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
    const cpu = Object.entries(r.cpuByKindS).map(([k, s]) => `${k} ${s.toFixed(2)} s`).join(", ");
    console.log(`# no-op refreshing preview, ${N} worker(s), latency ${LATENCY} ms, ${new Date().toISOString()}`);
    console.log(`wall ${(r.ms / 1000).toFixed(2)} s; CPU by process (from /proc): ${cpu}`);
    for (const f of readdirSync(nodeDir).filter((x) => x.endsWith(".cpuprofile"))) {
      const s = summarize(JSON.parse(readFileSync(path.join(nodeDir, f), "utf8")) as CpuProfile);
      if (s.busyMs < 50) continue; // node processes that only start a child (npm, shims)
      console.log(`\n## ${s.kind} (${f}): ${(s.busyMs / 1000).toFixed(2)} s on CPU in the profile\nTop frames (self time):\n${s.frames.join("\n")}\nTop modules (self time):\n${s.modules.join("\n")}`);
    }
    const engine = readdirSync(dir).filter((x) => x.startsWith("engine") && x.endsWith(".cpu"));
    for (const f of engine) {
      let top = "";
      try {
        top = execFileSync("go", ["tool", "pprof", "-top", `-nodecount=${TOP}`, path.join(dir, f)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      } catch (err) {
        top = `(go tool pprof unavailable: ${(err as Error).message.split("\n")[0]})`;
      }
      console.log(`\n## engine (${f}), go tool pprof -top\n${top.trim()}`);
    }
    if (argv.keep) cpSync(dir, argv.keep, { recursive: true });
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
