// Benchmark: what routing impact adds to a preview, at 5,000 agents and 50
// TaskQueues (Everyone plus 49 skill queues, some with a level), against the
// emulator in this process. Two roster changes: a bulk edit (every agent gains
// a skill: every skill queue is touched) and a small one (100 agents gain a skill).
// Measured per change, with the live check on and off:
//   provider  the provider's part: one read of the queues, then one routing
//             line per changed agent (src/reconcile/routing-facts.ts)
//   plan      what buildPlan adds: each changed agent's attributes before/after
//   cli       the CLI's part: reads (queues, counts, the live check), impact,
//             routing guard, Markdown section (src/report/routing*.ts)
// CPU is process.cpuUsage (user + system) of this process; the emulator runs
// here too, so the read phases include its CPU (an upper bound). API calls are
// the emulator's counters.
//
//   npx tsx bench/routing.ts [--agents 5000] [--queues 50] [--latency-ms 0]

import { parseArgs } from "node:util";
import { startEmulator, type SeedWorkerSpec } from "../emulator";
import { attributesFromState, desiredRoutingAttributes } from "../src/flex/routing";
import { desiredWorker, type WorkerInputs } from "../src/flex/worker-model";
import { Notices } from "../src/reconcile/notices";
import { RoutingFacts } from "../src/reconcile/routing-facts";
import type { AgentPlan } from "../src/report/plan";
import { evaluateRoutingGuard, routingImpact, routingMarkdown } from "../src/report/routing";
import { readLiveRouting } from "../src/report/routing-live";
import { agent } from "../testing/agent-spec";
import { emulatorTaskRouter } from "../testing/emulator-client";
import { planOf } from "../testing/plan-model";

const { values: argv } = parseArgs({ options: { agents: { type: "string" }, queues: { type: "string" }, "latency-ms": { type: "string" } } });
const AGENTS = Number(argv.agents ?? 5000);
const QUEUES = Number(argv.queues ?? 50);
const LATENCY = Number(argv["latency-ms"] ?? 0);
const SKILLS = QUEUES - 1;
const WS = "Flex Task Assignment";

const skill = (k: number) => `skill_${k}`;
/** Agent i has three skills (level 1..5 each); a bulk edit adds a fourth. */
function inputs(i: number, extra: number | undefined): WorkerInputs {
  const skills = [i % SKILLS, (i * 7 + 3) % SKILLS, (i * 13 + 5) % SKILLS].map(skill);
  if (extra !== undefined) skills.push(skill(extra));
  const levels = Object.fromEntries([...new Set(skills)].map((s, j) => [s, ((i + j) % 5) + 1]));
  return desiredWorker(WS, agent({ email: `agent${i}@acme.com`, skills: [...new Set(skills)], levels }));
}

function cpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

async function measure<T>(fn: () => Promise<T> | T): Promise<{ value: T; cpu: number; wall: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  return { value, cpu: cpuMs(c), wall: performance.now() - t };
}

async function main(): Promise<void> {
  const emu = await startEmulator({ latencyMs: LATENCY });
  try {
    const tr = emulatorTaskRouter(emu);
    const ws = tr.client.twilio.taskrouter.v1.workspaces(emu.workspaceSid);
    for (let k = 0; k < SKILLS; k++) {
      // Every seventh queue also wants a level, as Spanish Support does.
      const expr = k % 7 === 0 ? `routing.skills HAS "${skill(k)}" AND routing.levels.${skill(k)} >= 3` : `routing.skills HAS "${skill(k)}"`;
      await ws.taskQueues.create({ friendlyName: `Queue ${k}`, targetWorkers: expr });
    }
    const live = Array.from({ length: AGENTS }, (_, i) => inputs(i, undefined));
    const specs: SeedWorkerSpec[] = live.map((w) => ({ friendlyName: w.friendlyName, attributes: attributesFromState(w) }));
    const sids = emu.control.seedWorkers(specs);
    const states = live.map((w, i) => ({ ...w, sid: sids[i]!, workspaceSid: emu.workspaceSid }));
    console.log(`routing impact: ${AGENTS} agents, ${QUEUES} TaskQueues (Everyone + ${SKILLS} skill queues), emulator latency ${LATENCY} ms`);

    const changes = [
      { name: "bulk edit: every agent gains a skill", changed: AGENTS },
      { name: "small edit: 100 agents gain a skill", changed: Math.min(100, AGENTS) },
    ];
    for (const change of changes) {
      const desired = live.map((w, i) => (i < change.changed ? inputs(i, (i * 11 + 1) % SKILLS) : w));

      emu.control.resetCounters();
      const facts = new RoutingFacts(() => tr, new Notices({ warn: async () => {}, info: async () => {} }));
      const provider = await measure(async () => {
        for (let i = 0; i < change.changed; i++) await facts.announce(emu.workspaceSid, desired[i]!, states[i]);
      });
      const providerCalls = emu.control.counters().total;

      const plan = await measure(() => {
        const agents: AgentPlan[] = [];
        for (let i = 0; i < change.changed; i++) {
          const before = attributesFromState(states[i]!);
          agents.push({
            identity: desired[i]!.friendlyName,
            email: desired[i]!.email,
            sid: sids[i],
            action: "update",
            managed: true,
            reasons: [],
            ops: ["update"],
            routing: { before, after: desiredRoutingAttributes(desired[i]!, before), workspace: emu.workspaceSid },
          });
        }
        return planOf(agents, { update: agents.length, unchanged: AGENTS - agents.length, managed: AGENTS });
      });

      for (const check of [true, false]) {
        emu.control.resetCounters();
        const read = await measure(() => readLiveRouting(tr, emu.workspaceSid, plan.value, { check }));
        const calls = emu.control.counters().total;
        const compute = await measure(() => {
          const impact = routingImpact(plan.value, read.value);
          const guard = evaluateRoutingGuard(impact, { roster: [], flag: [] });
          return { impact, markdown: routingMarkdown({ impact, guard }, 20) };
        });
        const cpu = provider.cpu + plan.cpu + read.cpu + compute.cpu;
        const checked = compute.value.impact.queues.filter((q) => q.checked).length;
        console.log(
          `\n${change.name}, live check ${check ? `on (${checked} queues)` : "off"}:\n` +
            `  provider  ${provider.cpu.toFixed(0).padStart(6)} ms CPU  ${provider.wall.toFixed(0).padStart(6)} ms wall  ${providerCalls} API calls (${change.changed} routing lines)\n` +
            `  plan      ${plan.cpu.toFixed(0).padStart(6)} ms CPU\n` +
            `  cli read  ${read.cpu.toFixed(0).padStart(6)} ms CPU  ${read.wall.toFixed(0).padStart(6)} ms wall  ${calls} API calls (emulator CPU included)\n` +
            `  cli rest  ${compute.cpu.toFixed(0).padStart(6)} ms CPU (impact, guard, Markdown: ${compute.value.markdown.length} chars)\n` +
            `  total     ${cpu.toFixed(0).padStart(6)} ms CPU  ${providerCalls + calls} API calls  (targets: 2,000 ms, 50 calls)`,
        );
      }
    }
  } finally {
    await emu.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
