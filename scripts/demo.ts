// The demo: a roster of ten agents goes live on the emulator (the run names the
// TaskQueue a new Spanish speaker joins: routing impact), one worker is
// corrupted exactly as in the support case, Bob's second chat fails with "You
// are not a chat participant", preview explains it, up repairs it, the second
// chat works, and a final preview proves convergence.

import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { createClient } from "../src/twilio/client";

const ROOT = path.resolve(__dirname, "..");
const PORT = Number(process.env.FLEX_ROSTER_DEMO_PORT ?? 4010); // Pulumi.dev.yaml points here
const STACK = "dev";
const BOB = "bob_40acme_2Ecom";
const BOB_LOGIN = "bob@acme.com";

/** Bob accepts a second chat (the emulator plays Flex): the error text, or "ok". */
function secondChat(emu: Awaited<ReturnType<typeof startEmulator>>): string {
  try {
    emu.control.secondChat(BOB_LOGIN);
    return "ok";
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function step(title: string) {
  process.stdout.write(`\n\x1b[1m== ${title}\x1b[0m\n`);
}

/** Run scripts/pulumi, streaming its output; resolves with the exit code and captured text. */
function pulumi(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return run(["bash", path.join(ROOT, "scripts", "pulumi"), ...args, "--stack", STACK, "--non-interactive"], env);
}

/** Run a command in the project directory, streaming its output. */
function run([cmd, ...args]: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, out }));
  });
}

async function must(args: string[], env: NodeJS.ProcessEnv) {
  const r = await pulumi(args, env);
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}`);
  return r;
}

async function main() {
  step(`Starting the TaskRouter emulator on 127.0.0.1:${PORT}`);
  const emu = await startEmulator({ port: PORT });
  console.log(`emulator at ${emu.url}, account ${emu.accountSid}, workspace "Flex Task Assignment" ${emu.workspaceSid}`);

  // The demo keeps its own state beside the default local backend, fresh each run:
  // the emulator forgets everything when it stops, so old state would only be noise.
  const backend = path.join(ROOT, ".pulumi-state", "demo");
  mkdirSync(backend, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL ?? `file://${backend}` };
  const sdk = createClient({ username: emu.accountSid, password: emu.authToken, baseUrl: emu.url }).twilio;
  const workers = () => sdk.taskrouter.v1.workspaces(emu.workspaceSid).workers;

  try {
    await pulumi(["stack", "rm", "--yes", "--force", "--preserve-config"], env).catch(() => undefined);
    await must(["stack", "select", "--create"], env);

    step('A TaskQueue "Spanish Support" picks workers with routing.skills HAS "spanish"');
    await sdk.taskrouter.v1.workspaces(emu.workspaceSid).taskQueues.create({ friendlyName: "Spanish Support", targetWorkers: 'routing.skills HAS "spanish"' });

    step("pulumi up: create one worker per roster agent (its warnings name the queue each new agent joins)");
    const created = await must(["up", "--yes", "--skip-preview"], env);
    const joins = /\S+: routing: joins "Spanish Support"/.exec(created.out);
    if (!joins) throw new Error("up did not say which agent joins Spanish Support");
    console.log(`routing impact: ${joins[0]}`);

    step(`Out of band: corrupt ${BOB}'s contact_uri to "client:bob" (the support case)`);
    const [bob] = await workers().list({ friendlyName: BOB });
    const before = await workers()(bob.sid).fetch();
    const attrs = JSON.parse(before.attributes);
    await workers()(bob.sid).update({ attributes: JSON.stringify({ ...attrs, contact_uri: "client:bob" }) });
    console.log(`${BOB} (${bob.sid}) contact_uri: ${attrs.contact_uri} -> client:bob`);

    step(`The symptom: ${BOB_LOGIN} accepts a second chat`);
    const symptom = secondChat(emu);
    console.log(`second chat: ${symptom}`);
    if (symptom !== "You are not a chat participant") throw new Error(`expected the seed's error, got: ${symptom}`);

    step("pulumi preview --diff: shows the drift and that Bob's worker will be replaced, and why");
    const preview = await must(["preview", "--diff"], env);
    if (!/client:bob_40acme_2Ecom/.test(preview.out) || !/replace/i.test(preview.out)) {
      throw new Error("preview did not show the replacement of Bob's worker");
    }

    step("flex-roster drift: the scheduled drift check and PR report see the same thing (exit 2 = drift)");
    const drift = await run(["node", path.join(ROOT, "bin", "flex-roster"), "drift", "--stack", STACK], env);
    if (drift.code !== 2 || !drift.out.includes("bob@acme.com")) throw new Error(`drift check exited ${drift.code}, expected 2 naming bob@acme.com`);

    step("pulumi up: recreate the corrupted worker, leave everyone else alone");
    await must(["up", "--yes", "--skip-preview"], env);
    const [fixed] = await workers().list({ friendlyName: BOB });
    const after = JSON.parse((await workers()(fixed.sid).fetch()).attributes);

    step(`After the repair: ${BOB_LOGIN} accepts a second chat`);
    const chat = secondChat(emu);
    console.log(`second chat: ${chat}`);
    if (chat !== "ok") throw new Error(`the second chat still fails after the repair: ${chat}`);

    step("pulumi preview --expect-no-changes: live Flex matches the roster");
    await must(["preview", "--expect-no-changes"], env);

    step("Summary");
    const all = await workers().list({ pageSize: 1000 });
    const counters = emu.control.counters();
    console.log(`workers in workspace:       ${all.length}`);
    console.log(`Bob's worker:               ${bob.sid} -> ${fixed.sid} (recreated: ${bob.sid !== fixed.sid})`);
    console.log(`Bob's contact_uri now:      ${after.contact_uri}`);
    console.log(`Bob's second chat:          before the repair "${symptom}", after it ${chat}`);
    console.log(`Twilio API requests served: ${counters.total} (${counters.writes} writes)`);
    if (bob.sid === fixed.sid || after.contact_uri !== `client:${BOB}`) throw new Error("Bob's worker was not repaired");
    console.log("\nDemo passed: the second chat failed, drift detected on preview, repaired on up, the second chat works, no changes left.");
  } finally {
    await emu.close();
  }
}

main().catch((err) => {
  console.error(`\ndemo failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
