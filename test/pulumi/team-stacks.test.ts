// The rules of a roster folder's team stacks (src/pulumi/team-stacks.ts):
// naming, the memory budget, and the order `up` applies teams in.

import { describe, expect, it } from "vitest";
import { applyOrder, DEFAULT_MEMORY_BUDGET_MIB, estimateRunMiB, parseStackMap, runWithinBudget, sharedStacks, teamStackName } from "../../src/pulumi/team-stacks";

describe("team stack names", () => {
  it("are the team by default, a template with {team}, or a map entry over the template", () => {
    expect(teamStackName("sales")).toBe("sales");
    expect(teamStackName("sales", { template: "prod-{team}" })).toBe("prod-sales");
    expect(teamStackName("sales", { template: "prod-{team}", map: parseStackMap("sales=legacy, support = prod-help") })).toBe("legacy");
    expect(parseStackMap("a=x\nb=y")).toEqual({ a: "x", b: "y" });
    expect(() => parseStackMap("a")).toThrow(/not <team>=<stack>/);
  });

  it("must differ between teams", () => {
    expect(sharedStacks(new Map([["a", "x"], ["b", "x"], ["c", "y"]]))).toEqual(["stack x is named for teams a, b"]);
  });
});

describe("runWithinBudget", () => {
  /** Runs items (cost MiB, ms) and records the most that ran at once and the most memory in use. */
  async function run(costs: number[], budgetMiB: number, maxParallel: number) {
    let running = 0;
    let used = 0;
    const peak = { running: 0, used: 0 };
    const order: number[] = [];
    await runWithinBudget(
      costs.map((cost, i) => ({ cost, i })),
      {
        budgetMiB,
        maxParallel,
        work: async (item) => {
          order.push(item.i);
          running++;
          used += item.cost;
          peak.running = Math.max(peak.running, running);
          peak.used = Math.max(peak.used, used);
          await new Promise((r) => setTimeout(r, 5));
          running--;
          used -= item.cost;
        },
      },
    );
    return { peak, order };
  }

  it("runs as many at once as the budget and the parallelism allow, in order", async () => {
    expect((await run([1000, 1000, 1000, 1000], 6144, 2)).peak).toEqual({ running: 2, used: 2000 });
    expect((await run([1000, 1000, 1000, 1000], 2500, 8)).peak).toEqual({ running: 2, used: 2000 });
    expect((await run([1000, 1000, 1000, 1000], 6144, 8)).peak).toEqual({ running: 4, used: 4000 });
    // Over the whole budget: runs alone rather than never.
    expect((await run([9000, 1000], 6144, 2)).peak).toEqual({ running: 1, used: 9000 });
    expect((await run([3000, 3000, 1000], 6144, 8)).order).toEqual([0, 1, 2]);
  });

  it("the default budget (6 GiB of an 8 GiB machine) fits three runs of 2,500-agent teams, not four", () => {
    expect(estimateRunMiB(2500)).toBeGreaterThanOrEqual(1926); // measured peak of a 2,500-agent stack (docs/scale.md)
    expect(Math.floor(DEFAULT_MEMORY_BUDGET_MIB / estimateRunMiB(2500))).toBe(3);
    expect(Math.floor(DEFAULT_MEMORY_BUDGET_MIB / estimateRunMiB(1000))).toBe(5);
  });

  it("starts an item only when ready, and never when stopped", async () => {
    const started: string[] = [];
    const items = ["a", "b", "c"].map((name) => ({ name, cost: 1 }));
    await runWithinBudget(items, {
      budgetMiB: 100,
      maxParallel: 3,
      ready: (item, done) => item.name !== "a" || [...done.keys()].some((d) => d.name === "b"),
      work: async (item) => void started.push(item.name),
    });
    expect(started).toEqual(["b", "c", "a"]);
    let stop = false;
    const few: string[] = [];
    await runWithinBudget(items, { budgetMiB: 100, maxParallel: 1, stopped: () => stop, work: async (item) => void (few.push(item.name), (stop = true)) });
    expect(few).toEqual(["a"]);
  });
});

describe("applyOrder", () => {
  it("applies a team gaining an agent before the team losing it", () => {
    const { order, cycles } = applyOrder(["a", "b", "c"], [{ identity: "bob", from: "a", to: "c" }]);
    expect(order).toEqual(["b", "c", "a"]);
    expect(cycles).toEqual([]);
  });

  it("follows chains and breaks a swap, saying so", () => {
    expect(applyOrder(["a", "b", "c"], [{ identity: "x", from: "a", to: "b" }, { identity: "y", from: "b", to: "c" }]).order).toEqual(["c", "b", "a"]);
    const swap = applyOrder(["a", "b"], [{ identity: "x", from: "a", to: "b" }, { identity: "y", from: "b", to: "a" }]);
    expect(swap.order).toEqual(["a", "b"]);
    expect(swap.cycles).toEqual(["a"]);
  });
});
