import type { GithubClient } from './github-client';

/**
 * Walks a paginated GitHub list page by page, each page its own retried request (a failure on
 * page 7 does not refetch pages 1–6), following the Link header's rel="next" until it is absent
 * or `max` items were collected.
 */
export async function collectPages<T>(
  client: GithubClient,
  what: string,
  fetchPage: (page: number, perPage: number) => Promise<{ data: unknown; headers: { link?: string } }>,
  itemsOf: (data: unknown) => T[],
  options: { max?: number; perPage?: number } = {},
): Promise<T[]> {
  const perPage = options.perPage ?? 100;
  const max = options.max ?? Infinity;
  const items: T[] = [];
  for (let page = 1; items.length < max; page++) {
    const response = await client.call(what, () => fetchPage(page, perPage));
    const batch = itemsOf(response.data);
    items.push(...batch.slice(0, max - items.length));
    if (!batch.length || !hasNext(response.headers.link)) break;
  }
  return items;
}

export function hasNext(link: string | undefined): boolean {
  return Boolean(link && /rel="next"/.test(link));
}
