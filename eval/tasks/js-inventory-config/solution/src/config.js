'use strict';

const fs = require('node:fs');
const path = require('node:path');

const DEFAULTS = { currency: 'USD', lowStockThreshold: 5, port: 3000 };
const DEFAULT_FILE = path.join(__dirname, '..', 'config', 'inventory.json');

/** The service settings: the file's values over the defaults, the environment over both. */
function loadConfig(file = DEFAULT_FILE, env = process.env) {
  let fromFile = {};
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    try {
      fromFile = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file} is not valid JSON: ${error.message}`);
    }
  }
  const config = { ...DEFAULTS, ...fromFile };
  if (env.INVENTORY_CURRENCY) config.currency = env.INVENTORY_CURRENCY;
  if (env.PORT) config.port = Number(env.PORT);
  return config;
}

module.exports = { loadConfig };
