// The YAML text of a generated roster (`flex-roster import`): flow style for
// short lists and maps, the short channel syntax, and the comments that tell a
// reviewer what the first `pulumi up` does with each agent.

import { Document, isMap, isSeq, type YAMLMap } from "yaml";
import type { ChannelSpec } from "../flex/types";
import type { AgentEntry, DefaultsEntry } from "../roster";

/** Channel mappings in the form the roster's short syntax allows: `chat: 2` when available. */
function channelsYaml(channels: Record<string, ChannelSpec>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(channels).map(([name, c]) => [name, c.available ? c.capacity : { capacity: c.capacity, available: false }]),
  );
}

function yamlEntry(e: AgentEntry | DefaultsEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined) continue;
    out[k] = k === "channels" ? channelsYaml(v as Record<string, ChannelSpec>) : v;
  }
  return out;
}

function flowSmallCollections(map: YAMLMap): void {
  for (const key of ["roles", "skills", "levels", "channels"]) {
    const node = map.get(key, true);
    if (isSeq(node) || isMap(node)) node.flow = true;
  }
}

function comment(lines: string[]): string {
  return lines.map((l) => ` ${l}`).join("\n");
}

/** One agent of the file and what the first `pulumi up` does with its worker. */
export interface RenderedAgent {
  entry: AgentEntry;
  sid: string;
  plan: "adopt" | "update" | "replace";
  reasons: string[];
  notes: readonly string[];
  /** Other workers of the same agent, not imported. */
  duplicates: readonly { sid: string; friendlyName: string }[];
}

/** A worker left out, listed at the end of the file. */
export interface RenderedSkip {
  sid: string;
  friendlyName: string;
  kind: string;
  reason: string;
}

/** The roster file: header comment, workspace, defaults, agents with their comments, the workers left out. */
export function renderRoster(r: {
  workspace: string;
  defaults: DefaultsEntry;
  header: readonly string[];
  agents: readonly RenderedAgent[];
  skipped: readonly RenderedSkip[];
}): string {
  const doc = new Document({
    workspace: r.workspace,
    ...(Object.keys(r.defaults).length > 0 ? { defaults: yamlEntry(r.defaults) } : {}),
    agents: r.agents.map((a) => yamlEntry(a.entry)),
  });
  doc.commentBefore = comment([...r.header]);
  const defaultsNode = doc.get("defaults", true);
  if (isMap(defaultsNode)) flowSmallCollections(defaultsNode);
  const seq = doc.get("agents", true);
  if (isSeq(seq)) {
    seq.items.forEach((item, i) => {
      if (!isMap(item)) return;
      flowSmallCollections(item);
      const a = r.agents[i];
      const lines: string[] = [];
      if (a.plan === "replace") {
        lines.push(`CORRUPTED: ${a.reasons.join("; ")}; flex-roster will recreate this worker (${a.sid}; the agent must sign in again)`);
      } else if (a.plan === "update") {
        lines.push(`UPDATE: pulumi up will change ${a.reasons.join("; ")}`);
      }
      for (const n of a.notes) lines.push(`NOTE: ${n}`);
      for (const dup of a.duplicates) lines.push(`DUPLICATE: worker ${dup.sid} "${dup.friendlyName}" is the same agent; not imported`);
      if (lines.length > 0) item.commentBefore = comment(lines);
    });
  }
  if (r.skipped.length > 0) {
    doc.comment = comment([
      "Not imported:",
      ...[...r.skipped]
        .sort((a, b) => a.friendlyName.localeCompare(b.friendlyName) || a.sid.localeCompare(b.sid))
        .map((s) => `  ${s.kind.toUpperCase()}: ${s.sid} "${s.friendlyName}": ${s.reason}`),
    ]);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
