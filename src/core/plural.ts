/** "1 file", "3 files": a count with its noun (regular plurals; pass `many` for the others). */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
