// The findings `flex-roster doctor` reports: their codes and severities, how
// the health rule's reasons become findings, their order, and the one rule for
// "several workers for one agent" that the audit reports and import resolves.

import type { HealthCode } from "../flex/drift";
import { nameKey } from "../flex/identity";
import type { WorkerFacts } from "./facts";
import type { ContactUriShape } from "./patterns";

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
  | "skill-disabled-in-flex"
  | "queue-without-workers"
  | "queue-expression-unparsable"
  | "worker-in-no-queue";

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
  // Routing (./routing-findings.ts): tasks sent to such a queue wait with nobody to take them.
  "queue-without-workers": "warning",
  "queue-expression-unparsable": "warning",
  // A worker only the catch-all queue (Flex's Everyone) picks: no skill routes a task to it.
  "worker-in-no-queue": "warning",
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

/**
 * The doctor finding for each of the rule's reasons that doctor reports. The
 * others are roster drift (profile, routing, attributes, channels, settings),
 * which `preview` reports, and "other-workspace", which a scan of one workspace
 * never sees.
 */
export const FINDING_FOR_RULE: Partial<Record<HealthCode, FindingCode>> = {
  "attributes-invalid-json": "attributes-invalid-json",
  "attributes-not-object": "attributes-not-object",
  "contact-uri-not-canonical": "contact-uri-not-canonical",
  "contact-uri-missing": "contact-uri-missing",
  "waiting-for-first-sign-in": "contact-uri-missing",
  "friendly-name-mismatch": "friendly-name-mismatch",
  "sso-owned": "sso-owned-difference",
  "skill-disabled-in-flex": "skill-disabled-in-flex",
  "worker-missing": "agent-without-worker",
};

/** Workers grouped by a key of theirs compared as Twilio and Flex compare names (nameKey); groups of two or more. */
function sharing(facts: readonly WorkerFacts[], key: (f: WorkerFacts) => string | undefined): WorkerFacts[][] {
  const m = new Map<string, WorkerFacts[]>();
  for (const f of facts) {
    const k = key(f);
    if (k === undefined) continue;
    const list = m.get(nameKey(k));
    if (list) list.push(f);
    else m.set(nameKey(k), [f]);
  }
  return [...m.values()].filter((g) => g.length > 1);
}

/**
 * Several workers for one agent: workers that share an identity (friendly names
 * equal ignoring case), and workers of different identities that share an email.
 */
export function duplicates(facts: readonly WorkerFacts[]): { sameIdentity: WorkerFacts[][]; sameEmail: WorkerFacts[][] } {
  return {
    sameIdentity: sharing(facts, (f) => f.friendlyName),
    sameEmail: sharing(facts, (f) => f.email).filter((g) => new Set(g.map((f) => nameKey(f.friendlyName))).size > 1),
  };
}

/**
 * The agents among the workers: each worker with every worker that is the same
 * agent by duplicates(), transitively (a shares an identity with b, b an email
 * with c). Workers with no duplicate are groups of one. In the order of `facts`.
 */
export function agentGroups(facts: readonly WorkerFacts[]): WorkerFacts[][] {
  const group = new Map<WorkerFacts, WorkerFacts[]>(facts.map((f) => [f, [f]]));
  const { sameIdentity, sameEmail } = duplicates(facts);
  for (const dup of [...sameIdentity, ...sameEmail]) {
    const merged = [...new Set(dup.flatMap((f) => group.get(f)!))];
    for (const f of merged) group.set(f, merged);
  }
  const seen = new Set<WorkerFacts[]>();
  const out: WorkerFacts[][] = [];
  for (const f of facts) {
    const g = group.get(f)!;
    if (seen.has(g)) continue;
    seen.add(g);
    out.push(facts.filter((x) => g.includes(x)));
  }
  return out;
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
export function worstSeverity(report: { counts: Record<Severity, number> }): Severity | undefined {
  return SEVERITY_ORDER.find((s) => report.counts[s] > 0);
}
