import type { Migration } from './types';

/**
 * Reserved for [strategy] pattern learning (patterns, similar-pattern links) and analytics
 * helpers. Owned by src/core/learning; add the CREATE statements here.
 */
export const learningTables: Migration = {
  version: 7,
  name: 'pattern learning',
  up() {
    // Nothing yet.
  },
};
