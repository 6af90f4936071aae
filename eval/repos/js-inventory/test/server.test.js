'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { Inventory } = require('../src/inventory');
const { createServer } = require('../src/server');

async function withServer(fn) {
  const inv = new Inventory();
  const server = createServer(inv);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    await fn(base, inv);
  } finally {
    server.close();
  }
}

test('POST /items then GET /items/:sku', async () => {
  await withServer(async (base) => {
    const created = await fetch(`${base}/items`, { method: 'POST', body: JSON.stringify({ sku: 'C-3', name: 'Cog', quantity: 4, priceCents: 250 }) });
    assert.equal(created.status, 201);
    const got = await fetch(`${base}/items/C-3`);
    assert.equal(got.status, 200);
    assert.equal((await got.json()).quantity, 4);
  });
});

test('GET /items/:sku of an unknown SKU is 404', async () => {
  await withServer(async (base) => {
    assert.equal((await fetch(`${base}/items/nope`)).status, 404);
  });
});
