'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Inventory } = require('../src/inventory');

test('adds items and adds to the quantity of a known SKU', () => {
  const inv = new Inventory();
  inv.addItem('A-1', 'Apple', 3, 50);
  inv.addItem('A-1', 'Apple', 2, 50);
  assert.equal(inv.get('A-1').quantity, 5);
});

test('refuses to remove more than is in stock', () => {
  const inv = new Inventory();
  inv.addItem('B-2', 'Bolt', 1, 10);
  assert.throws(() => inv.removeItem('B-2', 2), RangeError);
  assert.equal(inv.get('B-2').quantity, 1);
});

test('lists items sorted by SKU', () => {
  const inv = new Inventory();
  inv.addItem('Z', 'Zip', 1, 1);
  inv.addItem('A', 'Axe', 1, 1);
  assert.deepEqual(inv.list().map((i) => i.sku), ['A', 'Z']);
});
