/**
 * Test controls that are not part of Twilio's API: request counters, injected
 * latency and injected faults. Rules select requests by method and route: a
 * route is a fastify route pattern as used in counter keys
 * (`/v1/Workspaces/:WorkspaceSid/Workers`), a concrete path, `*` (every
 * Twilio request), or a prefix ending in `*`. A route may also be written as a
 * full counter key, `GET /v1/Workspaces/:WorkspaceSid/Workers`.
 */

import { Errors } from "./errors";

export type FaultKind = "401" | "403" | "429" | "500" | "503" | "drop" | "slow";
export const FAULT_KINDS: readonly FaultKind[] = ["401", "403", "429", "500", "503", "drop", "slow"];

export interface FaultSpec {
  /** 401 (rotated credentials) / 403 (a key without access to the route) / 429 / 500 / 503: Twilio error response; drop: the socket is destroyed; slow: delayed, then served normally. */
  kind: FaultKind | 401 | 403 | 429 | 500 | 503;
  /** HTTP method to match; default any. */
  method?: string;
  /** Route to match (see module doc); default `*`. */
  route?: string;
  /** Fire on the next N matching requests, then expire. */
  count?: number;
  /** Probability (0..1) to fire on each matching request. Default 1. */
  rate?: number;
  /** Delay for `slow` faults (ms). Default 2000. */
  delayMs?: number;
  /** `Retry-After` header (seconds) for 429. Default 1; null/negative to omit. */
  retryAfter?: number | null;
  /** Seed for the `rate` dice, for reproducible runs. */
  seed?: number;
}

export interface FaultInfo {
  id: string;
  kind: FaultKind;
  method: string;
  route: string;
  /** Remaining firings, or null for unlimited. */
  remaining: number | null;
  rate: number;
  delayMs: number;
  retryAfter: number | null;
  /** How many times it fired. */
  hits: number;
}

export interface LatencyRule {
  method?: string;
  route: string;
  ms: number;
}

export interface LatencyConfig {
  /** Added to every Twilio request. */
  globalMs: number;
  /** Added to matching requests (on top of globalMs). */
  rules: LatencyRule[];
}

export interface CountersSnapshot {
  /** Requests received on Twilio paths (everything outside /__emulator). */
  total: number;
  /** Non-GET requests among them. */
  writes: number;
  /** Injected faults that fired (drops included). */
  faults: number;
  /** Per `METHOD /route/pattern`; unmatched paths count under `METHOD (unmatched)`. */
  byRoute: Record<string, number>;
  /** Per response status code ("dropped" for destroyed connections). */
  byStatus: Record<string, number>;
  /**
   * Fired faults per rule, as `kind METHOD route` (e.g. `429 POST /v1/…/Workers`).
   * Kept after a counted fault expires (faults() then no longer lists it), so a
   * test can prove each fault it aimed actually fired.
   */
  firedByRule: Record<string, number>;
}

interface Fault extends FaultInfo {
  random: () => number;
}

/** Small deterministic PRNG (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function splitRoute(method: string | undefined, route: string | undefined): { method: string; route: string } {
  let m = (method ?? "*").toUpperCase();
  let r = route ?? "*";
  const sp = /^([A-Za-z]+)\s+(\S.*)$/.exec(r);
  if (sp && !r.startsWith("/")) {
    m = sp[1]!.toUpperCase();
    r = sp[2]!;
  }
  return { method: m, route: r };
}

export function ruleMatches(
  rule: { method: string; route: string },
  method: string,
  routeUrl: string,
  path: string,
): boolean {
  if (rule.method !== "*" && rule.method !== method.toUpperCase()) return false;
  const r = rule.route;
  if (r === "*" || r === routeUrl || r === path) return true;
  if (r.endsWith("*")) {
    const prefix = r.slice(0, -1);
    return routeUrl.startsWith(prefix) || path.startsWith(prefix);
  }
  return false;
}

/** How counters name a fault rule: `kind METHOD route`. */
export function faultRuleKey(f: { kind: string; method: string; route: string }): string {
  return `${f.kind} ${f.method} ${f.route}`;
}

export class Control {
  private latency: LatencyConfig = { globalMs: 0, rules: [] };
  private faultList: Fault[] = [];
  private nextFaultId = 1;
  private c: CountersSnapshot = Control.zero();

  private static zero(): CountersSnapshot {
    return { total: 0, writes: 0, faults: 0, byRoute: {}, byStatus: {}, firedByRule: {} };
  }

  // -- counters ---------------------------------------------------------------

  countRequest(method: string, routeUrl: string | undefined): void {
    const m = method.toUpperCase();
    this.c.total++;
    if (m !== "GET" && m !== "HEAD") this.c.writes++;
    const key = `${m} ${routeUrl ?? "(unmatched)"}`;
    this.c.byRoute[key] = (this.c.byRoute[key] ?? 0) + 1;
  }

  countStatus(status: number | "dropped"): void {
    const key = String(status);
    this.c.byStatus[key] = (this.c.byStatus[key] ?? 0) + 1;
  }

  counters(): CountersSnapshot {
    return structuredClone(this.c);
  }

  resetCounters(): void {
    this.c = Control.zero();
  }

  // -- latency ------------------------------------------------------------------

  /** setLatency(ms) sets the global latency; setLatency(ms, { route, method }) sets one route's latency. */
  setLatency(ms: number, target?: { route: string; method?: string }): void {
    if (!Number.isFinite(ms) || ms < 0) throw Errors.badRequest("latency ms must be a number >= 0");
    if (!target) {
      this.latency.globalMs = ms;
      return;
    }
    const { method, route } = splitRoute(target.method, target.route);
    this.latency.rules = this.latency.rules.filter((r) => !(r.route === route && (r.method ?? "*") === method));
    if (ms > 0) this.latency.rules.push({ method, route, ms });
  }

  clearLatency(): void {
    this.latency = { globalMs: 0, rules: [] };
  }

  latencyConfig(): LatencyConfig {
    return structuredClone(this.latency);
  }

  latencyFor(method: string, routeUrl: string, path: string): number {
    let ms = this.latency.globalMs;
    for (const r of this.latency.rules) {
      if (ruleMatches({ method: r.method ?? "*", route: r.route }, method, routeUrl, path)) ms += r.ms;
    }
    return ms;
  }

  // -- faults -------------------------------------------------------------------

  injectFault(spec: FaultSpec): FaultInfo {
    const kind = String(spec?.kind) as FaultKind;
    if (!FAULT_KINDS.includes(kind)) throw Errors.badRequest(`fault kind must be one of ${FAULT_KINDS.join(", ")}`);
    const rate = spec.rate ?? 1;
    if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) throw Errors.badRequest("fault rate must be within 0..1");
    if (spec.count !== undefined && (!Number.isInteger(spec.count) || spec.count < 1)) {
      throw Errors.badRequest("fault count must be a positive integer");
    }
    const delayMs = spec.delayMs ?? 2000;
    if (typeof delayMs !== "number" || delayMs < 0) throw Errors.badRequest("fault delayMs must be >= 0");
    const { method, route } = splitRoute(spec.method, spec.route);
    const retryAfter = spec.retryAfter === undefined ? 1 : spec.retryAfter === null || spec.retryAfter < 0 ? null : spec.retryAfter;
    const fault: Fault = {
      id: `fault-${this.nextFaultId++}`,
      kind,
      method,
      route,
      remaining: spec.count ?? null,
      rate,
      delayMs,
      retryAfter,
      hits: 0,
      random: spec.seed === undefined ? Math.random : seeded(spec.seed),
    };
    this.faultList.push(fault);
    return Control.info(fault);
  }

  private static info(f: Fault): FaultInfo {
    const { random: _random, ...info } = f;
    return { ...info };
  }

  faults(): FaultInfo[] {
    return this.faultList.map(Control.info);
  }

  clearFaults(id?: string): boolean {
    if (id === undefined) {
      const had = this.faultList.length > 0;
      this.faultList = [];
      return had;
    }
    const before = this.faultList.length;
    this.faultList = this.faultList.filter((f) => f.id !== id);
    return this.faultList.length !== before;
  }

  /**
   * Decide what happens to a request: extra delay (latency + slow faults) and
   * at most one error/drop fault. Consumes counts of the faults that fire.
   */
  decide(method: string, routeUrl: string, path: string): { delayMs: number; fault?: FaultInfo } {
    let delayMs = this.latencyFor(method, routeUrl, path);
    let fired: Fault | undefined;
    for (const f of this.faultList) {
      if (f.remaining === 0) continue;
      if (!ruleMatches(f, method, routeUrl, path)) continue;
      if (fired && f.kind !== "slow") continue;
      if (f.rate < 1 && f.random() >= f.rate) continue;
      f.hits++;
      if (f.remaining !== null) f.remaining--;
      this.c.faults++;
      const rule = faultRuleKey(f);
      this.c.firedByRule[rule] = (this.c.firedByRule[rule] ?? 0) + 1;
      if (f.kind === "slow") delayMs += f.delayMs;
      else fired = f;
    }
    this.faultList = this.faultList.filter((f) => f.remaining !== 0);
    return fired ? { delayMs, fault: Control.info(fired) } : { delayMs };
  }

  reset(): void {
    this.clearLatency();
    this.clearFaults();
    this.resetCounters();
  }
}
