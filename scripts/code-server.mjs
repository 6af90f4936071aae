#!/usr/bin/env node
// Installs code-server 4.103.2 into the cache folder (see scripts/code-server/install.mjs).
// Usage: node scripts/code-server.mjs install   → prints the install folder on stdout
import { ensureCodeServer } from './code-server/install.mjs';

const command = process.argv[2] ?? 'install';
if (command !== 'install') {
  console.error('usage: node scripts/code-server.mjs install');
  process.exit(2);
}
const started = Date.now();
try {
  const cs = await ensureCodeServer();
  console.error(`code-server ready (${cs.cached ? 'cached' : 'installed'}) in ${Date.now() - started} ms`);
  console.log(cs.installDir);
} catch (error) {
  console.error(`code-server install failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
