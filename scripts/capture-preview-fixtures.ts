// Capture REAL previews for the report's golden tests and the CLI tests.
//
//   npx tsx scripts/capture-preview-fixtures.ts [scenario ...]
//
// One isolated stack (the e2e harness: the real program and provider, the real
// Pulumi CLI, a private file backend) against the in-process TaskRouter emulator
// walks through the scenarios below in order. For each, two previews of the same
// state are saved, then the change is applied (or undone) so the next scenario
// starts clean:
//   <scenario>.json          `pulumi preview --json --refresh=true` (what users pipe
//                            into `flex-roster report`);
//   <scenario>.events.jsonl  the engine events of the refreshing preview flex-roster
//                            itself runs through the Automation API, one per line.
//
// Saved as Pulumi printed it except for values that differ on every run or name
// this machine (see normalize()): SIDs are renumbered in order of appearance (one
// numbering for both files of a scenario), the emulator's port, temp/repo paths,
// timestamps, the provider UUID and durations are fixed, the serialized
// dynamic-provider source and source positions are dropped.
// After capturing, regenerate the goldens: UPDATE_GOLDENS=1 npx vitest run test/report/report.test.ts
import { mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { pulumiFailure } from "../src/pulumi/exit";
import { openStack } from "../src/pulumi/workspace";
import { createFlexStack, STACK, type FlexStack } from "../testing/flex-stack";
import { baseEnv, ensurePulumi, REPO_ROOT } from "../testing/pulumi-cli";
import { AGENT_DEFAULTS, rosterYaml as buildRoster, type RosterAgent } from "../testing/roster-builders";

const OUT_DIR = path.join(REPO_ROOT, "test", "fixtures", "preview");

type Agent = RosterAgent;

const BASE: Agent[] = [
  { email: "bob@acme.com", fullName: "Bob Builder", roles: ["agent", "supervisor"], skills: ["sales", "support"], channels: { chat: 3 }, attributes: { team: "emea" } },
  { email: "Maria.Garcia+support@acme-corp.com", fullName: "Maria Garcia", skills: ["support"] },
  { email: "jean-luc.picard@acme-corp.com", fullName: "Jean-Luc Picard", skills: ["billing"] },
  { email: "TKowalski@acme.com", fullName: "Tomasz Kowalski" },
  { email: "amara.okafor@acme-corp.com", fullName: "Amara Okafor", skills: ["support", "billing"] },
];

const rosterYaml = (agents: readonly Agent[]) => buildRoster(agents, { defaults: AGENT_DEFAULTS });

const withChannels = (agents: Agent[], email: string, channels: Record<string, number>) =>
  agents.map((a) => (a.email === email ? { ...a, channels: { ...a.channels, ...channels } } : a));

const NEW_HIRE: Agent = { email: "new.hire@acme.com", fullName: "Nia Hire", skills: ["support"], channels: { chat: 1, voice: 0 } };
const MANY: Agent[] = Array.from({ length: 24 }, (_, i) => ({
  email: `seasonal${String(i + 1).padStart(2, "0")}@acme.com`,
  fullName: `Seasonal Agent ${i + 1}`,
  skills: ["support"],
}));

interface Ctx {
  stack: FlexStack;
  roster: Agent[];
}

async function sidOf(stack: FlexStack, friendlyName: string): Promise<string> {
  const list = await stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers.list({ friendlyName });
  if (!list[0]) throw new Error(`no worker ${friendlyName}`);
  return list[0].sid;
}

async function patchAttributes(stack: FlexStack, friendlyName: string, patch: (a: Record<string, any>) => void) {
  const w = stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers(await sidOf(stack, friendlyName));
  const attrs = JSON.parse((await w.fetch()).attributes);
  patch(attrs);
  await w.update({ attributes: JSON.stringify(attrs) });
}

interface Scenario {
  name: string;
  what: string;
  /** Make the change (roster edit or out-of-band Twilio change). */
  arrange(c: Ctx): Promise<void>;
  /** After capture: apply (default) or undo. */
  after: "up" | ((c: Ctx) => Promise<void>);
  /** Expected exit code of the preview (default 0). */
  expectCode?: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: "clean",
    what: "roster applied, nothing changed since: no changes",
    arrange: async () => {},
    after: async () => {},
  },
  {
    name: "contact-uri-corrupted",
    what: "out of band, bob's contact_uri was set to client:bob: the worker is replaced",
    arrange: ({ stack }) => patchAttributes(stack, "bob_40acme_2Ecom", (a) => void (a.contact_uri = "client:bob")),
    after: "up",
  },
  {
    name: "skill-changed-out-of-band",
    what: "out of band, Maria's routing.skills gained 'sales': updated back in place",
    arrange: ({ stack }) =>
      patchAttributes(stack, "Maria_2EGarcia_2Bsupport_40acme_2Dcorp_2Ecom", (a) => void (a.routing.skills = ["support", "sales"])),
    after: "up",
  },
  {
    name: "capacity-changed",
    what: "pull request raises bob's chat capacity 3 → 5 and sets Jean-Luc's voice capacity 1 → 0",
    arrange: async (c) => {
      c.roster = withChannels(withChannels(c.roster, "bob@acme.com", { chat: 5 }), "jean-luc.picard@acme-corp.com", { voice: 0 });
      await c.stack.writeRoster(rosterYaml(c.roster));
    },
    after: "up",
  },
  {
    name: "agent-removed",
    what: "pull request removes TKowalski@acme.com: the worker is deleted",
    arrange: async (c) => {
      c.roster = c.roster.filter((a) => a.email !== "TKowalski@acme.com");
      await c.stack.writeRoster(rosterYaml(c.roster));
    },
    after: "up",
  },
  {
    name: "agent-added",
    what: "pull request adds new.hire@acme.com: a worker is created",
    arrange: async (c) => {
      c.roster = [...c.roster, NEW_HIRE];
      await c.stack.writeRoster(rosterYaml(c.roster));
    },
    after: "up",
  },
  {
    name: "worker-deleted-out-of-band",
    what: "out of band, Amara's worker was deleted in Flex: it is created again",
    arrange: async ({ stack }) => {
      const sid = await sidOf(stack, "amara_2Eokafor_40acme_2Dcorp_2Ecom");
      await stack.sdk.taskrouter.v1.workspaces(stack.emulator.workspaceSid).workers(sid).remove();
    },
    after: "up",
  },
  {
    name: "mass-removal",
    what: "pull request removes 3 of 5 agents: over the blast-radius limit (not applied)",
    arrange: async (c) => {
      const keep = c.roster.filter((a) => a.email === "bob@acme.com" || a.email === NEW_HIRE.email);
      await c.stack.writeRoster(rosterYaml(keep));
    },
    after: async (c) => c.stack.writeRoster(rosterYaml(c.roster)),
  },
  {
    name: "many-agents-added",
    what: "pull request adds 24 seasonal agents: long lists are collapsed (not applied)",
    arrange: async (c) => c.stack.writeRoster(rosterYaml([...c.roster, ...MANY])),
    after: async (c) => c.stack.writeRoster(rosterYaml(c.roster)),
  },
  {
    name: "invalid-roster",
    what: "pull request sets a capacity of 99: the preview fails with the roster error",
    arrange: async (c) => c.stack.writeRoster(rosterYaml(withChannels(c.roster, "bob@acme.com", { chat: 99 }))),
    after: async (c) => c.stack.writeRoster(rosterYaml(c.roster)),
    expectCode: 1,
  },
];

/** Make a captured document stable and free of machine details; the structure stays Pulumi's. */
export function normalize(doc: unknown, ctx: { dirs: Array<[string, string]>; emulatorUrl: string; sids?: Map<string, string> }): unknown {
  const sids = ctx.sids ?? new Map<string, string>();
  const sid = (s: string) =>
    s.replace(/\b(AC|WS|WA|WK|WC|TC|WR|WT|RQ)[0-9a-f]{32}\b/g, (m, prefix: string) => {
      let v = sids.get(m);
      if (!v) {
        v = prefix + (sids.size + 1).toString(16).padStart(32, "0");
        sids.set(m, v);
      }
      return v;
    });
  const str = (s: string) => {
    let out = s.split(ctx.emulatorUrl).join("http://127.0.0.1:4010");
    for (const [from, to] of ctx.dirs) out = out.split(from).join(to);
    out = out.replace(/(pulumi:providers:[^:]+::default[^:]*::)[0-9a-f-]{36}/g, "$100000000-0000-0000-0000-000000000000");
    return sid(out);
  };
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === "string") {
      if (key === "__provider") return "<serialized dynamic provider>";
      if (key === "created" || key === "modified") return "2026-01-01T00:00:00Z";
      return str(v);
    }
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === "sourcePosition" || k === "stackTrace") continue;
        if (k === "duration" || k === "durationSeconds" || k === "timestamp") {
          out[k] = 0;
          continue;
        }
        out[str(k)] = walk(x, k);
      }
      return out;
    }
    return v;
  };
  return walk(doc);
}

/** The engine events of the refreshing preview flex-roster runs (src/pulumi/runner.ts), and Pulumi's exit code. */
async function previewEvents(stack: FlexStack): Promise<{ events: EngineEvent[]; code: number | null; stderr: string }> {
  const events: EngineEvent[] = [];
  const opened = await openStack({ stack: STACK, cwd: stack.dir }, { ...baseEnv(), ...stack.env });
  try {
    await opened.stack.preview({ refresh: true, onEvent: (e) => events.push(e) });
    return { events, code: 0, stderr: "" };
  } catch (err) {
    const failure = pulumiFailure(err);
    if (!failure) throw err;
    return { events, code: failure.code, stderr: failure.stderr };
  } finally {
    await opened.close();
  }
}

async function main() {
  const only = new Set(process.argv.slice(2));
  const unknown = [...only].filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown scenario(s): ${unknown.join(", ")}`);
  await ensurePulumi();
  mkdirSync(OUT_DIR, { recursive: true });
  const c: Ctx = { stack: await createFlexStack({ roster: rosterYaml(BASE) }), roster: BASE };
  try {
    const dirs: Array<[string, string]> = [
      [path.dirname(c.stack.dir), "<sandbox>"],
      [REPO_ROOT, "<repo>"],
      [os.tmpdir(), "<tmp>"],
      [os.homedir(), "<home>"],
    ];
    const first = await c.stack.pulumi(["up", "--yes", "--skip-preview"]);
    if (first.code !== 0) throw new Error(`initial up failed:\n${first.stdout}\n${first.stderr}`);
    for (const s of SCENARIOS) {
      await s.arrange(c);
      if (only.size === 0 || only.has(s.name)) {
        const r = await c.stack.pulumi(["preview", "--json", "--refresh=true"]);
        const want = s.expectCode ?? 0;
        if (r.code !== want) throw new Error(`${s.name}: preview exited ${r.code}, expected ${want}:\n${r.stderr}\n${r.stdout.slice(0, 4000)}`);
        const norm = { dirs, emulatorUrl: c.stack.emulator.url, sids: new Map<string, string>() };
        const doc = normalize(JSON.parse(r.stdout), norm);
        writeFileSync(path.join(OUT_DIR, `${s.name}.json`), JSON.stringify(doc, null, 4) + "\n");
        const ev = await previewEvents(c.stack);
        if (ev.code !== want) throw new Error(`${s.name}: Automation API preview exited ${ev.code}, expected ${want}:\n${ev.stderr}`);
        const lines = ev.events.map((e) => JSON.stringify(normalize(e, norm)));
        writeFileSync(path.join(OUT_DIR, `${s.name}.events.jsonl`), lines.join("\n") + "\n");
        process.stderr.write(`captured ${s.name}: ${s.what}\n`);
      }
      if (s.after === "up") {
        const r = await c.stack.pulumi(["up", "--yes", "--skip-preview", "--refresh=true"]);
        if (r.code !== 0) throw new Error(`${s.name}: up failed:\n${r.stdout}\n${r.stderr}`);
      } else {
        await s.after(c);
      }
    }
  } finally {
    await c.stack.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`capture-preview-fixtures: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
