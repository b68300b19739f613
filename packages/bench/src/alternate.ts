/**
 * Runs every side once per round, `rounds` times, rotating which side goes first (round r starts with side
 * r mod n), so drift on a noisy machine (a warming JIT, a busy neighbour) falls on every side alike. Returns each
 * side's results in round order.
 */
export async function alternate<K extends string, T>(
  rounds: number,
  sides: Readonly<Record<K, () => Promise<T>>>,
  onRound?: (round: number) => void,
): Promise<Record<K, T[]>> {
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('rounds must be an integer >= 1');
  const names = Object.keys(sides) as K[];
  const results = Object.fromEntries(names.map((n) => [n, [] as T[]])) as Record<K, T[]>;
  for (let round = 0; round < rounds; round++) {
    onRound?.(round);
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length] as K;
      results[name].push(await sides[name]());
    }
  }
  return results;
}
