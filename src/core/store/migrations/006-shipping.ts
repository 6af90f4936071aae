import type { Migration } from './types';

/**
 * Reserved for [pipeline] shipping: pull requests, rollbacks and reports.
 * Owned by that area; add the CREATE statements here.
 */
export const shippingTables: Migration = {
  version: 6,
  name: 'shipping',
  up() {
    // Nothing yet.
  },
};
