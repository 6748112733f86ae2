// The parsed YAML document with enough of its AST to put a line:column on any
// roster path: parse with node ranges and a LineCounter, then walk the AST.

import { Document, LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Node, type Pair } from "yaml";

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

export interface YamlProblem {
  offset: number;
  code: string;
  message: string;
}

/** Render a roster path: `agents[2].channels.chat`, `attributes["my key"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

type AnyNode = Node | Pair | null | undefined;

function keyString(key: unknown): string | undefined {
  if (isScalar(key)) {
    const v = key.value;
    if (typeof v === "symbol") return undefined;
    return v === null ? "" : String(v);
  }
  return undefined;
}

function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === "symbol";
}

export class RosterSource {
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(readonly text: string) {
    this.lines = new LineCounter();
    this.doc = parseDocument(text, {
      lineCounter: this.lines,
      prettyErrors: false,
      // `<<: *anchor` lets a roster share a block between agents.
      merge: true,
      uniqueKeys: true,
    });
  }

  /** YAML syntax errors, duplicate keys and aliases without an anchor. */
  problems(): YamlProblem[] {
    const problems: YamlProblem[] = this.doc.errors.map((e) => ({
      offset: e.pos[0],
      code: e.code,
      message: e.message.split("\n")[0],
    }));
    visit(this.doc, {
      Alias: (_key, alias) => {
        if (alias.resolve(this.doc) === undefined) {
          problems.push({
            offset: alias.range?.[0] ?? 0,
            code: "UNRESOLVED_ALIAS",
            message: `unknown alias *${alias.source} (define the anchor &${alias.source} before using it)`,
          });
        }
      },
    });
    return problems;
  }

  position(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** Offset where an item's node starts (AgentSpec.line comes from here). */
  itemOffset(path: readonly PathSegment[]): number | undefined {
    const found = this.lookup(path);
    return found.complete ? this.startOf(found.node) : undefined;
  }

  /**
   * Position for an issue at `path`. `atKey` points at the key of the last
   * segment (unknown keys, bad record keys) instead of its value. A path that
   * does not exist in the document (a missing key) falls back to the nearest
   * existing parent.
   */
  locate(path: readonly PathSegment[], atKey = false): Position {
    const found = this.lookup(path);
    let offset: number | undefined;
    if (found.complete) {
      const value = this.startOf(found.node);
      const key = found.pair ? this.startOf(found.pair.key as AnyNode) : undefined;
      offset = atKey || value === undefined || this.isEmptyScalar(found.node) ? key ?? value : value;
    } else {
      offset = this.startOf(found.node) ?? (found.pair ? this.startOf(found.pair.key as AnyNode) : undefined);
    }
    return this.position(offset ?? 0);
  }

  /**
   * The roster path of the deepest node at `offset` (for YAML errors). Stops
   * at a key that spans lines: in a broken document that "key" is debris.
   */
  pathAt(offset: number): PathSegment[] {
    const path: PathSegment[] = [];
    let node: AnyNode = this.doc.contents as AnyNode;
    for (;;) {
      if (isMap(node)) {
        const pair = node.items.find((p) => this.contains(p.key as AnyNode, offset) || this.contains(p.value as AnyNode, offset));
        const key = pair ? keyString(pair.key) : undefined;
        if (!pair || key === undefined || this.spansLines(pair.key as AnyNode)) return path;
        path.push(key);
        if (this.contains(pair.key as AnyNode, offset)) return path;
        node = pair.value as AnyNode;
      } else if (isSeq(node)) {
        const i = node.items.findIndex((item) => this.contains(item as AnyNode, offset));
        if (i < 0) return path;
        path.push(i);
        node = node.items[i] as AnyNode;
      } else {
        return path;
      }
    }
  }

  private contains(node: AnyNode, offset: number): boolean {
    const range = node && "range" in node ? node.range : undefined;
    return !!range && range[0] <= offset && offset < Math.max(range[1], range[0] + 1);
  }

  private spansLines(node: AnyNode): boolean {
    const range = node && "range" in node ? node.range : undefined;
    return !!range && this.text.slice(range[0], range[1]).includes("\n");
  }

  private startOf(node: AnyNode): number | undefined {
    return node && "range" in node && node.range ? node.range[0] : undefined;
  }

  private isEmptyScalar(node: AnyNode): boolean {
    return isScalar(node) && node.value === null && !!node.range && node.range[0] === node.range[1];
  }

  private resolve(node: AnyNode): AnyNode {
    return isAlias(node) ? (node.resolve(this.doc) as AnyNode) : node;
  }

  /** The pair for `key` in a mapping: the last direct one (as toJS keeps), else from `<<` merges. */
  private findPair(node: AnyNode, key: string, depth = 0): Pair | undefined {
    const map = this.resolve(node);
    if (!isMap(map) || depth > 20) return undefined;
    let direct: Pair | undefined;
    for (const p of map.items) if (keyString(p.key) === key) direct = p as Pair;
    if (direct) return direct;
    for (const p of map.items) {
      if (!isMergePair(p as Pair)) continue;
      const value = this.resolve(p.value as AnyNode);
      const sources = isSeq(value) ? value.items : [p.value];
      for (const src of sources) {
        const found = this.findPair(src as AnyNode, key, depth + 1);
        if (found) return found;
      }
    }
    return undefined;
  }

  /** Walk `path`; `node` is the deepest node reached, `pair` the pair that led to it. */
  private lookup(path: readonly PathSegment[]): { node: AnyNode; pair?: Pair; complete: boolean } {
    let node: AnyNode = this.doc.contents as AnyNode;
    let pair: Pair | undefined;
    for (const seg of path) {
      const current = this.resolve(node);
      let next: AnyNode;
      let nextPair: Pair | undefined;
      if (isSeq(current) && typeof seg === "number") {
        next = current.items[seg] as AnyNode;
      } else if (isMap(current)) {
        nextPair = this.findPair(current, String(seg));
        next = nextPair ? ((nextPair.value as AnyNode) ?? null) : undefined;
        if (nextPair && !next) return { node: nextPair.key as AnyNode, pair: nextPair, complete: true };
      }
      if (next === undefined) return { node, pair, complete: false };
      node = next;
      pair = nextPair;
    }
    return { node, pair, complete: true };
  }
}
