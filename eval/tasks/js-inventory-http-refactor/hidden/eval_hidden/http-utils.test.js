'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { PassThrough } = require('node:stream');
const { send, readJson } = require('../src/http-utils');
const { Inventory } = require('../src/inventory');
const { createServer } = require('../src/server');

function fakeResponse() {
  const res = { headers: undefined, status: undefined, body: undefined };
  res.writeHead = (status, headers) => Object.assign(res, { status, headers });
  res.end = (body) => (res.body = body);
  return res;
}

test('send writes JSON with its status and content type', () => {
  const res = fakeResponse();
  send(res, 201, { ok: true });
  assert.equal(res.status, 201);
  assert.equal(res.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(res.body), { ok: true });
});

test('readJson parses the body, {} when empty, and rejects invalid JSON', async () => {
  const body = (text) => {
    const req = new PassThrough();
    req.end(text);
    return req;
  };
  assert.deepEqual(await readJson(body('{"a":1}')), { a: 1 });
  assert.deepEqual(await readJson(body('')), {});
  await assert.rejects(readJson(body('{nope')));
});

test('the server module no longer defines the helpers itself', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', 'src', 'server.js'), 'utf8');
  assert.doesNotMatch(source, /function\s+(send|readJson)\s*\(/);
  assert.match(source, /http-utils/);
});

test('the API behaves as before', async () => {
  const server = createServer(new Inventory());
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  try {
    assert.equal((await fetch(`${base}/items`, { method: 'POST', body: JSON.stringify({ sku: 'A', name: 'Axe', quantity: 1, priceCents: 5 }) })).status, 201);
    assert.deepEqual((await (await fetch(`${base}/items`)).json()).map((i) => i.sku), ['A']);
    assert.equal((await fetch(`${base}/items`, { method: 'POST', body: '{broken' })).status, 400);
  } finally {
    server.close();
  }
});
