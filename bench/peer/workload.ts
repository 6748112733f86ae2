// The work both tools are given: one roster (flex-roster's input) and the HCL
// that declares the same workers for the Terraform twilio provider. The HCL's
// attributes are built from the parsed roster with flex-roster's own canonical
// rules (src/flex), so both tools write the same attributes for every agent.

import { parseRoster } from "../../src/roster";
import { managedAttributes } from "../../src/flex/attributes";
import { desiredWorker } from "../../src/flex/worker-model";
import type { AgentSpec } from "../../src/flex/types";
import { BENCH_DEFAULTS, benchAgent, rosterYaml as buildRoster } from "../../testing/roster-builders";

export const WORKER_RESOURCE = "twilio_taskrouter_workspaces_workers_v1";

/** A roster of n agents, shaped like bench/core.ts's: defaults plus some per-agent skills, levels and attributes. */
export function rosterYaml(n: number, workspace = "Flex Task Assignment"): string {
  const agents = Array.from({ length: n }, (_, i) => benchAgent(i, `agent.${String(i).padStart(4, "0")}+flex@acme-corp.com`));
  return buildRoster(agents, { workspace, defaults: BENCH_DEFAULTS });
}

export function rosterAgents(yaml: string): { workspace: string; agents: AgentSpec[] } {
  const roster = parseRoster(yaml, "roster.yaml");
  // The bench roster names its workspace; a roster may leave it to Flex's Configuration.
  if (!roster.workspace) throw new Error("the benchmark roster must name its workspace");
  return { workspace: roster.workspace, agents: roster.agents };
}

/** The attributes flex-roster writes when it creates the agent's worker. */
export function canonicalAttributesOf(workspace: string, agent: AgentSpec): Record<string, unknown> {
  return managedAttributes(desiredWorker(workspace, agent));
}

/** HCL resource name of an agent (identities are [A-Za-z0-9_]+; a name must not start with a digit). */
export function resourceName(agent: AgentSpec): string {
  return /^[0-9]/.test(agent.identity) ? `w_${agent.identity}` : agent.identity;
}

/** A JSON value as an HCL expression; `${` and `%{` would start a template, so they are escaped. */
function hclValue(v: unknown): string {
  return JSON.stringify(v, null, 2).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");
}

/**
 * main.tf for the peer: the provider pinned to the locally built version and one
 * worker per agent, `attributes = jsonencode(...)` as the provider's docs show.
 * Task channel capacities are not expressible: the provider has no worker-channel
 * resource (measured by the behaviour table, not assumed).
 */
export function peerHcl(opts: { workspaceSid: string; providerVersion: string; roster: string }): string {
  const { workspace, agents } = rosterAgents(opts.roster);
  const out = [
    "terraform {",
    "  required_providers {",
    `    twilio = { source = "twilio/twilio", version = "${opts.providerVersion}" }`,
    "  }",
    "}",
    "",
    "# Credentials come from TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN.",
    'provider "twilio" {}',
    "",
  ];
  for (const agent of agents) {
    out.push(
      `resource "${WORKER_RESOURCE}" "${resourceName(agent)}" {`,
      `  workspace_sid = "${opts.workspaceSid}"`,
      `  friendly_name = "${agent.identity}"`,
      `  attributes    = jsonencode(${hclValue(canonicalAttributesOf(workspace, agent)).replace(/\n/g, "\n  ")})`,
      "}",
      "",
    );
  }
  return out.join("\n");
}
