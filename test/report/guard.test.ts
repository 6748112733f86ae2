// The blast-radius guard: limits, the floor, overrides, and bad configuration.

import { describe, expect, it } from "vitest";
import {
  ALLOW_MASS_REMOVAL_ENV,
  ALLOW_MASS_REMOVAL_KEY,
  DEFAULT_MAX_REMOVAL_SHARE,
  GuardConfigError,
  MAX_REMOVAL_DELTA_KEY,
  REMOVAL_FLOOR,
  evaluateGuard,
  parseBool,
  parseMaxRemovalDelta,
  removalLimit,
  resolveGuardPolicy,
  type GuardPolicy,
} from "../../src/report/guard";

const DEFAULT: GuardPolicy = resolveGuardPolicy({});

describe("parseMaxRemovalDelta", () => {
  it.each([
    ["25%", { kind: "share", share: 0.25 }],
    [" 10 % ", { kind: "share", share: 0.1 }],
    ["12.5%", { kind: "share", share: 0.125 }],
    ["100%", { kind: "share", share: 1 }],
    ["0%", { kind: "share", share: 0 }],
    ["0.25", { kind: "share", share: 0.25 }],
    [".5", { kind: "share", share: 0.5 }],
    ["1.0", { kind: "share", share: 1 }],
    ["10", { kind: "count", count: 10 }],
    ["0", { kind: "count", count: 0 }],
  ])("%j → %j", (raw, want) => {
    expect(parseMaxRemovalDelta(raw)).toEqual(want);
  });

  it.each(["", "abc", "-1", "150%", "1.5", "25 percent", "1e3", "[secret]"])("rejects %j with a message naming the key", (raw) => {
    expect(() => parseMaxRemovalDelta(raw)).toThrow(GuardConfigError);
    expect(() => parseMaxRemovalDelta(raw)).toThrow(MAX_REMOVAL_DELTA_KEY);
  });
});

describe("removalLimit", () => {
  it("default: 25% of the managed workers, rounded down, never below the floor of 1", () => {
    expect(DEFAULT_MAX_REMOVAL_SHARE).toBe(0.25);
    expect(REMOVAL_FLOOR).toBe(1);
    const share = { kind: "share", share: 0.25 } as const;
    expect(removalLimit(share, 0).max).toBe(1);
    expect(removalLimit(share, 1).max).toBe(1);
    expect(removalLimit(share, 7).max).toBe(1);
    expect(removalLimit(share, 8).max).toBe(2);
    expect(removalLimit(share, 100).max).toBe(25);
    expect(removalLimit(share, 1000).max).toBe(250);
    expect(removalLimit({ kind: "share", share: 0.1 }, 30).max).toBe(3); // no float drift: 0.1*30 = 3.0000000000000004
    expect(removalLimit(share, 12).rule).toBe("25% of 12 managed, at least 1");
  });

  it("an absolute count is taken as is, 0 included (no floor)", () => {
    expect(removalLimit({ kind: "count", count: 0 }, 100)).toEqual({ max: 0, rule: "at most 0 workers" });
    expect(removalLimit({ kind: "count", count: 3 }, 2).max).toBe(3);
  });
});

describe("evaluateGuard", () => {
  it("passes at the limit, for creates and updates only, and for a tiny roster replacing one worker", () => {
    expect(evaluateGuard({ managed: 8, deletes: 1, replaces: 1 }, DEFAULT).status).toBe("pass");
    expect(evaluateGuard({ managed: 8, deletes: 0, replaces: 0 }, DEFAULT).status).toBe("pass");
    expect(evaluateGuard({ managed: 1, deletes: 0, replaces: 1 }, DEFAULT).status).toBe("pass");
    expect(evaluateGuard({ managed: 3, deletes: 1, replaces: 0 }, DEFAULT).status).toBe("pass");
  });

  it("blocks over the limit, counting replaces like deletes, and says how to proceed", () => {
    const v = evaluateGuard({ managed: 8, deletes: 1, replaces: 2 }, DEFAULT);
    expect(v).toMatchObject({ status: "blocked", removals: 3, deletes: 1, replaces: 2, managed: 8, max: 2 });
    expect(v.message).toContain("would delete or replace 3 workers (1 delete, 2 replaces) of 8 managed");
    expect(v.message).toContain("the limit is 2 (25% of 8 managed, at least 1)");
    expect(v.message).toContain(`${ALLOW_MASS_REMOVAL_ENV}=1`);
    expect(v.message).toContain(`pulumi config set ${ALLOW_MASS_REMOVAL_KEY} true`);
    expect(v.message).toContain(MAX_REMOVAL_DELTA_KEY);
    expect(evaluateGuard({ managed: 2, deletes: 2, replaces: 0 }, DEFAULT).status).toBe("blocked");
  });

  it("does not count a delete that is a move to another team's stack (roster folder)", () => {
    const moved = evaluateGuard({ managed: 8, deletes: 5, replaces: 1, moves: 4 }, DEFAULT);
    expect(moved).toMatchObject({ status: "pass", removals: 2, deletes: 5, moves: 4, max: 2 });
    expect(moved.message).toContain("1 delete + 1 replace = 2 workers removed (25% of 8 managed); 4 moved to another team's stack, kept in Flex, not counted");
    const blocked = evaluateGuard({ managed: 8, deletes: 5, replaces: 1, moves: 2 }, DEFAULT);
    expect(blocked).toMatchObject({ status: "blocked", removals: 4, moves: 2 });
    expect(blocked.message).toContain("(3 deletes, 1 replace; 2 moved to another team's stack, kept in Flex, not counted) of 8 managed");
    // Moves never exceed deletes, and without moves the verdict has no moves field.
    expect(evaluateGuard({ managed: 8, deletes: 1, replaces: 0, moves: 3 }, DEFAULT)).toMatchObject({ removals: 0, moves: 1 });
    expect(evaluateGuard({ managed: 8, deletes: 3, replaces: 0 }, DEFAULT)).not.toHaveProperty("moves");
  });

  it("an explicit allowance lets it through, saying by what", () => {
    const v = evaluateGuard({ managed: 4, deletes: 4, replaces: 0 }, resolveGuardPolicy({ allowFlag: true }));
    expect(v.status).toBe("allowed");
    expect(v.allowedBy).toBe("--allow-mass-removal");
    expect(v.message).toContain("exceeds the limit of 1");
  });

  it("a stack-config limit is used and named in the message", () => {
    const policy = resolveGuardPolicy({ config: { [MAX_REMOVAL_DELTA_KEY]: "50%" } });
    expect(policy.limitSource).toBe("stack config");
    expect(evaluateGuard({ managed: 10, deletes: 5, replaces: 0 }, policy).status).toBe("pass");
    const v = evaluateGuard({ managed: 10, deletes: 6, replaces: 0 }, policy);
    expect(v.status).toBe("blocked");
    expect(v.message).toContain(`from ${MAX_REMOVAL_DELTA_KEY}`);
    const none = resolveGuardPolicy({ config: { [MAX_REMOVAL_DELTA_KEY]: "0" } });
    expect(evaluateGuard({ managed: 10, deletes: 0, replaces: 1 }, none).status).toBe("blocked");
  });
});

describe("resolveGuardPolicy", () => {
  it("defaults: 25%, nothing allowed", () => {
    expect(DEFAULT).toEqual({ limit: { kind: "share", share: 0.25 }, limitSource: "default" });
  });

  it("allowance from the flag, the environment or stack config, in that order", () => {
    expect(resolveGuardPolicy({ env: { [ALLOW_MASS_REMOVAL_ENV]: "1" } }).allowedBy).toBe(`${ALLOW_MASS_REMOVAL_ENV}=1`);
    expect(resolveGuardPolicy({ env: { [ALLOW_MASS_REMOVAL_ENV]: "true" } }).allowedBy).toBe(`${ALLOW_MASS_REMOVAL_ENV}=true`);
    expect(resolveGuardPolicy({ config: { [ALLOW_MASS_REMOVAL_KEY]: "true" } }).allowedBy).toBe(`${ALLOW_MASS_REMOVAL_KEY}=true`);
    expect(
      resolveGuardPolicy({ allowFlag: true, env: { [ALLOW_MASS_REMOVAL_ENV]: "1" }, config: { [ALLOW_MASS_REMOVAL_KEY]: "true" } }).allowedBy,
    ).toBe("--allow-mass-removal");
  });

  it("false, 0 and empty allow nothing", () => {
    expect(resolveGuardPolicy({ env: { [ALLOW_MASS_REMOVAL_ENV]: "0" } }).allowedBy).toBeUndefined();
    expect(resolveGuardPolicy({ env: { [ALLOW_MASS_REMOVAL_ENV]: "" } }).allowedBy).toBeUndefined();
    expect(resolveGuardPolicy({ config: { [ALLOW_MASS_REMOVAL_KEY]: "false" } }).allowedBy).toBeUndefined();
  });

  it("bad values fail closed with a message, never silently allow", () => {
    expect(() => resolveGuardPolicy({ env: { [ALLOW_MASS_REMOVAL_ENV]: "maybe" } })).toThrow(GuardConfigError);
    expect(() => resolveGuardPolicy({ config: { [ALLOW_MASS_REMOVAL_KEY]: "yes please" } })).toThrow(ALLOW_MASS_REMOVAL_KEY);
    expect(() => resolveGuardPolicy({ config: { [MAX_REMOVAL_DELTA_KEY]: "lots" } })).toThrow(MAX_REMOVAL_DELTA_KEY);
    expect(() => resolveGuardPolicy({ config: { [MAX_REMOVAL_DELTA_KEY]: "[secret]" } })).toThrow(/secret/);
  });

  it("parseBool", () => {
    expect(parseBool(undefined, "x")).toBeUndefined();
    expect(parseBool(" TRUE ", "x")).toBe(true);
    expect(parseBool("off", "x")).toBe(false);
  });
});
