function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** The known key closest to a misspelt one (`extra_authorise_params` → `extra_authorize_params`), if any is close. */
export function closestKey(key: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate);
    const extends_ =
      d === bestDistance && best !== undefined && candidate.startsWith(key) && !best.startsWith(key);
    if (d < bestDistance || extends_) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
