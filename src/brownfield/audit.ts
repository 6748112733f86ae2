// Audit of a live TaskRouter workspace, as scanned: per-worker facts, the
// findings `flex-roster doctor` reports, and the contact_uri patterns of the
// workspace. Pure: the scan (src/brownfield/scan.ts) feeds it plain records.
// Whether a worker is healthy is the health rule's verdict (src/flex/drift.ts):
// against its roster agent when there is one, else against its own identity.
// The audit adds what only a whole workspace shows (duplicates, orphans, the
// patterns of working agents) and explains a bad contact_uri's shape.

import { classify, classifyOwnIdentity, reasonsOf, type Drift, type HealthCode } from "../flex/drift";
import { contactUriFor, decodeFlexIdentity } from "../flex/identity";
import type { AgentSpec, Roster } from "../flex/types";
import { desiredWorker, parseAttributes, projectLive, type AttributesFormat, type LiveChannelRecord, type WorkerInputs } from "../flex/worker-model";
import { describeContactUri, isFlexIdentity, type ContactUriShape } from "./patterns";

/** One worker as the scan read it: the list entry, its fetched attributes and its channels. */
export interface ScannedWorker {
  sid: string;
  friendlyName: string;
  /** Raw attributes string from a fetch. */
  attributes: string | null | undefined;
  channels: LiveChannelRecord[];
  activityName?: string | null;
}

export type Severity = "critical" | "warning" | "info";

export type FindingCode =
  | "attributes-invalid-json"
  | "attributes-not-object"
  | "contact-uri-missing"
  | "contact-uri-not-canonical"
  | "friendly-name-not-identity"
  | "friendly-name-mismatch"
  | "duplicate-identity"
  | "duplicate-email"
  | "chat-capacity-low"
  | "orphan-worker"
  | "agent-without-worker"
  | "sso-owned-difference"
  | "skill-disabled-in-flex";

/** Severity of each finding code. Critical ones break chat (or the roster's adoption) today. */
export const SEVERITY: Record<FindingCode, Severity> = {
  "attributes-invalid-json": "critical",
  "attributes-not-object": "critical",
  // A worker Flex has not signed in yet (pre-provisioned): Flex writes contact_uri at first sign-in.
  "contact-uri-missing": "info",
  "contact-uri-not-canonical": "critical",
  "duplicate-identity": "critical",
  "duplicate-email": "critical",
  "friendly-name-not-identity": "warning",
  // The roster agent's worker differs in case only: pulumi up recreates it.
  "friendly-name-mismatch": "critical",
  "chat-capacity-low": "warning",
  "orphan-worker": "warning",
  "agent-without-worker": "warning",
  // Not drift (src/flex/drift.ts notes): SSO writes these keys, a supervisor disabled the skill.
  "sso-owned-difference": "info",
  "skill-disabled-in-flex": "info",
};

export const SEVERITY_ORDER: readonly Severity[] = ["critical", "warning", "info"];

export interface AuditFinding {
  code: FindingCode;
  severity: Severity;
  /** The worker concerned (absent for agent-without-worker). */
  sid?: string;
  friendlyName?: string;
  /** The agent's email as far as it is known. */
  email?: string;
  /** One line an admin understands. */
  message: string;
  /** What the value should be (canonical contact_uri, minimum capacity). */
  expected?: unknown;
  /** What it is. */
  actual?: unknown;
  /** contact_uri findings: the shape of the bad value. */
  pattern?: ContactUriShape;
  /** SIDs of the other workers involved (duplicates). */
  related?: string[];
}

/** What the audit learned about one worker; import builds roster entries from it. */
export interface WorkerFacts {
  sid: string;
  friendlyName: string;
  /** Position in the scan (Twilio's list order, oldest first). */
  order: number;
  /** The friendly name is a Flex identity (letters, digits, `_`). */
  identityName: boolean;
  format: AttributesFormat;
  /** The attributes object (empty unless format is json-object). */
  attributes: Record<string, unknown>;
  /** attributes.email, else the decoded friendly name. */
  email?: string;
  emailSource?: "attributes" | "friendly-name";
  /** The friendly name decoded (`bob_40acme_2Ecom` → `bob@acme.com`). */
  username?: string;
  /** contact_uri as found; undefined when absent. */
  contactUri?: unknown;
  /** Canonical contact_uri for the friendly name, when it is an identity. */
  expectedContactUri?: string;
  contactShape?: ContactUriShape;
  /**
   * The health rule's verdict the findings come from: against the roster agent
   * that adopts the worker (audit with a roster), else against its own identity.
   */
  health: Drift;
  /** Judged against its own identity, the worker is recreated: unusable attributes or a wrong contact_uri. */
  corrupted: boolean;
  channels: LiveChannelRecord[];
}

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

const lower = (s: string) => s.toLowerCase();

/** The doctor finding for each of the rule's reasons; undefined: roster drift, which `preview` reports, not doctor. */
export const FINDING_FOR_RULE: Record<HealthCode, FindingCode | undefined> = {
  "attributes-invalid-json": "attributes-invalid-json",
  "attributes-not-object": "attributes-not-object",
  "contact-uri-not-canonical": "contact-uri-not-canonical",
  "contact-uri-missing": "contact-uri-missing",
  "waiting-for-first-sign-in": "contact-uri-missing",
  "friendly-name-mismatch": "friendly-name-mismatch",
  "other-workspace": undefined, // a scan reads one workspace
  "sso-owned": "sso-owned-difference",
  "skill-disabled-in-flex": "skill-disabled-in-flex",
  "worker-missing": "agent-without-worker",
  profile: undefined,
  "routing-skills": undefined,
  "routing-levels": undefined,
  "disabled-skills": undefined,
  attribute: undefined,
  "attribute-removed": undefined,
  "channel-capacity": undefined,
  "channel-available": undefined,
  "channel-missing": undefined,
  setting: undefined,
};

/** The shape projectLive needs when no roster says which extra keys and channels are managed. */
const NO_ROSTER = { workspace: "", extraAttributes: {}, channels: {} };

function liveWorker(w: Pick<ScannedWorker, "sid" | "friendlyName" | "attributes" | "channels">, shape: Parameters<typeof projectLive>[0]): WorkerInputs {
  return projectLive(shape, { sid: w.sid, workspaceSid: "", friendlyName: w.friendlyName, attributes: w.attributes }, w.channels);
}

/** The rule's verdict on a worker against the roster agent it belongs to. */
export function healthAgainst(agent: AgentSpec, workspace: string | undefined, w: Pick<ScannedWorker, "sid" | "friendlyName" | "attributes" | "channels">): Drift {
  const want = desiredWorker(workspace, agent);
  return classify(want, liveWorker(w, want));
}

/** Everything the audit and import need to know about one worker, without looking at the others. */
export function workerFacts(w: ScannedWorker, order: number): WorkerFacts {
  const parsed = parseAttributes(w.attributes);
  const attributes = parsed.value;
  const identityName = isFlexIdentity(w.friendlyName);
  const username = identityName ? decodeFlexIdentity(w.friendlyName) : undefined;
  const rawEmail = typeof attributes.email === "string" ? attributes.email.trim() : "";
  let email: string | undefined;
  let emailSource: WorkerFacts["emailSource"];
  if (rawEmail !== "") [email, emailSource] = [rawEmail, "attributes"];
  else if (username !== undefined && username !== "") [email, emailSource] = [username, "friendly-name"];
  // A friendly name that is no identity gives no contact_uri to expect: only the attributes are judged.
  const health = classifyOwnIdentity(liveWorker(w, NO_ROSTER), identityName ? w.friendlyName : undefined);
  const facts: WorkerFacts = {
    sid: w.sid,
    friendlyName: w.friendlyName,
    order,
    identityName,
    format: parsed.format,
    attributes,
    email,
    emailSource,
    username,
    health,
    corrupted: health.kind === "replace",
    channels: w.channels.map((c) => ({ ...c })),
  };
  if ("contact_uri" in attributes) facts.contactUri = attributes.contact_uri;
  if (identityName) {
    facts.expectedContactUri = contactUriFor(w.friendlyName);
    if (parsed.format === "json-object") facts.contactShape = describeContactUri(w.friendlyName, facts.contactUri);
  }
  return facts;
}

function countPatterns(shapes: ContactUriShape[]): PatternCount[] {
  const m = new Map<string, PatternCount>();
  for (const s of shapes) {
    const c = m.get(s.pattern) ?? { pattern: s.pattern, label: s.label, count: 0 };
    c.count++;
    m.set(s.pattern, c);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || a.pattern.localeCompare(b.pattern));
}

function groupBy<T>(items: T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    if (k === undefined) continue;
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

const who = (f: WorkerFacts) => `"${f.friendlyName}" (${f.sid})`;

export function audit(scanned: ScannedWorker[], opts: AuditOptions = {}): AuditReport {
  const minChat = opts.minChatCapacity ?? 2;
  const chatChannel = opts.chatChannel ?? "chat";
  const facts = scanned.map((w, i) => workerFacts(w, i));
  const names = new Set(facts.map((f) => f.friendlyName));
  const findings: AuditFinding[] = [];
  const add = (f: WorkerFacts | undefined, code: FindingCode, message: string, extra: Partial<AuditFinding> = {}) =>
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

  // The provider adopts the first worker Twilio lists under an agent's identity
  // (names compared ignoring case); any other worker is left alone.
  const agentsByIdentity = new Map((opts.roster?.agents ?? []).map((a) => [lower(a.identity), a]));
  const agentOf = new Map<string, AgentSpec>();
  const claimed = new Set<AgentSpec>();
  for (const f of facts) {
    const agent = agentsByIdentity.get(lower(f.friendlyName));
    if (agent && !claimed.has(agent)) {
      claimed.add(agent);
      agentOf.set(f.sid, agent);
    }
  }

  for (const f of facts) {
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
        isOtherIdentity: (id) => id !== f.friendlyName && names.has(id),
      });
    }
    const agent = agentOf.get(f.sid);
    if (agent) f.health = healthAgainst(agent, opts.roster?.workspace, scanned[f.order]);
    for (const reason of reasonsOf(f.health)) {
      const code = FINDING_FOR_RULE[reason.code];
      if (code === undefined) continue;
      const s = f.contactShape;
      if (code === "attributes-invalid-json" || code === "attributes-not-object") {
        add(f, code, `${reason.message}: Flex cannot read this worker`, { actual: String(scanned[f.order].attributes).slice(0, 200) });
      } else if (code === "contact-uri-not-canonical") {
        // The shape explains the value; the rule has already judged it.
        const why = s ? `: ${s.label} (pattern ${s.pattern}${versusMajority(s.pattern)})` : "";
        add(f, code, `${reason.message}${why}`, { expected: reason.to, actual: f.contactUri, ...(s ? { pattern: s } : {}) });
      } else if (code === "contact-uri-missing") {
        add(f, code, reason.message, { expected: reason.to, ...(s ? { pattern: s } : {}) });
      } else {
        add(f, code, reason.message);
      }
    }

    const chat = f.channels.find((c) => c.taskChannelUniqueName === chatChannel);
    const wanted = agent?.channels[chatChannel]?.capacity;
    // The roster may deliberately give an agent one chat at a time: then multi-chat is not expected.
    const expected = minChat > 0 && (wanted === undefined || wanted >= minChat);
    const threshold = minChat;
    if (expected && chat && chat.available && chat.configuredCapacity < threshold) {
      add(
        f,
        "chat-capacity-low",
        `${chatChannel} capacity is ${chat.configuredCapacity}, below ${threshold}: the agent can hold only ${chat.configuredCapacity === 1 ? "one chat" : `${chat.configuredCapacity} chats`} at a time`,
        { expected: threshold, actual: chat.configuredCapacity },
      );
    }
  }

  // Duplicates: two workers with the same identity (friendly names that differ
  // only in case, or planted twice), or two identities claiming the same email.
  for (const group of groupBy(facts, (f) => lower(f.friendlyName)).values()) {
    if (group.length < 2) continue;
    for (const f of group) {
      const others = group.filter((o) => o !== f);
      add(f, "duplicate-identity", `${others.length + 1} workers share the identity "${f.friendlyName}" (ignoring case): also ${others.map(who).join(", ")}`, {
        related: others.map((o) => o.sid),
      });
    }
  }
  for (const group of groupBy(facts, (f) => (f.email === undefined ? undefined : lower(f.email))).values()) {
    if (new Set(group.map((f) => lower(f.friendlyName))).size < 2) continue;
    for (const f of group) {
      const others = group.filter((o) => lower(o.friendlyName) !== lower(f.friendlyName));
      add(f, "duplicate-email", `email "${f.email}" is also the email of ${others.map(who).join(", ")}: one agent, several workers`, {
        related: others.map((o) => o.sid),
      });
    }
  }

  if (opts.roster) {
    const liveNames = new Set(facts.map((f) => lower(f.friendlyName)));
    for (const f of facts) {
      if (agentOf.has(f.sid)) continue;
      const why = agentsByIdentity.has(lower(f.friendlyName))
        ? `another worker with this identity is the roster agent's, so flex-roster leaves this one alone`
        : `not in the roster ${opts.roster.file}: flex-roster leaves this worker alone`;
      add(f, "orphan-worker", why);
    }
    for (const a of opts.roster.agents) {
      if (liveNames.has(lower(a.identity))) continue;
      for (const reason of reasonsOf(classify(desiredWorker(opts.roster.workspace, a), undefined))) {
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

export function compareFindings(a: AuditFinding, b: AuditFinding): number {
  return (
    SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) ||
    (a.friendlyName ?? "").localeCompare(b.friendlyName ?? "") ||
    (a.sid ?? "").localeCompare(b.sid ?? "") ||
    a.code.localeCompare(b.code)
  );
}

/** The worst severity among the findings, or undefined when there are none (doctor's --fail-on compares with it). */
export function worstSeverity(report: Pick<AuditReport, "counts">): Severity | undefined {
  return SEVERITY_ORDER.find((s) => report.counts[s] > 0);
}
