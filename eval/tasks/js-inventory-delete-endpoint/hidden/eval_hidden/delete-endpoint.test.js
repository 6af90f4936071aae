'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Inventory } = require('../src/inventory');
const { createServer } = require('../src/server');

async function withServer(fn) {
  const inv = new Inventory();
  inv.addItem('A-1', 'Anchor', 1, 100);
  const server = createServer(inv);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn(`http://127.0.0.1:${server.address().port}`, inv);
  } finally {
    server.close();
  }
}

test('DELETE /items/:sku removes the item and answers 204', async () => {
  await withServer(async (base, inv) => {
    const res = await fetch(`${base}/items/A-1`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
    assert.equal(inv.get('A-1'), undefined);
    assert.equal((await fetch(`${base}/items/A-1`)).status, 404);
  });
});

test('DELETE of an unknown SKU answers 404 with an error', async () => {
  await withServer(async (base) => {
    const res = await fetch(`${base}/items/nope`, { method: 'DELETE' });
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'not found' });
  });
});

test('Inventory#delete says whether it removed something', () => {
  const inv = new Inventory();
  inv.addItem('B', 'Bolt', 1, 1);
  assert.equal(inv.delete('B'), true);
  assert.equal(inv.delete('B'), false);
});
