// Side-by-side benchmark: flex-roster (Pulumi) and the Terraform twilio provider
// (run with OpenTofu) doing the same work against the same TaskRouter emulator,
// at the same latency, in one run. Not part of `npm test`.
//
//   npx tsx bench/peer/run.ts [--sizes 100,1000] [--latency-ms 50] [--fault-sizes 100]
//                             [--fault-rate 0.1] [--behaviour-agents 10] [--no-behaviour]
//                             [--tools flex-roster,peer] [--source DIR] [--out FILE]
//                             [--concurrency 8] [--parallel N]
//
// --concurrency sets flex-roster's provider concurrency (flex-roster:concurrency,
// default 8) and --parallel Pulumi's --parallel (default: the engine's, 4 x the
// CPU count); OpenTofu always runs with its default -parallelism=10.
//
// For every size: create from empty; a no-op refreshing plan; the seed scenario
// (five out-of-band changes) then plan, apply, plan again. Per tool and phase it
// prints wall time and the emulator's request counters (by route, writes) as soon
// as the phase ends, then the tables with flex-roster / peer ratios. The same
// phases run again with 429/20429 injected on 10% of requests (--fault-sizes).
// The behaviour tables read the plans and the live workers after apply instead of
// asserting anything: all five cases together for both tools, and each case alone
// for the peer (whose plan stops at the first failing refresh).

import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator, type CountersSnapshot, type Emulator } from "../../emulator";
import { createClient, type TwilioClient } from "../../src/twilio/client";
import { createFlexStack, STACK, type FlexStack } from "../../testing/flex-stack";
import { ensurePulumi, runPulumi, type RunResult } from "../../testing/pulumi-cli";
import { readPulumiPreview, readTofuFailure, readTofuPlan, shortError, type PlanReading } from "./plans";
import { startTlsProxy, type TlsProxy } from "./tls-proxy";
import { createTofuWorkspace, ensurePeer, type PeerBuild, type TofuWorkspace } from "./tofu";
import { peerHcl, resourceName, rosterAgents, rosterYaml } from "./workload";
import type { AgentSpec } from "../../src/flex/types";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string", default: "100,1000" },
    "latency-ms": { type: "string", default: "50" },
    "fault-sizes": { type: "string", default: "100" },
    "fault-rate": { type: "string", default: "0.1" },
    "behaviour-agents": { type: "string", default: "10" },
    "no-behaviour": { type: "boolean", default: false },
    tools: { type: "string", default: "flex-roster,peer" },
    source: { type: "string" },
    out: { type: "string" },
    concurrency: { type: "string", default: "8" },
    parallel: { type: "string" },
  },
});
const CONCURRENCY = Number(args.concurrency);
/** Pulumi's --parallel, on up and preview; none: the engine's default (4 x the CPU count). */
const PARALLEL = args.parallel ? ["--parallel", args.parallel] : [];
const SIZES = args.sizes!.split(",").filter(Boolean).map(Number);
const FAULT_SIZES = args["fault-sizes"]!.split(",").filter(Boolean).map(Number);
const LATENCY = Number(args["latency-ms"]);
const FAULT_RATE = Number(args["fault-rate"]);
/** Both by default; one alone is for trying the harness quickly (its tables then lack ratios). */
const TOOLS = args.tools!.split(",").filter(Boolean) as Tool[];
const COMMAND_TIMEOUT_MS = 60 * 60 * 1000;
const PEER_WORKSPACE = "Flex Task Assignment (peer)";
/** The peer's stand-in auth token (twilio-go accepts only [A-Za-z0-9]); the proxy swaps it for the emulator's. */
const PEER_AUTH_TOKEN = "e".repeat(32);

type Tool = "flex-roster" | "peer";
const report: string[] = [];
function out(line = "") {
  console.log(line);
  report.push(line);
}
function progress(line: string) {
  process.stderr.write(line + "\n");
}

// ---------------------------------------------------------------------------
// The two tools behind one interface
// ---------------------------------------------------------------------------
interface Step {
  result: RunResult;
  plan?: PlanReading;
}
interface Driver {
  tool: Tool;
  workspaceSid: string;
  /** Name of an agent's resource in this tool's plan. */
  nameOf(agent: AgentSpec): string;
  create(): Promise<Step>;
  plan(): Promise<Step>;
  apply(): Promise<Step>;
  close(): Promise<void>;
}

async function flexDriver(emu: Emulator, roster: string, total: number): Promise<Driver> {
  const stack: FlexStack = await createFlexStack({ roster, emulator: emu, config: { "flex-roster:concurrency": String(CONCURRENCY) } });
  const run = (a: string[]) =>
    runPulumi([...a, ...PARALLEL, "--stack", STACK, "--non-interactive"], { cwd: stack.dir, env: stack.env, timeoutMs: COMMAND_TIMEOUT_MS });
  const up = async () => ({ result: await run(["up", "--yes", "--skip-preview"]) });
  return {
    tool: "flex-roster",
    workspaceSid: emu.workspaceSid,
    nameOf: (a) => a.identity,
    create: up,
    apply: up,
    async plan() {
      // Pulumi.yaml sets refresh: always, so this reads every worker first.
      const result = await run(["preview", "--json"]);
      return { result, plan: readPulumiPreview(result.stdout, result.code, total) };
    },
    close: () => stack.close(),
  };
}

async function peerDriver(emu: Emulator, build: PeerBuild, proxy: TlsProxy, roster: string, total: number): Promise<Driver> {
  const sdk = createClient({ username: emu.accountSid, password: emu.authToken, baseUrl: emu.url }).twilio;
  const existing = await sdk.taskrouter.v1.workspaces.list({ friendlyName: PEER_WORKSPACE });
  const ws = existing[0] ?? (await sdk.taskrouter.v1.workspaces.create({ friendlyName: PEER_WORKSPACE }));
  const tofu: TofuWorkspace = await createTofuWorkspace({
    build,
    hcl: peerHcl({ workspaceSid: ws.sid, providerVersion: build.providerVersion, roster }),
    proxyUrl: proxy.url,
    caFile: proxy.caFile,
    accountSid: emu.accountSid,
    authToken: PEER_AUTH_TOKEN,
  });
  const apply = async () => {
    const result = await tofu.run(["apply", "-auto-approve", "-input=false", "-no-color"]);
    return { result, plan: result.code === 0 ? undefined : readTofuFailure(result.stdout + result.stderr) };
  };
  return {
    tool: "peer",
    workspaceSid: ws.sid,
    nameOf: resourceName,
    create: apply,
    apply,
    async plan() {
      // Refresh is on by default; -detailed-exitcode: 0 no changes, 2 changes, 1 error.
      const result = await tofu.run(["plan", "-input=false", "-no-color", "-detailed-exitcode", "-out=bench.tfplan"]);
      if (result.code === 1 || result.code === null) return { result, plan: readTofuFailure(result.stdout + result.stderr) };
      return { result, plan: readTofuPlan(await tofu.showPlan("bench.tfplan"), total) };
    },
    close: () => tofu.close(),
  };
}

// ---------------------------------------------------------------------------
// Seed scenario: five out-of-band changes, made through the official SDK
// ---------------------------------------------------------------------------
interface LiveWorker {
  sid: string;
  attributes: Record<string, any>;
  chat?: number;
}
type Sdk = TwilioClient;

async function liveWorker(sdk: Sdk, wsSid: string, name: string): Promise<LiveWorker | undefined> {
  const ws = sdk.taskrouter.v1.workspaces(wsSid);
  const [item] = await ws.workers.list({ friendlyName: name, limit: 1 });
  if (!item) return undefined;
  const w = await ws.workers(item.sid).fetch();
  const channels = await ws.workers(item.sid).workerChannels.list();
  let attributes: Record<string, any> = {};
  try {
    attributes = JSON.parse(w.attributes);
  } catch {
    /* reported as missing keys */
  }
  return { sid: w.sid, attributes, chat: channels.find((c) => c.taskChannelUniqueName === "chat")?.configuredCapacity };
}

interface SeedCase {
  id: string;
  label: string;
  agent: number;
  seed(sdk: Sdk, wsSid: string, w: LiveWorker): Promise<void>;
  /** What the live worker looks like for this case after apply. */
  check(agent: AgentSpec, live: LiveWorker | undefined, before: LiveWorker): string;
}

const setAttrs = (sdk: Sdk, wsSid: string, w: LiveWorker, patch: Record<string, unknown>) =>
  sdk.taskrouter.v1.workspaces(wsSid).workers(w.sid).update({ attributes: JSON.stringify({ ...w.attributes, ...patch }) }).then(() => {});

const CASES: SeedCase[] = [
  {
    id: "contact_uri",
    label: "`contact_uri: client:bob`",
    agent: 1,
    seed: (sdk, ws, w) => setAttrs(sdk, ws, w, { contact_uri: "client:bob" }),
    check: (a, l) => (!l ? "worker missing" : l.attributes.contact_uri === a.contactUri ? "contact_uri canonical" : `contact_uri = ${l.attributes.contact_uri}`),
  },
  {
    id: "full_name",
    label: "full_name drift",
    agent: 2,
    seed: (sdk, ws, w) => setAttrs(sdk, ws, w, { full_name: "Somebody Else" }),
    check: (a, l) => (!l ? "worker missing" : l.attributes.full_name === a.fullName ? "full_name restored" : `full_name = ${l.attributes.full_name}`),
  },
  {
    id: "unmanaged",
    label: "unmanaged key written by Flex (`image_url`)",
    agent: 3,
    seed: (sdk, ws, w) => setAttrs(sdk, ws, w, { image_url: "https://example.invalid/avatar.png" }),
    check: (_a, l) => (!l ? "worker missing" : "image_url" in l.attributes ? "image_url kept" : "image_url removed"),
  },
  {
    id: "delete",
    label: "out-of-band delete",
    agent: 4,
    seed: (sdk, ws, w) => sdk.taskrouter.v1.workspaces(ws).workers(w.sid).remove().then(() => {}),
    check: (_a, l, before) => (!l ? "still missing" : l.sid !== before.sid ? "re-created (new SID)" : "present (same SID)"),
  },
  {
    id: "capacity",
    label: "chat capacity set to 1",
    agent: 5,
    seed: (sdk, ws, w) => sdk.taskrouter.v1.workspaces(ws).workers(w.sid).workerChannels("chat").update({ capacity: 1 }).then(() => {}),
    check: (a, l) => {
      const want = a.channels.chat?.capacity;
      return !l ? "worker missing" : l.chat === want ? `chat capacity ${l.chat} (restored)` : `chat capacity ${l.chat} (roster: ${want})`;
    },
  },
];

interface CaseOutcome {
  shown: string;
  planned: string;
  after: string;
  nextClean: string;
}

function describeStep(p: PlanReading | undefined, name: string): { shown: string; planned: string } {
  if (!p) return { shown: "?", planned: "?" };
  const s = p.agents.get(name);
  if (!p.ok) {
    if (s) return { shown: "yes, as an error", planned: `error: ${s.keys[0]}` };
    return { shown: "no (the plan failed on another worker)", planned: "nothing: the plan failed" };
  }
  if (!s || s.action === "same") return { shown: "no", planned: "nothing" };
  const keys = s.keys.length ? ` (${s.keys.join(", ")})` : "";
  const verb = s.action === "update" ? "update in place" : s.action;
  return { shown: "yes", planned: `${verb}${keys}` };
}

function cleanText(p: PlanReading | undefined): string {
  if (!p) return "?";
  if (!p.ok) return `no: the plan fails (${p.errors[0] ?? "error"})`;
  const changed = [...p.agents.values()].filter((s) => s.action !== "same").length;
  return changed === 0 ? "yes" : `no: ${p.summary}`;
}

// ---------------------------------------------------------------------------
// Measuring phases
// ---------------------------------------------------------------------------
interface PhaseResult {
  tool: Tool;
  phase: string;
  ms: number;
  code: number | null;
  attempts: number;
  calls: CountersSnapshot;
  summary: string;
}

function addCounters(a: CountersSnapshot | undefined, b: CountersSnapshot): CountersSnapshot {
  if (!a) return b;
  const sum = (x: Record<string, number>, y: Record<string, number>) => {
    const r = { ...x };
    for (const [k, v] of Object.entries(y)) r[k] = (r[k] ?? 0) + v;
    return r;
  };
  return { total: a.total + b.total, writes: a.writes + b.writes, faults: a.faults + b.faults, byRoute: sum(a.byRoute, b.byRoute), byStatus: sum(a.byStatus, b.byStatus) } as CountersSnapshot;
}

const shortRoute = (k: string) => k.replace("/v1/Workspaces/:WorkspaceSid", "").replace(/:WorkerSid|:Sid/g, "{sid}") || k;
const routesText = (c: CountersSnapshot) =>
  Object.entries(c.byRoute)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${v} ${shortRoute(k)}`)
    .join(", ");

/**
 * One phase of one tool: counters reset, faults (if any) injected with the same
 * seed for both tools, the command timed. With faults, a run that failed on a 429
 * is run again (up to 4 runs in all) and the figures cover every run.
 */
async function phase(emu: Emulator, d: Driver, name: string, fn: () => Promise<Step>, faults: boolean): Promise<{ r: PhaseResult; step: Step }> {
  let calls: CountersSnapshot | undefined;
  let ms = 0;
  let attempts = 0;
  let step: Step;
  for (;;) {
    attempts++;
    emu.control.resetCounters();
    if (faults) emu.control.injectFault({ kind: "429", rate: FAULT_RATE, seed: 1000 + attempts });
    const t0 = Date.now();
    step = await fn();
    ms += Date.now() - t0;
    emu.control.clearFaults();
    calls = addCounters(calls, emu.control.counters());
    const failedOn429 = step.result.code !== 0 && step.result.code !== 2 && /429|20429|Too Many Requests/i.test(step.result.stdout + step.result.stderr);
    if (!faults || !failedOn429 || attempts >= 4) break;
  }
  const okCode = step.result.code === 0 || (d.tool === "peer" && name.includes("plan") && step.result.code === 2);
  const summary = step.plan?.summary ?? (okCode ? "ok" : `exit ${step.result.code}: ${firstError(step.result)}`);
  const r: PhaseResult = { tool: d.tool, phase: name, ms, code: step.result.code, attempts, calls: calls!, summary };
  progress(
    `  ${d.tool.padEnd(11)} ${name.padEnd(16)} ${(ms / 1000).toFixed(1).padStart(7)} s  ${String(r.calls.total).padStart(6)} calls  ${String(r.calls.writes).padStart(5)} writes` +
      `${faults ? `  ${r.calls.faults} 429s, ${attempts} run(s)` : ""}  exit ${r.code}  | ${summary}\n      ${routesText(r.calls)}`,
  );
  return { r, step: step! };
}

function firstError(r: RunResult): string {
  const text = (r.stdout + "\n" + r.stderr).split("\n").map((l) => l.replace(/^[│╷╵\s]+/, ""));
  return shortError(text.find((l) => /^(Error:|error:)/.test(l)) ?? text.filter(Boolean).pop() ?? "").slice(0, 200);
}

const PHASES = ["create", "no-op plan", "seed: plan", "seed: apply", "seed: plan again"] as const;

interface ScenarioResult {
  n: number;
  faults: boolean;
  phases: PhaseResult[];
  /** Per tool, per seed case, the outcome of the combined scenario. */
  outcomes: Record<Tool, Record<string, CaseOutcome>>;
  /** 1-minute load average when the scenario ended: wall times depend on it. */
  load: number;
}

/** Both tools on one emulator: phases interleaved per tool so each phase's counters belong to one tool. */
async function scenario(
  build: PeerBuild,
  n: number,
  faults: boolean,
  latencyMs: number,
  opts: { cases?: SeedCase[]; tools?: Tool[] } = {},
): Promise<ScenarioResult> {
  const cases = opts.cases ?? CASES;
  const tools = opts.tools ?? TOOLS;
  const roster = rosterYaml(n);
  const { agents } = rosterAgents(roster);
  const emu = await startEmulator({ latencyMs });
  const proxy = await startTlsProxy({ target: emu.url, swapCredentials: { from: [emu.accountSid, PEER_AUTH_TOKEN], to: [emu.accountSid, emu.authToken] } });
  const sdk = createClient({ username: emu.accountSid, password: emu.authToken, baseUrl: emu.url }).twilio;
  const drivers: Driver[] = [];
  const phases: PhaseResult[] = [];
  const outcomes = { "flex-roster": {}, peer: {} } as ScenarioResult["outcomes"];
  progress(`\n${n} agents, ${latencyMs} ms latency${faults ? `, 429 on ${FAULT_RATE * 100}% of requests` : ""}${tools.length < 2 ? `, ${tools[0]} only` : ""}${cases.length < CASES.length ? `, seed: ${cases.map((c) => c.id).join(", ")}` : ""}`);
  try {
    if (tools.includes("flex-roster")) drivers.push(await flexDriver(emu, roster, n));
    if (tools.includes("peer")) drivers.push(await peerDriver(emu, build, proxy, roster, n));
    const run = async (d: Driver, name: string, fn: () => Promise<Step>) => {
      const { r, step } = await phase(emu, d, name, fn, faults);
      phases.push(r);
      return step;
    };
    for (const d of drivers) await run(d, "create", () => d.create());
    for (const d of drivers) await run(d, "no-op plan", () => d.plan());

    // The seed: the same five changes to both tools' workers (not counted).
    const before: Record<Tool, Record<string, LiveWorker>> = { "flex-roster": {}, peer: {} };
    emu.control.setLatency(0);
    for (const d of drivers) {
      for (const c of cases) {
        // A create that never finished (the peer under 429s) leaves workers missing:
        // that case is then reported as not seeded instead of stopping the run.
        const w = await liveWorker(sdk, d.workspaceSid, agents[c.agent].identity);
        if (!w) continue;
        before[d.tool][c.id] = w;
        await c.seed(sdk, d.workspaceSid, w);
      }
    }
    emu.control.setLatency(latencyMs);

    for (const d of drivers) {
      const p1 = await run(d, "seed: plan", () => d.plan());
      const ap = await run(d, "seed: apply", () => d.apply());
      const p2 = await run(d, "seed: plan again", () => d.plan());
      emu.control.setLatency(0);
      for (const c of cases) {
        const agent = agents[c.agent];
        if (!before[d.tool][c.id]) {
          const missing = "not seeded: the worker was missing after create";
          outcomes[d.tool][c.id] = { shown: "–", planned: missing, after: "–", nextClean: cleanText(p2.plan) };
          continue;
        }
        const live = await liveWorker(sdk, d.workspaceSid, agent.identity);
        const shown = describeStep(p1.plan, d.nameOf(agent));
        const applyText = ap.result.code === 0 ? "" : "; the apply failed";
        outcomes[d.tool][c.id] = { ...shown, after: c.check(agent, live, before[d.tool][c.id]) + applyText, nextClean: cleanText(p2.plan) };
      }
      emu.control.setLatency(latencyMs);
    }
  } finally {
    for (const d of drivers) await d.close().catch(() => {});
    await proxy.close();
    await emu.close();
  }
  return { n, faults, phases, outcomes, load: os.loadavg()[0] };
}

// ---------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------
const secs = (ms: number) => (ms / 1000).toFixed(1);
const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? "–" : "∞") : (a / b).toFixed(2));

function phaseTable(s: ScenarioResult) {
  out(`\n#### ${s.n} agents${s.faults ? `, 429/20429 on ${FAULT_RATE * 100}% of requests` : ""}\n`);
  out(`Machine load average (1 min) at the end of this run: ${s.load.toFixed(1)} on ${os.cpus().length} cores.\n`);
  out(`| phase | flex-roster s | peer s | time ratio | flex-roster calls (writes) | peer calls (writes) | calls ratio | writes ratio |${s.faults ? " 429s seen (flex / peer) | runs (flex / peer) |" : ""} flex-roster result | peer result |`);
  out(`|---|---:|---:|---:|---:|---:|---:|---:|${s.faults ? "---:|---:|" : ""}---|---|`);
  for (const p of PHASES) {
    const f = s.phases.find((r) => r.tool === "flex-roster" && r.phase === p)!;
    const q = s.phases.find((r) => r.tool === "peer" && r.phase === p)!;
    if (!f || !q) continue;
    out(
      `| ${p} | ${secs(f.ms)} | ${secs(q.ms)} | ${ratio(f.ms, q.ms)} | ${f.calls.total} (${f.calls.writes}) | ${q.calls.total} (${q.calls.writes}) | ${ratio(f.calls.total, q.calls.total)} | ${ratio(f.calls.writes, q.calls.writes)} |` +
        `${s.faults ? ` ${f.calls.faults} / ${q.calls.faults} | ${f.attempts} / ${q.attempts} |` : ""} exit ${f.code}: ${f.summary} | exit ${q.code}: ${q.summary} |`,
    );
  }
  out(`\nAPI calls by route (${s.n} agents${s.faults ? ", with 429s" : ""}):\n`);
  out("| phase | tool | calls by route |");
  out("|---|---|---|");
  for (const r of s.phases) out(`| ${r.phase} | ${r.tool} | ${routesText(r.calls) || "none"} |`);
}

function behaviourTable(title: string, rows: Array<{ c: SeedCase; o: Record<Tool, CaseOutcome> }>) {
  out(`\n${title}\n`);
  out("| seed case | tool | plan shows it? | what it plans | live worker after apply | next plan clean? |");
  out("|---|---|---|---|---|---|");
  for (const { c, o } of rows) {
    for (const t of ["flex-roster", "peer"] as Tool[]) {
      const x = o[t];
      if (x) out(`| ${c.label} | ${t} | ${x.shown} | ${x.planned} | ${x.after} | ${x.nextClean} |`);
    }
  }
}

function cmdAll(c: string, a: string[]): string {
  try {
    return execFileSync(c, a, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}
const goPlatform = () => `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`;

function versions(build: PeerBuild): string[] {
  const cmd = (c: string, a: string[]) => cmdAll(c, a).trim().split("\n")[0] || "?";
  const pulumiDir = execFileSync("bash", [path.join(__dirname, "..", "..", "scripts", "ensure-pulumi")], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  // twilio-go's version, as linked into the provider binary.
  const providerBin = path.join(build.providerMirror, "registry.opentofu.org/twilio/twilio", build.providerVersion, `${goPlatform()}/terraform-provider-twilio_v${build.providerVersion}`);
  const twilioGo = /github\.com\/twilio\/twilio-go\s+(v\S+)/.exec(cmdAll("go", ["version", "-m", providerBin]))?.[1] ?? "?";
  return [
    `- flex-roster: this repository at ${cmd("git", ["-C", path.join(__dirname, "..", ".."), "rev-parse", "--short", "HEAD"])}; Pulumi CLI ${cmd(path.join(pulumiDir, "pulumi"), ["version"])}; Node.js ${process.version}`,
    `- peer: OpenTofu ${build.tofuVersion} (built from Go modules); Terraform twilio provider ${build.providerVersion} built from source (twilio-go ${twilioGo}); ${cmd("go", ["version"])}`,
    `- emulator latency ${LATENCY} ms per request; flex-roster provider concurrency ${CONCURRENCY}${CONCURRENCY === 8 ? " (its default)" : ""}, Pulumi --parallel ${args.parallel ?? `${4 * os.cpus().length} (its default)`}; OpenTofu -parallelism=10 (its default)`,
    `- date: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}; ${os.cpus().length} CPU cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average (1, 5, 15 min) at the start: ${os.loadavg().map((l) => l.toFixed(2)).join(", ")} (each size's table gives it at the end)`,
  ];
}

async function main() {
  const build = await ensurePeer(args.source ?? process.env.FLEX_ROSTER_PEER_SOURCE);
  await ensurePulumi();
  out("## Run");
  out();
  for (const v of versions(build)) out(v);
  out(`- command: npx tsx bench/peer/run.ts ${process.argv.slice(2).join(" ")}`.trimEnd());

  const combined: ScenarioResult[] = [];
  const runs: Array<[number, boolean]> = [];
  for (const n of SIZES) runs.push([n, false]);
  for (const n of FAULT_SIZES) runs.push([n, true]);
  // Small sizes first so their figures arrive early; the largest clean run last.
  runs.sort((a, b) => a[0] - b[0] || Number(a[1]) - Number(b[1]));

  // flex-roster's plan lists every worker's own action even when several drift at
  // once (see the combined table); the peer's plan stops at the first failing
  // refresh, so each case is also run alone for the peer, on a fresh emulator.
  const isolated: Record<string, CaseOutcome> = {};
  const runIsolated = async () => {
    const m = Number(args["behaviour-agents"]);
    for (const c of CASES) {
      const s = await scenario(build, m, false, 0, { cases: [c], tools: ["peer"] });
      isolated[c.id] = s.outcomes.peer[c.id];
    }
  };

  out("\n## Phases (wall time, API calls, flex-roster / peer ratios)");
  const largest = Math.max(...runs.map(([n]) => n));
  for (const [n, faults] of runs) {
    if (n === largest && !args["no-behaviour"] && !Object.keys(isolated).length) await runIsolated();
    const s = await scenario(build, n, faults, LATENCY, { tools: TOOLS });
    combined.push(s);
    phaseTable(s);
    if (args.out) writeFileSync(args.out, report.join("\n") + "\n");
  }
  if (!args["no-behaviour"] && !Object.keys(isolated).length) await runIsolated();

  out("\n## Behaviour per seed case");
  for (const s of combined) {
    const behaviour = CASES.map((c) => ({ c, o: { "flex-roster": s.outcomes["flex-roster"][c.id], peer: s.outcomes.peer[c.id] } }));
    behaviourTable(`All five cases at once (${s.n} agents${s.faults ? `, 429 on ${FAULT_RATE * 100}% of requests` : ""}):`, behaviour);
  }
  if (Object.keys(isolated).length) {
    behaviourTable(
      `The peer with each case alone (${args["behaviour-agents"]} agents, a fresh emulator per case):`,
      CASES.map((c) => ({ c, o: { peer: isolated[c.id] } as Record<Tool, CaseOutcome> })),
    );
  }
  if (args.out) writeFileSync(args.out, report.join("\n") + "\n");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
