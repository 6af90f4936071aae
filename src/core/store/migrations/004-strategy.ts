import type { Migration } from './types';

/**
 * Reserved for [strategy] outcome models, imported history, patterns, metrics samples, PR outcomes.
 * Owned by that area; add the CREATE statements here (more versions may follow at the end of the list).
 */
export const strategyTables: Migration = {
  version: 4,
  name: 'strategy and learning',
  up() {
    // Nothing yet.
  },
};
