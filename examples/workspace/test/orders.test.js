import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { afterEach, test } from 'node:test';
import { handle } from '../src/app.js';
import { resetOrders } from '../src/orders.js';

afterEach(() => resetOrders());

async function withServer(run) {
  const server = createServer(handle).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await run(`http://127.0.0.1:${server.address().port}`);
  } finally {
    server.close();
  }
}

test('creates an order and computes its total', () =>
  withServer(async (base) => {
    const response = await fetch(`${base}/orders`, {
      method: 'POST',
      body: JSON.stringify({ customer: 'ada', items: [{ sku: 'book', quantity: 2, priceCents: 1250 }] }),
    });
    assert.equal(response.status, 201);
    const order = await response.json();
    assert.equal(order.totalCents, 2500);
    assert.deepEqual(await (await fetch(`${base}/orders/${order.id}`)).json(), order);
  }));

test('rejects an order without items', () =>
  withServer(async (base) => {
    const response = await fetch(`${base}/orders`, { method: 'POST', body: JSON.stringify({ customer: 'ada', items: [] }) });
    assert.equal(response.status, 400);
  }));
