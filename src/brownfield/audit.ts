// Audit of a live TaskRouter workspace, as scanned: the findings `flex-roster
// doctor` reports, and the contact_uri patterns of the workspace. Pure: the
// scan (src/brownfield/scan.ts) feeds it plain records, ./facts.ts reads each
// worker, ./findings.ts names the findings. Whether a worker is healthy is the
// health rule's verdict (src/flex/drift.ts): against its roster agent when there
// is one, else against its own identity. The audit adds what only a whole
// workspace shows (duplicates, orphans, the patterns of working agents) and
// explains a bad contact_uri's shape.

import { classify, reasonsOf } from "../flex/drift";
import { nameKey } from "../flex/identity";
import type { QueueDefinition } from "../flex/routing";
import type { AgentSpec, Roster } from "../flex/types";
import { desiredWorker } from "../flex/worker-model";
import { healthAgainst, workerFacts, type ScannedWorker, type WorkerFacts } from "./facts";
import { compareFindings, duplicates, FINDING_FOR_RULE, SEVERITY, type AuditFinding, type FindingCode } from "./findings";
import { describeContactUri, type ContactUriShape } from "./patterns";
import { routingFindings } from "./routing-findings";

export interface PatternCount {
  pattern: string;
  label: string;
  count: number;
}

export interface AuditOptions {
  /** Chat capacity below this is reported (multi-chat expected). 0 turns the check off. Default 2. */
  minChatCapacity?: number;
  /** Task channel holding chats. Default "chat". */
  chatChannel?: string;
  /** With a roster: orphans and agents without a worker are reported too. */
  roster?: Roster;
  /** The workspace's TaskQueues: queues nobody is eligible for, workers in no queue but a catch-all. */
  queues?: QueueDefinition[];
}

export interface AuditReport {
  workers: WorkerFacts[];
  findings: AuditFinding[];
  /** contact_uri patterns of the working agents (canonical contact_uri), most common first. */
  workingPatterns: PatternCount[];
  /** The most common of those, if any. */
  majority?: PatternCount & { of: number };
  /** Patterns of the non-canonical contact_uris, most common first. */
  badPatterns: PatternCount[];
  counts: {
    workers: number;
    /** Workers without critical or warning findings. */
    healthy: number;
    critical: number;
    warning: number;
    info: number;
    byCode: Partial<Record<FindingCode, number>>;
  };
  minChatCapacity: number;
}

type Add = (f: WorkerFacts | undefined, code: FindingCode, message: string, extra?: Partial<AuditFinding>) => void;

function countPatterns(shapes: ContactUriShape[]): PatternCount[] {
  const m = new Map<string, PatternCount>();
  for (const s of shapes) {
    const c = m.get(s.pattern) ?? { pattern: s.pattern, label: s.label, count: 0 };
    c.count++;
    m.set(s.pattern, c);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || a.pattern.localeCompare(b.pattern));
}

const who = (f: WorkerFacts) => `"${f.friendlyName}" (${f.sid})`;

/**
 * The roster agent each worker belongs to: the provider adopts the first worker
 * Twilio lists under an agent's identity (names compared ignoring case); any
 * other worker is left alone.
 */
function agentsOf(facts: readonly WorkerFacts[], roster: Roster | undefined): Map<string, AgentSpec> {
  const byIdentity = new Map((roster?.agents ?? []).map((a) => [nameKey(a.identity), a]));
  const agentOf = new Map<string, AgentSpec>();
  const claimed = new Set<AgentSpec>();
  for (const f of facts) {
    const agent = byIdentity.get(nameKey(f.friendlyName));
    if (agent && !claimed.has(agent)) {
      claimed.add(agent);
      agentOf.set(f.sid, agent);
    }
  }
  return agentOf;
}

/** The findings of one worker on its own: its name, the rule's reasons, its chat capacity. */
function workerFindings(
  f: WorkerFacts,
  raw: ScannedWorker,
  agent: AgentSpec | undefined,
  ctx: { add: Add; names: Set<string>; workspace?: string; minChat: number; chatChannel: string; versusMajority: (pattern: string) => string },
): void {
  const { add } = ctx;
  if (!f.identityName) {
    add(
      f,
      "friendly-name-not-identity",
      `friendly name "${f.friendlyName}" is not a Flex identity (letters, digits and _ only): Flex did not create this worker and no agent signs in to it`,
    );
  }
  if (f.identityName && f.format === "json-object") {
    // Recompute with knowledge of the other workers (a contact_uri pointing at another identity).
    f.contactShape = describeContactUri(f.friendlyName, f.contactUri, {
      isOtherIdentity: (id) => id !== f.friendlyName && ctx.names.has(id),
    });
  }
  if (agent) f.health = healthAgainst(agent, ctx.workspace, raw);
  for (const reason of reasonsOf(f.health)) {
    const code = FINDING_FOR_RULE[reason.code];
    if (code === undefined) continue;
    const s = f.contactShape;
    if (code === "attributes-invalid-json" || code === "attributes-not-object") {
      add(f, code, `${reason.message}: Flex cannot read this worker`, { actual: String(raw.attributes).slice(0, 200) });
    } else if (code === "contact-uri-not-canonical") {
      // The shape explains the value; the rule has already judged it.
      const why = s ? `: ${s.label} (pattern ${s.pattern}${ctx.versusMajority(s.pattern)})` : "";
      add(f, code, `${reason.message}${why}`, { expected: reason.to, actual: f.contactUri, ...(s ? { pattern: s } : {}) });
    } else if (code === "contact-uri-missing") {
      add(f, code, reason.message, { expected: reason.to, ...(s ? { pattern: s } : {}) });
    } else {
      add(f, code, reason.message);
    }
  }

  const chat = f.channels.find((c) => c.taskChannelUniqueName === ctx.chatChannel);
  const wanted = agent?.channels[ctx.chatChannel]?.capacity;
  // The roster may deliberately give an agent one chat at a time: then multi-chat is not expected.
  const expected = ctx.minChat > 0 && (wanted === undefined || wanted >= ctx.minChat);
  const threshold = ctx.minChat;
  if (expected && chat && chat.available && chat.configuredCapacity < threshold) {
    add(
      f,
      "chat-capacity-low",
      `${ctx.chatChannel} capacity is ${chat.configuredCapacity}, below ${threshold}: the agent can hold only ${chat.configuredCapacity === 1 ? "one chat" : `${chat.configuredCapacity} chats`} at a time`,
      { expected: threshold, actual: chat.configuredCapacity },
    );
  }
}

/** Duplicates: two workers with the same identity (names that differ only in case, or planted twice), or two identities claiming one email. */
function duplicateFindings(facts: readonly WorkerFacts[], add: Add): void {
  const { sameIdentity, sameEmail } = duplicates(facts);
  for (const group of sameIdentity) {
    for (const f of group) {
      const others = group.filter((o) => o !== f);
      add(f, "duplicate-identity", `${others.length + 1} workers share the identity "${f.friendlyName}" (ignoring case): also ${others.map(who).join(", ")}`, {
        related: others.map((o) => o.sid),
      });
    }
  }
  for (const group of sameEmail) {
    for (const f of group) {
      const others = group.filter((o) => nameKey(o.friendlyName) !== nameKey(f.friendlyName));
      add(f, "duplicate-email", `email "${f.email}" is also the email of ${others.map(who).join(", ")}: one agent, several workers`, {
        related: others.map((o) => o.sid),
      });
    }
  }
}

/** With a roster: workers no agent adopts, and agents with no worker (the rule's verdict on a missing worker). */
function rosterFindings(facts: readonly WorkerFacts[], roster: Roster, agentOf: Map<string, AgentSpec>, add: Add, findings: AuditFinding[]): void {
  const agentNames = new Set(roster.agents.map((a) => nameKey(a.identity)));
  const liveNames = new Set(facts.map((f) => nameKey(f.friendlyName)));
  for (const f of facts) {
    if (agentOf.has(f.sid)) continue;
    const why = agentNames.has(nameKey(f.friendlyName))
      ? `another worker with this identity is the roster agent's, so flex-roster leaves this one alone`
      : `not in the roster ${roster.file}: flex-roster leaves this worker alone`;
    add(f, "orphan-worker", why);
  }
  for (const a of roster.agents) {
    if (liveNames.has(nameKey(a.identity))) continue;
    for (const reason of reasonsOf(classify(desiredWorker(roster.workspace, a), undefined))) {
      const code = FINDING_FOR_RULE[reason.code] ?? "agent-without-worker";
      findings.push({
        code,
        severity: SEVERITY[code],
        email: a.email,
        friendlyName: a.identity,
        message: `roster agent ${a.email} (line ${a.line}): ${reason.message}`,
      });
    }
  }
}

export function audit(scanned: ScannedWorker[], opts: AuditOptions = {}): AuditReport {
  const minChat = opts.minChatCapacity ?? 2;
  const chatChannel = opts.chatChannel ?? "chat";
  const facts = scanned.map((w, i) => workerFacts(w, i));
  const names = new Set(facts.map((f) => f.friendlyName));
  const findings: AuditFinding[] = [];
  const add: Add = (f, code, message, extra = {}) =>
    findings.push({
      code,
      severity: SEVERITY[code],
      ...(f ? { sid: f.sid, friendlyName: f.friendlyName, ...(f.email !== undefined ? { email: f.email } : {}) } : {}),
      message,
      ...extra,
    });

  const working = facts.filter((f) => f.contactShape?.kind === "canonical").map((f) => f.contactShape!);
  const workingPatterns = countPatterns(working);
  const majority = workingPatterns[0] ? { ...workingPatterns[0], of: working.length } : undefined;
  const versusMajority = (pattern: string) =>
    majority && majority.pattern !== pattern
      ? `; ${majority.count} of ${majority.of} working agents use ${majority.pattern}`
      : "";

  const agentOf = agentsOf(facts, opts.roster);
  for (const f of facts) {
    workerFindings(f, scanned[f.order], agentOf.get(f.sid), { add, names, workspace: opts.roster?.workspace, minChat, chatChannel, versusMajority });
  }
  duplicateFindings(facts, add);
  if (opts.roster) rosterFindings(facts, opts.roster, agentOf, add, findings);
  for (const r of routingFindings(facts, opts.queues ?? [])) add(r.worker, r.code, r.message);

  findings.sort(compareFindings);
  const bad = facts.filter((f) => f.contactShape && f.contactShape.kind !== "canonical").map((f) => f.contactShape!);
  const withProblems = new Set(findings.filter((x) => x.severity !== "info" && x.sid).map((x) => x.sid));
  const byCode: Partial<Record<FindingCode, number>> = {};
  for (const x of findings) byCode[x.code] = (byCode[x.code] ?? 0) + 1;
  return {
    workers: facts,
    findings,
    workingPatterns,
    majority,
    badPatterns: countPatterns(bad),
    counts: {
      workers: facts.length,
      healthy: facts.filter((f) => !withProblems.has(f.sid)).length,
      critical: findings.filter((x) => x.severity === "critical").length,
      warning: findings.filter((x) => x.severity === "warning").length,
      info: findings.filter((x) => x.severity === "info").length,
      byCode,
    },
    minChatCapacity: minChat,
  };
}
