'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Inventory } = require('../src/inventory');

test('total value multiplies quantity by unit price', () => {
  const inv = new Inventory();
  inv.addItem('A-1', 'Anchor', 3, 250);
  inv.addItem('B-2', 'Buoy', 2, 100);
  assert.equal(inv.totalValueCents(), 950);
});

test('an empty inventory is worth nothing, and so are items out of stock', () => {
  const inv = new Inventory();
  assert.equal(inv.totalValueCents(), 0);
  inv.addItem('C-3', 'Chain', 0, 4000);
  assert.equal(inv.totalValueCents(), 0);
});

test('the value follows removals', () => {
  const inv = new Inventory();
  inv.addItem('D-4', 'Davit', 5, 20);
  inv.removeItem('D-4', 2);
  assert.equal(inv.totalValueCents(), 60);
});
