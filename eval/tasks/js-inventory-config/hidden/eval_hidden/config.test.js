'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { loadConfig } = require('../src/config');

test('the repository carries config/inventory.json with the agreed values', () => {
  const file = path.join(__dirname, '..', 'config', 'inventory.json');
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { currency: 'EUR', lowStockThreshold: 5, port: 3000 });
});

test('loadConfig reads the default file', () => {
  assert.deepEqual(loadConfig(undefined, {}), { currency: 'EUR', lowStockThreshold: 5, port: 3000 });
});

test('the environment overrides the file; PORT becomes a number', () => {
  const config = loadConfig(undefined, { INVENTORY_CURRENCY: 'GBP', PORT: '8081' });
  assert.deepEqual(config, { currency: 'GBP', lowStockThreshold: 5, port: 8081 });
});

test('missing keys and a missing file give the defaults', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inv-config-'));
  try {
    const partial = path.join(dir, 'partial.json');
    fs.writeFileSync(partial, JSON.stringify({ lowStockThreshold: 9 }));
    assert.deepEqual(loadConfig(partial, {}), { currency: 'USD', lowStockThreshold: 9, port: 3000 });
    assert.deepEqual(loadConfig(path.join(dir, 'absent.json'), {}), { currency: 'USD', lowStockThreshold: 5, port: 3000 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('invalid JSON is an error naming the file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'inv-config-'));
  try {
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{ "currency": ');
    assert.throws(() => loadConfig(broken, {}), (error) => error instanceof Error && error.message.includes('broken.json'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
