import type { Migration } from './types';

/**
 * Reserved for [agent] the response cache, model calls with tokens and cost, model x phase success, transcripts.
 * Owned by that area; add the CREATE statements here (more versions may follow at the end of the list).
 */
export const aiTables: Migration = {
  version: 3,
  name: 'model calls',
  up() {
    // Nothing yet.
  },
};
