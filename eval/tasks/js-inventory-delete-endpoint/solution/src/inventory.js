'use strict';

/** Stock of items, by SKU. Prices are integer cents. */
class Inventory {
  constructor() {
    this.items = new Map();
  }

  /** Adds an item, or adds to its quantity when the SKU exists (the name and price stay). */
  addItem(sku, name, quantity, priceCents) {
    if (!sku || typeof sku !== 'string') throw new TypeError('sku must be a non-empty string');
    if (!Number.isInteger(quantity) || quantity < 0) throw new RangeError('quantity must be a non-negative integer');
    if (!Number.isInteger(priceCents) || priceCents < 0) throw new RangeError('priceCents must be a non-negative integer');
    const existing = this.items.get(sku);
    if (existing) {
      existing.quantity += quantity;
      return existing;
    }
    const item = { sku, name, quantity, priceCents };
    this.items.set(sku, item);
    return item;
  }

  /** Takes `quantity` out of stock; refuses to go below zero. */
  removeItem(sku, quantity) {
    const item = this.items.get(sku);
    if (!item) throw new Error(`unknown sku: ${sku}`);
    if (!Number.isInteger(quantity) || quantity <= 0) throw new RangeError('quantity must be a positive integer');
    if (quantity > item.quantity) throw new RangeError(`only ${item.quantity} of ${sku} in stock`);
    item.quantity -= quantity;
    return item;
  }

  /** Removes an item altogether; whether there was one. */
  delete(sku) {
    return this.items.delete(sku);
  }

  get(sku) {
    return this.items.get(sku);
  }

  /** Every item, sorted by SKU. */
  list() {
    return [...this.items.values()].sort((a, b) => a.sku.localeCompare(b.sku));
  }

  /** What the whole stock is worth, in cents. */
  totalValueCents() {
    let total = 0;
    for (const item of this.items.values()) total += item.quantity * item.priceCents;
    return total;
  }
}

module.exports = { Inventory };
