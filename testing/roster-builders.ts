// Roster YAML for tests, benchmarks and scripts: one writer of agent entries,
// so a roster built in code reads like one written by hand (same field order,
// flow style for lists and maps).

export const DEFAULT_WORKSPACE = "Flex Task Assignment";

/** The defaults most rosters here use: every agent an `agent`, chat 2 and voice 1. */
export const AGENT_DEFAULTS = "{ roles: [agent], channels: { chat: 2, voice: 1 } }";

/** One agent of a roster, the fields in the order they are written. */
export interface RosterAgent {
  email: string;
  fullName?: string;
  roles?: readonly string[];
  skills?: readonly string[];
  levels?: Readonly<Record<string, number>>;
  channels?: Readonly<Record<string, number>>;
  attributes?: Readonly<Record<string, string | number>>;
}

export interface RosterOptions {
  /** Default "Flex Task Assignment"; null leaves the line out. */
  workspace?: string | null;
  /** A YAML flow mapping, e.g. AGENT_DEFAULTS; no `defaults:` line when absent. */
  defaults?: string;
}

const flowList = (items: readonly string[]) => `[${items.join(", ")}]`;
const flowMap = (m: Readonly<Record<string, string | number>>) =>
  `{ ${Object.entries(m)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")} }`;

/** One entry of `agents:`, as YAML lines ending in a newline. */
export function agentYaml(a: RosterAgent): string {
  const lines = [`  - email: ${a.email}`];
  if (a.fullName !== undefined) lines.push(`    fullName: ${a.fullName}`);
  if (a.roles) lines.push(`    roles: ${flowList(a.roles)}`);
  if (a.skills) lines.push(`    skills: ${flowList(a.skills)}`);
  if (a.levels) lines.push(`    levels: ${flowMap(a.levels)}`);
  if (a.channels) lines.push(`    channels: ${flowMap(a.channels)}`);
  if (a.attributes) lines.push(`    attributes: ${flowMap(a.attributes)}`);
  return lines.join("\n") + "\n";
}

/** A roster file: workspace, defaults, then the agents (entries, or YAML text taken as it is). */
export function rosterYaml(agents: ReadonlyArray<RosterAgent | string>, opts: RosterOptions = {}): string {
  const workspace = opts.workspace === undefined ? DEFAULT_WORKSPACE : opts.workspace;
  const head = [workspace === null ? "" : `workspace: ${workspace}\n`, opts.defaults ? `defaults: ${opts.defaults}\n` : "", "agents:\n"];
  return head.join("") + agents.map((a) => (typeof a === "string" ? a : agentYaml(a))).join("");
}

/**
 * The benchmarks' agent number i: every third also sells (with a level),
 * every fifth has custom attributes; the rest take the roster's defaults.
 */
export function benchAgent(i: number, email: string, fullName = `Agent ${i}`): RosterAgent {
  return {
    email,
    fullName,
    ...(i % 3 === 0 ? { skills: ["support", "sales"], levels: { sales: 3 } } : {}),
    ...(i % 5 === 0 ? { attributes: { team: "emea", location: "Lisbon" } } : {}),
  };
}

/** The benchmarks' defaults: agents with the support skill, chat 2 and voice 1. */
export const BENCH_DEFAULTS = "{ roles: [agent], skills: [support], channels: { chat: 2, voice: 1 } }";

/** The benchmarks' agent number i's email (its Flex identity follows from it). */
export const benchEmail = (i: number) => `agent.${String(i).padStart(5, "0")}+flex@acme-corp.com`;

/** A roster of the benchmarks' agents 0 … n-1 under BENCH_DEFAULTS. */
export function benchRoster(n: number): string {
  return rosterYaml(Array.from({ length: n }, (_, i) => benchAgent(i, benchEmail(i))), { defaults: BENCH_DEFAULTS });
}
