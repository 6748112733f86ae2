// How doctor shows an audit: a table for people, a JSON document for machines.
// Pure: the command passes in what it measured (time, API calls) and its verdict.

import type { AuditReport } from "./audit";
import type { AuditFinding } from "./findings";

export interface ScanMeta {
  workspace: { sid: string; friendlyName: string };
  durationMs: number;
  /** Listed, then deleted before they could be read. */
  gone: number;
  /** From the client's call counter. */
  api: { total: number; retries: number; byRoute: Record<string, number> };
  roster?: string;
}

/** What the command decided from the audit (its exit code is the CLI's business), repeated in the report. */
export interface DoctorVerdict {
  exitCode: number;
  meaning: string;
}

export const DOCTOR_JSON_VERSION = 1;

export function doctorJson(report: AuditReport, meta: ScanMeta, verdict: DoctorVerdict) {
  return {
    version: DOCTOR_JSON_VERSION,
    workspace: meta.workspace,
    ...(meta.roster ? { roster: meta.roster } : {}),
    summary: { ...report.counts, gone: meta.gone, exitCode: verdict.exitCode, meaning: verdict.meaning },
    patterns: {
      majority: report.majority ?? null,
      working: report.workingPatterns,
      nonCanonical: report.badPatterns,
    },
    minChatCapacity: report.minChatCapacity,
    findings: report.findings,
    scan: { durationMs: meta.durationMs, api: meta.api },
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + "…";
}

function table(header: string[], rows: string[][], maxWidths: number[]): string[] {
  const widths = header.map((h, i) => Math.min(maxWidths[i], Math.max(h.length, ...rows.map((r) => r[i].length))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(clip(c, widths[i]), widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function row(f: AuditFinding): string[] {
  return [f.severity, f.code, f.friendlyName ?? "", f.sid ?? "", f.message];
}

export function renderDoctor(report: AuditReport, meta: ScanMeta, verdict: DoctorVerdict): string {
  const out: string[] = [];
  const secs = (meta.durationMs / 1000).toFixed(1);
  out.push(
    `Workspace "${meta.workspace.friendlyName}" (${meta.workspace.sid}): ${plural(report.counts.workers, "worker")} scanned in ${secs} s ` +
      `(${plural(meta.api.total, "API call")}${meta.api.retries ? `, ${plural(meta.api.retries, "retry", "retries")}` : ""})` +
      (meta.gone ? `; ${meta.gone} deleted during the scan` : ""),
  );
  if (meta.roster) out.push(`Roster: ${meta.roster}`);
  out.push("");
  if (report.majority) {
    out.push(`contact_uri of working agents: ${report.majority.pattern} (${report.majority.count} of ${report.majority.of})`);
    for (const p of report.workingPatterns.slice(1)) out.push(`                               ${p.pattern} (${p.count})`);
  } else {
    out.push("contact_uri of working agents: none is canonical");
  }
  if (report.badPatterns.length > 0) {
    out.push("Non-canonical contact_uri patterns:");
    const w = Math.max(...report.badPatterns.map((p) => String(p.count).length));
    const pw = Math.max(...report.badPatterns.map((p) => p.pattern.length));
    for (const p of report.badPatterns) out.push(`  ${String(p.count).padStart(w)}  ${pad(p.pattern, pw)}  ${p.label}`);
  }
  out.push("");
  if (report.findings.length === 0) {
    out.push("No problems found.");
  } else {
    out.push(...table(["SEVERITY", "PROBLEM", "WORKER", "SID", "DETAIL"], report.findings.map(row), [8, 26, 40, 34, 0]));
  }
  out.push("");
  const c = report.counts;
  out.push(
    `${plural(c.workers, "worker")}: ${c.healthy} healthy; ${plural(c.critical, "critical problem")}, ${plural(c.warning, "warning")}. ` +
      `Exit ${verdict.exitCode} (${verdict.meaning}).`,
  );
  if (c.critical > 0) {
    out.push(
      "Fix: put the agents in a roster (`flex-roster import --out roster.yaml`) and run `pulumi up`: corrupted workers are recreated with a canonical contact_uri.",
    );
  }
  return out.join("\n") + "\n";
}
