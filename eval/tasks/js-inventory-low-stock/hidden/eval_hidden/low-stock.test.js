'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Inventory } = require('../src/inventory');

function stock() {
  const inv = new Inventory();
  inv.addItem('D', 'Drill', 7, 100);
  inv.addItem('B', 'Bolt', 2, 5);
  inv.addItem('A', 'Axe', 2, 900);
  inv.addItem('C', 'Cog', 0, 30);
  inv.addItem('E', 'Eyelet', 5, 1);
  return inv;
}

test('lowStock lists items strictly below the threshold, lowest first, ties by SKU', () => {
  assert.deepEqual(stock().lowStock(5).map((i) => i.sku), ['C', 'A', 'B']);
});

test('lowStock returns nothing when all items are at or above the threshold', () => {
  assert.deepEqual(stock().lowStock(0), []);
});

test('lowStock refuses a threshold that is not a non-negative integer', () => {
  assert.throws(() => stock().lowStock(-1), RangeError);
  assert.throws(() => stock().lowStock(2.5), RangeError);
});
