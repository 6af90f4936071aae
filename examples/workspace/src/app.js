import { createOrder, getOrder, listOrders } from './orders.js';

async function readJson(request) {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body ? JSON.parse(body) : {};
}

function send(response, status, value) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(value));
}

/** The request handler, kept apart from the listening server so tests can use it directly. */
export async function handle(request, response) {
  const url = new URL(request.url, 'http://localhost');
  try {
    if (request.method === 'GET' && url.pathname === '/health') return send(response, 200, { status: 'ok' });
    if (request.method === 'GET' && url.pathname === '/orders') return send(response, 200, listOrders());
    if (request.method === 'POST' && url.pathname === '/orders') return send(response, 201, createOrder(await readJson(request)));
    const match = /^\/orders\/([^/]+)$/.exec(url.pathname);
    if (request.method === 'GET' && match) {
      const order = getOrder(match[1]);
      return order ? send(response, 200, order) : send(response, 404, { error: 'order not found' });
    }
    return send(response, 404, { error: 'not found' });
  } catch (error) {
    return send(response, 400, { error: error.message });
  }
}
