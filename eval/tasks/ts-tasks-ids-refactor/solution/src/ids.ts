/** The id after the largest one in use; 1 when there is none. */
export function nextId(existing: readonly number[]): number {
  return existing.reduce((max, id) => Math.max(max, id), 0) + 1;
}
