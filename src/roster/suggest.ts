// "did you mean" for unknown roster keys.

/** Levenshtein distance, with an adjacent transposition counting as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** Lowercase and drop `_`, `-` and spaces, so `full_name` and `FullName` both match `fullName`. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[-_\s]/g, "");
}

/** The known key closest to `key`, if it is close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  const folded = fold(key);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const target = fold(candidate);
    // an abbreviation (`avail`, `cap`) counts as close
    const distance = target === folded ? 0 : folded.length >= 3 && target.startsWith(folded) ? 1 : editDistance(folded, target);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(2, Math.floor(folded.length / 4));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}
