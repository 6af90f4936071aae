/** A count with its noun in the right number: `1 repair round`, `2 repair rounds`, `0 files`. */
export function plural(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : pluralNoun}`;
}
