// Benchmark: a `flex-roster doctor` scan of 5,000 workers against the emulator
// with 50 ms latency per request. Prints API calls by route (the client's
// counter and the emulator's) and wall time, per concurrency.
//
//   npx tsx bench/doctor.ts [--workers 5000] [--latency 50] [--concurrency 8,32]

import { startEmulator, type SeedWorkerSpec } from "../emulator";
import { audit } from "../src/brownfield/audit";
import { scanWorkspace } from "../src/brownfield/scan";
import { TaskRouter } from "../src/twilio/taskrouter";
import { emulatorClient } from "../testing/emulator-client";
import { signedInWorker } from "../testing/flex-workers";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const WORKERS = Number(arg("workers", "5000"));
const LATENCY = Number(arg("latency", "50"));
const CONCURRENCY = arg("concurrency", "8,32").split(",").map(Number);

/** Mostly healthy Flex workers; every 50th has a seed-style contact_uri, every 200th bad JSON. */
function workspace(n: number): SeedWorkerSpec[] {
  return Array.from({ length: n }, (_, i) => {
    const agent = { email: `agent${i}@acme.com`, fullName: `Agent ${i}`, levels: { support: 3 }, imageUrl: "https://example.invalid/a.png" };
    const spec = signedInWorker(agent, { chat: i % 100 === 0 ? 1 : 2 }, i % 50 === 49 ? { contact_uri: `client:agent${i}` } : {});
    return i % 200 === 199 ? { ...spec, attributes: '{"contact_uri": ' } : spec;
  });
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ")).join("\n");
}

async function main() {
  const emu = await startEmulator();
  emu.control.seedWorkers(workspace(WORKERS));
  emu.control.setLatency(LATENCY);
  console.log(`doctor scan: ${WORKERS} workers, ${LATENCY} ms emulator latency per request, Node ${process.version}\n`);

  for (const concurrency of CONCURRENCY) {
    emu.control.resetCounters();
    const client = emulatorClient(emu, { concurrency, timeoutMs: 30_000, maxRetries: 5 });
    const started = process.hrtime.bigint();
    const scan = await scanWorkspace(new TaskRouter(client), "Flex Task Assignment", { concurrency });
    const scanMs = Number(process.hrtime.bigint() - started) / 1e6;
    const t = process.hrtime.bigint();
    const report = audit(scan.workers);
    const auditMs = Number(process.hrtime.bigint() - t) / 1e6;

    const calls = client.http.calls.toJSON();
    const server = emu.control.counters();
    const rows = [["route (client counter)", "calls"], ...Object.entries(calls.byRoute).map(([k, v]) => [k, String(v)])];
    rows.push(["total (retries)", `${calls.total} (${calls.retries})`]);
    const srows = [["route (emulator counter)", "requests"], ...Object.entries(server.byRoute).sort().map(([k, v]) => [k, String(v)])];
    srows.push(["total (writes)", `${server.total} (${server.writes})`]);
    console.log(`concurrency ${concurrency}`);
    console.log(table(rows));
    console.log(table(srows));
    console.log(
      table([
        ["wall time", "value"],
        ["scan", `${(scanMs / 1000).toFixed(2)} s`],
        ["audit (pure)", `${auditMs.toFixed(0)} ms`],
        ["workers/s", (WORKERS / (scanMs / 1000)).toFixed(0)],
        ["findings (critical/warning)", `${report.counts.critical}/${report.counts.warning}`],
        ["ideal at this concurrency", `${(((calls.total - 1) * LATENCY) / concurrency / 1000).toFixed(2)} s`],
      ]),
    );
    console.log("");
  }
  await emu.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
