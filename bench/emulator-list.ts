// Emulator list-paging benchmark: seeds 15,000 workers, then walks the Workers
// list in 1,000-item pages over HTTP (following next_page_url) several times
// and prints min / median / p95 per page. Target: < 50 ms per page.
//
// By default the emulator runs in its own process (as with `npm run emulator`),
// so the client's JSON parsing does not compete with the server for the same
// event loop; --in-process runs both in this process.
//
//   npx tsx bench/emulator-list.ts [--workers 15000] [--runs 5] [--page-size 1000] [--in-process]

import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { DEV_CREDENTIALS, startEmulator } from "../emulator";
import { emulatorSdk } from "../testing/emulator-client";

const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "15000" },
    runs: { type: "string", default: "5" },
    "page-size": { type: "string", default: "1000" },
    "in-process": { type: "boolean", default: false },
  },
});

interface Target {
  url: string;
  workspaceSid: string;
  seed(specs: unknown[]): Promise<void>;
  close(): Promise<void>;
}

async function inProcess(): Promise<Target> {
  const emu = await startEmulator();
  return {
    url: emu.url,
    workspaceSid: emu.workspaceSid,
    seed: async (specs) => void emu.control.seedWorkers(specs as never),
    close: () => emu.close(),
  };
}

/** `tsx emulator/main.ts --port 0` in a child process; seeded through the control API. */
async function childProcess(): Promise<Target> {
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve("tsx/cli"), join(__dirname, "../emulator/main.ts"), "--port", "0"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const vars = await new Promise<Record<string, string>>((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`emulator exited early (${code})`)));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const found = Object.fromEntries([...out.matchAll(/^(TWILIO_[A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
      if (found.TWILIO_WORKSPACE_NAME !== undefined) resolve(found);
    });
  });
  const url = vars.TWILIO_BASE_URL!;
  return {
    url,
    workspaceSid: vars.TWILIO_WORKSPACE_SID!,
    async seed(specs) {
      const res = await fetch(`${url}/__emulator/workspaces/default/workers:seed`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(specs),
      });
      if (res.status !== 201) throw new Error(`seed failed: HTTP ${res.status} ${await res.text()}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners("exit");
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
const WORKERS = Number(values.workers);
const RUNS = Number(values.runs);
const PAGE_SIZE = Number(values["page-size"]);
const TARGET_MS = 50;

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { n: s.length, min: s[0]!, median: at(0.5), p95: at(0.95), max: s[s.length - 1]! };
}

const fmt = (x: number) => x.toFixed(1).padStart(7);

function report(label: string, samples: number[], gated = true) {
  const r = stats(samples);
  const verdict = !gated ? "(info)" : r.p95 < TARGET_MS ? "ok" : "OVER TARGET";
  console.log(
    `${label.padEnd(34)} n=${String(r.n).padStart(3)}  min ${fmt(r.min)}  median ${fmt(r.median)}  p95 ${fmt(r.p95)}  max ${fmt(r.max)} ms  ${verdict}`,
  );
  return r;
}

async function main() {
  const emu = values["in-process"] ? await inProcess() : await childProcess();
  const creds = DEV_CREDENTIALS;
  console.log(`emulator ${values["in-process"] ? "in this process" : "in a child process"} at ${emu.url}`);
  try {
    const t0 = performance.now();
    const specs = Array.from({ length: WORKERS }, (_, i) => {
      const email = `agent${String(i).padStart(5, "0")}@acme.example`;
      return {
        friendlyName: email,
        activityName: i % 3 === 0 ? "Available" : "Offline",
        attributes: {
          email,
          full_name: `Agent ${i}`,
          contact_uri: `client:${email}`,
          roles: ["agent"],
          routing: { skills: i % 2 ? ["sales", "support"] : ["billing"], levels: { sales: i % 10 } },
        },
      };
    });
    await emu.seed(specs);
    console.log(`seeded ${WORKERS} workers in ${(performance.now() - t0).toFixed(0)} ms`);

    const auth = "Basic " + Buffer.from(`${creds.accountSid}:${creds.authToken}`).toString("base64");
    const first = `${emu.url}/v1/Workspaces/${emu.workspaceSid}/Workers?PageSize=${PAGE_SIZE}`;

    // Raw HTTP: fetch + JSON.parse, following next_page_url.
    const serverMs: number[] = [];
    const walk = async (): Promise<{ pages: number[]; seen: number }> => {
      const pages: number[] = [];
      let seen = 0;
      let url: string | null = first;
      while (url) {
        const t = performance.now();
        const res = await fetch(url, { headers: { authorization: auth } });
        const body = (await res.json()) as { workers: unknown[]; meta: { next_page_url: string | null } };
        pages.push(performance.now() - t);
        const st = /dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "");
        if (st) serverMs.push(Number(st[1]));
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        seen += body.workers.length;
        url = body.meta.next_page_url;
      }
      return { pages, seen };
    };
    await walk(); // warm-up
    serverMs.length = 0;
    const raw: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { pages, seen } = await walk();
      if (seen !== WORKERS) throw new Error(`walked ${seen} workers, expected ${WORKERS}`);
      raw.push(...pages);
    }

    // The official SDK (page + nextPage), as the provider uses it.
    const client = emulatorSdk({ ...creds, url: emu.url });
    const workers = client.taskrouter.v1.workspaces(emu.workspaceSid).workers;
    const sdkWalk = async (): Promise<number[]> => {
      const times: number[] = [];
      let t = performance.now();
      let page: { instances: unknown[]; nextPageUrl?: string; nextPage(): Promise<unknown> | undefined } = await workers.page({
        pageSize: PAGE_SIZE,
      });
      times.push(performance.now() - t);
      let seen = page.instances.length;
      while (page.nextPageUrl) {
        t = performance.now();
        page = (await page.nextPage()) as typeof page;
        times.push(performance.now() - t);
        seen += page.instances.length;
      }
      if (seen !== WORKERS) throw new Error(`SDK walked ${seen} workers, expected ${WORKERS}`);
      return times;
    };
    await sdkWalk();
    const sdk: number[] = [];
    for (let i = 0; i < RUNS; i++) sdk.push(...(await sdkWalk()));

    // Filtered single-page queries over all workers.
    const q = async (query: string) => {
      const times: number[] = [];
      await fetch(`${emu.url}/v1/Workspaces/${emu.workspaceSid}/Workers?${query}`, { headers: { authorization: auth } }).then(
        (r) => r.json(),
      ); // warm-up (the first expression query parses every worker's attributes once)
      for (let i = 0; i < RUNS * 3; i++) {
        const t = performance.now();
        const res = await fetch(`${emu.url}/v1/Workspaces/${emu.workspaceSid}/Workers?${query}`, {
          headers: { authorization: auth },
        });
        await res.json();
        times.push(performance.now() - t);
      }
      return times;
    };
    const expr = encodeURIComponent('email == "agent14999@acme.example"');
    const byName = await q(`FriendlyName=AGENT07500%40acme.example`);
    const byExpr = await q(`TargetWorkersExpression=${expr}&PageSize=${PAGE_SIZE}`);
    const available = await q(`Available=true&PageSize=${PAGE_SIZE}`);

    console.log(`\nWorkers list, ${WORKERS} workers, PageSize=${PAGE_SIZE}, ${RUNS} full walks (after one warm-up):`);
    const r1 = report("page over HTTP (fetch + JSON.parse)", raw);
    report("  of which in the emulator", serverMs, false);
    report("page via twilio SDK (page/nextPage)", sdk, false);
    console.log("  (the SDK figure adds the client's own work: 1,000 WorkerInstance objects per page)");
    console.log(`\nFiltered list queries (${RUNS * 3} each, one page):`);
    report("FriendlyName (index lookup)", byName);
    report("TargetWorkersExpression email ==", byExpr);
    report("Available=true (first 1000 of 5000)", available);
    console.log(`\nmachine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")}`);
    const pass = r1.p95 < TARGET_MS;
    console.log(`\ntarget: < ${TARGET_MS} ms per 1000-item page over HTTP -> ${pass ? "met" : "NOT met"} (p95)`);
    process.exitCode = pass ? 0 : 1;
  } finally {
    await emu.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
