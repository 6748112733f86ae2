// Running scripts/pulumi as a child for benchmarks and kill trials: the
// environment it gets, its process tree, and a run with a timeout that samples
// the tree's memory by kind of process.

import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PULUMI_SCRIPT = path.join(REPO_ROOT, "scripts", "pulumi");

/** The environment a CLI child gets: ours without PULUMI_*, plus the stack's. */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("PULUMI_")) env[k] = v;
  return { ...env, ...extra };
}

export interface ProcRow {
  pid: number;
  ppid: number;
  rssKiB: number;
  args: string;
}

export async function processTable(): Promise<ProcRow[]> {
  const { stdout } = await promisify(execFile)("ps", ["-e", "-o", "pid=,ppid=,rss=,args="], { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .trim()
    .split("\n")
    .map((line) => {
      const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      return m ? { pid: Number(m[1]), ppid: Number(m[2]), rssKiB: Number(m[3]), args: m[4]! } : undefined;
    })
    .filter((r): r is ProcRow => r !== undefined);
}

/** The rows of a process and all its descendants. */
export function subtree(rows: ProcRow[], root: number): ProcRow[] {
  const kids = new Map<number, ProcRow[]>();
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  for (const r of rows) kids.set(r.ppid, [...(kids.get(r.ppid) ?? []), r]);
  const out: ProcRow[] = [];
  const stack = [byPid.get(root)].filter((r): r is ProcRow => r !== undefined);
  while (stack.length) {
    const r = stack.pop()!;
    out.push(r);
    stack.push(...(kids.get(r.pid) ?? []));
  }
  return out;
}

/** Which part of a Pulumi run a process is. */
export function processKind(args: string): "engine" | "language host" | "provider" | "other" {
  if (/dynamic-provider|pulumi-resource-pulumi-nodejs/.test(args)) return "provider";
  if (/pulumi-language-nodejs|@pulumi[/\\]pulumi[/\\]cmd[/\\]run|run-plugin/.test(args)) return "language host";
  if (/(^|\/)pulumi(\s|$)/.test(args)) return "engine";
  return "other";
}

export interface RunStats {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  ms: number;
  stdout: string;
  stderr: string;
  /** Peak RSS of the whole tree, and of each kind (each kind's own peak). */
  peakMiB: number;
  peakByKindMiB: Record<string, number>;
  /**
   * CPU seconds (user + system) per kind, as last sampled before each process
   * ended: less distorted by a busy machine than wall time.
   */
  cpuByKindS: Record<string, number>;
}

const TICKS_PER_SECOND = 100;

/** utime + stime of a live process, in clock ticks (Linux /proc); undefined elsewhere. */
function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return undefined;
  }
}

/** Run `scripts/pulumi <args>` in `cwd`, killing it after `timeoutMs`, sampling memory every `sampleMs`. */
export function runPulumiMeasured(
  cwd: string,
  env: Record<string, string>,
  args: string[],
  opts: { timeoutMs: number; sampleMs?: number },
): Promise<RunStats> {
  return runMeasured("bash", [PULUMI_SCRIPT, ...args], cwd, env, opts);
}

/**
 * Run any command (e.g. bin/flex-roster, which runs several Pulumi stacks at
 * once) the same way: the peak is the whole process tree's at one sample, so
 * runs side by side add up.
 */
export function runMeasured(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  opts: { timeoutMs: number; sampleMs?: number },
): Promise<RunStats> {
  const started = Date.now();
  const child = spawn(command, args, { cwd, env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  let peak = 0;
  const peakByKind: Record<string, number> = {};
  const cpu = new Map<number, { kind: string; ticks: number }>();
  let sampling = false;
  const sampler = setInterval(async () => {
    if (sampling || child.pid === undefined) return;
    sampling = true;
    try {
      const tree = subtree(await processTable(), child.pid);
      const byKind: Record<string, number> = {};
      let total = 0;
      for (const r of tree) {
        total += r.rssKiB;
        const k = processKind(r.args);
        byKind[k] = (byKind[k] ?? 0) + r.rssKiB;
        const ticks = cpuTicks(r.pid);
        if (ticks !== undefined) cpu.set(r.pid, { kind: k, ticks: Math.max(ticks, cpu.get(r.pid)?.ticks ?? 0) });
      }
      peak = Math.max(peak, total);
      for (const [k, v] of Object.entries(byKind)) peakByKind[k] = Math.max(peakByKind[k] ?? 0, v);
    } catch {
      // ps failed this once
    } finally {
      sampling = false;
    }
  }, opts.sampleMs ?? 500);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGINT");
    setTimeout(() => child.kill("SIGKILL"), 30_000).unref();
  }, opts.timeoutMs);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      const cpuByKindS: Record<string, number> = {};
      for (const { kind, ticks } of cpu.values()) cpuByKindS[kind] = (cpuByKindS[kind] ?? 0) + ticks / TICKS_PER_SECOND;
      resolve({
        cpuByKindS,
        code,
        signal,
        timedOut,
        ms: Date.now() - started,
        stdout,
        stderr,
        peakMiB: peak / 1024,
        peakByKindMiB: Object.fromEntries(Object.entries(peakByKind).map(([k, v]) => [k, v / 1024])),
      });
    });
  });
}
