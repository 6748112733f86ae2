// Roster parsing time with many YAML aliases and merge keys (`<<: *base`).
//   npx tsx bench/roster-yaml.ts [--sizes 2000,8000,15000,20000] [--kinds aliases,merges]
// "aliases": one `roles: *r` alias per agent; "merges": one `<<: *base` per agent.
// The result is valid or rejected; either way the time is what a preview waits.

import { parseRoster, RosterError } from "../src/roster";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

export function aliasRoster(n: number): string {
  const agents = Array.from({ length: n }, (_, i) => `  - email: a${i}@acme.com\n    roles: *r\n`);
  return `workspace: Flex Task Assignment\ndefaults: { roles: &r [agent] }\nagents:\n${agents.join("")}`;
}

export function mergeRoster(n: number): string {
  const agents = Array.from({ length: n }, (_, i) => `  - <<: *base\n    email: a${i}@acme.com\n`);
  return `workspace: Flex Task Assignment\nbase: &base { roles: [agent], channels: { chat: 2 } }\nagents:\n${agents.join("")}`.replace(
    "base: &base",
    "defaults: &base",
  );
}

function time(text: string): { ms: number; result: string } {
  const t0 = performance.now();
  let result: string;
  try {
    result = `ok, ${parseRoster(text, "bench.yaml").agents.length} agents`;
  } catch (e) {
    result = e instanceof RosterError ? `rejected: ${e.issues[0]?.message.slice(0, 80)}` : `threw ${(e as Error).message}`;
  }
  return { ms: performance.now() - t0, result };
}

if (require.main === module) {
  const sizes = arg("sizes", "2000,8000,15000,20000").split(",").map(Number);
  const kinds = arg("kinds", "aliases,merges").split(",");
  for (const [kind, make] of [["aliases", aliasRoster], ["merges", mergeRoster]] as const) {
    if (!kinds.includes(kind)) continue;
    for (const n of sizes) {
      const text = make(n);
      const { ms, result } = time(text);
      console.log(`${kind.padEnd(8)} ${String(n).padStart(6)}  ${(text.length / 1024).toFixed(0).padStart(5)} KB  ${ms.toFixed(0).padStart(7)} ms  ${result}`);
    }
  }
}
