// TaskRouter's expression language, as a TaskQueue's `target_workers` uses it
// to pick workers by their attributes (Twilio's "TaskRouter expression syntax"
// page). Pure: parse once, evaluate against any number of workers.
//
//   constants   "text" 'text'  1 1.0 3.141529  true false  [list, of, constants]
//   keys        dot notation into the attributes, square brackets for array
//               indices (object.array[2]); a key the document lacks is NULL
//   comparisons == (also =) != > >= < <=  IN  NOT IN  HAS  CONTAINS
//   logic       AND OR (also && ||), parentheses; AND binds tighter than OR
//
// Keywords are case-insensitive; string comparisons are not. NULL makes every
// comparison false (SQL's rule; `!=` and NOT IN too), and comparisons between
// different types are false ("should be avoided", says the page). Hyphens are
// not supported outside string constants (the page says so), so a number has
// no sign. An expression that does not parse is an ExpressionError, never a
// guess: callers report it.

/** A value an expression works with: JSON, or NULL for a missing key. */
type Val = string | number | boolean | null | Val[] | { [k: string]: unknown } | typeof NULL;

const NULL: unique symbol = Symbol("NULL");

export class ExpressionError extends Error {
  constructor(
    message: string,
    /** 0-based offset in the expression where parsing stopped. */
    readonly offset: number,
  ) {
    super(message);
    this.name = "ExpressionError";
  }
}

/** What an expression is evaluated against: a worker's attributes and, optionally, its own fields. */
export interface ExpressionWorker {
  /** Parsed attributes; null when the worker has none usable (every key is NULL). */
  attributes: Record<string, unknown> | null;
  /** TaskRouter's worker fields a Workers-list expression may name: sid, friendly_name, activity_sid, activity_name. */
  fields?: Partial<Record<WorkerField, string>>;
}

export const WORKER_FIELDS = ["sid", "friendly_name", "activity_sid", "activity_name"] as const;
export type WorkerField = (typeof WORKER_FIELDS)[number];

type Step = string | number;
type Term = { kind: "const"; value: Val } | { kind: "key"; path: Step[]; text: string } | { kind: "list"; items: Term[] };
type Operator = "==" | "!=" | ">" | ">=" | "<" | "<=" | "IN" | "NOT IN" | "HAS" | "CONTAINS";
type Expr =
  | { kind: "any"; of: Expr[] }
  | { kind: "all"; of: Expr[] }
  | { kind: "compare"; op: Operator; left: Term; right: Term }
  | { kind: "truthy"; term: Term };

// -- scanning --------------------------------------------------------------------

type Lexeme =
  | { t: "string"; value: string; at: number }
  | { t: "number"; value: number; at: number }
  | { t: "word"; value: string; at: number }
  | { t: "key"; path: Step[]; text: string; at: number }
  | { t: "sym"; value: string; at: number };

const SYMBOLS = ["==", "!=", ">=", "<=", "&&", "||", "=", ">", "<", "(", ")", "[", "]", ","];
const WORDS = new Set(["AND", "OR", "IN", "NOT", "HAS", "CONTAINS", "TRUE", "FALSE"]);
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[0-9]+(?:\.[0-9]+)?/y;

function scan(source: string): Lexeme[] {
  const out: Lexeme[] = [];
  let i = 0;
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(source);
    return m ? m[0] : undefined;
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const start = i;
      let text = "";
      i++;
      for (;;) {
        if (i >= source.length) throw new ExpressionError("a string constant is not closed", start);
        const c = source[i]!;
        if (c === ch) break;
        if (c === "\\" && i + 1 < source.length) {
          text += source[i + 1];
          i += 2;
        } else {
          text += c;
          i++;
        }
      }
      i++;
      out.push({ t: "string", value: text, at: start });
      continue;
    }
    const num = match(NUMBER);
    if (num !== undefined) {
      out.push({ t: "number", value: Number(num), at: i });
      i += num.length;
      continue;
    }
    const name = match(NAME);
    if (name !== undefined) {
      const start = i;
      i += name.length;
      if (WORDS.has(name.toUpperCase())) {
        out.push({ t: "word", value: name.toUpperCase(), at: start });
        continue;
      }
      // A key: name, then .name or [index] steps written without spaces.
      const path: Step[] = [name];
      for (;;) {
        if (source[i] === ".") {
          i++;
          const part = match(NAME);
          if (part === undefined) throw new ExpressionError("a key must not end with '.'", i);
          path.push(part);
          i += part.length;
        } else if (source[i] === "[" && /[0-9]/.test(source[i + 1] ?? "")) {
          const idx = match(/\[([0-9]+)\]/y);
          if (idx === undefined) throw new ExpressionError("an array index must be [number]", i);
          path.push(Number(idx.slice(1, -1)));
          i += idx.length;
        } else break;
      }
      out.push({ t: "key", path, text: source.slice(start, i), at: start });
      continue;
    }
    const sym = SYMBOLS.find((s) => source.startsWith(s, i));
    if (sym) {
      out.push({ t: "sym", value: sym, at: i });
      i += sym.length;
      continue;
    }
    if (ch === "-") throw new ExpressionError("hyphens are not supported in TaskRouter expressions", i);
    throw new ExpressionError(`unexpected character ${JSON.stringify(ch)}`, i);
  }
  return out;
}

// -- parsing: expr := all (OR all)* ; all := unit (AND unit)* ; unit := ( expr ) | term [op term]

class Parser {
  private i = 0;
  constructor(
    private readonly lx: Lexeme[],
    private readonly length: number,
  ) {}

  whole(): Expr {
    if (this.lx.length === 0) throw new ExpressionError("the expression is empty", 0);
    const e = this.any();
    const rest = this.lx[this.i];
    if (rest) throw new ExpressionError(`unexpected ${describe(rest)}`, rest.at);
    return e;
  }

  private here(): number {
    return this.lx[this.i]?.at ?? this.length;
  }

  private isSym(v: string): boolean {
    const l = this.lx[this.i];
    return l?.t === "sym" && l.value === v;
  }

  private isWord(v: string): boolean {
    const l = this.lx[this.i];
    return l?.t === "word" && l.value === v;
  }

  private any(): Expr {
    const of = [this.all()];
    while (this.isWord("OR") || this.isSym("||")) {
      this.i++;
      of.push(this.all());
    }
    return of.length === 1 ? of[0]! : { kind: "any", of };
  }

  private all(): Expr {
    const of = [this.unit()];
    while (this.isWord("AND") || this.isSym("&&")) {
      this.i++;
      of.push(this.unit());
    }
    return of.length === 1 ? of[0]! : { kind: "all", of };
  }

  private unit(): Expr {
    if (this.isSym("(")) {
      const open = this.here();
      this.i++;
      const e = this.any();
      if (!this.isSym(")")) throw new ExpressionError("a '(' is not closed", open);
      this.i++;
      return e;
    }
    const left = this.term();
    const op = this.operator();
    return op ? { kind: "compare", op, left, right: this.term() } : { kind: "truthy", term: left };
  }

  private operator(): Operator | undefined {
    const l = this.lx[this.i];
    if (!l) return undefined;
    if (l.t === "sym" && ["==", "=", "!=", ">", ">=", "<", "<="].includes(l.value)) {
      this.i++;
      return l.value === "=" ? "==" : (l.value as Operator);
    }
    if (l.t === "word" && (l.value === "IN" || l.value === "HAS" || l.value === "CONTAINS")) {
      this.i++;
      return l.value;
    }
    if (l.t === "word" && l.value === "NOT") {
      this.i++;
      if (!this.isWord("IN")) throw new ExpressionError("NOT must be followed by IN", this.here());
      this.i++;
      return "NOT IN";
    }
    return undefined;
  }

  private term(): Term {
    const l = this.lx[this.i];
    if (!l) throw new ExpressionError("the expression ends where a value was expected", this.length);
    this.i++;
    switch (l.t) {
      case "string":
      case "number":
        return { kind: "const", value: l.value };
      case "key":
        return { kind: "key", path: l.path, text: l.text };
      case "word":
        if (l.value === "TRUE") return { kind: "const", value: true };
        if (l.value === "FALSE") return { kind: "const", value: false };
        throw new ExpressionError(`${l.value} where a value was expected`, l.at);
      case "sym": {
        if (l.value !== "[") throw new ExpressionError(`unexpected ${describe(l)}`, l.at);
        const items: Term[] = [];
        if (this.isSym("]")) {
          this.i++;
          return { kind: "list", items };
        }
        for (;;) {
          items.push(this.term());
          if (this.isSym(",")) {
            this.i++;
            continue;
          }
          if (this.isSym("]")) {
            this.i++;
            return { kind: "list", items };
          }
          throw new ExpressionError("a '[' list is not closed", this.here());
        }
      }
    }
  }
}

function describe(l: Lexeme): string {
  switch (l.t) {
    case "string":
      return `string ${JSON.stringify(l.value)}`;
    case "number":
      return `number ${l.value}`;
    case "key":
      return `key ${l.text}`;
    default:
      return `'${l.value}'`;
  }
}

// -- evaluation --------------------------------------------------------------------

function lookup(term: Term, w: ExpressionWorker): Val {
  if (term.kind === "const") return term.value;
  if (term.kind === "list") return term.items.map((t) => lookup(t, w));
  const [first] = term.path;
  if (term.path.length === 1 && w.fields && (WORKER_FIELDS as readonly unknown[]).includes(first)) {
    const v = w.fields[first as WorkerField];
    if (v !== undefined) return v;
  }
  let cur: unknown = w.attributes;
  for (const step of term.path) {
    if (typeof step === "number") {
      if (!Array.isArray(cur) || step >= cur.length) return NULL;
      cur = cur[step];
    } else {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, step)) return NULL;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur as Val;
}

function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, k) => same(x, b[k]!));
  }
  return a === b;
}

/** Is `needle` (or, for a list, any of its items) among `hay` (a list, or one value)? */
function among(needle: unknown, hay: unknown): boolean {
  const items = Array.isArray(hay) ? hay : [hay];
  const wanted = Array.isArray(needle) ? needle : [needle];
  return wanted.some((x) => items.some((y) => same(x, y)));
}

function ordered(op: Operator, a: Val, b: Val): boolean {
  const comparable = (typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string");
  if (!comparable) return false;
  const x = a as number | string;
  const y = b as number | string;
  if (op === ">") return x > y;
  if (op === ">=") return x >= y;
  if (op === "<") return x < y;
  return x <= y;
}

function compare(op: Operator, a: Val, b: Val): boolean {
  if (a === NULL || b === NULL) return false;
  switch (op) {
    case "==":
      return same(a, b);
    case "!=":
      return !same(a, b);
    case "IN":
      return among(a, b);
    case "NOT IN":
      return !among(a, b);
    case "HAS":
      // The left side is the collection, the right side one value: `routing.skills HAS "spanish"`
      // (a scalar on the left is a one-item collection).
      return (Array.isArray(a) ? a : [a]).some((x) => same(x, b));
    case "CONTAINS": {
      // Substring: of a string, or of any string in a list.
      if (typeof b !== "string") return false;
      const hay = Array.isArray(a) ? a : [a];
      return hay.some((x) => typeof x === "string" && x.includes(b));
    }
    default:
      return ordered(op, a, b);
  }
}

function run(e: Expr, w: ExpressionWorker): boolean {
  switch (e.kind) {
    case "any":
      return e.of.some((x) => run(x, w));
    case "all":
      return e.of.every((x) => run(x, w));
    case "compare":
      return compare(e.op, lookup(e.left, w), lookup(e.right, w));
    case "truthy":
      return lookup(e.term, w) === true;
  }
}

/** A parsed expression: evaluate it against as many workers as needed. */
export interface RoutingExpression {
  readonly source: string;
  matches(worker: ExpressionWorker): boolean;
}

/** Parse an expression; throws ExpressionError (with the offset) when it does not parse. */
export function parseRoutingExpression(source: string): RoutingExpression {
  const tree = new Parser(scan(source), source.length).whole();
  return { source, matches: (w) => run(tree, w) };
}

/** The expression, or why it does not parse (for reports: never fatal, never guessed). */
export function tryParseRoutingExpression(source: string): { expression: RoutingExpression } | { error: string } {
  try {
    return { expression: parseRoutingExpression(source) };
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    return { error: `${err.message} (${err.offset >= source.length ? "at the end" : `at character ${err.offset + 1}`})` };
  }
}
