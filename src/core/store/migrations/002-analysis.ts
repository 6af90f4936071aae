import type { Migration } from './types';

/**
 * Reserved for [analysis] the structure-map cache (files by path, size, mtime) and anything else analysis stores.
 * Owned by that area; add the CREATE statements here (more versions may follow at the end of the list).
 */
export const analysisTables: Migration = {
  version: 2,
  name: 'analysis cache',
  up() {
    // Nothing yet.
  },
};
