/**
 * A subset of TaskRouter's expression language, enough for the Workers list
 * filter `TargetWorkersExpression`:
 *
 *   constants   "text" 'text' 12 1.5 true false [ "a", "b" ]
 *   keys        email, routing.skills, list[0] (dotted paths into the worker attributes;
 *               `sid`, `friendly_name`, `activity_sid`, `activity_name` are the
 *               worker's own fields)
 *   comparisons == (or =) != > >= < <= IN, NOT IN, HAS, CONTAINS
 *   logic       AND / OR (also && / ||), parentheses
 *
 * Keywords are case-insensitive. String comparisons are case-sensitive. A
 * comparison with a missing key is false (also for != and NOT IN).
 */

import { Errors } from "./errors";

export type Value = string | number | boolean | null | Value[] | { [k: string]: unknown };

type Node =
  | { t: "or"; a: Node; b: Node }
  | { t: "and"; a: Node; b: Node }
  | { t: "cmp"; op: CmpOp; left: Operand; right: Operand }
  | { t: "bare"; v: Operand };

type CmpOp = "==" | "!=" | ">" | ">=" | "<" | "<=" | "IN" | "NOT IN" | "HAS" | "CONTAINS";

type Operand = { t: "const"; v: Value } | { t: "key"; path: Array<string | number> } | { t: "list"; items: Operand[] };

type Token =
  | { k: "str"; v: string }
  | { k: "num"; v: number }
  | { k: "ident"; v: string }
  | { k: "op"; v: string }
  | { k: "punct"; v: "(" | ")" | "[" | "]" | "," };

const KEYWORDS = new Set(["AND", "OR", "IN", "NOT", "HAS", "CONTAINS", "TRUE", "FALSE"]);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = "";
      while (j < src.length && src[j] !== c) {
        if (src[j] === "\\" && j + 1 < src.length) {
          s += src[j + 1];
          j += 2;
        } else {
          s += src[j];
          j++;
        }
      }
      if (j >= src.length) throw new SyntaxError("unterminated string");
      out.push({ k: "str", v: s });
      i = j + 1;
      continue;
    }
    if ("()[],".includes(c)) {
      out.push({ k: "punct", v: c as "(" | ")" | "[" | "]" | "," });
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (["==", "!=", ">=", "<=", "&&", "||"].includes(two)) {
      out.push({ k: "op", v: two === "&&" ? "AND" : two === "||" ? "OR" : two });
      i += 2;
      continue;
    }
    if (c === "=") {
      out.push({ k: "op", v: "==" });
      i++;
      continue;
    }
    if (c === ">" || c === "<") {
      out.push({ k: "op", v: c });
      i++;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      out.push({ k: "num", v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*/.exec(src.slice(i));
    if (ident) {
      out.push({ k: "ident", v: ident[0] });
      i += ident[0].length;
      continue;
    }
    throw new SyntaxError(`unexpected character ${JSON.stringify(c)}`);
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  parse(): Node {
    const n = this.or();
    if (this.pos !== this.toks.length) throw new SyntaxError("unexpected trailing input");
    return n;
  }

  private peek(): Token | undefined {
    return this.toks[this.pos];
  }

  private kw(word: string): boolean {
    const t = this.peek();
    if (t && (t.k === "ident" || t.k === "op") && t.v.toUpperCase() === word) {
      this.pos++;
      return true;
    }
    return false;
  }

  private punct(p: string): boolean {
    const t = this.peek();
    if (t && t.k === "punct" && t.v === p) {
      this.pos++;
      return true;
    }
    return false;
  }

  private or(): Node {
    let n = this.and();
    while (this.kw("OR")) n = { t: "or", a: n, b: this.and() };
    return n;
  }

  private and(): Node {
    let n = this.primary();
    while (this.kw("AND")) n = { t: "and", a: n, b: this.primary() };
    return n;
  }

  private primary(): Node {
    if (this.punct("(")) {
      const n = this.or();
      if (!this.punct(")")) throw new SyntaxError("missing )");
      return n;
    }
    const left = this.operand();
    const op = this.cmpOp();
    if (!op) return { t: "bare", v: left };
    return { t: "cmp", op, left, right: this.operand() };
  }

  private cmpOp(): CmpOp | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.k === "op" && ["==", "!=", ">", ">=", "<", "<="].includes(t.v)) {
      this.pos++;
      return t.v as CmpOp;
    }
    if (t.k === "ident") {
      const w = t.v.toUpperCase();
      if (w === "IN" || w === "HAS" || w === "CONTAINS") {
        this.pos++;
        return w;
      }
      if (w === "NOT") {
        this.pos++;
        if (!this.kw("IN")) throw new SyntaxError("expected IN after NOT");
        return "NOT IN";
      }
    }
    return undefined;
  }

  private operand(): Operand {
    const t = this.toks[this.pos++];
    if (!t) throw new SyntaxError("unexpected end of expression");
    if (t.k === "str" || t.k === "num") return { t: "const", v: t.v };
    if (t.k === "punct" && t.v === "[") {
      const items: Operand[] = [];
      if (!this.punct("]")) {
        do items.push(this.operand());
        while (this.punct(","));
        if (!this.punct("]")) throw new SyntaxError("missing ]");
      }
      return { t: "list", items };
    }
    if (t.k === "ident") {
      const up = t.v.toUpperCase();
      if (up === "TRUE") return { t: "const", v: true };
      if (up === "FALSE") return { t: "const", v: false };
      if (KEYWORDS.has(up)) throw new SyntaxError(`unexpected keyword ${t.v}`);
      // a.b[2].c -> ["a", "b", 2, "c"]
      const path = [...t.v.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
      return { t: "key", path };
    }
    throw new SyntaxError("unexpected token");
  }
}

/** What an expression is evaluated against. */
export interface ExpressionSubject {
  sid: string;
  friendly_name: string;
  activity_sid: string;
  activity_name: string;
  /** Parsed worker attributes; null when they are not a JSON object. */
  attributes: Record<string, unknown> | null;
}

const WORKER_FIELDS = new Set(["sid", "friendly_name", "activity_sid", "activity_name"]);

const MISSING = Symbol("missing");
type Resolved = unknown | typeof MISSING;

function resolve(op: Operand, s: ExpressionSubject): Resolved {
  if (op.t === "const") return op.v;
  if (op.t === "list") return op.items.map((i) => resolve(i, s));
  const [head, ...rest] = op.path;
  if (rest.length === 0 && typeof head === "string" && WORKER_FIELDS.has(head)) return s[head as keyof ExpressionSubject];
  let cur: unknown = s.attributes;
  for (const part of op.path) {
    if (typeof part === "number") {
      if (!Array.isArray(cur) || part >= cur.length) return MISSING;
      cur = cur[part];
      continue;
    }
    if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.hasOwn(cur, part)) return MISSING;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function eq(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => eq(x, b[i]));
  return a === b;
}

function inList(a: unknown, b: unknown): boolean {
  if (Array.isArray(b)) {
    if (Array.isArray(a)) return a.some((x) => b.some((y) => eq(x, y)));
    return b.some((y) => eq(a, y));
  }
  if (Array.isArray(a)) return a.some((x) => eq(x, b));
  return eq(a, b);
}

function compare(op: CmpOp, a: unknown, b: unknown): boolean {
  switch (op) {
    case "==":
      return eq(a, b);
    case "!=":
      return !eq(a, b);
    case "IN":
      return inList(a, b);
    case "NOT IN":
      return !inList(a, b);
    case "HAS":
      return Array.isArray(a) ? a.some((x) => eq(x, b)) : eq(a, b);
    case "CONTAINS": {
      if (typeof b !== "string") return false;
      if (typeof a === "string") return a.includes(b);
      if (Array.isArray(a)) return a.some((x) => typeof x === "string" && x.includes(b));
      return false;
    }
    default: {
      const ok =
        (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
      if (!ok) return false;
      const x = a as number | string;
      const y = b as number | string;
      return op === ">" ? x > y : op === ">=" ? x >= y : op === "<" ? x < y : x <= y;
    }
  }
}

function evaluate(n: Node, s: ExpressionSubject): boolean {
  switch (n.t) {
    case "or":
      return evaluate(n.a, s) || evaluate(n.b, s);
    case "and":
      return evaluate(n.a, s) && evaluate(n.b, s);
    case "bare": {
      const v = resolve(n.v, s);
      return v === true;
    }
    case "cmp": {
      const a = resolve(n.left, s);
      const b = resolve(n.right, s);
      if (a === MISSING || b === MISSING) return false;
      return compare(n.op, a, b);
    }
  }
}

export type CompiledExpression = (subject: ExpressionSubject) => boolean;

/** Compile an expression; throws a Twilio 400 error when it does not parse. */
export function compileExpression(src: string): CompiledExpression {
  let ast: Node;
  try {
    ast = new Parser(tokenize(src)).parse();
  } catch (e) {
    throw Errors.badRequest(`Invalid TargetWorkersExpression: ${(e as Error).message}`);
  }
  return (s) => evaluate(ast, s);
}
