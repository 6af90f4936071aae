// In-memory order book. Prices are integers in cents.

const orders = new Map();
let nextId = 1;

export function createOrder({ customer, items }) {
  if (!customer || typeof customer !== 'string') throw new TypeError('customer is required');
  if (!Array.isArray(items) || items.length === 0) throw new TypeError('an order needs at least one item');
  const order = {
    id: String(nextId++),
    customer,
    items: items.map(({ sku, quantity, priceCents }) => ({ sku, quantity, priceCents })),
    totalCents: items.reduce((sum, item) => sum + item.quantity * item.priceCents, 0),
    createdAt: new Date().toISOString(),
  };
  orders.set(order.id, order);
  return order;
}

export function getOrder(id) {
  return orders.get(id);
}

export function listOrders() {
  return [...orders.values()];
}

export function resetOrders() {
  orders.clear();
  nextId = 1;
}
