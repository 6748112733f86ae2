// Differential test: src/flex/routing-expression.ts (what routing impact uses)
// and the emulator's own evaluator (emulator/expression.ts, written apart and
// serving the Workers list's TargetWorkersExpression and TaskQueue filters)
// must agree on generated expressions and attributes: both refuse the same
// expressions, and both pick the same workers.

import { describe, expect, it } from "vitest";
import { compileExpression } from "../../emulator/expression";
import { tryParseRoutingExpression } from "../../src/flex/routing-expression";

/** A small seeded PRNG (mulberry32): the same cases on every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  return { next, pick };
}

const KEYS = ["team", "level", "flag", "email", "missing", "routing.skills", "routing.skills[0]", "routing.skills[3]", "routing.levels.spanish", "routing.levels.sales", "routing.missing.deeper", "tags"];
const STRINGS = ["emea", "apac", "spanish", "sales", "span", "ana@acme.com", "@acme", "Sales", ""];
const NUMBERS = ["0", "1", "2", "3", "3.5", "10"];
const OPS = ["==", "=", "!=", ">", ">=", "<", "<=", "IN", "NOT IN", "HAS", "CONTAINS"];

function expression(r: ReturnType<typeof rng>, depth = 0): string {
  const kw = (w: string) => (r.next() < 0.3 ? w.toLowerCase() : w);
  if (depth < 2 && r.next() < 0.4) {
    const join = r.pick([kw("AND"), kw("OR"), "&&", "||"]);
    const a = expression(r, depth + 1);
    const b = expression(r, depth + 1);
    return r.next() < 0.5 ? `(${a}) ${join} ${b}` : `${a} ${join} ${b}`;
  }
  const constant = (): string => {
    const k = r.next();
    if (k < 0.45) return JSON.stringify(r.pick(STRINGS));
    if (k < 0.5) return `'${r.pick(STRINGS)}'`;
    if (k < 0.75) return r.pick(NUMBERS);
    if (k < 0.85) return r.pick([kw("true"), kw("false")]);
    const n = Math.floor(r.next() * 3);
    return `[${Array.from({ length: n }, () => (r.next() < 0.7 ? JSON.stringify(r.pick(STRINGS)) : r.pick(NUMBERS))).join(", ")}]`;
  };
  const operand = () => (r.next() < 0.6 ? r.pick(KEYS) : constant());
  if (r.next() < 0.05) return operand(); // a bare value: true only when it is the boolean true
  return `${operand()} ${kw(r.pick(OPS))} ${operand()}`;
}

/** Some generated expressions are broken on purpose: both evaluators must refuse them. */
function maybeBreak(r: ReturnType<typeof rng>, expr: string): string {
  const k = r.next();
  if (k < 0.06) return expr.slice(0, Math.max(1, Math.floor(r.next() * expr.length)));
  if (k < 0.09) return `(${expr}`;
  if (k < 0.11) return `${expr} ${r.pick(["AND", "OR", "NOT", ")"])}`;
  return expr;
}

function attributes(r: ReturnType<typeof rng>): Record<string, unknown> | null {
  if (r.next() < 0.05) return null; // not a JSON object
  const value = (): unknown => {
    const k = r.next();
    if (k < 0.35) return r.pick(STRINGS);
    if (k < 0.6) return Number(r.pick(NUMBERS));
    if (k < 0.7) return r.next() < 0.5;
    if (k < 0.9) return Array.from({ length: Math.floor(r.next() * 4) }, () => (r.next() < 0.8 ? r.pick(STRINGS) : Number(r.pick(NUMBERS))));
    return { nested: r.pick(STRINGS) };
  };
  const out: Record<string, unknown> = {};
  for (const key of ["team", "level", "flag", "email", "tags"]) if (r.next() < 0.7) out[key] = value();
  if (r.next() < 0.85) {
    const levels: Record<string, unknown> = {};
    if (r.next() < 0.7) levels.spanish = r.next() < 0.85 ? Number(r.pick(NUMBERS)) : r.pick(STRINGS);
    if (r.next() < 0.5) levels.sales = Number(r.pick(NUMBERS));
    out.routing = { skills: Array.from({ length: Math.floor(r.next() * 4) }, () => r.pick(["spanish", "sales", "support", "span"])), levels };
  }
  return out;
}

function emulatorVerdict(expr: string, attrs: Record<string, unknown> | null): boolean | "refused" {
  let compiled: ReturnType<typeof compileExpression>;
  try {
    compiled = compileExpression(expr);
  } catch {
    return "refused";
  }
  return compiled({ sid: "WK1", friendly_name: "ana", activity_sid: "WA1", activity_name: "Available", attributes: attrs });
}

function srcVerdict(expr: string, attrs: Record<string, unknown> | null): boolean | "refused" {
  const parsed = tryParseRoutingExpression(expr);
  if ("error" in parsed) return "refused";
  return parsed.expression.matches({ attributes: attrs, fields: { sid: "WK1", friendly_name: "ana", activity_sid: "WA1", activity_name: "Available" } });
}

describe("src/flex/routing-expression.ts and the emulator's evaluator agree", () => {
  it("on 4,000 generated expressions, each against 5 generated workers", () => {
    const r = rng(23);
    const disagreements: string[] = [];
    const seen = { true: 0, false: 0, refused: 0 };
    for (let i = 0; i < 4000; i++) {
      const expr = maybeBreak(r, expression(r));
      for (let j = 0; j < 5; j++) {
        const attrs = attributes(r);
        const a = srcVerdict(expr, attrs);
        const b = emulatorVerdict(expr, attrs);
        seen[String(a) as keyof typeof seen]++;
        if (a !== b && disagreements.length < 10) disagreements.push(`${expr}  with ${JSON.stringify(attrs)}: src ${a}, emulator ${b}`);
      }
    }
    expect(disagreements).toEqual([]);
    // The generator reaches every outcome often enough to mean something.
    expect(seen.true).toBeGreaterThan(2000);
    expect(seen.false).toBeGreaterThan(5000);
    expect(seen.refused).toBeGreaterThan(500);
  });
});
