import type { Migration } from './types';

/**
 * Reserved for [pipeline] repository locks, circuit breaker, hook runs, recoveries, rollbacks.
 * Owned by that area; add the CREATE statements here (more versions may follow at the end of the list).
 */
export const pipelineTables: Migration = {
  version: 5,
  name: 'pipeline state',
  up() {
    // Nothing yet.
  },
};
