// The shared roster builders (testing/roster-builders.ts) write rosters the
// loader reads back as meant: every field lands on the agent it was given to,
// and the defaults fill the rest.

import { describe, expect, it } from "vitest";
import { parseRoster } from "../../src/roster";
import { AGENT_DEFAULTS, BENCH_DEFAULTS, agentYaml, benchAgent, rosterYaml } from "../../testing/roster-builders";

describe("roster builders", () => {
  it("write every field of an agent, in the order a person would", () => {
    const agent = {
      email: "bob@acme.com",
      fullName: "Bob Builder",
      roles: ["agent", "supervisor"],
      skills: ["sales", "support"],
      levels: { support: 3 },
      channels: { chat: 3, voice: 0 },
      attributes: { team: "emea", floor: 2 },
    };
    expect(agentYaml(agent)).toBe(
      "  - email: bob@acme.com\n    fullName: Bob Builder\n    roles: [agent, supervisor]\n    skills: [sales, support]\n" +
        "    levels: { support: 3 }\n    channels: { chat: 3, voice: 0 }\n    attributes: { team: emea, floor: 2 }\n",
    );
    const [bob] = parseRoster(rosterYaml([agent], { defaults: AGENT_DEFAULTS }), "roster.yaml").agents;
    expect(bob).toMatchObject({
      email: "bob@acme.com",
      fullName: "Bob Builder",
      roles: ["agent", "supervisor"],
      skills: ["sales", "support"],
      levels: { support: 3 },
      attributes: { team: "emea", floor: 2 },
    });
    expect(Object.fromEntries(Object.entries(bob!.channels).map(([k, v]) => [k, v.capacity]))).toMatchObject({ chat: 3, voice: 0 });
  });

  it("take ready YAML entries as they are, and leave out the workspace line on request", () => {
    const text = rosterYaml(["  - email: a@acme.com\n", { email: "b@acme.com" }], { workspace: null });
    expect(text).toBe("agents:\n  - email: a@acme.com\n  - email: b@acme.com\n");
    const roster = parseRoster(text, "roster.yaml");
    expect(roster.workspace).toBeUndefined();
    expect(roster.agents.map((a) => a.email)).toEqual(["a@acme.com", "b@acme.com"]);
  });

  it("the benchmarks' agents: every third sells with a level, every fifth has attributes, defaults fill the rest", () => {
    const agents = Array.from({ length: 6 }, (_, i) => benchAgent(i, `agent${i}@acme.com`));
    const roster = parseRoster(rosterYaml(agents, { defaults: BENCH_DEFAULTS }), "bench.yaml");
    expect(roster.workspace).toBe("Flex Task Assignment");
    expect(roster.agents.map((a) => [a.fullName, a.skills, a.levels, a.attributes])).toEqual([
      ["Agent 0", ["support", "sales"], { sales: 3 }, { team: "emea", location: "Lisbon" }],
      ["Agent 1", ["support"], {}, {}],
      ["Agent 2", ["support"], {}, {}],
      ["Agent 3", ["support", "sales"], { sales: 3 }, {}],
      ["Agent 4", ["support"], {}, {}],
      ["Agent 5", ["support"], {}, { team: "emea", location: "Lisbon" }],
    ]);
  });
});
