'use strict';

const http = require('node:http');

function send(res, status, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(text);
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => {
      try {
        resolve(data ? JSON.parse(data) : {});
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

/** The HTTP API over an Inventory. */
function createServer(inventory) {
  return http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const parts = url.pathname.split('/').filter(Boolean);
    try {
      if (parts[0] !== 'items') return send(res, 404, { error: 'not found' });
      if (req.method === 'GET' && parts.length === 1) return send(res, 200, inventory.list());
      if (req.method === 'GET' && parts.length === 2) {
        const item = inventory.get(decodeURIComponent(parts[1]));
        return item ? send(res, 200, item) : send(res, 404, { error: 'not found' });
      }
      if (req.method === 'POST' && parts.length === 1) {
        const body = await readJson(req);
        const item = inventory.addItem(body.sku, body.name, body.quantity, body.priceCents);
        return send(res, 201, item);
      }
      return send(res, 405, { error: 'method not allowed' });
    } catch (error) {
      return send(res, 400, { error: error.message });
    }
  });
}

module.exports = { createServer };
