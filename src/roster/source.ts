// The parsed YAML document with enough of its AST to put a line:column on any
// roster path: parse with node ranges and a LineCounter, then walk the AST.

import { Document, LineCounter, isAlias, isMap, isNode, isScalar, isSeq, parseDocument, visit, type Alias, type Node, type Pair } from "yaml";

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

/** A problem found while building the JS value (positioned by offset). */
export interface ValueProblem {
  offset: number;
  path: PathSegment[];
  message: string;
}

export interface ValueLimits {
  /** Alias nodes (`*x`, including `<<: *x`) in the document. */
  maxAliases: number;
  /** Values (scalars, lists, mappings) after expanding every alias. */
  maxNodes: number;
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
  private aliasTargets?: Map<Alias, AnyNode>;

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
    for (const [alias, target] of this.aliases()) {
      if (target === undefined) {
        problems.push({
          offset: alias.range?.[0] ?? 0,
          code: "UNRESOLVED_ALIAS",
          message: `unknown alias *${alias.source} (define the anchor &${alias.source} before using it)`,
        });
      }
    }
    return problems;
  }

  /**
   * Every alias and the node it refers to (the last anchor of that name before
   * it), found in one walk. yaml's own Alias.resolve walks the whole document
   * per call, which is quadratic for a roster with thousands of `<<: *base`.
   */
  private aliases(): Map<Alias, AnyNode> {
    if (this.aliasTargets) return this.aliasTargets;
    const targets = new Map<Alias, AnyNode>();
    const anchors = new Map<string, Node>();
    // Pre-order, in document order: an anchor is seen before any alias after it.
    visit(this.doc, (_key, node) => {
      if (isAlias(node)) targets.set(node, anchors.get(node.source));
      else if (isNode(node) && node.anchor) anchors.set(node.anchor, node);
    });
    this.aliasTargets = targets;
    return targets;
  }

  /**
   * The plain JS value of the document, like `doc.toJS()` but linear in the
   * size of the expanded value: each anchor is converted once and aliases share
   * it. The number of aliases and the size they expand to are capped, and a
   * problem points at the alias that crosses the cap. `__proto__` keys and
   * non-scalar keys are reported, not dropped.
   */
  toValue(limits: ValueLimits): { value: unknown; problems: ValueProblem[] } {
    const problems: ValueProblem[] = [];
    const memo = new Map<Node, { value: unknown; size: number }>();
    const inProgress = new Set<Node>();
    const targets = this.aliases();
    let aliasCount = 0;
    let expanded = 0;
    class Stop extends Error {}
    const offsetOf = (n: AnyNode) => this.startOf(n) ?? 0;
    const stop = (node: AnyNode, path: PathSegment[], message: string): never => {
      problems.push({ offset: offsetOf(node), path, message });
      throw new Stop();
    };

    const convert = (node: AnyNode, path: PathSegment[]): unknown => {
      if (isAlias(node)) {
        if (++aliasCount > limits.maxAliases) {
          stop(node, path, `too many YAML aliases: more than ${limits.maxAliases} (*${node.source} is one too many)`);
        }
        const target = targets.get(node);
        if (!target) return undefined; // reported by problems()
        const done = memo.get(target as Node);
        if (!done || inProgress.has(target as Node)) {
          stop(node, path, `alias *${node.source} refers to a node that contains it`);
        }
        expanded += done!.size;
        if (expanded > limits.maxNodes) {
          stop(node, path, `YAML aliases expand the roster to more than ${limits.maxNodes} values at *${node.source} (an alias bomb?)`);
        }
        return done!.value;
      }
      if (!node || !("range" in node)) return null;
      const before = expanded;
      const anchored = node.anchor ? (node as Node) : undefined;
      if (anchored) inProgress.add(anchored);
      let value: unknown;
      if (isScalar(node)) {
        expanded++;
        value = node.value;
      } else if (isSeq(node)) {
        expanded++;
        value = node.items.map((item, i) => convert(item as AnyNode, [...path, i]));
      } else if (isMap(node)) {
        expanded++;
        const obj: Record<string, unknown> = {};
        for (const pair of node.items) {
          if (isMergePair(pair as Pair)) {
            this.merge(obj, pair as Pair, path, convert, problems);
            continue;
          }
          const key = keyString(pair.key);
          if (key === undefined) {
            problems.push({ offset: offsetOf(pair.key as AnyNode), path, message: "a mapping key must be a plain string, not a list or mapping" });
            continue;
          }
          if (key === "__proto__") {
            problems.push({
              offset: offsetOf(pair.key as AnyNode),
              path: [...path, key],
              message: `the key "__proto__" is not allowed (it would change the object's prototype in JavaScript)`,
            });
            continue;
          }
          obj[key] = convert(pair.value as AnyNode, [...path, key]);
        }
        value = obj;
      } else {
        value = null;
      }
      if (anchored) {
        inProgress.delete(anchored);
        memo.set(anchored, { value, size: expanded - before });
      }
      return value;
    };

    try {
      return { value: convert(this.doc.contents as AnyNode, []), problems };
    } catch (e) {
      if (e instanceof Stop) return { value: undefined, problems };
      throw e;
    }
  }

  /** `<<: *a` or `<<: [*a, *b]`: copy keys the mapping does not set itself; earlier sources win. */
  private merge(
    obj: Record<string, unknown>,
    pair: Pair,
    path: PathSegment[],
    convert: (node: AnyNode, path: PathSegment[]) => unknown,
    problems: ValueProblem[],
  ): void {
    const value = pair.value as AnyNode;
    const sources = isSeq(value) ? (value.items as AnyNode[]) : [value];
    for (const src of sources) {
      const converted = convert(src, path);
      if (!isMap(this.resolve(src)) || typeof converted !== "object" || converted === null) {
        problems.push({ offset: this.startOf(src) ?? this.startOf(pair.key as AnyNode) ?? 0, path, message: "a merge key (<<) must refer to a mapping, e.g. <<: *base" });
        continue;
      }
      for (const [k, v] of Object.entries(converted)) {
        if (!Object.prototype.hasOwnProperty.call(obj, k)) obj[k] = v;
      }
    }
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
    return isAlias(node) ? this.aliases().get(node) : node;
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
