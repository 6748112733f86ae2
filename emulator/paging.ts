/**
 * Stable, token-based paging over records kept sorted by a monotonically
 * increasing `seq` (creation order). Tokens are opaque to clients:
 * `PA<seq>` = "the page after the record with this seq",
 * `PB<seq>` = "the page before it". Records created or deleted between two page
 * requests therefore never shift items between pages.
 */

import { Errors } from "./errors";

export interface Sequenced {
  seq: number;
}

export interface PageRequest {
  pageSize: number;
  /** Page index as sent by the client (Twilio: "simply for client state"); used as an offset only without a token. */
  page: number;
  pageToken?: string;
}

export interface PageResult<T> {
  items: T[];
  nextToken?: string;
  prevToken?: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** First index whose seq is > `seq` (binary search). */
function upperBound(sorted: readonly Sequenced[], seq: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose seq is >= `seq`. */
export function lowerBound(sorted: readonly Sequenced[], seq: number): number {
  return upperBound(sorted, seq - 1);
}

function parseToken(token: string): { dir: "A" | "B"; seq: number } {
  const m = /^P([AB])(\d{1,15})$/.exec(token);
  if (!m) throw Errors.badRequest(`Invalid PageToken: ${token}`);
  return { dir: m[1] as "A" | "B", seq: Number(m[2]) };
}

export function paginate<T extends Sequenced>(
  sorted: readonly T[],
  match: ((item: T) => boolean) | null,
  req: PageRequest,
): PageResult<T> {
  const ok = match ?? (() => true);
  const size = req.pageSize;
  const items: T[] = [];
  let hasNext = false;
  let hasPrev = false;

  const anyForward = (from: number): boolean => {
    for (let i = from; i < sorted.length; i++) if (ok(sorted[i]!)) return true;
    return false;
  };
  const anyBackward = (from: number): boolean => {
    for (let i = from; i >= 0; i--) if (ok(sorted[i]!)) return true;
    return false;
  };

  const token = req.pageToken ? parseToken(req.pageToken) : undefined;
  if (token?.dir === "B") {
    const end = lowerBound(sorted, token.seq);
    let i = end - 1;
    for (; i >= 0 && items.length < size; i--) if (ok(sorted[i]!)) items.push(sorted[i]!);
    items.reverse();
    hasPrev = anyBackward(i);
    hasNext = anyForward(end);
  } else {
    let start: number;
    if (token) {
      start = upperBound(sorted, token.seq);
    } else if (match === null) {
      start = Math.min(sorted.length, req.page * size);
    } else {
      start = 0;
      let skip = req.page * size;
      while (skip > 0 && start < sorted.length) {
        if (ok(sorted[start]!)) skip--;
        start++;
      }
    }
    let i = start;
    for (; i < sorted.length && items.length < size; i++) if (ok(sorted[i]!)) items.push(sorted[i]!);
    hasNext = anyForward(i);
    hasPrev = anyBackward(start - 1);
  }

  const result: PageResult<T> = { items };
  if (items.length > 0) {
    if (hasNext) result.nextToken = `PA${items[items.length - 1]!.seq}`;
    if (hasPrev) result.prevToken = `PB${items[0]!.seq}`;
  }
  return result;
}
