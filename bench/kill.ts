// Skipping checkpoints is safe: `pulumi up` of a roster (1,000 agents by
// default) is SIGKILLed with its whole process tree at random points (10 by
// default), each trial from an empty workspace; after `pulumi cancel` the rerun
// must converge: every worker the killed runs created adopted, 0 lost. Prints, per trial, where it
// was killed, how many workers the rerun adopted and created, and the checks.
//
//   npx tsx bench/kill.ts [--agents 1000] [--trials 10] [--latency-ms 50] [--seed N]
//
// Each trial costs a partial up plus a full one; at 1,000 agents and 50 ms
// latency reckon 1 to 3 minutes per trial on 2 cores.

import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEmulator } from "../emulator";
import { flexIdentity } from "../src/flex/identity";
import { killRerunTrial, saveState, type TrialResult } from "../testing/kill-rerun";
import { createFlexStack, STACK } from "../testing/flex-stack";
import { ensurePulumi } from "../testing/pulumi-cli";
import { BENCH_DEFAULTS, rosterYaml } from "../testing/roster-builders";

const { values: argv } = parseArgs({
  options: { agents: { type: "string" }, trials: { type: "string" }, "latency-ms": { type: "string" }, seed: { type: "string" } },
});
const N = Number(argv.agents ?? 1000);
const TRIALS = Number(argv.trials ?? 10);
const LATENCY = Number(argv["latency-ms"] ?? 50);

// mulberry32: reproducible kill points for a given --seed.
let a = Number(argv.seed ?? Date.now()) >>> 0;
const seed = a;
const random = () => {
  a = (a + 0x6d2b79f5) >>> 0;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

async function main() {
  await ensurePulumi();
  const emails = Array.from({ length: N }, (_, i) => `kill.${String(i).padStart(5, "0")}@acme-corp.com`);
  const roster = rosterYaml(
    emails.map((e, i) => ({ email: e, fullName: `Agent ${i}` })),
    { defaults: BENCH_DEFAULTS },
  );
  const emulator = await startEmulator({ latencyMs: LATENCY });
  const stack = await createFlexStack({ roster, emulator });
  const trialStack = { dir: stack.dir, env: stack.env, stackName: STACK, emulator, pulumi: (x: string[]) => stack.pulumi(x) };
  const tmp = mkdtempSync(path.join(os.tmpdir(), "flex-roster-kill-bench-"));
  const results: TrialResult[] = [];
  console.log(`# kill-rerun: ${N} agents, ${TRIALS} trials, ${LATENCY} ms latency, seed ${seed}, ${new Date().toISOString()}`);
  console.log("| trial | killed at writes | live before rerun | in state before | adopted | created | lost | state mismatches | no changes after | rerun s |");
  console.log("|---:|---|---:|---:|---:|---:|---:|---:|---|---:|");
  try {
    const empty = await saveState(trialStack, path.join(tmp, "empty.json"));
    for (let t = 1; t <= TRIALS; t++) {
      // About 2 writes per agent (create, chat capacity): anywhere in the middle 90%.
      const at = Math.max(1, Math.floor(2 * N * (0.05 + 0.9 * random())));
      const r = await killRerunTrial(trialStack, empty, emails.map(flexIdentity), [at]);
      results.push(r);
      console.log(
        `| ${t} | ${r.killedAtWrites.join(", ")}${r.killedInFlight.every(Boolean) ? "" : " (run had ended)"} | ${r.liveBeforeRerun} | ${r.inStateBeforeRerun} | ${r.adopted} | ${r.created} | ${r.lost} | ${r.stateMismatches} | ${r.noChangesAfter} | ${(r.rerunMs / 1000).toFixed(1)} |`,
      );
    }
  } finally {
    await stack.close();
    await emulator.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  const bad = results.filter((r) => r.adopted !== r.liveBeforeRerun || r.lost || r.stateMismatches || !r.noChangesAfter);
  console.log(`\n${results.length} trials: ${bad.length} failed to converge; adopted ${results.reduce((s, r) => s + r.adopted, 0)} workers in all`);
  if (bad.length) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
